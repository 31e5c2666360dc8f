import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Paperboy } from '../core/paperboy.ts';
import type { Admins } from '../reply/context.ts';
import { createScheduleCommand } from './schedule-command.ts';
import { ScheduleConfigError } from './errors.ts';
import type { Posters } from '../posting/poster.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { SqliteScheduleStore, STATE_DB_FILE } from './sqlite-store.ts';
import type { ScheduleStore } from './store.ts';
import { DEFAULT_GRACE_MS, type ScheduleSpec } from './schedule.ts';

export { StateStoreError, ScheduleConfigError } from './errors.ts';
export { createScheduler, type Scheduler, type RunReport } from './scheduler.ts';
export { createScheduleCommand } from './schedule-command.ts';
export { SqliteScheduleStore, STATE_DB_FILE } from './sqlite-store.ts';
export type { ScheduleStore } from './store.ts';

/** What the config file (`PAPERBOY_CONFIG`) says about schedules; the app reads the file. */
export interface ScheduleSettings {
  /** The file it came from (absent: no config file). */
  file?: string;
  /** Missed slots younger than this are posted on start; older ones are recorded as skipped. */
  graceMs: number;
  /** Who may manage schedules, per platform. */
  admins: Admins;
  /** The file's schedules, upserted at start (and those no longer in it removed). */
  schedules: readonly ScheduleSpec[];
}

/** No config file: no config schedules, anyone may manage schedules, the default grace window. */
export const NO_SCHEDULE_SETTINGS: ScheduleSettings = { graceMs: DEFAULT_GRACE_MS, admins: {}, schedules: [] };

export interface StartSchedulingOptions {
  config: { dataDir: string };
  /** The config file's schedule settings (default: none). */
  settings?: ScheduleSettings;
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
  settings: ScheduleSettings;
  /** Stop the timers, wait for posts in flight, close the database. */
  close(): Promise<void>;
}

/**
 * Open `<DATA_DIR>/state.db`, upsert the config file's schedules, register the `schedule` command
 * on the Paperboy and (by default) start the timers. Throws `StateStoreError` / `ScheduleConfigError`
 * with a message for the user when the database cannot be used or the file's schedules clash with
 * the stored ones.
 */
export async function startScheduling(opts: StartSchedulingOptions): Promise<Scheduling> {
  const { paperboy, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const settings = opts.settings ?? NO_SCHEDULE_SETTINGS;
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
    paperboy.register(createScheduleCommand({ store, scheduler, admins: settings.admins, ...(settings.file ? { configFile: settings.file } : {}) }));
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
