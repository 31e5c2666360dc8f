import type Database from 'better-sqlite3';
import { openStateDatabase } from '../db/sqlite.ts';
import { WATCH_MIGRATIONS } from './sqlite-migrations.ts';
import type { AlertClaim, AlertClaimRequest, AlertFinish, InsertWatchResult, WatchPruneResult, WatchStore } from './store.ts';
import type { AlertRecord, DeliveryRecord, DeliveryStatus, Platform, Watch, WatchSpec } from './watch.ts';

interface WatchRow {
  id: string;
  platform: string;
  workspace_id: string | null;
  channel_id: string;
  personal: number;
  created_by: string | null;
  query: string;
  author: string | null;
  created_at: number;
  paused: number;
  paused_reason: string | null;
  paused_at: number | null;
}

interface AlertRow {
  id: number;
  watch_id: string;
  status: string;
  attempts: number;
  reason: string | null;
  claimed_at: number;
  finished_at: number | null;
  paper_ids: string | null;
}

interface DeliveryRow {
  watch_id: string;
  paper_id: string;
  alert_id: number;
  status: string;
  attempts: number;
  tries: number;
  reason: string | null;
  claimed_at: number;
  finished_at: number | null;
}

function toWatch(r: WatchRow): Watch {
  const w: Watch = {
    id: r.id,
    platform: r.platform as Platform,
    channelId: r.channel_id,
    personal: r.personal !== 0,
    query: r.query,
    createdAt: new Date(r.created_at),
    paused: r.paused !== 0,
  };
  if (r.workspace_id !== null) w.workspaceId = r.workspace_id;
  if (r.created_by !== null) w.createdBy = r.created_by;
  if (r.author !== null) w.author = r.author;
  if (r.paused_reason !== null) w.pausedReason = r.paused_reason;
  if (r.paused_at !== null) w.pausedAt = new Date(r.paused_at);
  return w;
}

function toAlert(r: AlertRow): AlertRecord {
  const a: AlertRecord = {
    id: r.id,
    watchId: r.watch_id,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    claimedAt: new Date(r.claimed_at),
    paperIds: r.paper_ids ? r.paper_ids.split(' ') : [],
  };
  if (r.reason !== null) a.reason = r.reason;
  if (r.finished_at !== null) a.finishedAt = new Date(r.finished_at);
  return a;
}

function toDelivery(r: DeliveryRow): DeliveryRecord {
  const d: DeliveryRecord = {
    watchId: r.watch_id,
    paperId: r.paper_id,
    alertId: r.alert_id,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    tries: r.tries,
    claimedAt: new Date(r.claimed_at),
  };
  if (r.reason !== null) d.reason = r.reason;
  if (r.finished_at !== null) d.finishedAt = new Date(r.finished_at);
  return d;
}

/** An alert with its paper ids in alert order (space-separated: paper ids have no spaces). */
const ALERT_SELECT = `
  SELECT a.*, (SELECT GROUP_CONCAT(paper_id, ' ') FROM (SELECT paper_id FROM watch_deliveries d WHERE d.alert_id = a.id ORDER BY d.position)) AS paper_ids
  FROM watch_alerts a`;

/**
 * The watch store on the SQLite state database (WAL mode, busy timeout, the shared migration
 * runner). Several processes may share the file: claims are `BEGIN IMMEDIATE` transactions.
 */
export class SqliteWatchStore implements WatchStore {
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
   * Open (creating and migrating) the state database file. Throws `StateStoreError` naming the
   * file when it is corrupt, not a Paperboy database, newer, or not writable.
   */
  static open(file: string): SqliteWatchStore {
    const { db, path } = openStateDatabase(file, [WATCH_MIGRATIONS], { integrityCheck: false });
    return new SqliteWatchStore(db, path, { ownsConnection: true });
  }

