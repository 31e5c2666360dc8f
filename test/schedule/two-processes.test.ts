import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { spec, tempDir } from './helpers.ts';
import { startRace, type Race } from '../helpers/run-worker.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

let race: Race | undefined;
afterEach(async () => {
  await race?.kill();
  race = undefined;
});

interface DayResult {
  outcomes: string[];
  posts: { channelId: string; ids: string[] }[];
}

describe('two processes sharing one database file', () => {
  it('both attempt every slot at once; exactly one claims and posts it, the other is refused; no paper is posted twice', async () => {
    const db = join(tempDir(), 'state.db');
    const store = SqliteScheduleStore.open(db);
    await store.insertSchedule(spec({ count: 2 }), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    await store.close();

    race = await startRace(WORKER, [db]);
    const posts: { pid: number; ids: string[] }[] = [];
    for (let day = 0; day < 5; day++) {
      const slot = new Date(Date.parse('2026-11-26T09:00:00Z') + day * 86_400_000).toISOString();
      const results = (await race.command('runDue', day)) as unknown as DayResult[];
      results.forEach((r, worker) => posts.push(...r.posts.map((p) => ({ pid: race!.pids[worker]!, ids: p.ids }))));

      const [a, b] = race.reportsAt(`daily@${slot}`);
      // Both processes had reached the claim of this slot before either was let through, and both then tried it.
      expect(Math.max(a!.arrived, b!.arrived), `both processes reached the claim of ${slot} before it was released`).toBeLessThan(a!.released);
      expect(Math.min(a!.reported, b!.reported), `both processes tried ${slot} after the release`).toBeGreaterThan(a!.released);
      expect(
        [a!.data, b!.data].map((d) => JSON.stringify(d)).sort(),
        `both processes attempted slot ${slot}; exactly one claimed it, the other got not-claimed (taken)`,
      ).toEqual(['{"claimed":false,"why":"taken"}', '{"claimed":true}']);
      expect(results.map((r) => r.outcomes).sort()).toEqual([[`${slot} not-claimed`], [`${slot} posted`]]);
    }
    expect(race.gates()).toHaveLength(5);
    expect(await race.stop()).toEqual([0, 0]);

    // Log who won which slot.
    const won = new Map<number, number>();
    for (const p of posts) won.set(p.pid, (won.get(p.pid) ?? 0) + 1);
    console.log('slots won per process:', [...won.values()].join(' / '));
    expect(posts).toHaveLength(5);
    const ids = posts.flatMap((p) => p.ids);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    const check = SqliteScheduleStore.open(db);
    expect((await check.runs('daily')).map((x) => x.outcome)).toEqual(Array(5).fill('posted'));
    await check.close();
  }, 90_000);
});
