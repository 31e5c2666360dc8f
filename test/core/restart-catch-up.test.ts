/**
 * A restart after papers arrived: the index cache written for the store some papers ago is opened,
 * and the store's changes since (added, changed, removed) are taken in as a running bot takes in
 * papers arriving, instead of every stored paper being read and indexed again. Too many changes,
 * another store or other page files: rebuilt, as before.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { catchUpLimit, createPaperboy, type Booted } from '../../src/app/boot.ts';
import { cacheKeyHash, canCatchUp, parseCacheKey, type CacheKey } from '../../src/app/cache-key.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { readFromFile } from '../../src/search/cached-papers.ts';

const tempDir = useTempDirs('paperboy-catch-up-');
const NOW = new Date('2026-11-29T12:00:00Z');
const TOPICS = ['attention', 'diffusion', 'retrieval', 'quantization'];

function paper(i: number, fields: { title?: string; abstract?: string; upvotes?: number } = {}): Paper {
  const topic = TOPICS[i % TOPICS.length]!;
  const r = paperFromFeed(
    {
      arxivId: `2611.${String(10000 + i)}`,
      title: fields.title ?? `Study ${i} of ${topic} methods`,
      abstract: fields.abstract ?? `We study ${topic} in setting ${i}. It improves accuracy by 2% on four benchmarks.`,
      published: `2026-11-${String(10 + (i % 18))}`,
      upvotes: fields.upvotes ?? i % 5,
      authors: [`Author ${i % 97}`],
      categories: ['cs.LG'],
    },
    'hf',
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

/** A logger whose lines are kept: what the boot said of the index cache. */
function recordingLogger(): { logger: ReturnType<typeof createLogger>; cacheOutcomes: () => string[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, cacheOutcomes: () => lines.map((l) => String(l['msg'])).filter((m) => m.startsWith('index cache ') && m !== 'index cache written') };
}

const booted: Booted[] = [];
const stores: SqlitePaperStore[] = [];
afterEach(async () => {
  for (const b of booted.splice(0)) await b.library.close();
  for (const s of stores.splice(0)) await s.close();
});

/**
 * A database's own id is 32 hex digits: the cache file's name (the input hash's first 32
 * characters) is then the same at every revision. A short id with hyphens puts the revision in
 * the name: the older file is found in the folder all the same.
 */
const STORE_IDS = ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'state-1a2b-s9-'];

async function setUp(count: number, storeId = STORE_IDS[0]!): Promise<{ store: SqlitePaperStore; cacheDir: string; storeId: string }> {
  const dir = tempDir();
  const store = SqlitePaperStore.open(join(dir, 'state.db'));
  stores.push(store);
  await store.upsertBatch(Array.from({ length: count }, (_, i) => paper(i)));
  return { store, cacheDir: join(dir, 'index-cache'), storeId };
}

async function boot(store: SqlitePaperStore, cacheDir: string, storeId: string): Promise<{ b: Booted; outcome: string[] }> {
  const log = recordingLogger();
  const b = await createPaperboy({ logger: log.logger, store, storeId, cacheDir, now: () => NOW });
  booted.push(b);
  return { b, outcome: log.cacheOutcomes() };
}

function ids(reply: Reply): string[] {
  if (reply.data?.type !== 'results') throw new Error(`no result rows: ${reply.tone} ${reply.summary}`);
  return reply.data.results.map((r) => r.id);
}

async function ask(b: Booted, text: string): Promise<Reply> {
  return b.paperboy.run(text, SHELL_CONTEXT);
}

