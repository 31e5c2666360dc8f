/**
 * Commands that read the whole library (`new`, `trending`, `code`, `stats`, listings by `--author`,
 * `--category`, `--since`) answer from what is computed once per library snapshot: the newest-first
 * order, an author index, counts that read no paper texts. Each is held to what the plain scan over
 * every paper gives (written out here as the reference), on random libraries and on a library of
 * 6,000 stored papers, read fresh and from the index cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { AuthorIndex, authorIndex, nameWords } from '../../src/search/author-index.ts';
import { foldPhrase } from '../../src/search/fold.ts';
import { authorMatcher, categoryMatcher } from '../../src/commands/filters.ts';
import { newestFirst, newestOrder } from '../../src/commands/newest.ts';
import { Random } from '../../src/corpus/random.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { isPageSource, type Paper } from '../../src/papers/paper.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { readFromFile } from '../../src/search/cached-papers.ts';

/** The order `newestFirst` documents, as a plain sort (the code before it was computed once). */
function newestReference(papers: readonly Paper[]): Paper[] {
  const fileOrder = new Map<string, number>();
  for (const p of papers) for (const s of p.sources) if (isPageSource(s) && !fileOrder.has(s.file)) fileOrder.set(s.file, fileOrder.size);
  const rank = (p: Paper) => Math.max(0, ...p.sources.map((s) => (isPageSource(s) ? (fileOrder.get(s.file) ?? 0) : 0)));
  return papers
    .map((p, i) => ({ p, i, r: rank(p), d: p.published ?? '', u: p.upvotes ?? -1 }))
    .sort((a, b) => (a.d === b.d ? 0 : a.d < b.d ? 1 : -1) || b.u - a.u || b.r - a.r || a.i - b.i)
    .map((x) => x.p);
}

const FIRST = ['Geoffrey', 'Grace', 'José', 'Jose', 'Ada', 'Zoë', 'Li', 'Yann', 'G.', 'Ge', 'Tri', 'Ana-Maria'];
const LAST = ['Hinton', 'Hopper', 'Martínez', 'Martinez', 'Lovelace', 'Li', 'LeCun', 'Dao', 'Ng', "O'Brien", 'van der Berg', 'Hin'];

/** A paper with just what ordering and filtering read (the rest as a record has it). */
function tiny(i: number, fields: Partial<Paper>): Paper {
  return { id: `p${i}`, title: `Paper ${i}`, aliases: [], abstract: '', links: [], highlights: [], sources: [{ feed: 'hf', date: '2026-11-01' }], ...fields };
}

const arbPaper = fc.record({
  day: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  upvotes: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  file: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  authors: fc.array(fc.tuple(fc.constantFrom(...FIRST), fc.constantFrom(...LAST)), { maxLength: 3 }),
});

interface Spec {
  day: number | undefined;
  upvotes: number | undefined;
  file: number | undefined;
  authors: [string, string][];
}

function build(specs: readonly Spec[]): Paper[] {
  return specs.map((s, i) =>
    tiny(i, {
      ...(s.day !== undefined ? { published: `2026-11-0${s.day}` } : {}),
      ...(s.upvotes !== undefined ? { upvotes: s.upvotes } : {}),
      ...(s.authors.length ? { authors: s.authors.map(([f, l]) => `${f} ${l}`) } : {}),
      sources: s.file !== undefined ? [{ file: `page-${s.file}.txt`, line: i }] : [{ feed: 'hf', date: '2026-11-01' }],
    }),
  );
}

describe('newest first, computed once per library', () => {
  it('is the documented order, ties included (dates, votes, page files, list order)', () => {
    fc.assert(
      fc.property(fc.array(arbPaper, { maxLength: 60 }), (specs) => {
        const papers = build(specs);
        const order = newestOrder(papers);
        expect(order.papers.map((p) => p.id)).toEqual(newestReference(papers).map((p) => p.id));
        order.papers.forEach((p, j) => expect(papers[order.index[j]!]).toBe(p));
      }),
      { numRuns: 300 },
    );
  });

  it('is kept for the same list, frozen, and made anew for another list', () => {
    const papers = build([
      { day: 1, upvotes: 1, file: undefined, authors: [] },
      { day: 2, upvotes: undefined, file: undefined, authors: [] },
    ]);
    const a = newestFirst(papers);
    expect(newestFirst(papers)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(newestFirst([...papers])).not.toBe(a);
    expect(a.map((p) => p.id)).toEqual(['p1', 'p0']);
  });
});

describe('author index', () => {
  const names = fc.oneof(
    fc.constantFrom(...FIRST, ...LAST),
    fc.tuple(fc.constantFrom(...FIRST), fc.constantFrom(...LAST)).map(([f, l]) => `${f} ${l}`),
    fc.tuple(fc.constantFrom(...FIRST, ...LAST), fc.integer({ min: 1, max: 3 })).map(([w, n]) => w.slice(0, n)),
    fc.constantFrom('G Hinton', 'g. hin', 'MARTINEZ', 'zoe', 'o brien', 'van berg', 'Nobody', 'li li', '', '  ', '-', 'é'),
  );

  it('folds a name into the words foldPhrase gives (the ASCII fast path included)', () => {
    const folded = (s: string) => foldPhrase(s).split(/\s+/).filter(Boolean);
    const chars = fc.constantFrom(...'aZ09 .-_\'",;:!?()[]{}\\/\t\n~`@#$%^&*+=|<>éÅßﬁ²'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars }), fc.string({ unit: 'grapheme-ascii' })), (name) => {
        expect(nameWords(name)).toEqual(folded(name));
      }),
      { numRuns: 2000 },
    );
    for (const name of [...FIRST, ...LAST, 'M\\"uller', "O'Brien-Smith", '  A.  B.  ', '']) expect(nameWords(name)).toEqual(folded(name));
  });

  it('finds exactly the papers the matcher keeps, in list order', () => {
    fc.assert(
      fc.property(fc.array(arbPaper, { maxLength: 80 }), fc.array(names, { minLength: 1, maxLength: 6 }), (specs, queries) => {
        const papers = build(specs);
        const index = new AuthorIndex(papers);
        for (const q of queries) {
          const has = authorMatcher(q);
          expect(index.papersBy(q, has).map((p) => p.id)).toEqual(papers.filter((p) => has(p.authors)).map((p) => p.id));
        }
      }),
      { numRuns: 300 },
    );
  });
});

