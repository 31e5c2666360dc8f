import type Database from 'better-sqlite3';
import { openStateDatabase } from '../db/sqlite.ts';
import { SCHEDULE_MIGRATIONS } from './sqlite-migrations.ts';
import type { PaperFilter, Platform, RunOutcome, RunRecord, Schedule, ScheduleKind, ScheduleSpec } from './schedule.ts';
import type { ClaimRequest, ClaimResult, ConfigSyncResult, InsertResult, RunFinish, SchedulePruneResult, ScheduleStore } from './store.ts';

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
  paused: number;
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
  paper_ids: string | null;
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
    paused: r.paused !== 0,
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
    paperIds: r.paper_ids ? r.paper_ids.split(',') : [],
    claimedAt: new Date(r.claimed_at),
  };
  if (r.detail !== null) run.detail = r.detail;
  if (r.finished_at !== null) run.finishedAt = new Date(r.finished_at);
  return run;
}

function filterColumns(f: PaperFilter): { filter_kind: string; filter_value: string | null } {
  switch (f.kind) {
    case 'all':
      return { filter_kind: 'all', filter_value: null };
    case 'query':
      return { filter_kind: 'query', filter_value: f.query };
    case 'topic':
      return { filter_kind: 'topic', filter_value: f.topic };
  }
}

function specColumns(spec: ScheduleSpec) {
  return {
    id: spec.id,
    platform: spec.platform,
    workspace_id: spec.workspaceId ?? null,
    channel_id: spec.channelId,
    cron: spec.cron,
    timezone: spec.timezone,
    kind: spec.kind,
    count: spec.count,
    ...filterColumns(spec.filter),
  };
}

/** A new schedule, active from `@now`; `@source` is `chat` or `config` (then `@config_file` is its file, or NULL). */
const INSERT_SCHEDULE = `
  INSERT INTO schedules (id, platform, workspace_id, channel_id, cron, timezone, kind, count, filter_kind, filter_value,
    source, paused, created_by, created_at, active_since, config_file)
  VALUES (@id, @platform, @workspace_id, @channel_id, @cron, @timezone, @kind, @count, @filter_kind, @filter_value,
    @source, 0, @created_by, @now, @now, @config_file)`;

const SCHEDULE_SELECT = `
  SELECT s.*, (SELECT MAX(r.slot_at) FROM runs r WHERE r.schedule_id = s.id AND r.trigger = 'cron') AS last_slot_at
  FROM schedules s`;

/** A finished run of a schedule that no longer exists. */
const ORPHAN_RUN = `outcome <> 'pending' AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = runs.schedule_id)`;

/**
 * A run finished before `@before` that is neither its schedule's newest run (`schedule list`'s last
 * run) nor its newest cron run (where the timetable stands: `lastSlotAt`).
 */
const OLD_RUN = `outcome <> 'pending' AND finished_at < @before
  AND id <> (SELECT k.id FROM runs k WHERE k.schedule_id = runs.schedule_id ORDER BY k.slot_at DESC, k.id DESC LIMIT 1)
  AND id <> COALESCE((SELECT k.id FROM runs k WHERE k.schedule_id = runs.schedule_id AND k.trigger = 'cron' ORDER BY k.slot_at DESC, k.id DESC LIMIT 1), -1)`;

/** Posted history reserved before `@before`, unless a pending run is delivering it. */
const OLD_POSTED = `posted_at < @before AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = posted.run_id AND r.outcome = 'pending')`;

/**
 * The schedule store on a SQLite file (WAL mode, busy timeout, versioned migrations).
 * Several processes may share the file: slot claims are `BEGIN IMMEDIATE` transactions.
 */
export class SqliteScheduleStore implements ScheduleStore {
  readonly location: string;
  readonly #db: Database.Database;

  readonly #ownsConnection: boolean;

  /**
   * A store over an open state database (the state root's shared connection, whose migrations
   * it has run). `ownsConnection`: `close()` closes the connection too (a store opened on its own).
   */
  constructor(db: Database.Database, location: string, opts: { ownsConnection?: boolean } = {}) {
    this.#db = db;
    this.location = location;
    this.#ownsConnection = opts.ownsConnection ?? false;
  }

