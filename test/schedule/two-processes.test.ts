import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { spec, tempDir } from './helpers.ts';
import { runWorker } from '../helpers/run-worker.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

const run = (args: string[]): Promise<number> => runWorker(WORKER, args);

describe('two processes sharing one database file', () => {
  it('post every slot exactly once, never the same paper twice', async () => {
    const dir = tempDir();
    const db = join(dir, 'state.db');
    const out = join(dir, 'posts.jsonl');
    const go = join(dir, 'go');
    writeFileSync(out, '');
    const store = SqliteScheduleStore.open(db);
    await store.insertSchedule(spec({ count: 2 }), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    await store.close();

    const both = Promise.all([run([db, out, go]), run([db, out, go])]);
    setTimeout(() => writeFileSync(go, String(Date.now() + 300)), 1500); // both are loaded and waiting by then
    expect(await both).toEqual([0, 0]);

    const posts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; ids: string[] });
    expect(posts).toHaveLength(5);
    // Log who won which slot (both usually win some: the race is real).
    const won = new Map<number, number>();
    for (const p of posts) won.set(p.pid, (won.get(p.pid) ?? 0) + 1);
    console.log('slots won per process:', [...won.values()].join(' / '));
    const ids = posts.flatMap((p) => p.ids);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    const check = SqliteScheduleStore.open(db);
    expect((await check.runs('daily')).map((x) => x.outcome)).toEqual(Array(5).fill('posted'));
    await check.close();
  }, 60_000);
});
