import type pg from 'pg';
import { changes, lockFor, postgresError, row, rows, transaction } from '../db/postgres.ts';
import type { AlertClaim, AlertClaimRequest, AlertFinish, InsertWatchResult, WatchPruneResult, WatchStore } from './store.ts';
import type { AlertRecord, DeliveryRecord, DeliveryStatus, Platform, Watch, WatchSpec } from './watch.ts';

interface WatchRow {
  id: string;
  platform: string;
  workspace_id: string | null;
  channel_id: string;
  personal: boolean;
  created_by: string | null;
  query: string;
  author: string | null;
  created_at: number;
  paused: boolean;
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
  paper_ids: string[];
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
    personal: r.personal,
    query: r.query,
    createdAt: new Date(r.created_at),
    paused: r.paused,
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
    paperIds: r.paper_ids,
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

/** An alert with its paper ids in alert order. */
const ALERT_SELECT = `
  SELECT a.*, ARRAY(SELECT d.paper_id FROM watch_deliveries d WHERE d.alert_id = a.id ORDER BY d.position) AS paper_ids
  FROM watch_alerts a`;

/** The advisory lock of one watch: claims, pausing and removal of the watch run one at a time. */
const watchLock = (id: string): string => `watch:${id}`;
/** The advisory lock of one channel's watches: the count and the insert of `insertWatch` are one step. */
const channelLock = (platform: Platform, channelId: string): string => `watch-channel:${platform}:${channelId}`;

const ABANDONED = 'interrupted: the process stopped while sending this alert (it may or may not have arrived)';

/**
 * The watch store on the shared PostgreSQL state database (the state root's pool, whose
 * migrations it has run). Many processes on many hosts write at once, so every write that reads
 * before it writes holds a lock (READ COMMITTED: each statement after the lock sees what the
 * previous holder committed):
 *
 * - `claimAlert`, `setPaused`, `removeWatch`: the watch's advisory lock, so the deliveries read
 *   and the claim's inserts are one step, and no claim interleaves with a pause or a removal.
 * - `insertWatch`: the channel's advisory lock around the count and the insert; the primary key
 *   (`ON CONFLICT DO NOTHING`) for the same id in two channels at once.
 * - `advanceCursor`: one upsert with `GREATEST`, so the cursor never moves back.
 * - `finishAlert`, `failAbandoned`: row locks on the alerts, taken before their deliveries' (and
 *   in id order), so two recoveries fail each alert once and a late finish waits for them.
 * - `prune`: per watch, the watch's advisory lock, then its alerts' row locks before their deliveries'.
 *
 * Errors are `StateStoreError`s naming the database (never its password).
 */
export class PostgresWatchStore implements WatchStore {
  readonly location: string;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }

  async listWatches(where: { platform?: Platform; channelId?: string } = {}): Promise<Watch[]> {
    const conds: string[] = [];
    const params: string[] = [];
    if (where.platform) {
      params.push(where.platform);
      conds.push(`platform = $${params.length}`);
    }
    if (where.channelId !== undefined) {
      params.push(where.channelId);
      conds.push(`channel_id = $${params.length}`);
    }
    // COLLATE "C": ids in byte order, as SQLite sorts them, whatever the database's collation.
    const sql = `SELECT * FROM watches${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY created_at, id COLLATE "C"`;
    return this.#run(async () => (await rows<WatchRow>(this.#pool, sql, params)).map(toWatch));
  }

