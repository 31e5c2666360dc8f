import { writeFileSync, utimesSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { importSnapshot, ImportError, type ImportStatus } from '../../src/ingest/import-snapshot.ts';
import { categoryFilter, type CategoryFilter } from '../../src/sources/arxiv-snapshot.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import { eachBackend } from '../helpers/backends.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-import-');

function filterOf(...specs: string[]): CategoryFilter {
  const r = categoryFilter(specs);
  if (!r.ok) throw new Error(r.problem);
  return r.filter;
}

/** A snapshot record of paper `n` (arXiv id 2401.0000n). */
function rec(n: number, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `2401.${String(n).padStart(5, '0')}`,
    authors: 'A. Author',
    title: `Paper number ${n} on\n  sparse attention`,
    categories: 'cs.LG',
    abstract: `  We study sparse attention variant ${n} and show it is fast.\n`,
    versions: [{ version: 'v1', created: 'Tue, 2 Jan 2024 10:00:00 GMT' }],
    update_date: '2024-01-03',
    authors_parsed: [['Author', 'A.', '']],
    doi: null,
    ...over,
  });
}

/** A pino logger whose lines are kept, parsed. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

function writeSnapshot(lines: string[], name = 'snapshot.json'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

eachBackend((backend) => {
  it('imports the records of the asked categories, cross-lists included, and they read back as papers', async () => {
    const state = await (await backend.fresh()).open();
    const file = writeSnapshot([rec(1), rec(2, { categories: 'math.OC' }), rec(3, { categories: 'stat.ML cs.LG' })]);
    const { logger } = recordingLogger();
    const r = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    expect(r).toMatchObject({ added: 2, updated: 0, unchanged: 0, skipped: 0, matched: 2, lines: 3, resumedAt: 0, alreadyImported: false });
    const papers = await state.papers.all();
    expect(papers.map((p) => p.id).sort()).toEqual(['2401.00001', '2401.00003']);
    const one = papers.find((p) => p.id === '2401.00001')!;
    expect(one).toMatchObject({
      title: 'Paper number 1 on sparse attention',
      authors: ['A. Author'],
      published: '2024-01-02',
      categories: ['cs.LG'],
      sources: [{ feed: 'arxiv', date: '2024-01-02' }],
    });
  });

  it('adds nothing when the same file is imported again, and says it was imported before', async () => {
    const state = await (await backend.fresh()).open();
    const file = writeSnapshot([rec(1), rec(2)]);
    const { logger } = recordingLogger();
    await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    const revision = await state.papers.revision();
    const again = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    expect(again).toMatchObject({ added: 0, updated: 0, alreadyImported: true, lines: 2 });
    expect(again.importedAt).toBeInstanceOf(Date);
    expect(await state.papers.revision()).toBe(revision);
    expect(await state.papers.count()).toBe(2);
  });

  it('reads a touched (or newer) file again: unchanged records stay unchanged, a revised one replaces the stored title and abstract', async () => {
    const state = await (await backend.fresh()).open();
    const file = writeSnapshot([rec(1), rec(2)]);
    const { logger } = recordingLogger();
    await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    writeFileSync(
      file,
      [rec(1), rec(2, { title: 'A revised title', abstract: 'A revised abstract that says more than before.', update_date: '2024-03-01' })].join('\n') + '\n',
    );
    utimesSync(file, new Date('2030-01-01'), new Date('2030-01-01'));
    const r = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    expect(r).toMatchObject({ added: 0, updated: 1, unchanged: 1, alreadyImported: false });
    const two = (await state.papers.all()).find((p) => p.id === '2401.00002')!;
    expect(two.title).toBe('A revised title');
    expect(two.abstract).toBe('A revised abstract that says more than before.');
    expect(await state.papers.count()).toBe(2);
  });

  it('lets a later record of the same id in the file replace the earlier one', async () => {
    const state = await (await backend.fresh()).open();
    const file = writeSnapshot([rec(7), rec(8), rec(7, { title: 'Paper seven, second title', categories: 'cs.LG cs.CL' })]);
    const { logger } = recordingLogger();
    const r = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger, batchSize: 10 });
    expect(r).toMatchObject({ added: 2, matched: 3 });
    const seven = (await state.papers.all()).find((p) => p.id === '2401.00007')!;
    expect(seven.title).toBe('Paper seven, second title');
    expect(seven.categories).toEqual(['cs.LG', 'cs.CL']);
  });

  it('continues an interrupted import where it stopped: no paper twice, none lost, counts of both runs', async () => {
    const state = await (await backend.fresh()).open();
    const file = writeSnapshot(Array.from({ length: 10 }, (_, i) => rec(i + 1)));
    const { logger } = recordingLogger();
    const stop = new AbortController();
    const seen: ImportStatus[] = [];
    const first = await importSnapshot({
      file,
      filter: filterOf('cs'),
      store: state.papers,
      logger,
      batchSize: 3,
      signal: stop.signal,
      onProgress: (s) => {
        seen.push(s);
        stop.abort();
      },
    });
    // Stopped after the first batch of three, with that batch stored and recorded.
    expect(first).toMatchObject({ added: 3, lines: 3 });
    expect(await state.papers.count()).toBe(3);
    const second = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger, batchSize: 3 });
    expect(second).toMatchObject({ resumedAt: 3, added: 10, updated: 0, unchanged: 0, lines: 10, alreadyImported: false });
    expect(await state.papers.count()).toBe(10);
    expect(seen[0]).toMatchObject({ lines: 3, added: 3 });
  });
});

describe('importSnapshot (files)', () => {
  it('reads gzip whatever the file is called, streamed', async () => {
    const state = openSqliteState(tempDir());
    const dir = tempDir();
    const file = join(dir, 'snapshot.data');
    writeFileSync(file, gzipSync([rec(1), rec(2), rec(3)].join('\n')));
    const { logger } = recordingLogger();
    const r = await importSnapshot({ file, filter: filterOf('cs.LG'), store: state.papers, logger });
    expect(r).toMatchObject({ added: 3, lines: 3 });
    await state.close();
  });

  it('skips malformed lines and records without an abstract, counts them, and logs each with its line number', async () => {
    const state = openSqliteState(tempDir());
    const file = writeSnapshot([rec(1), '{"id": "2401.0', rec(2, { abstract: '' }), '', rec(3)]);
    const { logger, lines } = recordingLogger();
    const r = await importSnapshot({ file, filter: filterOf('cs'), store: state.papers, logger });
    expect(r).toMatchObject({ added: 2, skipped: 2, matched: 4, lines: 5 });
    const skips = lines.filter((l) => l['msg'] === 'import: line skipped').map((l) => ({ line: l['line'], reason: l['reason'], id: l['id'] }));
    expect(skips).toEqual([
      { line: 2, reason: 'malformed JSON', id: undefined },
      { line: 3, reason: 'no abstract', id: '2401.00002' },
    ]);
    expect(lines.find((l) => l['msg'] === 'import: line skipped')?.['level']).toBe(40);
    await state.close();
  });

  it('refuses a missing file, a folder, and a broken gzip with a clear ImportError; what was stored before the break stays', async () => {
    const state = openSqliteState(tempDir());
    const { logger } = recordingLogger();
    const dir = tempDir();
    await expect(importSnapshot({ file: join(dir, 'nope.json'), filter: filterOf('cs'), store: state.papers, logger })).rejects.toThrow(
      new ImportError(`cannot import ${join(dir, 'nope.json')}: no such file`),
    );
    await expect(importSnapshot({ file: dir, filter: filterOf('cs'), store: state.papers, logger })).rejects.toThrow(/not a regular file/);
    const many = Array.from({ length: 400 }, (_, i) => rec(i + 1)).join('\n');
    const gz = gzipSync(many);
    const broken = join(dir, 'broken.json.gz');
    writeFileSync(broken, Buffer.concat([gz.subarray(0, Math.floor(gz.length * 0.8)), Buffer.from('garbage that is not deflate')]));
    const err = await importSnapshot({ file: broken, filter: filterOf('cs'), store: state.papers, logger, batchSize: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toMatch(/^could not read .*broken\.json\.gz: /);
    const stored = await state.papers.count();
    expect(stored).toBeGreaterThan(0);
    expect(stored % 50).toBe(0);
    expect(readFileSync(broken).length).toBeGreaterThan(0);
    await state.close();
  });
});
