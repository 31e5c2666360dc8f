import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { feedPaper, tempDir } from './helpers.ts';
import { startRace, type Race } from '../helpers/run-worker.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

let race: Race | undefined;
afterEach(async () => {
  await race?.kill();
  race = undefined;
});

interface PollResult {
  ran: boolean;
  alerts: { channelId: string; ids: string[] }[];
}

const arxivId = (n: number) => `2611.${String(n).padStart(5, '0')}`;

describe('two notifier processes on one state.db', () => {
  it('both attempt each alert at once; exactly one claims and sends it, the other finds nothing left; a re-ingest sends nothing', async () => {
    const db = join(tempDir(), 'state.db');
    const watches = SqliteWatchStore.open(db);
    const created = new Date('2026-11-25T00:00:00Z');
    await watches.insertWatch({ id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, query: 'zorblax' }, created, 20);
    await watches.insertWatch({ id: 'w-0002', platform: 'slack', channelId: 'C2', personal: false, query: 'quasar' }, created, 20);
    await watches.insertWatch({ id: 'w-0003', platform: 'slack', channelId: 'C3', personal: false, query: 'zorblax sparse' }, created, 20);
    // The ingest's clock (a paper's first_seen): after the watches were made.
    const papers = SqlitePaperStore.open(db, { now: () => Date.parse('2026-11-26T06:00:00Z') });

    race = await startRace(WORKER, [db]);
    const alerts: { pid: number; channelId: string; ids: string[] }[] = [];
    const poll = async (round: string): Promise<PollResult[]> => {
      const results = (await race!.command('poll', round)) as unknown as PollResult[];
      results.forEach((r, worker) => alerts.push(...r.alerts.map((a) => ({ pid: race!.pids[worker]!, ...a }))));
      return results;
    };

    for (let round = 0; round < 4; round++) {
      const ids = [1, 2, 3].map((i) => arxivId(round * 3 + i));
      const batch = ids.map((id, i) => feedPaper({ arxivId: id, title: `Zorblax ${id}: ${i === 0 ? 'Sparse' : 'Dense'} Caches` }));
      const r = await papers.upsertBatch(batch);
      await papers.recordRun({ source: 'hf', ok: true, at: new Date('2026-11-26T06:00:00Z'), added: r.added.length, updated: 0, skipped: 0 });
      const sent = alerts.length;
      const results = await poll(`ingest ${round}`);
      expect(
        results.map((x) => x.ran),
        `both processes ran a pass after ingest ${round}`,
      ).toEqual([true, true]);

      for (const [watch, expected] of [
        ['w-0001', ids],
        ['w-0003', [ids[0]!]],
      ] as const) {
        const [a, b] = race.reportsAt(`ingest ${round}:${watch}`);
        expect(Math.max(a!.arrived, b!.arrived), `both processes reached the claim for ${watch} before it was released`).toBeLessThan(a!.released);
        expect(Math.min(a!.reported, b!.reported), `both processes tried the claim for ${watch} after the release`).toBeGreaterThan(a!.released);
        expect(
          [a!.data, b!.data].map((d) => JSON.stringify(d)).sort(),
          `both processes attempted the alert of ${watch} for ingest ${round}; exactly one claimed it, the other found nothing left to send`,
        ).toEqual(['{"claimed":false,"why":"nothing"}', JSON.stringify({ claimed: true, paperIds: [...expected].sort() })]);
      }
      // Nothing matches w-0002, so no process even tried to claim for it.
      expect(race.gates().filter((g) => g.endsWith('w-0002'))).toEqual([]);
      expect(
        alerts
          .slice(sent)
          .map((a) => a.channelId)
          .sort(),
      ).toEqual(['C1', 'C3']);

      // The same ingest again: both processes finish their check, and nothing new is sent.
      await papers.upsertBatch(batch);
      await papers.recordRun({ source: 'hf', ok: true, at: new Date('2026-11-26T06:05:00Z'), added: 0, updated: 0, skipped: 0 });
      const again = await poll(`again ${round}`);
      expect(again.flatMap((x) => x.alerts)).toEqual([]);
      expect(race.gates().filter((g) => g.startsWith('again'))).toEqual([]);
    }
    expect(await race.stop()).toEqual([0, 0]);

    const won = new Map<number, number>();
    for (const a of alerts) won.set(a.pid, (won.get(a.pid) ?? 0) + 1);
    console.log('alerts sent per process:', [...won.values()].join(' / '));
    const c1 = alerts.filter((a) => a.channelId === 'C1');
    const c3 = alerts.filter((a) => a.channelId === 'C3');
    expect(alerts.filter((a) => a.channelId === 'C2')).toEqual([]);
    // One message per ingest for each watch; every paper once.
    expect(c1).toHaveLength(4);
    expect(c1.flatMap((a) => a.ids).sort()).toEqual(Array.from({ length: 12 }, (_, i) => arxivId(i + 1)));
    expect(c3).toHaveLength(4);
    expect(c3.flatMap((a) => a.ids).sort()).toEqual(['2611.00001', '2611.00004', '2611.00007', '2611.00010']);
    expect((await watches.deliveries('w-0001')).map((d) => d.status)).toEqual(Array(12).fill('posted'));
    await watches.close();
    await papers.close();
  }, 90_000);
});
