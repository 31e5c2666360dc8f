/**
 * With a store that reads at once (SQLite), the index cache keeps no second copy of the stored
 * papers' texts: `show` and snippets read them from the store. A page paper merged with a stored
 * one (its text is not the stored record's) keeps its text in the file, and a store that cannot
 * read at once (PostgreSQL) gets every text in the file. Either way the answers are a fresh
 * build's.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { PaperStore } from '../../src/library/store.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { BUILTIN_PAPERS_PATH, loadPageFiles } from '../../src/sources/page-files.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-stored-texts-');
const NOW = new Date('2026-11-29T12:00:00Z');
const TOPICS = ['attention', 'diffusion', 'retrieval', 'quantization'];

function feedPaper(i: number, title?: string): Paper {
  const topic = TOPICS[i % TOPICS.length]!;
  const r = paperFromFeed(
    {
      arxivId: `2611.${String(10000 + i)}`,
      title: title ?? `Study ${i} of ${topic} methods`,
      abstract: `We study ${topic} in setting ${i}. It improves accuracy by ${i % 9}% on four benchmarks.`,
      published: `2026-11-${String(10 + (i % 18))}`,
      upvotes: i % 5,
      authors: [`Author ${i % 97}`],
      categories: ['cs.LG'],
    },
    'hf',
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

const booted: Booted[] = [];
const stores: SqlitePaperStore[] = [];
afterEach(async () => {
  for (const b of booted.splice(0)) await b.library.close();
  for (const s of stores.splice(0)) await s.close();
});

/** 3,000 stored papers (enough for the cache), one of them under a built-in page paper's title. */
async function setUp(): Promise<{ store: SqlitePaperStore; cacheDir: string; merged: Paper }> {
  const dir = tempDir();
  const store = SqlitePaperStore.open(join(dir, 'state.db'));
  stores.push(store);
  const page = (await loadPageFiles([BUILTIN_PAPERS_PATH])).papers[3]!;
  const papers = Array.from({ length: 3000 }, (_, i) => feedPaper(i));
  papers[5] = feedPaper(5, page.title);
  await store.upsertBatch(papers);
  return { store, cacheDir: join(dir, 'index-cache'), merged: page };
}

async function boot(store: PaperStore, cacheDir?: string): Promise<Booted> {
  const b = await createPaperboy({ logger: silentLogger(), store, storeId: 'db-1', now: () => NOW, ...(cacheDir ? { cacheDir } : {}) });
  booted.push(b);
  return b;
}

function cacheSize(cacheDir: string): number {
  const files = readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
  expect(files).toHaveLength(1);
  return statSync(join(cacheDir, files[0]!)).size;
}

/** A reply's data as plain values (a paper of a cache file reads its fields from the file). */
async function answer(b: Booted, q: string): Promise<unknown> {
  return JSON.parse(JSON.stringify((await b.paperboy.run(q, SHELL_CONTEXT)).data ?? null)) as unknown;
}

const QUESTIONS = ['show 2611.10007', 'show 2611.10005', 'search quantization setting 12 --limit 5', 'search attention accuracy --limit 10', 'stats'];

describe('an index cache beside a store that reads at once', () => {
  it('reads stored papers’ texts from the store, keeps a merged paper’s in the file, and answers as a fresh build', async () => {
    const { store, cacheDir, merged } = await setUp();
    const fresh = await boot(store);
    await boot(store, cacheDir); // writes the cache
    const reads = vi.spyOn(store, 'recordNow');
    const cached = await boot(store, cacheDir);
    for (const q of QUESTIONS) expect(await answer(cached, q), q).toEqual(await answer(fresh, q));
    // The stored paper's text came from the store; the merged one (stored record and page paper) did not.
    const ids = reads.mock.calls.map((c) => c[0]);
    expect(ids).toContain('2611.10007');
    expect(ids).not.toContain('2611.10005');
    const m = cached.library.engine.byId('2611.10005')!;
    expect(m.highlights).toEqual(fresh.library.engine.byId('2611.10005')!.highlights);
    expect(m.highlights.length).toBe(merged.highlights.length);
  }, 120_000);

  it('keeps every text in the file for a store that cannot read at once, and answers the same', async () => {
    const { store, cacheDir } = await setUp();
    await boot(store, cacheDir);
    const lean = cacheSize(cacheDir);

    // The same store seen through the interface without `recordNow` (as PostgreSQL is).
    const remote: PaperStore = new Proxy(store, {
      get: (target, key) => {
        if (key === 'recordNow') return undefined;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const otherDir = join(tempDir(), 'index-cache');
    await boot(remote, otherDir);
    const full = cacheSize(otherDir);
    // ~3,000 deflated texts of ~100 bytes each more.
    expect(full - lean).toBeGreaterThan(3000 * 50);
    const a = await boot(remote, otherDir);
    const b = await boot(store, cacheDir);
    for (const q of QUESTIONS) expect(await answer(a, q), q).toEqual(await answer(b, q));
  }, 120_000);

  it('shows a paper removed from the store since the cache was written as gone, never a crash', async () => {
    const { store, cacheDir } = await setUp();
    await boot(store, cacheDir);
    const b = await boot(store, cacheDir);
    const before = await b.paperboy.run('show 2611.10009', SHELL_CONTEXT);
    expect(before.tone).toBe('ok');
    expect(await store.removePapers(['2611.10009', '2611.10010'])).toEqual(['2611.10009', '2611.10010']);
    // Read before the library takes the removal in: the text read before, or an empty one (the record is gone); no error.
    expect(b.library.engine.byId('2611.10009')!.abstract).toMatch(/in setting 9\./);
    expect(b.library.engine.byId('2611.10010')!.abstract).toBe('');
    expect((await b.paperboy.run('show 2611.10010', SHELL_CONTEXT)).tone).toBe('ok');
    await b.library.refresh();
    for (const id of ['2611.10009', '2611.10010']) expect((await b.paperboy.run(`show ${id}`, SHELL_CONTEXT)).tone).not.toBe('ok');
  }, 120_000);
});
