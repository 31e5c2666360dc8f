/**
 * The watch store's contract, on SQLite and on PostgreSQL (`eachBackend`): watches, claims,
 * deliveries, tries, abandoned alerts and cursors, then many writers racing from two processes
 * (two `db.open()`s: two connections, or two pools). SQLite-only behaviour (a file, a corrupt
 * file, the schema beside the other modules in state.db) and the SQLite paper store's reads for
 * watches are at the end.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { STATE_DB_FILE } from '../../src/db/sqlite.ts';
import { WATCH_PG_MIGRATIONS } from '../../src/watch/postgres-migrations.ts';
import { WATCH_MIGRATIONS } from '../../src/watch/sqlite-migrations.ts';
import type { AlertCandidate, AlertClaim, WatchStore } from '../../src/watch/store.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { eachBackend, TEST_DATABASE_URL, type TestBackend } from '../helpers/backends.ts';
import { openPaperStore, openWatchStore, tempDb } from './helpers.ts';

const T0 = new Date('2026-11-26T09:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function spec(over: Partial<WatchSpec> = {}): WatchSpec {
  return { id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, createdBy: 'U1', query: 'kv cache', ...over };
}

/** A fixed shuffle of `items` (the same every run: a failure can be rerun as it was). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The versions recorded for the watch module in a test database's `schema_migrations`. */
async function watchSchemaVersions(backend: TestBackend['name'], where: string): Promise<number[]> {
  const sql = "SELECT version FROM schema_migrations WHERE module = 'watches'";
  if (backend === 'SQLite') {
    const db = new Database(join(where, STATE_DB_FILE), { readonly: true });
    try {
      return (db.prepare(sql).all() as { version: number }[]).map((r) => r.version);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${where}` });
  await client.connect();
  try {
    return (await client.query<{ version: number }>(sql)).rows.map((r) => r.version);
  } finally {
    await client.end();
  }
}

const claimedOnly = (results: AlertClaim[]) => results.filter((r): r is Extract<AlertClaim, { claimed: true }> => r.claimed);

eachBackend((backend) => {
  /** A watch store on an empty database of its own. */
  async function oneProcess(): Promise<WatchStore> {
    const db = await backend.fresh();
    return (await db.open()).watches;
  }

  /** Two processes' watch stores on one empty database. */
  async function twoProcesses(): Promise<[WatchStore, WatchStore]> {
    const db = await backend.fresh();
    const a = await db.open();
    const b = await db.open();
    // Every connection of both pools opened now, so the racing calls below run truly at once.
    await Promise.all([a, b].flatMap((s) => Array.from({ length: 8 }, () => s.watches.cursor('slack'))));
    return [a.watches, b.watches];
  }

  describe('watches', () => {
    it('stores a watch with every field and reads it back (also from a second process)', async () => {
      const [a, b] = await twoProcesses();
      const r = await a.insertWatch(spec({ workspaceId: 'T1', author: 'Tri Dao', personal: true, channelId: 'D9' }), T0, 20);
      const stored = {
        id: 'w-0001',
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'D9',
        personal: true,
        createdBy: 'U1',
        query: 'kv cache',
        author: 'Tri Dao',
        createdAt: T0,
        paused: false,
      };
      expect(r).toEqual({ ok: true, watch: stored });
      expect(await b.getWatch('w-0001')).toEqual(stored);
      expect(await b.getWatch('w-0002')).toBeUndefined();
      expect(await b.listWatches({ platform: 'slack', channelId: 'D9' })).toHaveLength(1);
      expect(await b.listWatches({ platform: 'discord', channelId: 'D9' })).toHaveLength(0);
    });

    it('leaves optional fields out, not undefined', async () => {
      const s = await oneProcess();
      await s.insertWatch({ id: 'w-0001', platform: 'discord', channelId: 'C1', personal: false, query: '', author: 'Ada' }, T0, 20);
      const w = await s.getWatch('w-0001');
      expect(w).toEqual({ id: 'w-0001', platform: 'discord', channelId: 'C1', personal: false, query: '', author: 'Ada', createdAt: T0, paused: false });
      expect(Object.keys(w!)).not.toContain('workspaceId');
      expect(Object.keys(w!)).not.toContain('pausedAt');
    });

    it('lists every watch, or a platform’s, or a channel’s, oldest first (then by id)', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec({ id: 'w-b' }), later(5), 20);
      await s.insertWatch(spec({ id: 'w-c', channelId: 'C2' }), later(1), 20);
      await s.insertWatch(spec({ id: 'w-a' }), later(5), 20);
      await s.insertWatch(spec({ id: 'w-B', platform: 'discord' }), later(5), 20);
      expect((await s.listWatches()).map((w) => w.id)).toEqual(['w-c', 'w-B', 'w-a', 'w-b']);
      expect((await s.listWatches({ platform: 'slack' })).map((w) => w.id)).toEqual(['w-c', 'w-a', 'w-b']);
      expect((await s.listWatches({ channelId: 'C1' })).map((w) => w.id)).toEqual(['w-B', 'w-a', 'w-b']);
      expect((await s.listWatches({ platform: 'slack', channelId: 'C1' })).map((w) => w.id)).toEqual(['w-a', 'w-b']);
    });

    it('refuses a taken id and a full channel', async () => {
      const s = await oneProcess();
      expect(await s.insertWatch(spec(), T0, 2)).toMatchObject({ ok: true });
      expect(await s.insertWatch(spec(), T0, 2)).toEqual({ ok: false, why: 'duplicate-id' });
      // A taken id is refused as such even in another channel, or a full one.
      expect(await s.insertWatch(spec({ channelId: 'C2' }), T0, 2)).toEqual({ ok: false, why: 'duplicate-id' });
      expect(await s.insertWatch(spec(), T0, 1)).toEqual({ ok: false, why: 'duplicate-id' });
      expect(await s.insertWatch(spec({ id: 'w-0002' }), T0, 2)).toMatchObject({ ok: true });
      expect(await s.insertWatch(spec({ id: 'w-0003' }), T0, 2)).toEqual({ ok: false, why: 'channel-full' });
      // Another channel, or the same channel id on another platform, has its own limit.
      expect(await s.insertWatch(spec({ id: 'w-0003', channelId: 'C2' }), T0, 2)).toMatchObject({ ok: true });
      expect(await s.insertWatch(spec({ id: 'w-0004', platform: 'discord' }), T0, 2)).toMatchObject({ ok: true });
      // A removed watch frees its place.
      await s.removeWatch('w-0001');
      expect(await s.insertWatch(spec({ id: 'w-0005' }), T0, 2)).toMatchObject({ ok: true });
    });

    it('pauses with a reason, resumes, removes', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      expect(await s.setPaused('w-0001', true, later(1), 'channel gone: channel_not_found')).toBe(true);
      expect(await s.getWatch('w-0001')).toMatchObject({ paused: true, pausedReason: 'channel gone: channel_not_found', pausedAt: later(1) });
      expect(await s.setPaused('w-0001', false, later(2))).toBe(true);
      const w = await s.getWatch('w-0001');
      expect(w?.paused).toBe(false);
      expect(w?.pausedReason).toBeUndefined();
      expect(w?.pausedAt).toBeUndefined();
      // Paused without a reason.
      expect(await s.setPaused('w-0001', true, later(3))).toBe(true);
      const p = await s.getWatch('w-0001');
      expect(p).toMatchObject({ paused: true, pausedAt: later(3) });
      expect(p?.pausedReason).toBeUndefined();
      expect(await s.setPaused('w-nope', true, later(2))).toBe(false);
      expect(await s.setPaused('w-nope', false, later(2))).toBe(false);
      expect(await s.removeWatch('w-0001')).toBe(true);
      expect(await s.removeWatch('w-0001')).toBe(false);
      expect(await s.getWatch('w-0001')).toBeUndefined();
    });
  });

  describe('alerts are claimed before they are sent', () => {
    it('claims new papers once; a second claim of the same papers gets nothing', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const c1 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(1), maxTries: 3 });
      expect(c1).toMatchObject({ claimed: true, paperIds: ['p1', 'p2'], retried: [], watch: { id: 'w-0001', paused: false } });
      const c2 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(2), maxTries: 3 });
      expect(c2).toEqual({ claimed: false, why: 'nothing' });
      // A new paper alongside old ones: only the new one.
      const c3 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }, { id: 'p3' }], now: later(3), maxTries: 3 });
      expect(c3).toMatchObject({ claimed: true, paperIds: ['p3'] });
      // A paper known under another id (its former slug) counts as sent.
      const c4 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p9', otherIds: ['p1'] }], now: later(4), maxTries: 3 });
      expect(c4).toEqual({ claimed: false, why: 'nothing' });
      // The same paper twice in one offer is claimed once; the alert lists papers in offer order.
      const c5 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p5' }, { id: 'p4' }, { id: 'p5' }], now: later(5), maxTries: 3 });
      expect(c5).toMatchObject({ claimed: true, paperIds: ['p5', 'p4'] });
      if (!c5.claimed) throw new Error('not claimed');
      expect(await s.getAlert(c5.alertId)).toMatchObject({ watchId: 'w-0001', status: 'pending', attempts: 0, claimedAt: later(5), paperIds: ['p5', 'p4'] });
    });

    it('deliveries of one watch are kept apart from another’s', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      await s.insertWatch(spec({ id: 'w-0002' }), T0, 20);
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: later(1), maxTries: 3 })).toMatchObject({ claimed: true });
      expect(await s.claimAlert({ watchId: 'w-0002', papers: [{ id: 'p1' }], now: later(1), maxTries: 3 })).toMatchObject({ claimed: true, paperIds: ['p1'] });
      expect(await s.deliveries('w-0001')).toHaveLength(1);
      expect(await s.deliveries('w-0002')).toHaveLength(1);
    });

    it('two processes: each (watch, paper) is claimed by exactly one', async () => {
      const [a, b] = await twoProcesses();
      await a.insertWatch(spec(), T0, 20);
      const papers = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}` }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimAlert({ watchId: 'w-0001', papers, now: later(i), maxTries: 3 })),
      );
      const claimed = claimedOnly(results);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({ paperIds: papers.map((p) => p.id) });
      expect(results.filter((r) => !r.claimed)).toEqual(Array.from({ length: 9 }, () => ({ claimed: false, why: 'nothing' })));
      expect(await b.deliveries('w-0001')).toHaveLength(20);
    });

    it('refuses removed and paused watches', async () => {
      const s = await oneProcess();
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toEqual({ claimed: false, why: 'gone' });
      await s.insertWatch(spec(), T0, 20);
      await s.setPaused('w-0001', true, T0, 'paused by U1');
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toEqual({ claimed: false, why: 'paused' });
      expect(await s.deliveries('w-0001')).toEqual([]);
      await s.setPaused('w-0001', false, T0);
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toMatchObject({ claimed: true });
    });

    it('records how an alert went on the alert and on each delivery row', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(1), maxTries: 3 });
      if (!c.claimed) throw new Error('not claimed');
      expect((await s.deliveries('w-0001')).map((d) => d.status)).toEqual(['pending', 'pending']);
      await s.finishAlert(c.alertId, { status: 'posted', attempts: 2 }, later(5));
      expect(await s.getAlert(c.alertId)).toMatchObject({ status: 'posted', attempts: 2, paperIds: ['p1', 'p2'], finishedAt: later(5) });
      expect(await s.deliveries('w-0001')).toEqual([
        { watchId: 'w-0001', paperId: 'p1', alertId: c.alertId, status: 'posted', attempts: 2, tries: 1, claimedAt: later(1), finishedAt: later(5) },
        { watchId: 'w-0001', paperId: 'p2', alertId: c.alertId, status: 'posted', attempts: 2, tries: 1, claimedAt: later(1), finishedAt: later(5) },
      ]);
      expect(await s.getAlert(c.alertId + 1000)).toBeUndefined();
    });

    it('lists alerts newest first (with a limit) and deliveries newest alert first, in alert order', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: `p${i}b` }, { id: `p${i}a` }], now: later(i), maxTries: 3 });
        if (!c.claimed) throw new Error('not claimed');
        ids.push(c.alertId);
      }
      expect(ids[1]! > ids[0]! && ids[2]! > ids[1]!).toBe(true);
      expect((await s.alerts('w-0001')).map((a) => a.id)).toEqual([...ids].reverse());
      expect((await s.alerts('w-0001', 1)).map((a) => a.paperIds)).toEqual([['p2b', 'p2a']]);
      expect((await s.deliveries('w-0001')).map((d) => d.paperId)).toEqual(['p2b', 'p2a', 'p1b', 'p1a', 'p0b', 'p0a']);
      expect(await s.alerts('w-nope')).toEqual([]);
    });

    it('papers of a failed alert ride along with the next alert, up to maxTries alerts, never alone', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const c1 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: later(1), maxTries: 2 });
      if (!c1.claimed) throw new Error('not claimed');
      await s.finishAlert(c1.alertId, { status: 'failed', attempts: 4, reason: 'rate_limited' }, later(2));
      expect((await s.deliveries('w-0001'))[0]).toMatchObject({ status: 'failed', reason: 'rate_limited', attempts: 4 });
      expect(await s.getAlert(c1.alertId)).toMatchObject({ status: 'failed', reason: 'rate_limited', attempts: 4 });
      // Nothing new: no alert just for the failed paper.
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: later(3), maxTries: 2 })).toEqual({ claimed: false, why: 'nothing' });
      const c2 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }], now: later(4), maxTries: 2 });
      expect(c2).toMatchObject({ claimed: true, paperIds: ['p2', 'p1'], retried: ['p1'] });
      if (!c2.claimed) throw new Error('not claimed');
      // The retried paper moved to the new alert, and is pending again with its reason cleared.
      expect(await s.getAlert(c1.alertId)).toMatchObject({ paperIds: [] });
      const moved = (await s.deliveries('w-0001')).find((d) => d.paperId === 'p1');
      expect(moved).toMatchObject({ alertId: c2.alertId, status: 'pending', tries: 2, claimedAt: later(4) });
      expect(moved?.reason).toBeUndefined();
      expect(moved?.finishedAt).toBeUndefined();
      await s.finishAlert(c2.alertId, { status: 'failed', attempts: 4, reason: 'rate_limited' }, later(5));
      // p1 has been in 2 alerts (maxTries): it stays failed, with its reason.
      const c3 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p3' }], now: later(6), maxTries: 2 });
      expect(c3).toMatchObject({ claimed: true, paperIds: ['p3', 'p2'], retried: ['p2'] });
      const p1 = (await s.deliveries('w-0001')).find((d) => d.paperId === 'p1');
      expect(p1).toMatchObject({ status: 'failed', tries: 2, attempts: 8, reason: 'rate_limited' });
    });

    it('failed papers ride along after the new ones, oldest claim first (then alert, then place in it)', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const claim = async (ids: string[], at: number) => {
        const c = await s.claimAlert({ watchId: 'w-0001', papers: ids.map((id) => ({ id })), now: later(at), maxTries: 3 });
        if (!c.claimed) throw new Error('not claimed');
        return c.alertId;
      };
      // Claimed in this order, at these times; all three fail (in yet another order).
      const first = await claim(['p2', 'p1'], 5);
      const second = await claim(['p3'], 1);
      const third = await claim(['p7', 'p6'], 1);
      for (const id of [first, third, second]) await s.finishAlert(id, { status: 'failed', attempts: 1, reason: 'boom' }, later(9));
      const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p5' }, { id: 'p4' }], now: later(10), maxTries: 3 });
      const retried = ['p3', 'p7', 'p6', 'p2', 'p1'];
      expect(c).toMatchObject({ claimed: true, paperIds: ['p5', 'p4', ...retried], retried });
      if (!c.claimed) throw new Error('not claimed');
      expect((await s.getAlert(c.alertId))?.paperIds).toEqual(['p5', 'p4', ...retried]);
    });

    it('an alert abandoned by a stopped process is marked failed (interrupted) and not offered again', async () => {
      const db = await backend.fresh();
      const dead = await db.open();
      const alive = (await db.open()).watches;
      await dead.watches.insertWatch(spec(), T0, 20);
      const c = await dead.watches.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
      expect(c.claimed).toBe(true);
      await dead.close();
      // Too young to be abandoned: left alone.
      expect(await alive.failAbandoned(new Date(T0.getTime() - 1), later(1))).toBe(0);
      expect(await alive.failAbandoned(later(1), later(2))).toBe(1);
      const [d] = await alive.deliveries('w-0001');
      expect(d).toMatchObject({ status: 'failed', reason: expect.stringMatching(/interrupted/), finishedAt: later(2) });
      const [a] = await alive.alerts('w-0001');
      expect(a).toMatchObject({ status: 'failed', reason: expect.stringMatching(/interrupted/), finishedAt: later(2) });
      // Not offered again: it may have been sent.
      const next = await alive.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }], now: later(3), maxTries: 3 });
      expect(next).toMatchObject({ claimed: true, paperIds: ['p2'], retried: [] });
      expect(await alive.failAbandoned(later(10), later(10))).toBe(1); // the p2 alert, still pending
      expect(await alive.failAbandoned(later(10), later(10))).toBe(0);
    });

    it('a finished alert is not abandoned', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
      if (!c.claimed) throw new Error('not claimed');
      await s.finishAlert(c.alertId, { status: 'posted', attempts: 1 }, later(1));
      expect(await s.failAbandoned(later(10), later(10))).toBe(0);
      expect(await s.getAlert(c.alertId)).toMatchObject({ status: 'posted' });
    });

    it('removing a watch removes its alerts and deliveries, and only its own', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      await s.insertWatch(spec({ id: 'w-0002' }), T0, 20);
      const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
      await s.claimAlert({ watchId: 'w-0002', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
      await s.removeWatch('w-0001');
      expect(await s.deliveries('w-0001')).toEqual([]);
      expect(await s.alerts('w-0001')).toEqual([]);
      if (c.claimed) expect(await s.getAlert(c.alertId)).toBeUndefined();
      expect(await s.deliveries('w-0002')).toHaveLength(1);
      // A watch made again under the old id starts afresh.
      await s.insertWatch(spec(), T0, 20);
      expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toMatchObject({ claimed: true, paperIds: ['p1'] });
    });
  });

  describe('retention', () => {
    const DAY = 86_400_000;
    const day = (n: number) => later(n * DAY);

    it('prunes finished alerts older than the cut-off with their delivery rows; keeps pending alerts and rows a newer alert carries', async () => {
      const s = await oneProcess();
      await s.insertWatch(spec(), T0, 20);
      await s.insertWatch(spec({ id: 'w-0002' }), T0, 20);
      const alert = async (watchId: string, n: number, papers: string[], status?: 'posted' | 'failed') => {
        const c = await s.claimAlert({ watchId, papers: papers.map((id) => ({ id })), now: day(n), maxTries: 3 });
        if (!c.claimed) throw new Error('not claimed');
        if (status) await s.finishAlert(c.alertId, { status, attempts: 1, ...(status === 'failed' ? { reason: 'boom' } : {}) }, day(n));
        return c;
      };
      const posted = await alert('w-0001', 1, ['p1', 'p2'], 'posted');
      const failed = await alert('w-0001', 2, ['p3', 'p4'], 'failed');
      // p3 and p4 ride along with a newer alert: their rows move to it.
      const rode = await alert('w-0001', 3, ['p5'], 'posted');
      expect(rode.paperIds).toEqual(['p5', 'p3', 'p4']);
      const pending = await alert('w-0002', 1, ['p1']); // a process is sending it
      const recent = await alert('w-0002', 30, ['p9'], 'posted');

      expect(await s.prune(day(2))).toEqual({ alerts: 1, deliveries: 2 });
      expect(await s.getAlert(posted.alertId)).toBeUndefined();
      expect(await s.prune(day(10))).toEqual({ alerts: 2, deliveries: 3 });
      expect(await s.getAlert(failed.alertId)).toBeUndefined();
      expect(await s.alerts('w-0001')).toEqual([]);
      expect(await s.deliveries('w-0001')).toEqual([]);
      expect((await s.alerts('w-0002')).map((a) => [a.id, a.status])).toEqual([
        [recent.alertId, 'posted'],
        [pending.alertId, 'pending'],
      ]);
      expect((await s.deliveries('w-0002')).map((d) => d.paperId)).toEqual(['p9', 'p1']);
      // The watches and their cursors stay.
      expect((await s.listWatches()).map((w) => w.id)).toEqual(['w-0001', 'w-0002']);
      expect(await s.prune(day(10))).toEqual({ alerts: 0, deliveries: 0 });
    });

    it('within the period a paper is never claimed again; once its row is pruned it may be', async () => {
      const [a, b] = await twoProcesses();
      await a.insertWatch(spec(), T0, 20);
      const c = await a.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: day(1), maxTries: 3 });
      if (!c.claimed) throw new Error('not claimed');
      await a.finishAlert(c.alertId, { status: 'posted', attempts: 1 }, day(1));
      expect(await b.prune(day(1))).toEqual({ alerts: 0, deliveries: 0 });
      expect(await b.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: day(5), maxTries: 3 })).toEqual({ claimed: false, why: 'nothing' });
      expect(await b.prune(day(2))).toEqual({ alerts: 1, deliveries: 1 });
      expect(await a.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: day(6), maxTries: 3 })).toMatchObject({ claimed: true, paperIds: ['p1'] });
    });
  });

  describe('schema', () => {
    it('two processes opening one database at once migrate the watch module once, to its latest version', async () => {
      const db = await backend.fresh();
      await Promise.all([db.open(), db.open()]);
      expect(await watchSchemaVersions(backend.name, db.where)).toEqual([
        backend.name === 'SQLite' ? WATCH_MIGRATIONS.migrations.length : WATCH_PG_MIGRATIONS.migrations.length,
      ]);
    });
  });

  describe('cursors', () => {
    it('per platform, only ever forward, shared by every process', async () => {
      const [a, b] = await twoProcesses();
      expect(await a.cursor('slack')).toBeUndefined();
      await a.advanceCursor('slack', 5);
      await b.advanceCursor('slack', 3);
      expect(await b.cursor('slack')).toBe(5);
      expect(await b.cursor('discord')).toBeUndefined();
      await b.advanceCursor('discord', 9);
      expect(await a.cursor('discord')).toBe(9);
      // Revisions are numbers, even past 32 bits.
      await a.advanceCursor('shell', 2 ** 40);
      expect(await b.cursor('shell')).toBe(2 ** 40);
      // -1: nothing looked at yet (a fresh paper store's revision is 0).
      await a.advanceCursor('slack', -1);
      expect(await a.cursor('slack')).toBe(5);
    });
  });

  describe('many writers: two processes racing', () => {
    it('old alerts pruned in one process while another claims, its failed papers riding along: every paper a claim carries keeps its row', async () => {
      const [a, b] = await twoProcesses();
      const DAY = 86_400_000;
      for (let round = 0; round < 10; round++) {
        const id = `w-${round}`;
        await a.insertWatch(spec({ id }), T0, 20);
        const failedPapers = Array.from({ length: 5 }, (_, i) => `f${round}-${i}`);
        const old = await a.claimAlert({ watchId: id, papers: failedPapers.map((p) => ({ id: p })), now: later(DAY), maxTries: 3 });
        if (!old.claimed) throw new Error('not claimed');
        await a.finishAlert(old.alertId, { status: 'failed', attempts: 4, reason: 'boom' }, later(DAY));
        const [pruned, claim] = await Promise.all([
          a.prune(later(10 * DAY)),
          b.claimAlert({ watchId: id, papers: [{ id: `n${round}` }], now: later(20 * DAY), maxTries: 3 }),
        ]);
        if (!claim.claimed) throw new Error(`not claimed: ${JSON.stringify(claim)}`);
        const rows = await a.deliveries(id);
        // Every paper the claim carries has its row, on the claim's alert (a pruned paper is not carried).
        expect(rows.filter((r) => r.alertId === claim.alertId).map((r) => r.paperId)).toEqual(claim.paperIds);
        expect(rows.filter((r) => r.alertId !== claim.alertId)).toEqual([]);
        expect([[], failedPapers]).toContainEqual(claim.retried);
        expect(pruned.deliveries).toBe(failedPapers.length - claim.retried.length);
      }
    });

    it('overlapping claims for one watch: every paper is claimed once, under any of its ids, and no claim fails', async () => {
      const [a, b] = await twoProcesses();
      await a.insertWatch(spec(), T0, 20);
      // 30 papers, each known by two ids; an offer names one as its id and the other as a former id.
      const N = 30;
      const offer = (i: number, k: number): AlertCandidate => (k % 2 ? { id: `p${i}`, otherIds: [`old${i}`] } : { id: `old${i}`, otherIds: [`p${i}`] });
      const group = (id: string) => Number(id.replace(/^(p|old)/, ''));
      const claims = Array.from({ length: 24 }, (_, k) => {
        // Each claim offers a window of 12 papers in its own order: every paper is offered by several claims.
        const papers = shuffled(
          Array.from({ length: 12 }, (_, j) => (k * 5 + j) % N),
          k + 1,
        ).map((i) => offer(i, k + i));
        return () => (k % 2 ? a : b).claimAlert({ watchId: 'w-0001', papers, now: later(k), maxTries: 3 });
      });
      const results = await Promise.all(claims.map((c) => c()));
      const claimed = claimedOnly(results);
      for (const r of results) if (!r.claimed) expect(r).toEqual({ claimed: false, why: 'nothing' });
      const groups = claimed.flatMap((c) => c.paperIds.map(group));
      expect(groups.length).toBe(new Set(groups).size);
      expect(new Set(groups).size).toBe(N);
      const rows = await b.deliveries('w-0001');
      expect(rows).toHaveLength(N);
      expect(new Set(rows.map((d) => group(d.paperId))).size).toBe(N);
      // Each alert holds exactly the papers its claim returned.
      for (const c of claimed) expect((await a.getAlert(c.alertId))?.paperIds).toEqual(c.paperIds);
    });

    it('a failed paper rides along with exactly one of several racing alerts', async () => {
      const [a, b] = await twoProcesses();
      await a.insertWatch(spec(), T0, 20);
      const first = await a.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p0' }, { id: 'p1' }], now: T0, maxTries: 3 });
      if (!first.claimed) throw new Error('not claimed');
      await a.finishAlert(first.alertId, { status: 'failed', attempts: 1, reason: 'boom' }, later(1));
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, k) => (k % 2 ? a : b).claimAlert({ watchId: 'w-0001', papers: [{ id: `n${k}` }], now: later(2 + k), maxTries: 3 })),
      );
      const claimed = claimedOnly(results);
      expect(claimed).toHaveLength(12);
      const carriers = claimed.filter((c) => c.retried.length > 0);
      expect(carriers).toHaveLength(1);
      expect(carriers[0]?.retried).toEqual(['p0', 'p1']);
      const retried = (await b.deliveries('w-0001')).filter((d) => d.paperId === 'p0' || d.paperId === 'p1');
      expect(retried.map((d) => [d.alertId, d.tries])).toEqual([
        [carriers[0]!.alertId, 2],
        [carriers[0]!.alertId, 2],
      ]);
    });

    it('inserts into one channel past its cap: exactly the cap is stored', async () => {
      const [a, b] = await twoProcesses();
      const cap = 3;
      for (let round = 0; round < 6; round++) {
        const channelId = `C${round}`;
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, k) => (k % 2 ? a : b).insertWatch(spec({ id: `w-${round}-${k}`, channelId }), later(k), cap)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(cap);
        expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 16 - cap }, () => ({ ok: false, why: 'channel-full' })));
        expect(await a.listWatches({ platform: 'slack', channelId })).toHaveLength(cap);
      }
    });

    it('one id inserted into many channels at once: stored once, the others told it is taken', async () => {
      const [a, b] = await twoProcesses();
      const results = await Promise.all(Array.from({ length: 12 }, (_, k) => (k % 2 ? a : b).insertWatch(spec({ channelId: `C${k}` }), T0, 20)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 11 }, () => ({ ok: false, why: 'duplicate-id' })));
      expect(await b.listWatches()).toHaveLength(1);
    });

    it('cursors advanced at once by two processes never move back', async () => {
      const [a, b] = await twoProcesses();
      const values = shuffled(
        Array.from({ length: 120 }, (_, i) => i + 1),
        7,
      );
      const seen: number[] = [];
      let done = false;
      const watcher = (async () => {
        while (!done) seen.push((await a.cursor('slack')) ?? 0);
      })();
      await Promise.all(values.map((v, k) => (k % 2 ? a : b).advanceCursor('slack', v)));
      done = true;
      await watcher;
      expect(await b.cursor('slack')).toBe(120);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    });

    it('two processes recovering abandoned alerts at once fail each alert once', async () => {
      const [a, b] = await twoProcesses();
      for (let w = 0; w < 4; w++) await a.insertWatch(spec({ id: `w-${w}` }), T0, 20);
      for (let round = 0; round < 5; round++) {
        const at = round * 1000;
        for (let w = 0; w < 4; w++) {
          for (let k = 0; k < 3; k++) await a.claimAlert({ watchId: `w-${w}`, papers: [{ id: `p${round}-${k}` }], now: later(at + k), maxTries: 3 });
        }
        const counts = await Promise.all(Array.from({ length: 6 }, (_, k) => (k % 2 ? a : b).failAbandoned(later(at + 100), later(at + 100 + k))));
        expect(counts.reduce((x, y) => x + y, 0)).toBe(12);
      }
      for (let w = 0; w < 4; w++) {
        expect((await b.alerts(`w-${w}`)).map((x) => x.status)).toEqual(Array.from({ length: 15 }, () => 'failed'));
        expect((await b.deliveries(`w-${w}`)).map((x) => x.status)).toEqual(Array.from({ length: 15 }, () => 'failed'));
      }
    });

    it('a watch removed while another process claims for it leaves nothing behind', async () => {
      const [a, b] = await twoProcesses();
      for (let round = 0; round < 4; round++) {
        await a.insertWatch(spec(), T0, 20);
        const claims = Array.from({ length: 8 }, (_, k) => a.claimAlert({ watchId: 'w-0001', papers: [{ id: `p${round}-${k}` }], now: later(k), maxTries: 3 }));
        const removed = b.removeWatch('w-0001');
        // Settled, not raced: a failing call must not outlive the test.
        const settled = await Promise.allSettled([removed, ...claims]);
        expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
        expect(await removed).toBe(true);
        for (const r of await Promise.all(claims)) if (!r.claimed) expect(r).toEqual({ claimed: false, why: 'gone' });
        expect(await a.deliveries('w-0001')).toEqual([]);
        expect(await a.alerts('w-0001')).toEqual([]);
      }
    });

    it('a watch removed while another process finishes and recovers its alerts: no deadlock, nothing left', async () => {
      const [a, b] = await twoProcesses();
      for (let round = 0; round < 4; round++) {
        await a.insertWatch(spec(), T0, 20);
        const alertIds: number[] = [];
        for (let k = 0; k < 8; k++) {
          const c = await a.claimAlert({ watchId: 'w-0001', papers: [0, 1, 2].map((j) => ({ id: `p${round}-${k}-${j}` })), now: later(k), maxTries: 3 });
          if (c.claimed) alertIds.push(c.alertId);
        }
        const settled = await Promise.allSettled([
          ...alertIds.map((id, k) => (k % 2 ? a.finishAlert(id, { status: 'posted', attempts: 1 }, later(20)) : b.failAbandoned(later(k + 1), later(20)))),
          b.removeWatch('w-0001'),
        ]);
        expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
        expect(await a.deliveries('w-0001')).toEqual([]);
        expect(await a.alerts('w-0001')).toEqual([]);
      }
    });

    it('a watch paused while another process claims: once the pause returns, no alert is claimed', async () => {
      const [a, b] = await twoProcesses();
      for (let round = 0; round < 4; round++) {
        const id = `w-${round}`;
        await a.insertWatch(spec({ id }), T0, 20);
        const claims = Array.from({ length: 8 }, (_, k) => a.claimAlert({ watchId: id, papers: [{ id: `p${k}` }], now: later(k), maxTries: 3 }));
        expect(await b.setPaused(id, true, later(50), 'paused by U1')).toBe(true);
        const atPause = (await b.alerts(id, 100)).map((x) => x.id);
        const results = await Promise.all(claims);
        for (const r of results) if (!r.claimed) expect(r).toEqual({ claimed: false, why: 'paused' });
        expect(claimedOnly(results).map((c) => c.alertId)).toEqual(expect.arrayContaining(atPause));
        expect((await b.alerts(id, 100)).map((x) => x.id)).toEqual(atPause);
        expect(await b.claimAlert({ watchId: id, papers: [{ id: 'late' }], now: later(60), maxTries: 3 })).toEqual({ claimed: false, why: 'paused' });
      }
    });
  });
});

