import type pg from 'pg';
import { changes, lockFor, postgresError, row, rows, transaction, type Queryable } from '../db/postgres.ts';
import type { PaperFilter, Platform, RunOutcome, RunRecord, Schedule, ScheduleKind, ScheduleSpec } from './schedule.ts';
import type { ClaimRequest, ClaimResult, ConfigSyncResult, InsertResult, RunFinish, RunPlan, SchedulePruneResult, ScheduleStore } from './store.ts';

interface ScheduleRow {
  id: string;
  platform: string;
  channel_id: string;
  cron: string;
  timezone: string;
  kind: string;
  count: number;
  filter_kind: string;
  filter_value: string | null;
  source: string;
  paused: boolean;
  created_by: string | null;
  created_at: number;
  active_since: number;
  exhausted_at: number | null;
  config_file: string | null;
  workspace_id: string | null;
  paused_reason: string | null;
  paused_at: number | null;
  last_slot_at: number | null;
}

interface RunRow {
  id: number;
  schedule_id: string;
  slot: string;
  slot_at: number;
  trigger: string;
  outcome: string;
  detail: string | null;
  attempts: number;
  claimed_at: number;
  finished_at: number | null;
  paper_ids: string[];
}

function toSchedule(r: ScheduleRow): Schedule {
  const filter: PaperFilter =
    r.filter_kind === 'query' && r.filter_value !== null
      ? { kind: 'query', query: r.filter_value }
      : r.filter_kind === 'topic' && r.filter_value !== null
        ? { kind: 'topic', topic: r.filter_value }
        : { kind: 'all' };
  const s: Schedule = {
    id: r.id,
    platform: r.platform as Platform,
    channelId: r.channel_id,
    cron: r.cron,
    timezone: r.timezone,
    kind: r.kind as ScheduleKind,
    count: r.count,
    filter,
    source: r.source === 'config' ? 'config' : 'chat',
    paused: r.paused,
    createdAt: new Date(r.created_at),
    activeSince: new Date(r.active_since),
  };
  if (r.config_file !== null) s.configFile = r.config_file;
  if (r.workspace_id !== null) s.workspaceId = r.workspace_id;
  if (r.paused_reason !== null) s.pausedReason = r.paused_reason;
  if (r.paused_at !== null) s.pausedAt = new Date(r.paused_at);
  if (r.created_by !== null) s.createdBy = r.created_by;
  if (r.exhausted_at !== null) s.exhaustedAt = new Date(r.exhausted_at);
  if (r.last_slot_at !== null) s.lastSlotAt = new Date(r.last_slot_at);
  return s;
}

function toRun(r: RunRow): RunRecord {
  const run: RunRecord = {
    id: r.id,
    scheduleId: r.schedule_id,
    slot: r.slot,
    slotAt: new Date(r.slot_at),
    trigger: r.trigger === 'manual' ? 'manual' : 'cron',
    outcome: r.outcome as RunOutcome,
    attempts: r.attempts,
    paperIds: r.paper_ids,
    claimedAt: new Date(r.claimed_at),
  };
  if (r.detail !== null) run.detail = r.detail;
  if (r.finished_at !== null) run.finishedAt = new Date(r.finished_at);
  return run;
}

function filterColumns(f: PaperFilter): [kind: string, value: string | null] {
  switch (f.kind) {
    case 'all':
      return ['all', null];
    case 'query':
      return ['query', f.query];
    case 'topic':
      return ['topic', f.topic];
  }
}

/** `$1`…`$9` of INSERT_SCHEDULE and of the config update: the spec's own columns. */
function specParams(spec: ScheduleSpec): unknown[] {
  return [spec.id, spec.platform, spec.channelId, spec.cron, spec.timezone, spec.kind, spec.count, ...filterColumns(spec.filter)];
}

/**
 * A new schedule, active from `$12` (now); `$10` is `chat` or `config`, `$11` the creator, `$13` a
 * config schedule's file (or NULL), `$14` its workspace (or NULL).
 */
const INSERT_SCHEDULE = `
  INSERT INTO schedules (id, platform, channel_id, cron, timezone, kind, count, filter_kind, filter_value,
    source, paused, created_by, created_at, active_since, config_file, workspace_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11, $12, $12, $13, $14)
  ON CONFLICT (id) DO NOTHING`;

const SCHEDULE_SELECT = `
  SELECT s.*, (SELECT MAX(r.slot_at) FROM runs r WHERE r.schedule_id = s.id AND r.trigger = 'cron') AS last_slot_at
  FROM schedules s`;

