import type { AlertRecord, DeliveryRecord, Platform, Watch, WatchSpec } from './watch.ts';

export type InsertWatchResult = { ok: true; watch: Watch } | { ok: false; why: 'duplicate-id' | 'channel-full' };

/** A paper an alert may carry: its id and every other id it was known by (no paper is sent twice). */
export interface AlertCandidate {
  id: string;
  otherIds?: readonly string[];
}

export interface AlertClaimRequest {
  watchId: string;
  /** New matches, in the order the alert lists them. */
  papers: readonly AlertCandidate[];
  now: Date;
  /** Papers whose earlier alerts failed ride along while they have been in fewer alerts than this. */
  maxTries: number;
}

export type AlertClaim =
  | { claimed: true; alertId: number; watch: Watch; paperIds: string[]; retried: string[] }
  /** `gone`: removed; `paused`; `nothing`: every paper is taken (sent, or being sent by another process). */
  | { claimed: false; why: 'gone' | 'paused' | 'nothing' };

/** What `prune` deleted. */
export interface WatchPruneResult {
  alerts: number;
  deliveries: number;
}

export interface AlertFinish {
  status: 'posted' | 'failed';
  attempts: number;
  reason?: string;
}

/**
 * Persistent watch state: the watches, one row per (watch, paper) delivery and one per alert
 * (message), and the revision of the paper store up to which arrivals were looked at.
 *
 * `claimAlert` must be atomic across processes sharing the store: a (watch, paper) row is claimed
 * by at most one caller, ever, before anything is sent. SQLite now; PostgreSQL fills the same
 * interface later (every method is async for that reason).
 */
export interface WatchStore {
  /** Where the state lives (file path), for messages. */
  readonly location: string;

  listWatches(where?: { platform?: Platform; channelId?: string }): Promise<Watch[]>;
  getWatch(id: string): Promise<Watch | undefined>;
  /** Add a watch, created at `now`, unless the id is taken or its channel already has `maxPerChannel`. */
  insertWatch(spec: WatchSpec, now: Date, maxPerChannel: number): Promise<InsertWatchResult>;
  /** Delete a watch with its alerts and deliveries. */
  removeWatch(id: string): Promise<boolean>;
  /** Pause (with a reason) or resume. False when there is no such watch. */
  setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean>;

  /**
   * Pause every running watch of one workspace (`platform` + Slack team / Discord guild id) with
   * `reason`, at `now`. Watches already paused keep their own reason (and stay paused when
   * `resumeWorkspace` runs); watches with no recorded workspace are never touched. How many.
   */
  pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number>;
  /**
   * Resume the watches of one workspace paused with exactly `reason`. Papers that arrived while
   * they were paused are not sent later (as with `watch resume`). How many.
   */
  resumeWorkspace(platform: Platform, workspaceId: string, reason: string): Promise<number>;
  /** Delete the watches paused with exactly `reason` before `before`, with their alerts and deliveries. How many went. */
  purgePaused(reason: string, before: Date): Promise<number>;

  /**
   * Claim the papers of one alert in one transaction: every candidate with no delivery row for the
   * watch (under any of its ids) gets a `pending` row, and so do the watch's `failed` rows that
   * have been in fewer than `maxTries` alerts. Refused for a removed or paused watch.
   */
  claimAlert(req: AlertClaimRequest): Promise<AlertClaim>;
  /** Record how an alert went, on the alert and on each of its delivery rows. */
  finishAlert(alertId: number, finish: AlertFinish, now: Date): Promise<void>;
  /**
   * Mark `pending` alerts claimed before `claimedBefore` as failed: their process stopped while
   * sending. They are not offered again (the message may have gone out). Returns how many.
   */
  failAbandoned(claimedBefore: Date, now: Date): Promise<number>;

  /** Alerts of one watch, newest first. */
  alerts(watchId: string, limit?: number): Promise<AlertRecord[]>;
  getAlert(alertId: number): Promise<AlertRecord | undefined>;
  /** Delivery rows of one watch, newest alert first (then in alert order). */
  deliveries(watchId: string): Promise<DeliveryRecord[]>;

  /** The paper-store revision up to which arrivals were looked at for a platform (undefined: never). */
  cursor(platform: Platform): Promise<number | undefined>;
  /** Move a platform's cursor forward (never back). */
  advanceCursor(platform: Platform, revision: number): Promise<void>;

  /**
   * Retention: delete the alerts that finished (posted or failed) before `before`, with the
   * delivery rows they hold. Delivery rows are what keeps a watch from sending a paper twice, so the
   * no-repeat rule then holds within the retention period: a paper whose delivery is older than that
   * may be sent again only if it arrives again (changed since the watch last looked) after its row
   * is gone. Pending alerts and their rows are kept, and so is every delivery held by a newer alert
   * (a failed paper that rode along again). Watches and cursors are kept.
   */
  prune(before: Date): Promise<WatchPruneResult>;

  close(): Promise<void>;
}