describe('SqliteWatchStore on its own file', () => {
  it('lives beside the schedules and papers in one state.db (each module migrated once)', async () => {
    const file = tempDb();
    const sched = SqliteScheduleStore.open(file);
    openPaperStore(file);
    const w = openWatchStore(file);
    await w.insertWatch(spec(), T0, 20);
    await sched.close();
    const db = new Database(file, { readonly: true });
    const modules = db.prepare('SELECT module, version FROM schema_migrations ORDER BY module').all() as { module: string; version: number }[];
    db.close();
    expect(modules.map((m) => m.module)).toEqual(expect.arrayContaining(['papers', 'schedule', 'watches']));
    expect(modules.find((m) => m.module === 'watches')?.version).toBe(WATCH_MIGRATIONS.migrations.length);
  });

  it('a file that is not a database is a StateStoreError naming it', async () => {
    const file = tempDb();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'this is not sqlite '.repeat(100));
    expect(() => SqliteWatchStore.open(file)).toThrow(StateStoreError);
    expect(() => SqliteWatchStore.open(file)).toThrow(file);
  });
});

describe('SqlitePaperStore: what watches read', () => {
  it('arrivals(revision, since): papers changed after the revision and first stored after since, with when', async () => {
    const { feedPaper } = await import('./helpers.ts');
    let t = Date.parse('2026-11-26T09:00:00Z');
    const papers = openPaperStore(tempDb(), () => t);
    const p = (n: number, upvotes = 1) => feedPaper({ arxivId: `2611.0000${n}`, upvotes });
    await papers.upsertBatch([p(1)]);
    const rev1 = await papers.revision();
    t += 1000;
    await papers.upsertBatch([p(2), p(3)]);
    const all = await papers.arrivals(-1, new Date(0));
    expect(all.revision).toBe(await papers.revision());
    expect(all.papers.map((a) => [a.paper.id, a.firstSeen.getTime() - Date.parse('2026-11-26T09:00:00Z')])).toEqual([
      ['2611.00001', 0],
      ['2611.00002', 1000],
      ['2611.00003', 1000],
    ]);
    expect((await papers.arrivals(rev1, new Date(0))).papers.map((a) => a.paper.id)).toEqual(['2611.00002', '2611.00003']);
    // Updated later, first stored before `since`: not an arrival.
    t += 1000;
    await papers.upsertBatch([p(1, 50)]);
    const since = new Date(Date.parse('2026-11-26T09:00:00.500Z'));
    expect((await papers.arrivals(rev1, since)).papers.map((a) => a.paper.id)).toEqual(['2611.00002', '2611.00003']);
    expect((await papers.arrivals(await papers.revision(), new Date(0))).papers).toEqual([]);
  });

  it('runsRecorded() grows with every recorded ingest run, in any process', async () => {
    const file = tempDb();
    const a = openPaperStore(file);
    const b = openPaperStore(file);
    expect(await a.runsRecorded()).toBe(0);
    await b.recordRun({ source: 'hf', ok: true, at: T0, added: 0, updated: 0, skipped: 0 });
    await b.recordRun({ source: 'arxiv', ok: false, at: T0, added: 0, updated: 0, skipped: 0, detail: 'x' });
    expect(await a.runsRecorded()).toBe(2);
  });
});
