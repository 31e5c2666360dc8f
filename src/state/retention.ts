import type { Logger } from 'pino';
import type { PaperPruneResult } from '../library/store.ts';
import type { SchedulePruneResult } from '../schedule/store.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import type { VotePruneResult } from '../votes/store.ts';
import type { WatchPruneResult } from '../watch/store.ts';
import { purgeRemovedWorkspaces, WORKSPACE_PURGE_DAYS, type WorkspaceCounts } from '../workspaces/lifecycle.ts';
import type { State } from './state.ts';

/** How long run records, posted history, alerts and the like are kept (`RETENTION_DAYS`). */
export const DEFAULT_RETENTION_DAYS = 365;
/** The shortest retention allowed: longer than the longest grace window for missed slots (a week). */
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 3650;

const DAY_MS = 86_400_000;
/** How often a running bot prunes. */
export const RETENTION_INTERVAL_MS = DAY_MS;
/** The first prune waits this long after `start()`, out of the way of start-up. */
export const RETENTION_FIRST_DELAY_MS = 60_000;

/** What one pass deleted, per store (absent: that store's prune failed; see `failed`). */
export interface RetentionReport {
  /** Records older than this went. */
  before: Date;
  schedules?: SchedulePruneResult;
  watches?: WatchPruneResult;
  papers?: PaperPruneResult;
  votes?: VotePruneResult;
  /** Expired short-lived entries (conversations, button actions, seen request ids). */
  ephemeral?: number;
  /** Expired Slack install states (issued for an "Add to Slack" click that never came back). */
  installStates?: number;
  /**
   * Schedules and watches of workspaces that removed the bot, deleted after being paused for that
   * reason `WORKSPACE_PURGE_DAYS` (30), whatever `days` is.
   */
  removedWorkspaces?: WorkspaceCounts;
  /** Stores whose prune failed (logged); the next pass tries again. */
  failed: string[];
}

export interface RetentionOptions {
  /** The state root's stores. */
  state: Pick<State, 'schedules' | 'watches' | 'papers' | 'votes' | 'ephemeral' | 'installations'>;
  /** Keep this many days (`RETENTION_DAYS`, validated by the app's config). */
  days: number;
  logger: Logger;
  clock?: Clock;
  /** Between passes (default a day). */
  intervalMs?: number;
  /** Before the first pass after `start()` (default a minute). */
  firstDelayMs?: number;
}

export interface Retention {
  readonly days: number;
  /** One pass now: every store pruned of what is older than `days` (one at a time; a call during a pass gets that pass). */
  runOnce(): Promise<RetentionReport>;
  /** Prune soon, then every `intervalMs`, on an unref'd timer (it never keeps the process alive). Idempotent. */
  start(): void;
  /** Stop the timer and wait for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Retention for a running bot: once a day, delete from every store what is older than the
 * retention period (`RETENTION_DAYS`) and no longer needed — finished schedule runs and posted
 * history, finished watch alerts and their deliveries, old ingest runs and job slots, one-paper
 * posts nobody reacted to, expired short-lived entries and Slack install states, and the schedules
 * and watches of workspaces that removed the bot 30 days ago — so no table grows without bound. Each
 * store decides what it must keep (see its `prune`). Several processes may prune one database:
 * the deletes are idempotent, and a store failure is logged and retried at the next pass.
 */
export function createRetention(opts: RetentionOptions): Retention {
  const { state, days, logger } = opts;
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new RangeError(`retention must be ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS} days, not ${days}`);
  }
  const clock = opts.clock ?? systemClock;
  const intervalMs = opts.intervalMs ?? RETENTION_INTERVAL_MS;
  const firstDelayMs = opts.firstDelayMs ?? RETENTION_FIRST_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionReport> | undefined;

  async function pass(): Promise<RetentionReport> {
    const now = clock.now();
    const before = new Date(now.getTime() - days * DAY_MS);
    const report: RetentionReport = { before, failed: [] };
    const prune = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (err) {
        report.failed.push(name);
        logger.error({ err, store: name }, 'retention: pruning failed; the next pass tries again');
        return undefined;
      }
    };
    const schedules = await prune('schedules', () => state.schedules.prune(before));
    const watches = await prune('watches', () => state.watches.prune(before));
    const papers = await prune('papers', () => state.papers.prune(before));
    const votes = await prune('votes', () => state.votes.prune(before));
    const ephemeral = await prune('ephemeral', () => state.ephemeral.prune(now));
    const installStates = await prune('installations', () => state.installations.pruneStates(now));
    const removedWorkspaces = await prune('removed-workspaces', () => purgeRemovedWorkspaces(state, now, WORKSPACE_PURGE_DAYS));
    if (schedules) report.schedules = schedules;
    if (watches) report.watches = watches;
    if (papers) report.papers = papers;
    if (votes) report.votes = votes;
    if (ephemeral !== undefined) report.ephemeral = ephemeral;
    if (installStates !== undefined) report.installStates = installStates;
    if (removedWorkspaces) report.removedWorkspaces = removedWorkspaces;
    const { failed, ...counts } = report;
    logger.info({ ...counts, before: before.toISOString(), days, ...(failed.length ? { failed } : {}) }, 'retention: old records pruned');
    return report;
  }

  function runOnce(): Promise<RetentionReport> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function arm(ms: number): void {
    const armed = setTimeout(() => {
      void runOnce()
        .catch(() => undefined)
        .finally(() => {
          // Unless stopped (or stopped and started again) meanwhile.
          if (timer === armed) arm(intervalMs);
        });
    }, ms);
    armed.unref();
    timer = armed;
  }

  return {
    days,
    runOnce,
    start() {
      if (timer === undefined) arm(firstDelayMs);
    },
    async stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