// A library of 6,000 stored papers (above the author index's threshold, and large enough for the
// index cache): 20 days, few distinct vote counts (ties), authors from a small pool (shared names,
// prefixes, accents), a quarter with code, categories with cross-lists.
const NOW = new Date('2026-11-29T12:00:00Z');
const CATS = ['cs.CL', 'cs.LG', 'cs.CV', 'stat.ML', 'cs.AI'];

function library(count: number): Paper[] {
  const rnd = new Random(11);
  const out: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const authors = Array.from({ length: rnd.int(1, 3) }, () => `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`);
    const day = rnd.int(10, 28);
    const r = paperFromFeed(
      {
        arxivId: `2611.${String(10000 + i)}`,
        title: `Study ${i} of ${['attention', 'diffusion', 'retrieval', 'quantization'][i % 4]} methods`,
        abstract: `We study ${['attention', 'diffusion', 'retrieval', 'quantization'][i % 4]} in setting ${i}. It improves accuracy by 2% on four benchmarks.`,
        published: `2026-11-${day}`,
        ...(rnd.chance(0.7) ? { upvotes: rnd.int(0, 3) } : {}),
        authors,
        categories: [rnd.pick(CATS), ...(rnd.chance(0.5) ? [rnd.pick(CATS)] : [])].filter((c, k, all) => all.indexOf(c) === k),
        ...(i % 4 === 0 ? { githubRepo: `https://github.com/example/repo-${i}` } : {}),
      },
      'hf',
    );
    if (!r.ok) throw new Error(r.message);
    out.push(r.paper);
  }
  return out;
}

let dir: string;
let store: SqlitePaperStore;
let fresh: Booted;
let cached: Booted;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-large-'));
  store = SqlitePaperStore.open(join(dir, 'state.db'));
  await store.upsertBatch(library(6000));
  const cacheDir = join(dir, 'index-cache');
  // Built in memory (no cache folder), and read from the cache file a first start wrote.
  fresh = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
  await (await createPaperboy({ logger: silentLogger(), store, cacheDir, now: () => NOW })).library.close();
  cached = await createPaperboy({ logger: silentLogger(), store, cacheDir, now: () => NOW });
}, 120_000);

