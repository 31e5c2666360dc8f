import type { RequestContext } from '../reply/context.ts';

/** Platforms a schedule can post to (the same names as `RequestContext.platform`). */
export type Platform = RequestContext['platform'];

/** What a schedule posts. */
export type ScheduleKind = 'digest' | 'paper-of-the-day';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['digest', 'paper-of-the-day'];

/** Papers per digest when `--count` is not given, and the most a digest may hold (Discord allows 10 embeds). */
export const DEFAULT_DIGEST_COUNT = 5;
export const MAX_DIGEST_COUNT = 10;

/** At most this many schedules (chat-made and config-file ones together) per channel. */
export const MAX_SCHEDULES_PER_CHANNEL = 10;

/** Default catch-up window for slots missed while the bot was down. */
export const DEFAULT_GRACE_MS = 60 * 60 * 1000;

/** Which papers a schedule draws from: all of them, a free-text query, or a named topic. */
export type PaperFilter = { kind: 'all' } | { kind: 'query'; query: string } | { kind: 'topic'; topic: string };

/** A schedule as the user declared it (config file or chat). */
export interface ScheduleSpec {
  id: string;
  platform: Platform;
  /**
   * Slack team id / Discord guild id of the channel: where `schedule add` was typed, or a config
   * schedule's `workspace`. Absent for schedules made before workspaces were recorded.
   */
  workspaceId?: string;
  channelId: string;
  /** Cron expression (5 fields or a nickname such as `@daily`). */
  cron: string;
  /** IANA timezone the cron expression is read in. */
  timezone: string;
  kind: ScheduleKind;
  /** Papers per post (always 1 for `paper-of-the-day`). */
  count: number;
  filter: PaperFilter;
}

/** A schedule as stored, with its state. */
export interface Schedule extends ScheduleSpec {
  source: 'config' | 'chat';
  /**
   * The config file that defines a config schedule (its absolute path): the last process to start
   * with a file listing this id. Absent for chat-made schedules and for config schedules stored
   * before files were recorded (or synced without a file).
   */
  configFile?: string;
  paused: boolean;
  /** Why it is paused (`paused by U123`, `WORKSPACE_REMOVED`); absent while running. */
  pausedReason?: string;
  /** When it was paused (absent for pauses made before this was recorded). */
  pausedAt?: Date;
  /** Platform user id of whoever created it in chat. */
  createdBy?: string;
  createdAt: Date;
  /**
   * Slots at or before this instant are never posted (creation time, resume time, or the time a
   * config-file schedule's cron/timezone last changed).
   */
  activeSince: Date;
  /** When the "all papers posted" notice went out; cleared when a post succeeds again. */
  exhaustedAt?: Date;
  /** The latest cron slot with a run record (any outcome). */
  lastSlotAt?: Date;
}

/** What happened to one slot (or one manual run). `pending` while a process is delivering it. */
export type RunOutcome = 'pending' | 'posted' | 'skipped' | 'failed' | 'exhausted';

export interface RunRecord {
  id: number;
  scheduleId: string;
  /** `2026-03-02T08:00:00.000Z` for cron slots, `manual:<iso>:<nonce>` for `schedule run`. */
  slot: string;
  slotAt: Date;
  trigger: 'cron' | 'manual';
  outcome: RunOutcome;
  /** Why it was skipped/failed, or a note (e.g. `quiet` for a repeated exhaustion). */
  detail?: string;
  attempts: number;
  paperIds: string[];
  claimedAt: Date;
  finishedAt?: Date;
}