  async getWatch(id: string): Promise<Watch | undefined> {
    return this.#run(async () => {
      const r = await row<WatchRow>(this.#pool, 'SELECT * FROM watches WHERE id = $1', [id]);
      return r ? toWatch(r) : undefined;
    });
  }

  async insertWatch(spec: WatchSpec, now: Date, maxPerChannel: number): Promise<InsertWatchResult> {
    return this.#run(() =>
      transaction(this.#pool, async (client): Promise<InsertWatchResult> => {
        await lockFor(client, channelLock(spec.platform, spec.channelId));
        if (await row(client, 'SELECT 1 FROM watches WHERE id = $1', [spec.id])) return { ok: false, why: 'duplicate-id' };
        const counted = await row<{ n: number }>(client, 'SELECT COUNT(*) AS n FROM watches WHERE platform = $1 AND channel_id = $2', [
          spec.platform,
          spec.channelId,
        ]);
        if ((counted?.n ?? 0) >= maxPerChannel) return { ok: false, why: 'channel-full' };
        // The same id in another channel may be being inserted right now (under that channel's
        // lock): the primary key decides, and the loser is told the id is taken.
        const inserted = await row<WatchRow>(
          client,
          `INSERT INTO watches (id, platform, workspace_id, channel_id, personal, created_by, query, author, created_at, paused)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)
           ON CONFLICT (id) DO NOTHING
           RETURNING *`,
          [
            spec.id,
            spec.platform,
            spec.workspaceId ?? null,
            spec.channelId,
            spec.personal,
            spec.createdBy ?? null,
            spec.query,
            spec.author ?? null,
            now.getTime(),
          ],
        );
        return inserted ? { ok: true, watch: toWatch(inserted) } : { ok: false, why: 'duplicate-id' };
      }),
    );
  }

  async removeWatch(id: string): Promise<boolean> {
    return this.#run(() =>
      transaction(this.#pool, async (client) => {
        await lockFor(client, watchLock(id));
        // Alerts before their deliveries, as `finishAlert` and `failAbandoned` lock them.
        await client.query('SELECT id FROM watch_alerts WHERE watch_id = $1 ORDER BY id FOR UPDATE', [id]);
        await client.query('DELETE FROM watch_deliveries WHERE watch_id = $1', [id]);
        await client.query('DELETE FROM watch_alerts WHERE watch_id = $1', [id]);
        return (await changes(client, 'DELETE FROM watches WHERE id = $1', [id])) > 0;
      }),
    );
  }

  async setPaused(id: string, paused: boolean, now: Date, reason?: string): Promise<boolean> {
    return this.#run(() =>
      transaction(this.#pool, async (client) => {
        // After a pause returns, no claim that read the watch as running is still to commit.
        await lockFor(client, watchLock(id));
        const n = paused
          ? await changes(client, 'UPDATE watches SET paused = TRUE, paused_reason = $1, paused_at = $2 WHERE id = $3', [reason ?? null, now.getTime(), id])
          : await changes(client, 'UPDATE watches SET paused = FALSE, paused_reason = NULL, paused_at = NULL WHERE id = $1', [id]);
        return n > 0;
      }),
    );
  }

  /**
   * The watches of the workspace, each under its advisory lock taken in id order (claims take one
   * lock each, so this cannot deadlock with them): after it returns, no claim that read one of them
   * as running is still to commit, as with `setPaused`.
   */
  async pauseWorkspace(platform: Platform, workspaceId: string, reason: string, now: Date): Promise<number> {
    return this.#run(() =>
      transaction(this.#pool, async (client) => {
        const ids = (
          await rows<{ id: string }>(client, 'SELECT id FROM watches WHERE platform = $1 AND workspace_id = $2 AND NOT paused ORDER BY id COLLATE "C"', [
            platform,
            workspaceId,
          ])
        ).map((r) => r.id);
        for (const id of ids) await lockFor(client, watchLock(id));
        if (ids.length === 0) return 0;
        return changes(client, 'UPDATE watches SET paused = TRUE, paused_reason = $1, paused_at = $2 WHERE id = ANY($3::text[]) AND NOT paused', [
          reason,
          now.getTime(),
          ids,
        ]);
      }),
    );
  }

  async resumeWorkspace(platform: Platform, workspaceId: string, reason: string): Promise<number> {
    return this.#run(() =>
      changes(
        this.#pool,
        `UPDATE watches SET paused = FALSE, paused_reason = NULL, paused_at = NULL
         WHERE platform = $1 AND workspace_id = $2 AND paused AND paused_reason = $3`,
        [platform, workspaceId, reason],
      ),
    );
  }

  /** As `removeWatch`, for each watch still paused for `reason` once its lock is held (a resume meanwhile keeps it). */
  async purgePaused(reason: string, before: Date): Promise<number> {
    return this.#run(() =>
      transaction(this.#pool, async (client) => {
        const ids = (
          await rows<{ id: string }>(client, 'SELECT id FROM watches WHERE paused AND paused_reason = $1 AND paused_at < $2 ORDER BY id COLLATE "C"', [
            reason,
            before.getTime(),
          ])
        ).map((r) => r.id);
        let removed = 0;
        for (const id of ids) {
          await lockFor(client, watchLock(id));
          const still = await row(client, 'SELECT 1 FROM watches WHERE id = $1 AND paused AND paused_reason = $2 AND paused_at < $3', [
            id,
            reason,
            before.getTime(),
          ]);
          if (!still) continue;
          await client.query('SELECT id FROM watch_alerts WHERE watch_id = $1 ORDER BY id FOR UPDATE', [id]);
          await client.query('DELETE FROM watch_deliveries WHERE watch_id = $1', [id]);
          await client.query('DELETE FROM watch_alerts WHERE watch_id = $1', [id]);
          removed += await changes(client, 'DELETE FROM watches WHERE id = $1', [id]);
        }
        return removed;
      }),
    );
  }

  async claimAlert(req: AlertClaimRequest): Promise<AlertClaim> {
    return this.#run(() =>
      transaction(this.#pool, async (client): Promise<AlertClaim> => {
        // One claim per watch at a time: what the previous claim inserted is seen below.
        await lockFor(client, watchLock(req.watchId));
        const w = await row<WatchRow>(client, 'SELECT * FROM watches WHERE id = $1', [req.watchId]);
        if (!w) return { claimed: false, why: 'gone' };
        if (w.paused) return { claimed: false, why: 'paused' };
        const offered = [...new Set(req.papers.flatMap((p) => [p.id, ...(p.otherIds ?? [])]))];
        const taken = new Set(
          (
            await rows<{ paper_id: string }>(client, 'SELECT paper_id FROM watch_deliveries WHERE watch_id = $1 AND paper_id = ANY($2::text[])', [
              req.watchId,
              offered,
            ])
          ).map((r) => r.paper_id),
        );
        const fresh: string[] = [];
        for (const p of req.papers) {
          const ids = [p.id, ...(p.otherIds ?? [])];
          if (fresh.includes(p.id) || ids.some((id) => taken.has(id))) continue;
          fresh.push(p.id);
        }
        const retried = (
          await rows<{ paper_id: string }>(
            client,
            `SELECT paper_id FROM watch_deliveries
             WHERE watch_id = $1 AND status = 'failed' AND retry AND tries < $2 ORDER BY claimed_at, alert_id, position`,
            [req.watchId, req.maxTries],
          )
        ).map((r) => r.paper_id);
        // Failed papers ride along only with new ones: a watch speaks when papers arrive.
        if (fresh.length === 0) return { claimed: false, why: 'nothing' };
        const t = req.now.getTime();
        const alert = await row<{ id: number }>(
          client,
          `INSERT INTO watch_alerts (watch_id, status, attempts, claimed_at) VALUES ($1, 'pending', 0, $2) RETURNING id`,
          [req.watchId, t],
        );
        const alertId = alert!.id;
        await client.query(
          `INSERT INTO watch_deliveries (watch_id, paper_id, alert_id, position, status, attempts, tries, retry, claimed_at)
           SELECT $1, u.paper_id, $2, u.ord - 1, 'pending', 0, 1, FALSE, $3
           FROM unnest($4::text[]) WITH ORDINALITY AS u(paper_id, ord)`,
          [req.watchId, alertId, t, fresh],
        );
        if (retried.length > 0) {
          await client.query(
            `UPDATE watch_deliveries d SET alert_id = $1, position = $2 + u.ord - 1, status = 'pending', tries = d.tries + 1, retry = FALSE,
               reason = NULL, claimed_at = $3, finished_at = NULL
             FROM unnest($5::text[]) WITH ORDINALITY AS u(paper_id, ord)
             WHERE d.watch_id = $4 AND d.paper_id = u.paper_id AND d.status = 'failed'`,
            [alertId, fresh.length, t, req.watchId, retried],
          );
        }
        return { claimed: true, alertId, watch: toWatch(w), paperIds: [...fresh, ...retried], retried };
      }),
    );
  }

  async finishAlert(alertId: number, finish: AlertFinish, now: Date): Promise<void> {
    const t = now.getTime();
    const reason = finish.reason ?? null;
    await this.#run(() =>
      transaction(this.#pool, async (client) => {
        await client.query('UPDATE watch_alerts SET status = $1, attempts = $2, reason = $3, finished_at = $4 WHERE id = $5', [
          finish.status,
          finish.attempts,
          reason,
          t,
          alertId,
        ]);
        await client.query(
          `UPDATE watch_deliveries SET status = $1, attempts = attempts + $2, reason = $3, finished_at = $4, retry = $5
           WHERE alert_id = $6 AND status = 'pending'`,
          [finish.status, finish.attempts, reason, t, finish.status === 'failed', alertId],
        );
      }),
    );
  }

  async failAbandoned(claimedBefore: Date, now: Date): Promise<number> {
    const t = now.getTime();
    return this.#run(() =>
      transaction(this.#pool, async (client) => {
        // Locked in id order (two processes recovering at once take turns, each alert failed
        // once); an alert finished meanwhile is no longer pending when its lock is granted.
        const ids = (
          await rows<{ id: number }>(client, `SELECT id FROM watch_alerts WHERE status = 'pending' AND claimed_at < $1 ORDER BY id FOR UPDATE`, [
            claimedBefore.getTime(),
          ])
        ).map((r) => r.id);
        if (ids.length === 0) return 0;
        await client.query(`UPDATE watch_alerts SET status = 'failed', reason = $1, finished_at = $2 WHERE id = ANY($3::bigint[])`, [ABANDONED, t, ids]);
        await client.query(
          `UPDATE watch_deliveries SET status = 'failed', retry = FALSE, reason = $1, finished_at = $2 WHERE alert_id = ANY($3::bigint[]) AND status = 'pending'`,
          [ABANDONED, t, ids],
        );
        return ids.length;
      }),
    );
  }

  async alerts(watchId: string, limit = 20): Promise<AlertRecord[]> {
    return this.#run(async () =>
      (await rows<AlertRow>(this.#pool, `${ALERT_SELECT} WHERE a.watch_id = $1 ORDER BY a.id DESC LIMIT $2`, [watchId, limit])).map(toAlert),
    );
  }

  async getAlert(alertId: number): Promise<AlertRecord | undefined> {
    return this.#run(async () => {
      const r = await row<AlertRow>(this.#pool, `${ALERT_SELECT} WHERE a.id = $1`, [alertId]);
      return r ? toAlert(r) : undefined;
    });
  }

  async deliveries(watchId: string): Promise<DeliveryRecord[]> {
    return this.#run(async () =>
      (await rows<DeliveryRow>(this.#pool, 'SELECT * FROM watch_deliveries WHERE watch_id = $1 ORDER BY alert_id DESC, position', [watchId])).map(toDelivery),
    );
  }

  async cursor(platform: Platform): Promise<number | undefined> {
    return this.#run(async () => (await row<{ revision: number }>(this.#pool, 'SELECT revision FROM watch_cursors WHERE platform = $1', [platform]))?.revision);
  }

  async advanceCursor(platform: Platform, revision: number): Promise<void> {
    // One statement: the row is locked and GREATEST compares with what is committed, so two
    // processes advancing at once never move it back.
    await this.#run(() =>
      this.#pool.query(
        `INSERT INTO watch_cursors (platform, revision) VALUES ($1, $2)
         ON CONFLICT (platform) DO UPDATE SET revision = GREATEST(watch_cursors.revision, EXCLUDED.revision)`,
        [platform, revision],
      ),
    );
  }

  /**
   * One short transaction per watch, under the watch's advisory lock: no claim of that watch is
   * moving a failed paper's row to a new alert meanwhile (so a row is never deleted under a claim
   * that is re-sending it). Alerts are locked before their deliveries, in id order, as elsewhere.
   */
  async prune(before: Date): Promise<WatchPruneResult> {
    const t = before.getTime();
    return this.#run(async () => {
      const result: WatchPruneResult = { alerts: 0, deliveries: 0 };
      const watches = await rows<{ watch_id: string }>(
        this.#pool,
        `SELECT watch_id FROM watch_alerts WHERE status <> 'pending' AND finished_at < $1 GROUP BY watch_id ORDER BY watch_id COLLATE "C"`,
        [t],
      );
      for (const { watch_id: id } of watches) {
        await transaction(this.#pool, async (client) => {
          await lockFor(client, watchLock(id));
          const ids = (
            await rows<{ id: number }>(
              client,
              `SELECT id FROM watch_alerts WHERE watch_id = $1 AND status <> 'pending' AND finished_at < $2 ORDER BY id FOR UPDATE`,
              [id, t],
            )
          ).map((r) => r.id);
          if (ids.length === 0) return;
          result.deliveries += await changes(client, 'DELETE FROM watch_deliveries WHERE alert_id = ANY($1::bigint[])', [ids]);
          result.alerts += await changes(client, 'DELETE FROM watch_alerts WHERE id = ANY($1::bigint[])', [ids]);
        });
      }
      return result;
    });
  }

  /** The pool is the state root's: it closes it. */
  async close(): Promise<void> {}
}
