import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { openPaperStore, openWatchStore, tempDb } from './helpers.ts';

const T0 = new Date('2026-11-26T09:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function spec(over: Partial<WatchSpec> = {}): WatchSpec {
  return { id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, createdBy: 'U1', query: 'kv cache', ...over };
}

describe('SqliteWatchStore: watches', () => {
  it('stores a watch with every field and reads it back (also from a second store on the file)', async () => {
    const file = tempDb();
    const a = openWatchStore(file);
    const r = await a.insertWatch(spec({ workspaceId: 'T1', author: 'Tri Dao', personal: true, channelId: 'D9' }), T0, 20);
    expect(r.ok).toBe(true);
    const b = openWatchStore(file);
    expect(await b.getWatch('w-0001')).toEqual({
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
    });
    expect(await b.listWatches({ platform: 'slack', channelId: 'D9' })).toHaveLength(1);
    expect(await b.listWatches({ platform: 'discord', channelId: 'D9' })).toHaveLength(0);
  });

  it('refuses a taken id and a full channel', async () => {
    const s = openWatchStore(tempDb());
    expect(await s.insertWatch(spec(), T0, 2)).toMatchObject({ ok: true });
    expect(await s.insertWatch(spec(), T0, 2)).toEqual({ ok: false, why: 'duplicate-id' });
    expect(await s.insertWatch(spec({ id: 'w-0002' }), T0, 2)).toMatchObject({ ok: true });
    expect(await s.insertWatch(spec({ id: 'w-0003' }), T0, 2)).toEqual({ ok: false, why: 'channel-full' });
    // Another channel, or the same channel id on another platform, has its own limit.
    expect(await s.insertWatch(spec({ id: 'w-0003', channelId: 'C2' }), T0, 2)).toMatchObject({ ok: true });
    expect(await s.insertWatch(spec({ id: 'w-0004', platform: 'discord' }), T0, 2)).toMatchObject({ ok: true });
  });

  it('pauses with a reason, resumes, removes', async () => {
    const s = openWatchStore(tempDb());
    await s.insertWatch(spec(), T0, 20);
    expect(await s.setPaused('w-0001', true, later(1), 'channel gone: channel_not_found')).toBe(true);
    expect(await s.getWatch('w-0001')).toMatchObject({ paused: true, pausedReason: 'channel gone: channel_not_found', pausedAt: later(1) });
    expect(await s.setPaused('w-0001', false, later(2))).toBe(true);
    const w = await s.getWatch('w-0001');
    expect(w?.paused).toBe(false);
    expect(w?.pausedReason).toBeUndefined();
    expect(await s.setPaused('w-nope', true, later(2))).toBe(false);
    expect(await s.removeWatch('w-0001')).toBe(true);
    expect(await s.removeWatch('w-0001')).toBe(false);
    expect(await s.getWatch('w-0001')).toBeUndefined();
  });

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
    expect(modules.find((m) => m.module === 'watches')?.version).toBe(1);
  });

  it('a file that is not a database is a StateStoreError naming it', async () => {
    const file = tempDb();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'this is not sqlite '.repeat(100));
    expect(() => SqliteWatchStore.open(file)).toThrow(StateStoreError);
    expect(() => SqliteWatchStore.open(file)).toThrow(file);
  });
});

