import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqlitePaperStore } from '../../src/store/sqlite/paper-store.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { feedPaper, tempDir } from './helpers.ts';
import { runWorker } from '../helpers/run-worker.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

const run = (args: string[]): Promise<number> => runWorker(WORKER, args);

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe('two notifier processes on one state.db', () => {
  it('send each (watch, paper) once, one message per watch per ingest', async () => {
    const dir = tempDir();
    const db = join(dir, 'state.db');
    const out = join(dir, 'alerts.jsonl');
    const stop = join(dir, 'stop');
    writeFileSync(out, '');
    const watches = SqliteWatchStore.open(db);
    const created = new Date(Date.now() - 60_000);
    await watches.insertWatch({ id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, query: 'zorblax' }, created, 20);
    await watches.insertWatch({ id: 'w-0002', platform: 'slack', channelId: 'C2', personal: false, query: 'quasar' }, created, 20);
    await watches.insertWatch({ id: 'w-0003', platform: 'slack', channelId: 'C3', personal: false, query: 'zorblax sparse' }, created, 20);
    const papers = SqlitePaperStore.open(db);

    const both = Promise.all([run([db, out, stop]), run([db, out, stop])]);
    await sleep(2500); // both loaded and checking
    for (let round = 0; round < 4; round++) {
      const batch = Array.from({ length: 3 }, (_, i) => {
        const n = round * 3 + i + 1;
        return feedPaper({ arxivId: `2611.${String(n).padStart(5, '0')}`, title: `Zorblax ${n}: ${i === 0 ? 'Sparse' : 'Dense'} Caches` });
      });
      const r = await papers.upsertBatch(batch);
      await papers.recordRun({ source: 'hf', ok: true, at: new Date(), added: r.added.length, updated: 0, skipped: 0 });
      // The same ingest again: nothing new to send.
      await papers.upsertBatch(batch);
      await papers.recordRun({ source: 'hf', ok: true, at: new Date(), added: 0, updated: 0, skipped: 0 });
      await sleep(400);
    }
    await sleep(500);
    writeFileSync(stop, '');
    expect(await both).toEqual([0, 0]);

    const alerts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; channelId: string; ids: string[] });
    const won = new Map<number, number>();
    for (const a of alerts) won.set(a.pid, (won.get(a.pid) ?? 0) + 1);
    console.log('alerts sent per process:', [...won.values()].join(' / '));
    const c1 = alerts.filter((a) => a.channelId === 'C1');
    const c3 = alerts.filter((a) => a.channelId === 'C3');
    expect(alerts.filter((a) => a.channelId === 'C2')).toEqual([]);
    // One message per ingest for each watch; every paper once.
    expect(c1).toHaveLength(4);
    expect(c1.flatMap((a) => a.ids).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `2611.${String(i + 1).padStart(5, '0')}`));
    expect(c3).toHaveLength(4);
    expect(c3.flatMap((a) => a.ids).sort()).toEqual(['2611.00001', '2611.00004', '2611.00007', '2611.00010']);
    expect((await watches.deliveries('w-0001')).every((d) => d.status === 'posted')).toBe(true);
    await watches.close();
    await papers.close();
  }, 60_000);
});
