import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../app/config.ts';
import type { Paperboy } from '../core/paperboy.ts';
import { createScheduleCommand } from './schedule-command.ts';
import { loadScheduleConfig, type ScheduleConfig } from './config-file.ts';
import { ScheduleConfigError } from './errors.ts';
import { createScheduler, systemClock, type Clock, type Posters, type Scheduler } from './scheduler.ts';
import { SqliteScheduleStore, STATE_DB_FILE } from './sqlite-store.ts';
import type { ScheduleStore } from './store.ts';

export { StateStoreError, ScheduleConfigError } from './errors.ts';
export { createScheduler, type Scheduler, type Posters, type Poster, type Clock, type RunReport } from './scheduler.ts';
export { createScheduleCommand } from './schedule-command.ts';
export { SqliteScheduleStore, STATE_DB_FILE } from './sqlite-store.ts';
export type { ScheduleStore } from './store.ts';
export { loadScheduleConfig, parseScheduleConfig, type ScheduleConfig } from './config-file.ts';

export interface StartSchedulingOptions {
  config: Pick<Config, 'dataDir' | 'scheduleConfigPath'>;
  paperboy: Paperboy;
  /** How to post on each platform (adapters' `post`). A platform without one records failed runs. */
  posters: Posters;
  logger: Logger;
  clock?: Clock;
  /** Start the timers (default true). With false, call `scheduler.start()` once the adapters are up. */
  start?: boolean;
}

export interface Scheduling {
  scheduler: Scheduler;
  store: ScheduleStore;
  settings: ScheduleConfig;
  /** Stop the timers, wait for posts in flight, close the database. */
  close(): Promise<void>;
}

/**
 * Open `<DATA_DIR>/state.db`, load the schedule config file (`PAPERBOY_CONFIG`), upsert its
 * schedules, register the `schedule` command on the Paperboy and (by default) start the timers.
 * Throws `StateStoreError` / `ScheduleConfigError` with a message for the user when the database
 * or the config file cannot be used.
 */
export async function startScheduling(opts: StartSchedulingOptions): Promise<Scheduling> {
  const { paperboy, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const settings = await loadScheduleConfig(opts.config.scheduleConfigPath, { topics: paperboy.deps.topics, now: clock.now() });
  const store = SqliteScheduleStore.open(join(opts.config.dataDir, STATE_DB_FILE));
  try {
    try {
      const sync = await store.syncConfigSchedules(settings.schedules, clock.now());
      if (sync.added.length + sync.updated.length + sync.removed.length > 0) {
        logger.info({ ...sync, file: settings.file }, 'schedules from the config file applied');
      }
    } catch (err) {
      const file = settings.file ?? '(no config file)';
      throw new ScheduleConfigError(`${file}: ${err instanceof Error ? err.message : String(err)}`, file);
    }
    const scheduler = createScheduler({
      store,
      engine: () => paperboy.deps.engine,
      topics: () => paperboy.deps.topics,
      posters: opts.posters,
      logger: logger.child({ component: 'scheduler' }),
      clock,
      graceMs: settings.graceMs,
    });
    paperboy.register(
      createScheduleCommand({ store, scheduler, admins: settings.admins, ...(settings.file ? { configFile: settings.file } : {}) }),
    );
    if (opts.start ?? true) await scheduler.start();
    logger.info({ db: store.location, graceMs: settings.graceMs }, 'scheduling ready');
    let closed = false;
    return {
      scheduler,
      store,
      settings,
      async close() {
        if (closed) return;
        closed = true;
        await scheduler.stop();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