describe('a restart after papers arrived', () => {
  it.each(STORE_IDS)(
    'opens the older cache and takes in what was added, changed and removed since; answers as a fresh build does (store %s)',
    async (id) => {
      const { store, cacheDir, storeId } = await setUp(3000, id);
      const first = await boot(store, cacheDir, storeId);
      expect(first.outcome).toEqual(['index cache miss']);
      // The first start serves from the file it wrote, texts on disk, not from the records it built from.
      expect(readFromFile(first.b.library.papers[0]!, 'abstract')).toBe(true);
      const cacheFiles = readdirSync(cacheDir);

      // Meanwhile: two new papers, one changed (its upvotes, as the HF feed reports them), one removed (arXiv deleted it).
      await store.upsertBatch([
        paper(5000, { title: 'Wombat Attention for Long Context Models', abstract: 'Wombat attention keeps long contexts cheap.' }),
        paper(5001, { title: 'Platypus Decoding with Speculative Drafts', abstract: 'Platypus drafts speed up decoding.' }),
        paper(7, { upvotes: 40 }),
      ]);
      expect(await store.removePapers(['2611.10011'])).toEqual(['2611.10011']);

      const second = await boot(store, cacheDir, storeId);
      expect(second.outcome).toEqual(['index cache behind']);
      // The older file is kept (not rewritten): the next restart catches up from it again.
      expect(readdirSync(cacheDir)).toEqual(cacheFiles);
      const lib = second.b.library;
      expect(lib.snapshot.revision).toBe(await store.revision());
      expect(lib.papers).toHaveLength(first.b.library.papers.length + 1);
      expect(ids(await ask(second.b, 'search wombat attention'))[0]).toBe('2611.15000');
      expect(ids(await ask(second.b, 'search platypus'))).toEqual(['2611.15001']);
      expect(lib.engine.byId('2611.10007')?.upvotes).toBe(40);
      expect(lib.papers.filter((p) => p.id === '2611.10007')).toHaveLength(1);
      expect((await ask(second.b, 'show 2611.10011')).tone).not.toBe('ok');
      expect(lib.engine.byId('2611.10011')).toBeUndefined();

      // The same papers as a build from the store without a cache.
      const fresh = await createPaperboy({ logger: createLogger('silent'), store, now: () => NOW });
      booted.push(fresh);
      const sorted = (ps: readonly Paper[]) => ps.map((p) => `${p.id} ${p.title} ${p.upvotes ?? ''}`).sort();
      expect(sorted(lib.papers)).toEqual(sorted(fresh.library.papers));
      for (const q of ['trending --days 30 --limit 10', 'new --days 30 --limit 10', 'search platypus', 'search --author "Author 7" --limit 10']) {
        expect(ids(await ask(second.b, q)), q).toEqual(ids(await ask(fresh, q)));
      }
      expect((await ask(second.b, 'stats')).data).toEqual((await ask(fresh, 'stats')).data);
    },
    120_000,
  );

  it('rebuilds when more changed than a restart takes in, and for another store', async () => {
    const { store, cacheDir, storeId } = await setUp(2600);
    const first = await boot(store, cacheDir, storeId);
    expect(first.outcome).toEqual(['index cache miss']);
    const limit = catchUpLimit(await store.count());
    await store.upsertBatch(Array.from({ length: limit + 1 }, (_, i) => paper(10_000 + i)));
    const after = await boot(store, cacheDir, storeId);
    expect(after.outcome).toEqual(['index cache stale']);
    expect(after.b.library.papers).toHaveLength(first.b.library.papers.length + limit + 1);
    // Rewritten at the new revision: the next restart is a plain hit.
    expect((await boot(store, cacheDir, storeId)).outcome).toEqual(['index cache hit']);
    // The same folder under another store's id: never someone else's papers.
    await store.upsertBatch([paper(20_000)]);
    expect((await boot(store, cacheDir, 'another-store')).outcome).toEqual(['index cache stale']);
  }, 120_000);
});

describe('cache keys', () => {
  const now: CacheKey = { parser: 2, store: 'state-1a2b-s9-', revision: 42, pages: '0f3a' };

  it('read back what they say, whatever hyphens the store id has', () => {
    for (const store of ['none', 'abc', 'a-b-c', 'x-s5-9', '-s-1-']) {
      for (const revision of [-1, 0, 7, 123456]) {
        const k = { ...now, store, revision };
        expect(parseCacheKey(cacheKeyHash(k))).toEqual(k);
      }
    }
    expect(parseCacheKey('not a key')).toBeUndefined();
    expect(parseCacheKey('p2-dabc-s5-NOTHEX')).toBeUndefined();
  });

  it('an older cache stands in only for the same parser, store and pages, at a revision not after now', () => {
    expect(canCatchUp({ ...now, revision: 10 }, now)).toBe(true);
    expect(canCatchUp(now, now)).toBe(true);
    expect(canCatchUp({ ...now, revision: 43 }, now)).toBe(false);
    expect(canCatchUp({ ...now, revision: -1 }, now)).toBe(false);
    expect(canCatchUp({ ...now, revision: 10, parser: 1 }, now)).toBe(false);
    expect(canCatchUp({ ...now, revision: 10, store: 'other' }, now)).toBe(false);
    expect(canCatchUp({ ...now, revision: 10, pages: '0f3b' }, now)).toBe(false);
    expect(canCatchUp({ ...now, store: 'none', revision: 10 }, { ...now, store: 'none' })).toBe(false);
  });
});