afterAll(async () => {
  await fresh?.library.close();
  await cached?.library.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The papers a reply lists (none for an empty one). */
function ids(reply: Reply): string[] {
  if (reply.tone === 'empty') return [];
  if (reply.data?.type !== 'results') throw new Error(`no result rows: ${reply.tone} ${reply.summary}`);
  return reply.data.results.map((r) => r.id);
}

const byVotes = (a: Paper, b: Paper) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || (b.published ?? '').localeCompare(a.published ?? '');

describe.each([
  ['read fresh', () => fresh],
  ['read from the index cache', () => cached],
])('a library of 6,000 papers, %s', (_, booted) => {
  const ask = (text: string) => booted().paperboy.run(text, SHELL_CONTEXT);
  const papers = () => booted().paperboy.deps.papers;

  it('holds the 6,000 papers and the built-in 116 (from the cache file: texts read when asked for)', () => {
    expect(papers()).toHaveLength(6116);
    const lazy = readFromFile(papers()[0]!, 'abstract');
    expect(lazy).toBe(booted() === cached);
  });

  it.each(['Hinton', 'g hin', 'José Martínez', 'li', 'Zoe', 'van der', 'Nobody Atall'])(
    'search --author %s lists what a scan finds, newest first',
    async (name) => {
      const has = authorMatcher(name);
      const want = newestReference(papers()).filter((p) => has(p.authors));
      const r = await ask(`search --author "${name}" --limit 10 --page 2`);
      expect(ids(r)).toEqual(want.slice(10, 20).map((p) => p.id));
      if (want.length > 10) expect(r.paging?.total).toBe(want.length);
    },
  );

  it('search with words and --author keeps only that author’s papers', async () => {
    const has = authorMatcher('Hopper');
    const r = await ask('search attention --author Hopper --limit 10');
    const all = ids(r);
    expect(all.length).toBe(10);
    for (const id of all) expect(has(papers().find((p) => p.id === id)!.authors)).toBe(true);
  });

  it.each(['new 10', 'new 10 --days 3', 'new 10 --author lovelace --days 5', 'new 10 --category cs --page 2', 'new 10 --code'])(
    '%s: the latest days’ papers, most upvoted first',
    async (command) => {
      const days = Number(/--days (\d+)/.exec(command)?.[1] ?? 1);
      const page = Number(/--page (\d+)/.exec(command)?.[1] ?? 1);
      const has = command.includes('--author') ? authorMatcher('lovelace') : () => true;
      const inCs = categoryMatcher('cs');
      const keep = (p: Paper) =>
        p.published !== undefined &&
        has(p.authors) &&
        (!command.includes('--category') || ('test' in inCs && inCs.test(p.categories))) &&
        (!command.includes('--code') || p.links.some((l) => l.kind === 'code'));
      const pool = papers().filter(keep);
      const latest = pool.reduce((d, p) => (p.published! > d ? p.published! : d), '');
      const from = new Date(Date.parse(`${latest}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const want = pool.filter((p) => p.published! >= from).sort(byVotes);
      expect(ids(await ask(command))).toEqual(want.slice((page - 1) * 10, page * 10).map((p) => p.id));
    },
  );

  it('trending --days 10 --limit 10: upvoted papers of the window, most upvoted first', async () => {
    const want = papers()
      .filter((p) => p.upvotes !== undefined && p.published !== undefined && p.published >= '2026-11-20')
      .sort(byVotes);
    expect(ids(await ask('trending 10 --days 10'))).toEqual(want.slice(0, 10).map((p) => p.id));
  });

  it('code --page 3 and search --category cs.CL: the plain scan’s lists', async () => {
    const withCode = newestReference(papers()).filter((p) => p.links.some((l) => l.kind === 'code'));
    expect(ids(await ask('code --limit 10 --page 3'))).toEqual(withCode.slice(20, 30).map((p) => p.id));
    const inCl = newestReference(papers()).filter((p) => p.categories?.includes('cs.CL'));
    const r = await ask('search --category cs.CL --limit 10');
    expect(ids(r)).toEqual(inCl.slice(0, 10).map((p) => p.id));
    expect(r.paging?.total).toBe(inCl.length);
  });

  it('stats counts what the papers hold', async () => {
    const r = await ask('stats');
    if (r.data?.type !== 'other') throw new Error('stats has no data');
    const v = r.data.value as Record<string, unknown>;
    expect(v['papers']).toBe(6116);
    expect(v['withCode']).toBe(papers().filter((p) => p.links.some((l) => l.kind === 'code')).length);
    expect(v['highlights']).toBe(papers().reduce((n, p) => n + p.highlights.length, 0));
    expect(v['newest']).toBe(papers().reduce((d, p) => (p.published! > d ? p.published! : d), ''));
  });
});

describe('papers arriving beside a large library', () => {
  it('--author finds the new papers too, and the large list keeps its author index', async () => {
    const local = mkdtempSync(join(tmpdir(), 'paperboy-large-'));
    const own = SqlitePaperStore.open(join(local, 'state.db'));
    try {
      await own.upsertBatch(library(6000));
      const booted = await createPaperboy({ logger: silentLogger(), store: own, now: () => NOW });
      const ask = (text: string) => booted.paperboy.run(text, SHELL_CONTEXT);
      const before = await ask('search --author "Ada Lovelace" --limit 10');
      const large = booted.paperboy.deps.engine.parts.find((part) => part.length >= 6000)!;
      const index = authorIndex(large);
      const r = paperFromFeed(
        { arxivId: '2611.99999', title: 'A Late Paper', abstract: 'It arrived after the start.', published: '2026-11-29', authors: ['Ada Lovelace'] },
        'arxiv',
      );
      if (!r.ok) throw new Error(r.message);
      await own.upsertBatch([r.paper]);
      expect(await booted.library.refresh()).toBe(true);
      const parts = booted.paperboy.deps.engine.parts;
      expect(parts.length).toBeGreaterThan(1);
      expect(parts).toContain(large);
      const after = await ask('search --author "Ada Lovelace" --limit 10');
      expect(ids(after)[0]).toBe('2611.99999');
      expect(after.paging?.total).toBe((before.paging?.total ?? 0) + 1);
      expect(authorIndex(large)).toBe(index);
      await booted.library.close();
    } finally {
      await own.close();
      rmSync(local, { recursive: true, force: true });
    }
  }, 60_000);
});