describe('SqliteWatchStore: alerts are claimed before they are sent', () => {
  it('claims new papers once; a second claim of the same papers gets nothing', async () => {
    const s = openWatchStore(tempDb());
    await s.insertWatch(spec(), T0, 20);
    const c1 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(1), maxTries: 3 });
    expect(c1).toMatchObject({ claimed: true, paperIds: ['p1', 'p2'], retried: [] });
    const c2 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(2), maxTries: 3 });
    expect(c2).toEqual({ claimed: false, why: 'nothing' });
    // A new paper alongside old ones: only the new one.
    const c3 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }, { id: 'p3' }], now: later(3), maxTries: 3 });
    expect(c3).toMatchObject({ claimed: true, paperIds: ['p3'] });
    // A paper known under another id (its former slug) counts as sent.
    const c4 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p9', otherIds: ['p1'] }], now: later(4), maxTries: 3 });
    expect(c4).toEqual({ claimed: false, why: 'nothing' });
  });

  it('two stores on one file: each (watch, paper) is claimed by exactly one', async () => {
    const file = tempDb();
    const a = openWatchStore(file);
    const b = openWatchStore(file);
    await a.insertWatch(spec(), T0, 20);
    const papers = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}` }));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimAlert({ watchId: 'w-0001', papers, now: later(i), maxTries: 3 })),
    );
    const claimed = results.filter((r) => r.claimed);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ paperIds: papers.map((p) => p.id) });
    expect(await b.deliveries('w-0001')).toHaveLength(20);
  });

  it('refuses removed and paused watches', async () => {
    const s = openWatchStore(tempDb());
    expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toEqual({ claimed: false, why: 'gone' });
    await s.insertWatch(spec(), T0, 20);
    await s.setPaused('w-0001', true, T0, 'paused by U1');
    expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 })).toEqual({ claimed: false, why: 'paused' });
  });

  it('records how an alert went on the alert and on each delivery row', async () => {
    const s = openWatchStore(tempDb());
    await s.insertWatch(spec(), T0, 20);
    const c = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }, { id: 'p2' }], now: later(1), maxTries: 3 });
    if (!c.claimed) throw new Error('not claimed');
    expect((await s.deliveries('w-0001')).map((d) => d.status)).toEqual(['pending', 'pending']);
    await s.finishAlert(c.alertId, { status: 'posted', attempts: 2 }, later(5));
    expect(await s.getAlert(c.alertId)).toMatchObject({ status: 'posted', attempts: 2, paperIds: ['p1', 'p2'], finishedAt: later(5) });
    expect(await s.deliveries('w-0001')).toEqual([
      expect.objectContaining({ paperId: 'p1', alertId: c.alertId, status: 'posted', attempts: 2, tries: 1 }),
      expect.objectContaining({ paperId: 'p2', alertId: c.alertId, status: 'posted', attempts: 2, tries: 1 }),
    ]);
  });

  it('papers of a failed alert ride along with the next alert, up to maxTries alerts, never alone', async () => {
    const s = openWatchStore(tempDb());
    await s.insertWatch(spec(), T0, 20);
    const c1 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: later(1), maxTries: 2 });
    if (!c1.claimed) throw new Error('not claimed');
    await s.finishAlert(c1.alertId, { status: 'failed', attempts: 4, reason: 'rate_limited' }, later(2));
    expect((await s.deliveries('w-0001'))[0]).toMatchObject({ status: 'failed', reason: 'rate_limited', attempts: 4 });
    // Nothing new: no alert just for the failed paper.
    expect(await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: later(3), maxTries: 2 })).toEqual({ claimed: false, why: 'nothing' });
    const c2 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }], now: later(4), maxTries: 2 });
    expect(c2).toMatchObject({ claimed: true, paperIds: ['p2', 'p1'], retried: ['p1'] });
    if (!c2.claimed) throw new Error('not claimed');
    await s.finishAlert(c2.alertId, { status: 'failed', attempts: 4, reason: 'rate_limited' }, later(5));
    // p1 has been in 2 alerts (maxTries): it stays failed, with its reason.
    const c3 = await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p3' }], now: later(6), maxTries: 2 });
    expect(c3).toMatchObject({ claimed: true, paperIds: ['p3', 'p2'], retried: ['p2'] });
    const p1 = (await s.deliveries('w-0001')).find((d) => d.paperId === 'p1');
    expect(p1).toMatchObject({ status: 'failed', tries: 2, attempts: 8, reason: 'rate_limited' });
  });

  it('an alert abandoned by a stopped process is marked failed (interrupted) and not offered again', async () => {
    const file = tempDb();
    const dead = openWatchStore(file);
    const alive = openWatchStore(file);
    await dead.insertWatch(spec(), T0, 20);
    const c = await dead.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
    expect(c.claimed).toBe(true);
    await dead.close();
    // Too young to be abandoned: left alone.
    expect(await alive.failAbandoned(new Date(T0.getTime() - 1), later(1))).toBe(0);
    expect(await alive.failAbandoned(later(1), later(2))).toBe(1);
    const [d] = await alive.deliveries('w-0001');
    expect(d).toMatchObject({ status: 'failed', reason: expect.stringMatching(/interrupted/) });
    const [a] = await alive.alerts('w-0001');
    expect(a).toMatchObject({ status: 'failed', reason: expect.stringMatching(/interrupted/) });
    // Not offered again: it may have been sent.
    const next = await alive.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p2' }], now: later(3), maxTries: 3 });
    expect(next).toMatchObject({ claimed: true, paperIds: ['p2'], retried: [] });
    expect(await alive.failAbandoned(later(10), later(10))).toBe(1); // the p2 alert, still pending
  });

  it('removing a watch removes its alerts and deliveries', async () => {
    const s = openWatchStore(tempDb());
    await s.insertWatch(spec(), T0, 20);
    await s.claimAlert({ watchId: 'w-0001', papers: [{ id: 'p1' }], now: T0, maxTries: 3 });
    await s.removeWatch('w-0001');
    expect(await s.deliveries('w-0001')).toEqual([]);
    expect(await s.alerts('w-0001')).toEqual([]);
  });
});

describe('SqliteWatchStore: cursors', () => {
  it('per platform, only ever forward, shared by every store on the file', async () => {
    const file = tempDb();
    const a = openWatchStore(file);
    const b = openWatchStore(file);
    expect(await a.cursor('slack')).toBeUndefined();
    await a.advanceCursor('slack', 5);
    await b.advanceCursor('slack', 3);
    expect(await b.cursor('slack')).toBe(5);
    expect(await b.cursor('discord')).toBeUndefined();
    await b.advanceCursor('discord', 9);
    expect(await a.cursor('discord')).toBe(9);
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