/** Serialises config-schedule syncs: processes starting at once with the same file take turns. */
const CONFIG_SYNC_LOCK = 'schedules:config-sync';
/** Serialises retention prunes: processes pruning at once take turns. */
const PRUNE_LOCK = 'schedules:prune';
/** Serialises the count-then-insert of chat-made schedules in one channel (the per-channel cap). */
const channelCapLock = (platform: string, channelId: string) => `schedules:${platform}:${channelId}`;
/** Serialises claims in one channel: the posted-history read and the reservation are one step. */
const postedLock = (platform: string, channelId: string) => `posted:${platform}:${channelId}`;

/** An error that is not the database's (the caller's plan, a config clash): thrown on as it is, not as a `StateStoreError`. */
class NotDatabase extends Error {
  constructor(readonly inner: unknown) {
    super('not a database error', { cause: inner });
  }
}

/**
 * The schedule store on PostgreSQL, shared by every process that names the database. SQLite's
 * single writer made the SQLite store's transactions safe by accident; here each write path that
 * reads before it writes has its own lock or constraint (transactions are READ COMMITTED):
 * - `claimRun`: the slot by UNIQUE (schedule_id, slot) with ON CONFLICT DO NOTHING (exactly one
 *   caller wins); the posted history by an advisory lock per channel, so two schedules of one
 *   channel claiming at once never plan the same paper; the schedule row is held FOR SHARE, so it
 *   is not removed, paused or moved to another channel between the read and the claim.
 * - `insertSchedule`: an advisory lock per channel around the count and the insert (the cap), and
 *   ON CONFLICT on the id (never a duplicate, never an error).
 * - `syncConfigSchedules`: one advisory lock for the whole sync (see there).
 * - `prune`: one advisory lock, so two processes' prunes take turns (see there).
 * - `finishRun`, `recordSkipped`, `failAbandoned`, `removeSchedule`: one transaction or statement
 *   each, with their row locks taken in an order that cannot deadlock with a claim.
 * Database failures are thrown as `StateStoreError` (`postgresError`), with a message for the user.
 */
export class PostgresScheduleStore implements ScheduleStore {
  readonly location: string;
  readonly #pool: pg.Pool;

  /** A store over the state root's pool (whose migrations it has run); `close()` leaves the pool to the state root. */
  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async #query<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    try {
      return await work(this.#pool);
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }

