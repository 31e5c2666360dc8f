import type { Platform, RunOutcome, RunRecord, Schedule, ScheduleSpec } from './schedule.ts';

/** What a run will do, decided inside the claim transaction from the channel's posted history. */
export type RunPlan =
  | { kind: 'post'; paperIds: string[] }
  /** Nothing left to post. `notify`: say so in the channel (the first time only). */
  | { kind: 'exhausted'; notify: boolean; total: number }
  /** The run cannot be carried out (e.g. its topic no longer exists); recorded as `failed`. */
  | { kind: 'fail'; detail: string };

export interface ClaimRequest {
  scheduleId: string;
  /** Unique per schedule: the slot's ISO time for cron runs, `manual:...` for `schedule run`. */
  slot: string;
  slotAt: Date;
  trigger: 'cron' | 'manual';
  /** Claim time. Cron runs of paused schedules are not claimed; manual runs ignore `paused`. */
  now: Date;
  /**
   * Decide what to post, given the schedule (fresh from the store) and the paper ids already posted
   * to its channel. Must be pure and synchronous: it runs inside the claim transaction.
   */
  plan(schedule: Schedule, posted: ReadonlySet<string>): RunPlan;
}

export type ClaimResult =
  | { claimed: true; runId: number; schedule: Schedule; plan: RunPlan }
  /** `taken`: another run (process) holds this slot; `gone`: the schedule was removed; `paused`. */
  | { claimed: false; why: 'taken' | 'gone' | 'paused' };

export interface RunFinish {
  outcome: Exclude<RunOutcome, 'pending'>;
  attempts: number;
  detail?: string;
  /**
   * On `exhausted` with a delivered notice: remember it so it is said once. (On `failed`, the
   * papers the claim reserved are released so a later run can post them; on `posted`, any
   * earlier exhaustion notice is forgotten.)
   */
  noticeSent?: boolean;
}

export type InsertResult = { ok: true } | { ok: false; why: 'duplicate-id' | 'channel-full' };

/** What `prune` deleted: rows of `runs` and of the posted history. */
export interface SchedulePruneResult {
  runs: number;
  posted: number;
}

export interface ConfigSyncResult {
  added: string[];
  updated: string[];
  removed: string[];
}

/**
 * Persistent schedule state: schedules, the per-channel posted history, and the run log.
 * Implementations must make `claimRun` atomic across processes sharing the store: a slot is
 * claimed by at most one caller, and the papers it plans are reserved in the same transaction.
 */
export interface ScheduleStore {
  /** Where the state lives (file path), for messages. */
  readonly location: string;

  listSchedules(where?: { platform?: Platform; channelId?: string; workspaceId?: string }): Promise<Schedule[]>;
  getSchedule(id: string): Promise<Schedule | undefined>;
  /** Add a chat-made schedule unless the id exists or its channel already has `maxPerChannel`. */
  insertSchedule(spec: ScheduleSpec, meta: { createdBy?: string; now: Date }, maxPerChannel: number): Promise<InsertResult>;
  /**
   * Apply one config file's schedules. `file` is the config file's absolute path (undefined: no
   * config file). Each config schedule records the file that defined it:
   * - every id in `specs` is inserted or updated (a changed cron/timezone restarts the schedule's
   *   clock at `now`) and recorded as `file`'s. The same id in two files: the last process to start
   *   owns it and its settings win (taking it over from another file counts as `updated`);
   * - config schedules of `file`, or of no recorded file (stored before files were recorded), that
   *   `specs` no longer lists are deleted. Without a file only those of no recorded file are;
   * - config schedules of other files are left alone: processes started with different config
   *   files never delete each other's schedules.
   * Chat-made schedules are untouched; an id used by a chat-made schedule is an error.
   */
  syncConfigSchedules(specs: readonly ScheduleSpec[], now: Date, file?: string): Promise<ConfigSyncResult>;
  /**
   * Pause (recording `reason` and `now`) or resume (clearing them). Resuming restarts the
   * schedule's clock at `now` (paused slots are not caught up). False when there is no such schedule.
   */
  setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean>;
  removeSchedule(id: string): Promise<boolean>;

  /**
   * Pause every running schedule of one workspace (`platform` + Slack team / Discord guild id) with
   * `reason`, at `now`. Schedules already paused keep their own reason (and stay paused when
   * `resumeWorkspace` runs); schedules with no recorded workspace are never touched. How many.
   */
  pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number>;
  /**
   * Resume the schedules of one workspace paused with exactly `reason` (their clocks restart at
   * `now`: nothing missed meanwhile is caught up). Others paused stay paused. How many.
   */
  resumeWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number>;
  /**
   * Delete chat-made schedules paused with exactly `reason` before `before` (with their run log, as
   * `removeSchedule`). Config-file schedules stay, paused: their file owns them. How many went.
   */
  purgePaused(reason: string, before: Date): Promise<number>;

  claimRun(req: ClaimRequest): Promise<ClaimResult>;
  finishRun(runId: number, finish: RunFinish, now: Date): Promise<void>;
  /** Record slots that will not be posted (missed outside the grace window). Existing slots are kept. */
  recordSkipped(scheduleId: string, slots: Date[], detail: string, now: Date): Promise<number>;
  /** Mark `pending` runs claimed before `claimedBefore` as failed (their process died mid-delivery). */
  failAbandoned(claimedBefore: Date, now: Date): Promise<number>;

  /** Run log of one schedule, newest slot first. */
  runs(scheduleId: string, limit?: number): Promise<RunRecord[]>;
  /** Paper ids posted (or reserved by a pending run) in a channel. */
  postedPaperIds(platform: Platform, channelId: string): Promise<string[]>;

  /**
   * Retention: delete what is older than `before` and no longer needed.
   * - runs finished before `before`, except each schedule's newest run and newest cron run (the
   *   cron run marks where its timetable stands: without it, slots already done would be looked
   *   at again); runs of schedules that no longer exist (any age). Pending runs are kept;
   * - posted history reserved before `before` (except a pending run's papers): a channel's
   *   no-repeat guarantee then holds within the retention period.
   */
  prune(before: Date): Promise<SchedulePruneResult>;

  close(): Promise<void>;
}