  /**
   * Open (creating if needed) the database file and its directory. Throws `StateStoreError`
   * naming the file when it is corrupt, not a Paperboy database, newer, or not writable.
   */
  static open(file: string): SqliteScheduleStore {
    const { db, path } = openStateDatabase(file, [SCHEDULE_MIGRATIONS]);
    return new SqliteScheduleStore(db, path, { ownsConnection: true });
  }

  #scheduleSync(id: string): Schedule | undefined {
    const row = this.#db.prepare(`${SCHEDULE_SELECT} WHERE s.id = ?`).get(id) as ScheduleRow | undefined;
    return row ? toSchedule(row) : undefined;
  }

  async listSchedules(where: { platform?: Platform; channelId?: string; workspaceId?: string } = {}): Promise<Schedule[]> {
    const conds: string[] = [];
    const params: string[] = [];
    if (where.platform) {
      conds.push('s.platform = ?');
      params.push(where.platform);
    }
    if (where.workspaceId !== undefined) {
      conds.push('s.workspace_id = ?');
      params.push(where.workspaceId);
    }
    if (where.channelId !== undefined) {
      conds.push('s.channel_id = ?');
      params.push(where.channelId);
    }
    const sql = `${SCHEDULE_SELECT}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY s.created_at, s.id`;
    return (this.#db.prepare(sql).all(...params) as ScheduleRow[]).map(toSchedule);
  }

  async getSchedule(id: string): Promise<Schedule | undefined> {
    return this.#scheduleSync(id);
  }

  async insertSchedule(spec: ScheduleSpec, meta: { createdBy?: string; now: Date }, maxPerChannel: number): Promise<InsertResult> {
    const tx = this.#db.transaction((): InsertResult => {
      if (this.#db.prepare('SELECT 1 FROM schedules WHERE id = ?').get(spec.id)) return { ok: false, why: 'duplicate-id' };
      const { n } = this.#db.prepare('SELECT COUNT(*) AS n FROM schedules WHERE platform = ? AND channel_id = ?').get(spec.platform, spec.channelId) as {
        n: number;
      };
      if (n >= maxPerChannel) return { ok: false, why: 'channel-full' };
      this.#db
        .prepare(INSERT_SCHEDULE)
        .run({ ...specColumns(spec), source: 'chat', created_by: meta.createdBy ?? null, now: meta.now.getTime(), config_file: null });
      return { ok: true };
    });
    return tx.immediate();
  }

  async syncConfigSchedules(specs: readonly ScheduleSpec[], now: Date, file?: string): Promise<ConfigSyncResult> {
    const owner = file ?? null;
    const tx = this.#db.transaction((): ConfigSyncResult => {
      const result: ConfigSyncResult = { added: [], updated: [], removed: [] };
      const t = now.getTime();
      const wanted = new Set(specs.map((s) => s.id));
      for (const spec of specs) {
        const old = this.#scheduleSync(spec.id);
        if (old && old.source !== 'config') {
          throw new Error(`schedule id "${spec.id}" is already used by a schedule made in chat; pick another id`);
        }
        const cols = specColumns(spec);
        if (!old) {
          this.#db.prepare(INSERT_SCHEDULE).run({ ...cols, source: 'config', created_by: null, now: t, config_file: owner });
          result.added.push(spec.id);
          continue;
        }
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        const timingChanged = old.cron !== spec.cron || old.timezone !== spec.timezone;
        const placeChanged = old.platform !== spec.platform || old.channelId !== spec.channelId;
        const contentChanged = old.kind !== spec.kind || old.count !== spec.count || !same(old.filter, spec.filter);
        const ownerChanged = (old.configFile ?? null) !== owner;
        // A workspace named (or corrected) in the file is recorded; the channel is the same, so the timetable goes on.
        const workspaceChanged = old.workspaceId !== spec.workspaceId;
        if (!timingChanged && !placeChanged && !contentChanged && !ownerChanged && !workspaceChanged) continue;
        this.#db
          .prepare(
            `UPDATE schedules SET platform = @platform, workspace_id = @workspace_id, channel_id = @channel_id, cron = @cron, timezone = @timezone,
               kind = @kind, count = @count, filter_kind = @filter_kind, filter_value = @filter_value, config_file = @config_file,
               active_since = CASE WHEN @restart THEN @now ELSE active_since END,
               exhausted_at = CASE WHEN @reset THEN NULL ELSE exhausted_at END
             WHERE id = @id`,
          )
          .run({
            ...cols,
            now: t,
            config_file: owner,
            restart: timingChanged || placeChanged ? 1 : 0,
            reset: placeChanged || contentChanged ? 1 : 0,
          });
        result.updated.push(spec.id);
      }
      // This file's schedules and those of no recorded file; other files' are theirs to remove.
      const stale = (
        this.#db
          .prepare(`SELECT id FROM schedules WHERE source = 'config' AND (config_file IS NULL OR config_file = ?) ORDER BY created_at, id`)
          .all(owner) as { id: string }[]
      )
        .map((r) => r.id)
        .filter((id) => !wanted.has(id));
      for (const id of stale) this.#removeSync(id);
      result.removed.push(...stale);
      return result;
    });
    return tx.immediate();
  }

  async setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean> {
    const info = paused
      ? this.#db.prepare('UPDATE schedules SET paused = 1, paused_reason = ?, paused_at = ? WHERE id = ?').run(reason ?? null, now.getTime(), id)
      : this.#db
          .prepare('UPDATE schedules SET paused = 0, paused_reason = NULL, paused_at = NULL, active_since = ? WHERE id = ? AND paused = 1')
          .run(now.getTime(), id);
    if (info.changes > 0) return true;
    return this.#scheduleSync(id) !== undefined;
  }

  async pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#db
      .prepare('UPDATE schedules SET paused = 1, paused_reason = ?, paused_at = ? WHERE platform = ? AND workspace_id = ? AND paused = 0')
      .run(reason, now.getTime(), platform, workspaceId).changes;
  }

  async resumeWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#db
      .prepare(
        `UPDATE schedules SET paused = 0, paused_reason = NULL, paused_at = NULL, active_since = ?
         WHERE platform = ? AND workspace_id = ? AND paused = 1 AND paused_reason = ?`,
      )
      .run(now.getTime(), platform, workspaceId, reason).changes;
  }

  async purgePaused(reason: string, before: Date): Promise<number> {
    const tx = this.#db.transaction((): number => {
      const ids = this.#db
        .prepare(`SELECT id FROM schedules WHERE source = 'chat' AND paused = 1 AND paused_reason = ? AND paused_at < ? ORDER BY id`)
        .pluck()
        .all(reason, before.getTime()) as string[];
      return ids.filter((id) => this.#removeSync(id)).length;
    });
    return tx.immediate();
  }

  #removeSync(id: string): boolean {
    // The run log goes with the schedule; the channel's posted history stays (no repeats, ever).
    this.#db.prepare('DELETE FROM runs WHERE schedule_id = ?').run(id);
    return this.#db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#db.transaction(() => this.#removeSync(id)).immediate();
  }

  async claimRun(req: ClaimRequest): Promise<ClaimResult> {
    const tx = this.#db.transaction((): ClaimResult => {
      const schedule = this.#scheduleSync(req.scheduleId);
      if (!schedule) return { claimed: false, why: 'gone' };
      if (req.trigger === 'cron' && schedule.paused) return { claimed: false, why: 'paused' };
      const ins = this.#db
        .prepare(
          `INSERT OR IGNORE INTO runs (schedule_id, slot, slot_at, trigger, outcome, attempts, claimed_at)
           VALUES (?, ?, ?, ?, 'pending', 0, ?)`,
        )
        .run(req.scheduleId, req.slot, req.slotAt.getTime(), req.trigger, req.now.getTime());
      if (ins.changes === 0) return { claimed: false, why: 'taken' };
      const runId = Number(ins.lastInsertRowid);
      const posted = new Set(
        (
          this.#db.prepare('SELECT paper_id FROM posted WHERE platform = ? AND channel_id = ?').all(schedule.platform, schedule.channelId) as {
            paper_id: string;
          }[]
        ).map((r) => r.paper_id),
      );
      const plan = req.plan(schedule, posted);
      if (plan.kind === 'post') {
        const reserve = this.#db.prepare('INSERT INTO posted (platform, channel_id, paper_id, schedule_id, run_id, posted_at) VALUES (?, ?, ?, ?, ?, ?)');
        for (const pid of plan.paperIds) {
          reserve.run(schedule.platform, schedule.channelId, pid, schedule.id, runId, req.now.getTime());
        }
      }
      return { claimed: true, runId, schedule, plan };
    });
    return tx.immediate();
  }

  async finishRun(runId: number, finish: RunFinish, now: Date): Promise<void> {
    const tx = this.#db.transaction(() => {
      const run = this.#db.prepare('SELECT schedule_id FROM runs WHERE id = ?').get(runId) as { schedule_id: string } | undefined;
      this.#db
        .prepare('UPDATE runs SET outcome = ?, detail = ?, attempts = ?, finished_at = ? WHERE id = ?')
        .run(finish.outcome, finish.detail ?? null, finish.attempts, now.getTime(), runId);
      if (finish.outcome === 'failed' || finish.outcome === 'skipped') {
        this.#db.prepare('DELETE FROM posted WHERE run_id = ?').run(runId);
      }
      if (!run) return;
      if (finish.outcome === 'posted') {
        this.#db.prepare('UPDATE schedules SET exhausted_at = NULL WHERE id = ?').run(run.schedule_id);
      } else if (finish.outcome === 'exhausted' && finish.noticeSent) {
        this.#db.prepare('UPDATE schedules SET exhausted_at = ? WHERE id = ?').run(now.getTime(), run.schedule_id);
      }
    });
    tx.immediate();
  }

  async recordSkipped(scheduleId: string, slots: Date[], detail: string, now: Date): Promise<number> {
    const tx = this.#db.transaction(() => {
      const ins = this.#db.prepare(
        `INSERT OR IGNORE INTO runs (schedule_id, slot, slot_at, trigger, outcome, detail, attempts, claimed_at, finished_at)
         VALUES (?, ?, ?, 'cron', 'skipped', ?, 0, ?, ?)`,
      );
      let n = 0;
      for (const slot of slots) {
        n += ins.run(scheduleId, slot.toISOString(), slot.getTime(), detail, now.getTime(), now.getTime()).changes;
      }
      return n;
    });
    return tx.immediate();
  }

  async failAbandoned(claimedBefore: Date, now: Date): Promise<number> {
    // Papers reserved by an abandoned run stay in the history: the post may have gone out.
    return this.#db
      .prepare(
        `UPDATE runs SET outcome = 'failed', finished_at = ?,
           detail = 'interrupted: the process stopped while delivering this post (it may or may not have arrived)'
         WHERE outcome = 'pending' AND claimed_at < ?`,
      )
      .run(now.getTime(), claimedBefore.getTime()).changes;
  }

  async runs(scheduleId: string, limit = 50): Promise<RunRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT r.*, (SELECT GROUP_CONCAT(p.paper_id) FROM posted p WHERE p.run_id = r.id) AS paper_ids
         FROM runs r WHERE r.schedule_id = ? ORDER BY r.slot_at DESC, r.id DESC LIMIT ?`,
      )
      .all(scheduleId, limit) as RunRow[];
    return rows.map(toRun);
  }

  async postedPaperIds(platform: Platform, channelId: string): Promise<string[]> {
    return (
      this.#db.prepare('SELECT paper_id FROM posted WHERE platform = ? AND channel_id = ? ORDER BY posted_at, paper_id').all(platform, channelId) as {
        paper_id: string;
      }[]
    ).map((r) => r.paper_id);
  }

  async prune(before: Date): Promise<SchedulePruneResult> {
    const tx = this.#db.transaction((): SchedulePruneResult => {
      const t = before.getTime();
      let runs = this.#db.prepare(`DELETE FROM runs WHERE ${ORPHAN_RUN}`).run().changes;
      runs += this.#db.prepare(`DELETE FROM runs WHERE ${OLD_RUN}`).run({ before: t }).changes;
      const posted = this.#db.prepare(`DELETE FROM posted WHERE ${OLD_POSTED}`).run({ before: t }).changes;
      return { runs, posted };
    });
    return tx.immediate();
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }
}
