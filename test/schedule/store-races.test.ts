/**
 * The schedule store with many writers: two states opened on one database are two processes (two
 * connection pools), racing for real with `Promise.all`. On PostgreSQL each race needs the lock or
 * constraint named in its test (each was checked to fail without it); on SQLite the single writer
 * serialises them, and the same outcomes hold.
 */
import { expect, it } from 'vitest';
import type { ClaimRequest, ClaimResult, RunPlan, ScheduleStore } from '../../src/schedule/store.ts';
import { eachBackend } from '../helpers/backends.ts';
import { spec } from './helpers.ts';

const T0 = new Date('2026-11-26T08:00:00Z');
const ROUNDS = 20;

/** The reasons of the rejected ones (expected: none). */
function rejections(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

eachBackend((backend) => {
  /** Two processes on one empty database. */
  async function twoProcesses(): Promise<[ScheduleStore, ScheduleStore]> {
    const db = await backend.fresh();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    return [a.schedules, b.schedules];
  }

  const claim = (store: ScheduleStore, scheduleId: string, slot: string, plan: ClaimRequest['plan']): Promise<ClaimResult> =>
    store.claimRun({ scheduleId, slot, slotAt: T0, trigger: 'cron', now: T0, plan });

  it('schedules of one channel claiming at once in two processes never pick the same paper (claims take turns per channel)', async () => {
    const [a, b] = await twoProcesses();
    const ids = ['s1', 's2', 's3', 's4'];
    for (const id of ids) await a.insertSchedule(spec({ id }), { now: T0 }, 10);
    const papers = Array.from({ length: ROUNDS * ids.length * 3 }, (_, i) => `p${String(i).padStart(4, '0')}`);
    // Each run takes the first three papers its channel has not had: without the per-channel lock,
    // two claims read the same history and plan the same papers.
    const firstUnposted = (_s: unknown, posted: ReadonlySet<string>): RunPlan => ({ kind: 'post', paperIds: papers.filter((p) => !posted.has(p)).slice(0, 3) });
    const planned: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.allSettled(ids.map((id, i) => claim(i % 2 ? b : a, id, `slot-${round}`, firstUnposted)));
      expect(rejections(results)).toEqual([]);
      for (const r of fulfilled(results)) {
        if (!r.claimed || r.plan.kind !== 'post') throw new Error(`not claimed: ${JSON.stringify(r)}`);
        planned.push(...r.plan.paperIds);
      }
    }
    expect(planned).toHaveLength(papers.length);
    expect(new Set(planned).size).toBe(planned.length);
    expect((await b.postedPaperIds('slack', 'C1')).sort()).toEqual(papers);
  });

  it('one slot claimed by many callers in two processes at once: exactly one wins, the others find it taken', async () => {
    const [a, b] = await twoProcesses();
    await a.insertSchedule(spec(), { now: T0 }, 10);
    for (let round = 0; round < ROUNDS / 2; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => claim(i % 2 ? b : a, 'daily', `slot-${round}`, () => ({ kind: 'post', paperIds: [`p-${round}-${i}`] }))),
      );
      expect(rejections(results)).toEqual([]);
      const won = fulfilled(results).filter((r) => r.claimed);
      expect(won).toHaveLength(1);
      expect(fulfilled(results).filter((r) => !r.claimed)).toEqual(Array.from({ length: 7 }, () => ({ claimed: false, why: 'taken' })));
    }
    const runs = await a.runs('daily', 100);
    expect(runs).toHaveLength(ROUNDS / 2);
    // Only the winners' papers were reserved.
    expect((await a.postedPaperIds('slack', 'C1')).sort()).toEqual(runs.flatMap((r) => r.paperIds).sort());
  });

  it('inserts into one channel at once in two processes never pass the per-channel cap (count and insert take turns per channel)', async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 5; round++) {
      const channelId = `C${round}`;
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? b : a).insertSchedule(spec({ id: `s-${round}-${i}`, channelId }), { now: T0 }, 3)),
      );
      expect(rejections(results)).toEqual([]);
      const outcomes = fulfilled(results);
      expect(outcomes.filter((r) => r.ok)).toHaveLength(3);
      expect(outcomes.filter((r) => !r.ok && r.why === 'channel-full')).toHaveLength(9);
      expect(await b.listSchedules({ channelId })).toHaveLength(3);
    }
  });

  it('one id inserted at once into different channels in two processes: exactly one is made, the others are duplicates', async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).insertSchedule(spec({ id: `s-${round}`, channelId: `C${i}` }), { now: T0 }, 10)),
      );
      expect(rejections(results)).toEqual([]);
      const outcomes = fulfilled(results);
      expect(outcomes.filter((r) => r.ok)).toHaveLength(1);
      expect(outcomes.filter((r) => !r.ok && r.why === 'duplicate-id')).toHaveLength(7);
    }
    expect(await a.listSchedules()).toHaveLength(5);
  });

  it('two processes starting at once with the same config file: neither fails, each schedule is added once', async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 5; round++) {
      const file = [1, 2, 3].map((n) => spec({ id: `m-${round}-${n}`, channelId: `C${n}` }));
      const results = await Promise.allSettled([a.syncConfigSchedules(file, T0), b.syncConfigSchedules(file, T0)]);
      expect(rejections(results)).toEqual([]);
      const [first, second] = fulfilled(results).sort((x, y) => y.added.length - x.added.length);
      expect(first?.added).toEqual(file.map((s) => s.id));
      expect(second).toEqual({ added: [], updated: [], removed: [] });
      expect((await a.listSchedules()).map((s) => s.id).sort()).toEqual(file.map((s) => s.id));
    }
  });

  it('two processes starting at once with different config files: neither removes the other’s schedules; an id in both belongs to the last to sync', async () => {
    const [a, b] = await twoProcesses();
    // Each round is a new pair of files (earlier rounds' files are still in use: nothing of theirs may go).
    const fileOf = (who: 'a' | 'b', round: number) => `/srv/${who}-${round}/paperboy.json`;
    const rounds = ROUNDS / 2;
    for (let round = 0; round < rounds; round++) {
      const [A, B] = [fileOf('a', round), fileOf('b', round)];
      const shared = `shared-${round}`;
      const fileA = [...[1, 2].map((n) => spec({ id: `a-${round}-${n}` })), spec({ id: shared, channelId: 'C3', count: 1 })];
      const fileB = [...[1, 2].map((n) => spec({ id: `b-${round}-${n}`, channelId: 'C2' })), spec({ id: shared, channelId: 'C3', count: 4 })];
      const results = await Promise.allSettled([a.syncConfigSchedules(fileA, T0, A), b.syncConfigSchedules(fileB, T0, B)]);
      expect(rejections(results)).toEqual([]);
      const [ra, rb] = fulfilled(results);
      // Neither removed anything: every round's schedules are there, each recorded as its file's.
      expect([ra?.removed, rb?.removed]).toEqual([[], []]);
      const stored = await b.listSchedules();
      expect(stored).toHaveLength((round + 1) * 5);
      for (let r = 0; r <= round; r++) {
        for (const id of [`a-${r}-1`, `a-${r}-2`]) expect(stored.find((s) => s.id === id)?.configFile, id).toBe(fileOf('a', r));
        for (const id of [`b-${r}-1`, `b-${r}-2`]) expect(stored.find((s) => s.id === id)?.configFile, id).toBe(fileOf('b', r));
      }
      // The shared id: added by the first to sync, taken over with its settings by the last.
      const aLast = ra?.updated.includes(shared) === true;
      expect(aLast ? [rb?.added, ra?.updated] : [ra?.added, rb?.updated]).toEqual([expect.arrayContaining([shared]), [shared]]);
      expect(stored.find((s) => s.id === shared)).toMatchObject(aLast ? { configFile: A, count: 1 } : { configFile: B, count: 4 });
    }
    // The last round's files dropping everything, at once: each removes only its own file's schedules.
    const last = rounds - 1;
    const results = await Promise.allSettled([a.syncConfigSchedules([], T0, fileOf('a', last)), b.syncConfigSchedules([], T0, fileOf('b', last))]);
    expect(rejections(results)).toEqual([]);
    const [ra, rb] = fulfilled(results);
    expect([...(ra?.removed ?? []), ...(rb?.removed ?? [])].sort()).toEqual([`a-${last}-1`, `a-${last}-2`, `b-${last}-1`, `b-${last}-2`, `shared-${last}`]);
    expect(ra?.removed).toEqual(expect.arrayContaining([`a-${last}-1`, `a-${last}-2`]));
    expect(rb?.removed).toEqual(expect.arrayContaining([`b-${last}-1`, `b-${last}-2`]));
    expect(await a.listSchedules()).toHaveLength(last * 5);
  });

  it('a schedule removed while another process claims its slot leaves no run behind', async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < ROUNDS; round++) {
      const id = `s-${round}`;
      await a.insertSchedule(spec({ id }), { now: T0 }, 10);
      const [claimed, removed] = await Promise.all([claim(b, id, 'slot', () => ({ kind: 'post', paperIds: [`p${round}`] })), a.removeSchedule(id)]);
      expect(removed).toBe(true);
      expect(claimed.claimed ? 'claimed' : claimed.why).toMatch(/^(claimed|gone)$/);
      expect(await a.runs(id)).toEqual([]);
    }
  });

  it('a run finished while another process claims its slot: no deadlock, the slot stays taken', async () => {
    const [a, b] = await twoProcesses();
    await a.insertSchedule(spec(), { now: T0 }, 10);
    for (let round = 0; round < ROUNDS; round++) {
      const slot = `slot-${round}`;
      const first = await claim(a, 'daily', slot, () => ({ kind: 'post', paperIds: [`p${round}`] }));
      if (!first.claimed) throw new Error('not claimed');
      const results = await Promise.all([
        a.finishRun(first.runId, { outcome: 'posted', attempts: 1 }, T0),
        claim(b, 'daily', slot, () => ({ kind: 'post', paperIds: ['never'] })),
        a.finishRun(first.runId, { outcome: 'posted', attempts: 1 }, T0),
        claim(b, 'daily', slot, () => ({ kind: 'post', paperIds: ['never'] })),
      ]);
      expect(results).toEqual([undefined, { claimed: false, why: 'taken' }, undefined, { claimed: false, why: 'taken' }]);
    }
    expect(await a.postedPaperIds('slack', 'C1')).not.toContain('never');
  });

  it('the same missed slots recorded by two processes at once, in opposite orders: each once, no deadlock', async () => {
    const [a, b] = await twoProcesses();
    await a.insertSchedule(spec(), { now: T0 }, 10);
    for (let round = 0; round < ROUNDS / 2; round++) {
      const slots = Array.from({ length: 30 }, (_, i) => new Date(T0.getTime() + (round * 100 + i) * 60_000));
      const results = await Promise.allSettled([
        a.recordSkipped('daily', slots, 'missed', T0),
        b.recordSkipped('daily', [...slots].reverse(), 'missed', T0),
        a.recordSkipped('daily', [...slots].reverse(), 'missed', T0),
        b.recordSkipped('daily', slots, 'missed', T0),
      ]);
      expect(rejections(results)).toEqual([]);
      expect(fulfilled(results).reduce((sum, n) => sum + n, 0)).toBe(slots.length);
    }
    expect(await a.runs('daily', 1000)).toHaveLength((ROUNDS / 2) * 30);
  });

  it('abandoned runs recovered by two processes at once are failed once', async () => {
    const [a, b] = await twoProcesses();
    for (const id of ['s1', 's2', 's3']) await a.insertSchedule(spec({ id }), { now: T0 }, 10);
    for (let i = 0; i < 30; i++) await claim(i % 2 ? b : a, `s${(i % 3) + 1}`, `slot-${i}`, () => ({ kind: 'post', paperIds: [`p${i}`] }));
    const later = new Date(T0.getTime() + 1);
    const results = await Promise.allSettled([a.failAbandoned(later, later), b.failAbandoned(later, later), a.failAbandoned(later, later)]);
    expect(rejections(results)).toEqual([]);
    expect(fulfilled(results).reduce((sum, n) => sum + n, 0)).toBe(30);
    for (const id of ['s1', 's2', 's3']) expect((await b.runs(id)).every((r) => r.outcome === 'failed')).toBe(true);
  });
});
