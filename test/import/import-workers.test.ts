/**
 * `paperboy import` with worker threads building the rows and with everything in one thread:
 * the same stored bytes, counts, progress records and logs, on input with malformed lines,
 * records without an abstract, repeated ids and revisions; abort and resume; a worker that
 * crashes or cannot start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotLines } from '../../src/corpus/snapshot.ts';
import { importSnapshot, type ImportReport } from '../../src/ingest/import-snapshot.ts';
import { ImportWorkerError, startWorkers } from '../../src/ingest/import-pool.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { preparePaper } from '../../src/library/store.ts';
import { reviseFromArxiv } from '../../src/papers/merge.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { categoryFilter, parseSnapshotLine, type CategoryFilter } from '../../src/sources/arxiv-snapshot.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { eachBackend } from '../helpers/backends.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-import-workers-');
const NOW = Date.parse('2026-12-05T12:00:00Z');
const stores: SqlitePaperStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function filterOf(...specs: string[]): CategoryFilter {
  const r = categoryFilter(specs);
  if (!r.ok) throw new Error(r.problem);
  return r.filter;
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/**
 * The bench's synthetic records (other fields included) with trouble mixed in: malformed and blank
 * lines, records without an abstract, the same record twice, and later revisions of earlier ones.
 */
function troubledSnapshot(papers: number, seed: number): string[] {
  const out: string[] = [];
  const lines = [...snapshotLines({ papers, seed })];
  lines.forEach((line, i) => {
    out.push(line);
    if (i % 97 === 5) out.push('{"id": "2401.0');
    if (i % 131 === 7) out.push('');
    if (i % 89 === 3) out.push(JSON.stringify({ ...(JSON.parse(line) as object), abstract: '' }));
    if (i % 53 === 11) out.push(line);
    if (i % 41 === 17 && i > 30) {
      const earlier = JSON.parse(lines[i - 25]!) as Record<string, unknown>;
      out.push(JSON.stringify({ ...earlier, title: `${String(earlier['title'])} (revised)`, abstract: `${String(earlier['abstract'])} We add a section.` }));
    }
  });
  return out;
}

function write(lines: string[], name: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function openStore(): { store: SqlitePaperStore; file: string } {
  const file = join(tempDir(), 'state.db');
  const store = SqlitePaperStore.open(file, { now: () => NOW });
  stores.push(store);
  return { store, file };
}

/** Everything stored: the papers' rows (records as bytes) and the imports' progress records. */
function dump(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const papers = db.prepare('SELECT id, arxiv_id, title_key, published, hex(record) AS record, first_seen, updated_at, rev FROM papers ORDER BY id').all();
    const imports = db.prepare('SELECT lines, done, added, updated, unchanged, skipped, at FROM imports ORDER BY key').all();
    const rev = db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get();
    return { papers, imports, rev };
  } finally {
    db.close();
  }
}

interface Run {
  reports: Omit<ImportReport, 'file'>[];
  skips: unknown[];
  stored: ReturnType<typeof dump>;
}

/** Import the files one after the other into a fresh store, with `workers` worker threads (0: this thread). */
async function importAll(files: string[], workers: number, batchSize = 40): Promise<Run> {
  const { store, file } = openStore();
  const { logger, lines } = recordingLogger();
  const reports: Omit<ImportReport, 'file'>[] = [];
  for (const f of files) {
    const { file: _file, ...r } = await importSnapshot({ file: f, filter: filterOf('cs'), store, logger, batchSize, workers, now: () => new Date(NOW) });
    reports.push(r);
  }
  await store.close();
  const skips = lines.filter((l) => l['msg'] === 'import: line skipped').map((l) => [l['line'], l['id'], l['reason']]);
  return { reports, skips, stored: dump(file) };
}