  #watchSync(id: string): Watch | undefined {
    const row = this.#db.prepare('SELECT * FROM watches WHERE id = ?').get(id) as WatchRow | undefined;
    return row ? toWatch(row) : undefined;
  }

  async listWatches(where: { platform?: Platform; channelId?: string } = {}): Promise<Watch[]> {
    const conds: string[] = [];
    const params: string[] = [];
    if (where.platform) {
      conds.push('platform = ?');
      params.push(where.platform);
    }
    if (where.channelId !== undefined) {
      conds.push('channel_id = ?');
      params.push(where.channelId);
    }
    const sql = `SELECT * FROM watches${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (this.#db.prepare(sql).all(...params) as WatchRow[]).map(toWatch);
  }

  async getWatch(id: string): Promise<Watch | undefined> {
    return this.#watchSync(id);
  }

  async insertWatch(spec: WatchSpec, now: Date, maxPerChannel: number): Promise<InsertWatchResult> {
    const tx = this.#db.transaction((): InsertWatchResult => {
      if (this.#db.prepare('SELECT 1 FROM watches WHERE id = ?').get(spec.id)) return { ok: false, why: 'duplicate-id' };
      const n = this.#db.prepare('SELECT COUNT(*) FROM watches WHERE platform = ? AND channel_id = ?').pluck().get(spec.platform, spec.channelId) as number;
      if (n >= maxPerChannel) return { ok: false, why: 'channel-full' };
      this.#db
        .prepare(
          `INSERT INTO watches (id, platform, workspace_id, channel_id, personal, created_by, query, author, created_at, paused)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(
          spec.id,
          spec.platform,
          spec.workspaceId ?? null,
          spec.channelId,
          spec.personal ? 1 : 0,
          spec.createdBy ?? null,
          spec.query,
          spec.author ?? null,
          now.getTime(),
        );
      return { ok: true, watch: this.#watchSync(spec.id)! };
    });
    return tx.immediate();
  }

  async removeWatch(id: string): Promise<boolean> {
    const tx = this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM watch_deliveries WHERE watch_id = ?').run(id);
      this.#db.prepare('DELETE FROM watch_alerts WHERE watch_id = ?').run(id);
      return this.#db.prepare('DELETE FROM watches WHERE id = ?').run(id).changes > 0;
    });
    return tx.immediate();
  }

  async setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean> {
    const info = paused
      ? this.#db.prepare('UPDATE watches SET paused = 1, paused_reason = ?, paused_at = ? WHERE id = ?').run(reason ?? null, now.getTime(), id)
      : this.#db.prepare('UPDATE watches SET paused = 0, paused_reason = NULL, paused_at = NULL WHERE id = ?').run(id);
    return info.changes > 0;
  }

  async pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#db
      .prepare('UPDATE watches SET paused = 1, paused_reason = ?, paused_at = ? WHERE platform = ? AND workspace_id = ? AND paused = 0')
      .run(reason, now.getTime(), platform, workspaceId).changes;
  }

  async resumeWorkspace(platform: Platform, workspaceId: string, reason: string): Promise<number> {
    return this.#db
      .prepare(
        `UPDATE watches SET paused = 0, paused_reason = NULL, paused_at = NULL
         WHERE platform = ? AND workspace_id = ? AND paused = 1 AND paused_reason = ?`,
      )
      .run(platform, workspaceId, reason).changes;
  }

  async purgePaused(reason: string, before: Date): Promise<number> {
    const tx = this.#db.transaction((): number => {
      const ids = this.#db
        .prepare('SELECT id FROM watches WHERE paused = 1 AND paused_reason = ? AND paused_at < ? ORDER BY id')
        .pluck()
        .all(reason, before.getTime()) as string[];
      for (const id of ids) {
        this.#db.prepare('DELETE FROM watch_deliveries WHERE watch_id = ?').run(id);
        this.#db.prepare('DELETE FROM watch_alerts WHERE watch_id = ?').run(id);
        this.#db.prepare('DELETE FROM watches WHERE id = ?').run(id);
      }
      return ids.length;
    });
    return tx.immediate();
  }

  async claimAlert(req: AlertClaimRequest): Promise<AlertClaim> {
    const db = this.#db;
    const tx = db.transaction((): AlertClaim => {
      const watch = this.#watchSync(req.watchId);
      if (!watch) return { claimed: false, why: 'gone' };
      if (watch.paused) return { claimed: false, why: 'paused' };
      const has = db.prepare('SELECT 1 FROM watch_deliveries WHERE watch_id = ? AND paper_id = ?');
      const fresh: string[] = [];
      for (const p of req.papers) {
        const ids = [p.id, ...(p.otherIds ?? [])];
        if (fresh.includes(p.id) || ids.some((id) => has.get(req.watchId, id))) continue;
        fresh.push(p.id);
      }
      const retried = (
        db
          .prepare(
            `SELECT paper_id FROM watch_deliveries
             WHERE watch_id = ? AND status = 'failed' AND retry = 1 AND tries < ? ORDER BY claimed_at, alert_id, position`,
          )
          .all(req.watchId, req.maxTries) as { paper_id: string }[]
      ).map((r) => r.paper_id);
      // Failed papers ride along only with new ones: a watch speaks when papers arrive.
      if (fresh.length === 0) return { claimed: false, why: 'nothing' };
      const t = req.now.getTime();
      const alertId = Number(
        db.prepare(`INSERT INTO watch_alerts (watch_id, status, attempts, claimed_at) VALUES (?, 'pending', 0, ?)`).run(req.watchId, t).lastInsertRowid,
      );
      const insert = db.prepare(
        `INSERT INTO watch_deliveries (watch_id, paper_id, alert_id, position, status, attempts, tries, retry, claimed_at)
         VALUES (?, ?, ?, ?, 'pending', 0, 1, 0, ?)`,
      );
      const again = db.prepare(
        `UPDATE watch_deliveries SET alert_id = ?, position = ?, status = 'pending', tries = tries + 1, retry = 0,
           reason = NULL, claimed_at = ?, finished_at = NULL
         WHERE watch_id = ? AND paper_id = ? AND status = 'failed'`,
      );
      fresh.forEach((id, i) => insert.run(req.watchId, id, alertId, i, t));
      retried.forEach((id, i) => again.run(alertId, fresh.length + i, t, req.watchId, id));
      return { claimed: true, alertId, watch, paperIds: [...fresh, ...retried], retried };
    });
    return tx.immediate();
  }

  async finishAlert(alertId: number, finish: AlertFinish, now: Date): Promise<void> {
    const tx = this.#db.transaction(() => {
      const t = now.getTime();
      const reason = finish.reason ?? null;
      this.#db
        .prepare('UPDATE watch_alerts SET status = ?, attempts = ?, reason = ?, finished_at = ? WHERE id = ?')
        .run(finish.status, finish.attempts, reason, t, alertId);
      this.#db
        .prepare(
          `UPDATE watch_deliveries SET status = ?, attempts = attempts + ?, reason = ?, finished_at = ?, retry = ?
           WHERE alert_id = ? AND status = 'pending'`,
        )
        .run(finish.status, finish.attempts, reason, t, finish.status === 'failed' ? 1 : 0, alertId);
    });
    tx.immediate();
  }

  async failAbandoned(claimedBefore: Date, now: Date): Promise<number> {
    const reason = 'interrupted: the process stopped while sending this alert (it may or may not have arrived)';
    const tx = this.#db.transaction(() => {
      const ids = this.#db.prepare(`SELECT id FROM watch_alerts WHERE status = 'pending' AND claimed_at < ?`).pluck().all(claimedBefore.getTime()) as number[];
      const alert = this.#db.prepare(`UPDATE watch_alerts SET status = 'failed', reason = ?, finished_at = ? WHERE id = ?`);
      const rows = this.#db.prepare(
        `UPDATE watch_deliveries SET status = 'failed', retry = 0, reason = ?, finished_at = ? WHERE alert_id = ? AND status = 'pending'`,
      );
      for (const id of ids) {
        alert.run(reason, now.getTime(), id);
        rows.run(reason, now.getTime(), id);
      }
      return ids.length;
    });
    return tx.immediate();
  }

  async alerts(watchId: string, limit = 20): Promise<AlertRecord[]> {
    const rows = this.#db.prepare(`${ALERT_SELECT} WHERE a.watch_id = ? ORDER BY a.id DESC LIMIT ?`).all(watchId, limit) as AlertRow[];
    return rows.map(toAlert);
  }

  async getAlert(alertId: number): Promise<AlertRecord | undefined> {
    const row = this.#db.prepare(`${ALERT_SELECT} WHERE a.id = ?`).get(alertId) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  async deliveries(watchId: string): Promise<DeliveryRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM watch_deliveries WHERE watch_id = ? ORDER BY alert_id DESC, position').all(watchId) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  async cursor(platform: Platform): Promise<number | undefined> {
    const v = this.#db.prepare('SELECT revision FROM watch_cursors WHERE platform = ?').pluck().get(platform) as number | undefined;
    return v;
  }

  async advanceCursor(platform: Platform, revision: number): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO watch_cursors (platform, revision) VALUES (?, ?)
         ON CONFLICT (platform) DO UPDATE SET revision = MAX(revision, excluded.revision)`,
      )
      .run(platform, revision);
  }

  async prune(before: Date): Promise<WatchPruneResult> {
    const tx = this.#db.transaction((): WatchPruneResult => {
      const t = before.getTime();
      // A delivery row belongs to the alert that last carried it (a retried paper moves to the new one).
      const deliveries = this.#db
        .prepare(`DELETE FROM watch_deliveries WHERE alert_id IN (SELECT id FROM watch_alerts WHERE status <> 'pending' AND finished_at < ?)`)
        .run(t).changes;
      const alerts = this.#db.prepare(`DELETE FROM watch_alerts WHERE status <> 'pending' AND finished_at < ?`).run(t).changes;
      return { alerts, deliveries };
    });
    return tx.immediate();
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }
}