  async #tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await transaction(this.#pool, work);
    } catch (err) {
      throw err instanceof NotDatabase ? err.inner : postgresError(this.location, err);
    }
  }

  /** One schedule; `lock` holds its row until the transaction ends. */
  async #schedule(db: Queryable, id: string, lock = ''): Promise<Schedule | undefined> {
    const r = await row<ScheduleRow>(db, `${SCHEDULE_SELECT} WHERE s.id = $1 ${lock}`, [id]);
    return r ? toSchedule(r) : undefined;
  }

  async listSchedules(where: { platform?: Platform; channelId?: string; workspaceId?: string } = {}): Promise<Schedule[]> {
    const conds: string[] = [];
    const params: string[] = [];
    if (where.platform) {
      params.push(where.platform);
      conds.push(`s.platform = $${params.length}`);
    }
    if (where.workspaceId !== undefined) {
      params.push(where.workspaceId);
      conds.push(`s.workspace_id = $${params.length}`);
    }
    if (where.channelId !== undefined) {
      params.push(where.channelId);
      conds.push(`s.channel_id = $${params.length}`);
    }
    const sql = `${SCHEDULE_SELECT}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY s.created_at, s.id COLLATE "C"`;
    return this.#query(async (db) => (await rows<ScheduleRow>(db, sql, params)).map(toSchedule));
  }

  async getSchedule(id: string): Promise<Schedule | undefined> {
    return this.#query((db) => this.#schedule(db, id));
  }

  async insertSchedule(spec: ScheduleSpec, meta: { createdBy?: string; now: Date }, maxPerChannel: number): Promise<InsertResult> {
    return this.#tx(async (c): Promise<InsertResult> => {
      // Inserts into one channel take turns, so the count below includes every committed one.
      await lockFor(c, channelCapLock(spec.platform, spec.channelId));
      if (await row(c, 'SELECT 1 FROM schedules WHERE id = $1', [spec.id])) return { ok: false, why: 'duplicate-id' };
      const counted = await row<{ n: number }>(c, 'SELECT COUNT(*) AS n FROM schedules WHERE platform = $1 AND channel_id = $2', [
        spec.platform,
        spec.channelId,
      ]);
      if ((counted?.n ?? 0) >= maxPerChannel) return { ok: false, why: 'channel-full' };
      // The same id made at once in another channel (another lock): the primary key decides.
      const inserted = await changes(c, INSERT_SCHEDULE, [
        ...specParams(spec),
        'chat',
        meta.createdBy ?? null,
        meta.now.getTime(),
        null,
        spec.workspaceId ?? null,
      ]);
      return inserted > 0 ? { ok: true } : { ok: false, why: 'duplicate-id' };
    });
  }

  /**
   * The whole sync holds one advisory lock, so processes starting at once take turns: with the same
   * config file the later one finds nothing to do. Processes started with DIFFERENT config files
   * remove only their own file's schedules (and those of no recorded file), never the other's; an
   * id both files list belongs to the one that syncs last (takes the lock last), with its settings.
   */
  async syncConfigSchedules(specs: readonly ScheduleSpec[], now: Date, file?: string): Promise<ConfigSyncResult> {
    const owner = file ?? null;
    return this.#tx(async (c): Promise<ConfigSyncResult> => {
      await lockFor(c, CONFIG_SYNC_LOCK);
      const result: ConfigSyncResult = { added: [], updated: [], removed: [] };
      const t = now.getTime();
      const wanted = new Set(specs.map((s) => s.id));
      for (const spec of specs) {
        let old = await this.#schedule(c, spec.id, 'FOR UPDATE OF s');
        if (!old) {
          if ((await changes(c, INSERT_SCHEDULE, [...specParams(spec), 'config', null, t, owner, spec.workspaceId ?? null])) > 0) {
            result.added.push(spec.id);
            continue;
          }
          // A schedule made in chat took the id since the read above.
          old = await this.#schedule(c, spec.id, 'FOR UPDATE OF s');
        }
        if (old && old.source !== 'config') {
          throw new NotDatabase(new Error(`schedule id "${spec.id}" is already used by a schedule made in chat; pick another id`));
        }
        if (!old) throw new NotDatabase(new Error(`schedule id "${spec.id}" changed while the config file was applied; start again`));
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        const timingChanged = old.cron !== spec.cron || old.timezone !== spec.timezone;
        const placeChanged = old.platform !== spec.platform || old.channelId !== spec.channelId;
        const contentChanged = old.kind !== spec.kind || old.count !== spec.count || !same(old.filter, spec.filter);
        const ownerChanged = (old.configFile ?? null) !== owner;
        // A workspace named (or corrected) in the file is recorded; the channel is the same, so the timetable goes on.
        const workspaceChanged = old.workspaceId !== spec.workspaceId;
        if (!timingChanged && !placeChanged && !contentChanged && !ownerChanged && !workspaceChanged) continue;
        await c.query(
          `UPDATE schedules SET platform = $2, channel_id = $3, cron = $4, timezone = $5,
             kind = $6, count = $7, filter_kind = $8, filter_value = $9, config_file = $13, workspace_id = $14,
             active_since = CASE WHEN $10::boolean THEN $12::bigint ELSE active_since END,
             exhausted_at = CASE WHEN $11::boolean THEN NULL ELSE exhausted_at END
           WHERE id = $1`,
          [...specParams(spec), timingChanged || placeChanged, placeChanged || contentChanged, t, owner, spec.workspaceId ?? null],
        );
        result.updated.push(spec.id);
      }
      // This file's schedules and those of no recorded file; other files' are theirs to remove.
      const stale = (
        await rows<{ id: string }>(
          c,
          `SELECT id FROM schedules WHERE source = 'config' AND (config_file IS NULL OR config_file = $1) ORDER BY created_at, id COLLATE "C" FOR UPDATE`,
          [owner],
        )
      )
        .map((r) => r.id)
        .filter((id) => !wanted.has(id));
      for (const id of stale) await this.#remove(c, id);
      result.removed.push(...stale);
      return result;
    });
  }

  async setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean> {
    return this.#query(async (db) => {
      const n = paused
        ? await changes(db, 'UPDATE schedules SET paused = TRUE, paused_reason = $1, paused_at = $2 WHERE id = $3', [reason ?? null, now.getTime(), id])
        : await changes(db, 'UPDATE schedules SET paused = FALSE, paused_reason = NULL, paused_at = NULL, active_since = $1 WHERE id = $2 AND paused', [
            now.getTime(),
            id,
          ]);
      if (n > 0) return true;
      return (await row(db, 'SELECT 1 FROM schedules WHERE id = $1', [id])) !== undefined;
    });
  }

  /** One statement: its row locks wait for claims in flight (which hold their schedule FOR SHARE). */
  async pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#query((db) =>
      changes(db, 'UPDATE schedules SET paused = TRUE, paused_reason = $1, paused_at = $2 WHERE platform = $3 AND workspace_id = $4 AND NOT paused', [
        reason,
        now.getTime(),
        platform,
        workspaceId,
      ]),
    );
  }

  async resumeWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#query((db) =>
      changes(
        db,
        `UPDATE schedules SET paused = FALSE, paused_reason = NULL, paused_at = NULL, active_since = $1
         WHERE platform = $2 AND workspace_id = $3 AND paused AND paused_reason = $4`,
        [now.getTime(), platform, workspaceId, reason],
      ),
    );
  }

  /** One transaction: the rows are locked (in id order) and checked again, so a schedule resumed meanwhile stays. */
  async purgePaused(reason: string, before: Date): Promise<number> {
    return this.#tx(async (c) => {
      const ids = await rows<{ id: string }>(
        c,
        `SELECT id FROM schedules WHERE source = 'chat' AND paused AND paused_reason = $1 AND paused_at < $2 ORDER BY id COLLATE "C" FOR UPDATE`,
        [reason, before.getTime()],
      );
      let removed = 0;
      for (const { id } of ids) if (await this.#remove(c, id)) removed++;
      return removed;
    });
  }

  /**
   * The schedule row first: its lock waits for a claim in flight (which holds the row FOR SHARE),
   * so the run log deleted next includes that claim's run. The run log goes with the schedule; the
   * channel's posted history stays (no repeats, ever).
   */
  async #remove(c: pg.PoolClient, id: string): Promise<boolean> {
    const removed = await changes(c, 'DELETE FROM schedules WHERE id = $1', [id]);
    await c.query('DELETE FROM runs WHERE schedule_id = $1', [id]);
    return removed > 0;
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#tx((c) => this.#remove(c, id));
  }

  async claimRun(req: ClaimRequest): Promise<ClaimResult> {
    return this.#tx(async (c): Promise<ClaimResult> => {
      // FOR SHARE: not removed, paused or moved to another channel until this claim commits.
      const schedule = await this.#schedule(c, req.scheduleId, 'FOR SHARE OF s');
      if (!schedule) return { claimed: false, why: 'gone' };
      if (req.trigger === 'cron' && schedule.paused) return { claimed: false, why: 'paused' };
      // Claims in one channel take turns from here to COMMIT: the history read below includes every
      // paper reserved by a claim that went first.
      await lockFor(c, postedLock(schedule.platform, schedule.channelId));
      const run = await row<{ id: number }>(
        c,
        `INSERT INTO runs (schedule_id, slot, slot_at, trigger, outcome, attempts, claimed_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5)
         ON CONFLICT (schedule_id, slot) DO NOTHING RETURNING id`,
        [req.scheduleId, req.slot, req.slotAt.getTime(), req.trigger, req.now.getTime()],
      );
      if (!run) return { claimed: false, why: 'taken' };
      const history = await rows<{ paper_id: string }>(c, 'SELECT paper_id FROM posted WHERE platform = $1 AND channel_id = $2', [
        schedule.platform,
        schedule.channelId,
      ]);
      let plan: RunPlan;
      try {
        plan = req.plan(schedule, new Set(history.map((r) => r.paper_id)));
      } catch (err) {
        throw new NotDatabase(err);
      }
      if (plan.kind === 'post' && plan.paperIds.length > 0) {
        await c.query(
          `INSERT INTO posted (platform, channel_id, paper_id, schedule_id, run_id, posted_at)
           SELECT $1, $2, u.paper_id, $3, $4, $5 FROM unnest($6::text[]) WITH ORDINALITY AS u(paper_id, n) ORDER BY u.n`,
          [schedule.platform, schedule.channelId, schedule.id, run.id, req.now.getTime(), plan.paperIds],
        );
      }
      return { claimed: true, runId: run.id, schedule, plan };
    });
  }

  async finishRun(runId: number, finish: RunFinish, now: Date): Promise<void> {
    await this.#tx(async (c) => {
      const run = await row<{ schedule_id: string }>(c, 'SELECT schedule_id FROM runs WHERE id = $1', [runId]);
      // The schedule before the run: a claim of this run's slot holds the schedule FOR SHARE and
      // waits for this run's row, so updating the run first could deadlock with it.
      if (run && finish.outcome === 'posted') {
        await c.query('UPDATE schedules SET exhausted_at = NULL WHERE id = $1', [run.schedule_id]);
      } else if (run && finish.outcome === 'exhausted' && finish.noticeSent) {
        await c.query('UPDATE schedules SET exhausted_at = $1 WHERE id = $2', [now.getTime(), run.schedule_id]);
      }
      await c.query('UPDATE runs SET outcome = $1, detail = $2, attempts = $3, finished_at = $4 WHERE id = $5', [
        finish.outcome,
        finish.detail ?? null,
        finish.attempts,
        now.getTime(),
        runId,
      ]);
      if (finish.outcome === 'failed' || finish.outcome === 'skipped') {
        await c.query('DELETE FROM posted WHERE run_id = $1', [runId]);
      }
    });
  }

  async recordSkipped(scheduleId: string, slots: Date[], detail: string, now: Date): Promise<number> {
    if (slots.length === 0) return 0;
    // One statement (atomic); slots in time order, so two processes recording overlapping slots
    // wait for each other in the same order instead of deadlocking.
    const sorted = [...slots].sort((a, b) => a.getTime() - b.getTime());
    return this.#query((db) =>
      changes(
        db,
        `INSERT INTO runs (schedule_id, slot, slot_at, trigger, outcome, detail, attempts, claimed_at, finished_at)
         SELECT $1, u.slot, u.slot_at, 'cron', 'skipped', $2, 0, $3, $3
         FROM unnest($4::text[], $5::bigint[]) WITH ORDINALITY AS u(slot, slot_at, n) ORDER BY u.n
         ON CONFLICT (schedule_id, slot) DO NOTHING`,
        [scheduleId, detail, now.getTime(), sorted.map((s) => s.toISOString()), sorted.map((s) => s.getTime())],
      ),
    );
  }

  async failAbandoned(claimedBefore: Date, now: Date): Promise<number> {
    // Papers reserved by an abandoned run stay in the history: the post may have gone out.
    // Rows locked elsewhere are skipped: another process is recovering them, or the run's own
    // process is finishing it right now (so it was not abandoned). Locked in id order: no deadlock.
    return this.#query((db) =>
      changes(
        db,
        `UPDATE runs SET outcome = 'failed', finished_at = $1,
           detail = 'interrupted: the process stopped while delivering this post (it may or may not have arrived)'
         WHERE outcome = 'pending' AND id IN (
           SELECT id FROM runs WHERE outcome = 'pending' AND claimed_at < $2 ORDER BY id FOR UPDATE SKIP LOCKED)`,
        [now.getTime(), claimedBefore.getTime()],
      ),
    );
  }

  async runs(scheduleId: string, limit = 50): Promise<RunRecord[]> {
    return this.#query(async (db) =>
      (
        await rows<RunRow>(
          db,
          `SELECT r.*, ARRAY(SELECT p.paper_id FROM posted p WHERE p.run_id = r.id ORDER BY p.seq) AS paper_ids
           FROM runs r WHERE r.schedule_id = $1 ORDER BY r.slot_at DESC, r.id DESC LIMIT $2`,
          [scheduleId, limit],
        )
      ).map(toRun),
    );
  }

  async postedPaperIds(platform: Platform, channelId: string): Promise<string[]> {
    return this.#query(async (db) =>
      (
        await rows<{ paper_id: string }>(db, 'SELECT paper_id FROM posted WHERE platform = $1 AND channel_id = $2 ORDER BY posted_at, paper_id COLLATE "C"', [
          platform,
          channelId,
        ])
      ).map((r) => r.paper_id),
    );
  }

  /**
   * One transaction under `PRUNE_LOCK` (two processes pruning at once take turns; the second finds
   * little left). It touches only finished runs and the history of finished runs, which claims,
   * finishes and recoveries (all on pending runs, or inserting new rows) never lock, so it waits
   * for none of them.
   */
  async prune(before: Date): Promise<SchedulePruneResult> {
    const t = before.getTime();
    return this.#tx(async (c): Promise<SchedulePruneResult> => {
      await lockFor(c, PRUNE_LOCK);
      let runs = await changes(c, `DELETE FROM runs WHERE outcome <> 'pending' AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = runs.schedule_id)`);
      runs += await changes(
        c,
        `DELETE FROM runs WHERE outcome <> 'pending' AND finished_at < $1
           AND id <> (SELECT k.id FROM runs k WHERE k.schedule_id = runs.schedule_id ORDER BY k.slot_at DESC, k.id DESC LIMIT 1)
           AND id <> COALESCE((SELECT k.id FROM runs k WHERE k.schedule_id = runs.schedule_id AND k.trigger = 'cron' ORDER BY k.slot_at DESC, k.id DESC LIMIT 1), -1)`,
        [t],
      );
      const posted = await changes(
        c,
        `DELETE FROM posted WHERE posted_at < $1 AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = posted.run_id AND r.outcome = 'pending')`,
        [t],
      );
      return { runs, posted };
    });
  }

  /** The pool is the state root's: it closes it. */
  async close(): Promise<void> {}
}