describe('import with worker threads', () => {
  it('stores byte-identical records, counts, progress and skip logs as the single-thread import', async () => {
    const first = write(troubledSnapshot(700, 11), 'first.json');
    // A later snapshot: the same papers, some revised, some new: updates go through the merge.
    const second = write(
      troubledSnapshot(900, 11).map((l, i) => (i % 7 === 0 && l.startsWith('{"id":') ? l.replace('"abstract":"', '"abstract":"Revised. ') : l)),
      'second.json',
    );
    const threaded = await importAll([first, second], 2);
    const single = await importAll([first, second], 0);
    expect(threaded.reports[0]).toMatchObject({ alreadyImported: false, resumedAt: 0 });
    expect(threaded.reports[0]!.added).toBeGreaterThan(600);
    expect(threaded.reports[0]!.skipped).toBeGreaterThan(10);
    expect(threaded.reports[0]!.updated + threaded.reports[0]!.unchanged).toBeGreaterThan(20);
    expect(threaded.reports[1]!.updated).toBeGreaterThan(50);
    expect(threaded.reports).toEqual(single.reports);
    expect(threaded.skips).toEqual(single.skips);
    expect(threaded.skips.length).toBeGreaterThan(10);
    expect(threaded.stored).toEqual(single.stored);
  }, 60_000);

  it('stores what the earlier import (validated in upsertBatch) stored', async () => {
    const file = write(troubledSnapshot(300, 5), 'snapshot.json');
    const batchSize = 40;
    const threaded = await importAll([file], 2, batchSize);
    // The import as it was: each line built here, batches through upsertBatch (schema checked again there).
    const { store, file: db } = openStore();
    const filter = filterOf('cs');
    let batch: Paper[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n').slice(0, -1)) {
      const parsed = parseSnapshotLine(line, filter);
      if (parsed.kind !== 'paper') continue;
      const built = paperFromFeed(parsed.paper, 'arxiv');
      if (built.ok) batch.push(built.paper);
      if (batch.length >= batchSize) {
        await store.upsertBatch(batch, { merge: reviseFromArxiv });
        batch = [];
      }
    }
    await store.upsertBatch(batch, { merge: reviseFromArxiv });
    await store.close();
    expect(dump(db).papers).toEqual(threaded.stored.papers);
    expect(dump(db).rev).toEqual(threaded.stored.rev);
  }, 60_000);

  it('upsertPrepared and upsertBatch store the same rows and outcomes, merges included', async () => {
    const filter = filterOf('cs');
    const papers = troubledSnapshot(120, 3).flatMap((line) => {
      const parsed = parseSnapshotLine(line, filter);
      if (parsed.kind !== 'paper') return [];
      const built = paperFromFeed(parsed.paper, 'arxiv');
      return built.ok ? [built.paper] : [];
    });
    const a = openStore();
    const b = openStore();
    const outA = [await a.store.upsertBatch(papers.slice(0, 60)), await a.store.upsertBatch(papers, { merge: reviseFromArxiv })];
    const outB = [
      await b.store.upsertPrepared(papers.slice(0, 60).map(preparePaper)),
      await b.store.upsertPrepared(papers.map(preparePaper), { merge: reviseFromArxiv }),
    ];
    expect(outB).toEqual(outA);
    await a.store.close();
    await b.store.close();
    expect(dump(b.file)).toEqual(dump(a.file));
  });

  it('stops after the batch being stored when aborted, and a rerun continues to the same result', async () => {
    const file = write(troubledSnapshot(600, 23), 'snapshot.json');
    const { store, file: db } = openStore();
    const { logger } = recordingLogger();
    const stop = new AbortController();
    let batches = 0;
    const opts = { file, filter: filterOf('cs'), store, logger, batchSize: 40, workers: 2, now: () => new Date(NOW) };
    const first = await importSnapshot({
      ...opts,
      signal: stop.signal,
      onProgress: () => {
        if (++batches === 3) stop.abort();
      },
    });
    expect(first.added + first.updated + first.unchanged).toBe(120);
    expect(await store.count()).toBeLessThanOrEqual(120);
    const progress = dump(db).imports[0] as { lines: number; done: number };
    expect(progress).toMatchObject({ lines: first.lines, done: 0 });
    const second = await importSnapshot(opts);
    expect(second.resumedAt).toBe(first.lines);
    await store.close();
    const whole = await importAll([file], 0);
    // `matched` is this run's (the other counts carry on from the interrupted run).
    const { file: _f, ...rest } = second;
    expect({ ...rest, resumedAt: 0, matched: first.matched + second.matched }).toEqual(whole.reports[0]);
    expect(dump(db).papers).toEqual(whole.stored.papers);
  }, 60_000);

  it('reports a worker that dies as a clear error, without hanging, and keeps what was stored', async () => {
    const file = write(troubledSnapshot(300, 2), 'snapshot.json');
    const { logger } = recordingLogger();
    for (const mode of ['exit', 'throw']) {
      const { store } = openStore();
      const run = importSnapshot({
        file,
        filter: filterOf('cs'),
        store,
        logger,
        workers: 2,
        workerEntry: { file: new URL('./fixtures/crash-worker.mjs', import.meta.url), workerData: { mode } },
      });
      await expect(run).rejects.toThrow(ImportWorkerError);
      await expect(run).rejects.toThrow(mode === 'exit' ? /stopped unexpectedly \(exit code 3\)/ : /crashed: boom in the worker/);
      expect(await store.count()).toBe(0);
    }
  }, 30_000);

  it('builds in this thread when the workers cannot start, with the same result', async () => {
    const file = write(troubledSnapshot(200, 9), 'snapshot.json');
    const single = await importAll([file], 0);
    for (const workerFile of ['./fixtures/broken-worker.mjs', './fixtures/no-such-worker.mjs']) {
      const { store, file: db } = openStore();
      const { logger, lines } = recordingLogger();
      const { file: _f, ...r } = await importSnapshot({
        file,
        filter: filterOf('cs'),
        store,
        logger,
        batchSize: 40,
        workers: 2,
        now: () => new Date(NOW),
        workerEntry: { file: new URL(workerFile, import.meta.url) },
      });
      await store.close();
      expect(lines.some((l) => typeof l['msg'] === 'string' && l['msg'].includes('building papers in the main thread'))).toBe(true);
      expect(r).toEqual(single.reports[0]);
      expect(dump(db)).toEqual(single.stored);
    }
  }, 60_000);

  it('stops its workers when closed: later chunks are refused', async () => {
    const { logger } = recordingLogger();
    const runner = await startWorkers(1, filterOf('cs'), logger);
    expect(runner?.threads).toBe(1);
    const line = [...snapshotLines({ papers: 1, seed: 1 })][0]!;
    const result = await runner!.run({ seq: 0, first: 1, lines: [line] });
    expect(result).toMatchObject({ seq: 0, last: 1, results: [{ line: 1 }] });
    const row = (result.results[0] as { row: { record: Uint8Array } }).row;
    expect(Buffer.isBuffer(row.record)).toBe(true);
    await runner!.close();
    await expect(runner!.run({ seq: 1, first: 2, lines: [line] })).rejects.toThrow(ImportWorkerError);
  }, 30_000);
});

eachBackend((backend) => {
  it('upsertPrepared stores what upsertBatch stores: the same outcomes and papers, revisions merged', async () => {
    const filter = filterOf('cs');
    const papers = troubledSnapshot(80, 4).flatMap((line) => {
      const parsed = parseSnapshotLine(line, filter);
      if (parsed.kind !== 'paper') return [];
      const built = paperFromFeed(parsed.paper, 'arxiv');
      return built.ok ? [built.paper] : [];
    });
    const a = await (await backend.fresh()).open();
    const b = await (await backend.fresh()).open();
    const outA = [await a.papers.upsertBatch(papers.slice(0, 40)), await a.papers.upsertBatch(papers, { merge: reviseFromArxiv })];
    const outB = [
      await b.papers.upsertPrepared(papers.slice(0, 40).map(preparePaper)),
      await b.papers.upsertPrepared(papers.map(preparePaper), { merge: reviseFromArxiv }),
    ];
    expect(outB).toEqual(outA);
    expect(outA[1]!.updated.length + outA[1]!.unchanged.length).toBeGreaterThan(40);
    expect(JSON.stringify(await b.papers.all())).toBe(JSON.stringify(await a.papers.all()));
  });
});
