import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Paperboy } from '../core/paperboy.ts';
import { StateStoreError } from '../db/errors.ts';
import type { Admins, WorkspaceAdmins } from '../reply/context.ts';
import { createScheduleCommand } from './schedule-command.ts';
import { ScheduleConfigError } from './errors.ts';
import type { Pacer } from '../posting/pace.ts';
import type { Posters } from '../posting/poster.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import type { ScheduleStore } from './store.ts';
import { DEFAULT_GRACE_MS, type ScheduleSpec } from './schedule.ts';

export { ScheduleConfigError } from './errors.ts';
export { StateStoreError } from '../db/errors.ts';
export { createScheduler, type Scheduler, type RunReport } from './scheduler.ts';
export { createScheduleCommand } from './schedule-command.ts';
export { SqliteScheduleStore } from './sqlite-store.ts';
export type { ScheduleStore } from './store.ts';

/** What the config file (`PAPERBOY_CONFIG`) says about schedules; the app reads the file. */
export interface ScheduleSettings {
  /** The file it came from (absent: no config file). */
  file?: string;
  /** Missed slots younger than this are posted on start; older ones are recorded as skipped. */
  graceMs: number;
  /** Who may manage schedules, per platform. */
  admins: Admins;
  /**
   * The file's schedules, upserted at start and recorded as the file's (by its absolute path); the
   * file's schedules no longer in it are removed, other config files' are left alone.
   */
  schedules: readonly ScheduleSpec[];
}

/** No config file: no config schedules, anyone may manage schedules, the default grace window. */
export const NO_SCHEDULE_SETTINGS: ScheduleSettings = { graceMs: DEFAULT_GRACE_MS, admins: {}, schedules: [] };

export interface StartSchedulingOptions {
  /** The schedules' store (the state root's). */
  store: ScheduleStore;
  /** The config file's schedule settings (default: none). */
  settings?: ScheduleSettings;
  paperboy: Paperboy;
  /** How to post on each platform (adapters' `post`). Slots of a platform without one are left to processes that serve it. */
  posters: Posters;
  logger: Logger;
  clock?: Clock;
  /** Start the timers (default true). With false, call `scheduler.start()` once the adapters are up. */
  start?: boolean;
  /** The outgoing pace, shared with watch alerts (`posting/pace.ts`). Default: none (tests). */
  pacer?: Pacer;
  /** Admins of their own workspace (Slack OAuth mode: who installed Paperboy there), beside the config's `admins`. */
  workspaceAdmins?: WorkspaceAdmins;
}

export interface Scheduling {
  scheduler: Scheduler;
  store: ScheduleStore;
  settings: ScheduleSettings;
  /** Stop the timers and wait for posts in flight (the store is the state root's to close). */
  close(): Promise<void>;
}

/**
 * Upsert the config file's schedules into the store, register the `schedule` command on the
 * Paperboy and (by default) start the timers. Throws `ScheduleConfigError` with a message for the
 * user when the file's schedules clash with the stored ones.
 */
export async function startScheduling(opts: StartSchedulingOptions): Promise<Scheduling> {
  const { paperboy, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const settings = opts.settings ?? NO_SCHEDULE_SETTINGS;
  const { store } = opts;
  // Config schedules belong to their file, named by its absolute path: every process started with
  // it (any working directory) names it alike, and processes with other files keep theirs.
  const configFile = settings.file ? resolve(settings.file) : undefined;
  try {
    const sync = await store.syncConfigSchedules(settings.schedules, clock.now(), configFile);
    if (sync.added.length + sync.updated.length + sync.removed.length > 0) {
      logger.info({ ...sync, file: configFile }, 'schedules from the config file applied');
    }
  } catch (err) {
    if (err instanceof StateStoreError) throw err;
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
    ...(opts.pacer ? { pacer: opts.pacer } : {}),
  });
  paperboy.register(
    createScheduleCommand({
      store,
      scheduler,
      admins: settings.admins,
      ...(opts.workspaceAdmins ? { workspaceAdmins: opts.workspaceAdmins } : {}),
      ...(configFile ? { configFile } : {}),
    }),
  );
  if (opts.start ?? true) await scheduler.start();
  logger.info({ db: store.location, graceMs: settings.graceMs }, 'scheduling ready');
  return {
    scheduler,
    store,
    settings,
    close: () => scheduler.stop(),
  };
}
