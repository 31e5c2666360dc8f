import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { corpusPapers } from '../../src/corpus/generate.ts';
import { createSearchEngine, type PaperboyEngine } from '../../src/search/engine.ts';
import { loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import { postingsOf, type GlobalStats, type IndexData } from '../../src/search/inverted-index.ts';
import { PaperImpacts } from '../../src/search/paper-impacts.ts';
import type { PaperTerms } from '../../src/search/paper-terms.ts';
import { topStep } from '../../src/search/postings.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { paper } from './helpers.ts';

/** Every paper's impacts as its postings hold them: doc -> term -> impact. */
function postedImpacts(ix: IndexData): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  const mask = topStep(ix.impactBits);
  for (let t = 0; t < ix.terms.length; t++) {
    for (const p of postingsOf(ix, t)) {
      const doc = p >>> ix.impactBits;
      let m = out.get(doc);
      if (!m) out.set(doc, (m = new Map<number, number>()));
      m.set(t, (p & mask) * ix.impactUnit[t]!);
    }
  }
  return out;
}

/** What `compute` found for a paper, as a term -> impact map, and which terms it counts as words. */
function computed(pi: PaperImpacts, doc: number, terms: PaperTerms): { ok: boolean; impacts: Map<number, number>; words: Set<number> } {
  const ok = pi.compute(doc, terms);
  const impacts = new Map<number, number>();
  for (let i = 0; i < pi.size; i++) impacts.set(pi.terms[i]!, pi.impacts[i]!);
  return { ok, impacts, words: new Set(pi.terms.subarray(0, pi.words)) };
}

/** Each paper's computed impacts equal its postings' exactly, and its words are the words of its fields. */
function expectExact(engine: PaperboyEngine): void {
  const ix = engine.index;
  const posted = postedImpacts(ix);
  const pi = new PaperImpacts(ix);
  for (let doc = 0; doc < ix.n; doc++) {
    const terms = engine.paperTerms(doc);
    const got = computed(pi, doc, terms);
    const want = posted.get(doc) ?? new Map<number, number>();
    expect(got.ok, `paper ${doc}`).toBe(true);
    expect(got.impacts, `paper ${doc}`).toEqual(want);
    expect(got.words).toEqual(new Set([...terms.fields.flatMap((f) => [...f])].filter((t) => t >= 0)));
  }
}

const odd = [
  paper({
    title: 'I/O-aware KV-Cache: the A--B test, state-of-the-art, x-',
    abstract: 'UPPER lower MiXeD 3D 4-bit a-b-c -- - / I/O 1/2 the of a I x kv-cache kvcache',
  }),
  paper({ title: 'Über-fast E²GAN — 速い', abstract: `Café résumé naïve; co-opération ${'z'.repeat(300)} ${'y'.repeat(300)} and ${'z'.repeat(300)} again.` }),
  paper({ title: 'Numbers 2024 and v2.5', abstract: 'Tokens like x86_64, C++ and C# and e-mail, co-operate, re-ranking; GPT-4o vs. GPT4o. to-be or-not' }),
  paper({ title: 'Repeats', name: 'Rep', aliases: ['Rep-2', 'RepX'], abstract: `${'cache '.repeat(400)}and ${'fine-tuning '.repeat(300)}` }),
];

describe('paper impacts computed from paper terms', () => {
  let builtin: Paper[];
  beforeAll(async () => {
    ({ papers: builtin } = await loadPapers(BUILTIN_PAPERS_PATH));
  });

  it('equal the postings exactly for every paper and term: built-in, synthetic and odd text', () => {
    const synthetic = [...corpusPapers({ papers: 400, seed: 5 })].map((p) => paper({ title: p.title, abstract: p.abstract }));
    expectExact(createSearchEngine([...builtin, ...odd, ...synthetic]));
  });

  it('equal them for a segment built beside others (idf and lengths counted over all papers)', () => {
    const base = createSearchEngine(builtin);
    const df = new Map(base.index.terms.map((t, i) => [t, base.index.df[i]!]));
    const global: GlobalStats = { n: base.index.n, avgLens: base.index.avgLens, df: (term) => df.get(term) ?? 0 };
    const segment = createSearchEngine(odd, { global });
    expect(segment.index.idfs).toBeDefined();
    expectExact(segment);
    // Without the idf it was built with, the norms do not add up: nothing is computed.
    const { idfs: _, ...withoutIdfs } = segment.index;
    const pi = new PaperImpacts(withoutIdfs);
    expect([0, 1, 2, 3].map((doc) => pi.compute(doc, segment.paperTerms(doc)))).toEqual([false, false, false, false]);
  });

  it('equal them when read from the index cache file (stored terms)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-impacts-'));
    try {
      const papers = [...builtin, ...odd];
      const logger = pino({ level: 'silent' });
      await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'i', logger });
      const cached = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'i', logger });
      expect(cached.cache).toBe('hit');
      expectExact(cached.engine);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses terms that do not describe the paper as the index read it', () => {
    const engine = createSearchEngine([...builtin, ...odd]);
    const pi = new PaperImpacts(engine.index);
    const kv = engine.paperTerms(builtin.length); // the first odd paper: joined compounds in both fields
    expect(pi.compute(builtin.length, kv)).toBe(true);
    const none = [new Int32Array(0), new Int32Array(0), new Int32Array(0)] as const;
    // Without its joined compounds (an entry written before they were kept).
    expect(pi.compute(builtin.length, { ...kv, joined: none })).toBe(false);
    // One word fewer, one more, or another paper's terms.
    const [name, title, abstract] = kv.fields;
    expect(pi.compute(builtin.length, { ...kv, fields: [name, title, abstract.subarray(1)] })).toBe(false);
    expect(pi.compute(builtin.length, { ...kv, fields: [name, title, Int32Array.from([...abstract, abstract[0]!])] })).toBe(false);
    expect(pi.compute(builtin.length, engine.paperTerms(0))).toBe(false);
    // And after all that, the right terms still give the right answer (the scratch table was reset).
    expect(pi.compute(builtin.length, kv)).toBe(true);
  });
});

describe('the feedback from computed impacts', () => {
  it('ranks exactly as the postings do', async () => {
    const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
    const engine = createSearchEngine(papers);
    // The same index with an idf of 0 for every term: no paper's impacts add up to its norm, so
    // every feedback impact is read from the postings (nothing else reads `idfs`).
    const stripped = createSearchEngine(papers, { index: { ...engine.index, idfs: new Float64Array(engine.index.terms.length) } });
    const pi = new PaperImpacts(stripped.index);
    expect(pi.compute(0, stripped.paperTerms(0))).toBe(false);
    const queries = [
      'kv cache compression for long context inference',
      'efficient attention for long video generation with diffusion',
      'retrieval augmented generation benchmarks',
    ];
    for (const q of queries) {
      const a = engine.search(q, { limit: 10 });
      const b = stripped.search(q, { limit: 10 });
      expect(
        a.hits.map((h) => [h.paper.id, h.score]),
        q,
      ).toEqual(b.hits.map((h) => [h.paper.id, h.score]));
    }
  });
});

describe('stored terms read per query', () => {
  it('reads each paper once a query (feedback, then proximity), and none when the query is asked again', async () => {
    const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
    const fresh = createSearchEngine(papers);
    const reads: number[] = [];
    const engine = createSearchEngine(papers, {
      index: fresh.index,
      paperTerms: (doc) => {
        reads.push(doc);
        return fresh.paperTerms(doc);
      },
    });
    const q = 'kv cache compression for long context inference';
    const first = engine.search(q, { limit: 10 });
    expect(reads.length).toBeGreaterThan(3);
    expect(new Set(reads).size).toBe(reads.length);
    reads.length = 0;
    const again = engine.search(q, { limit: 10 });
    expect(reads).toEqual([]);
    expect(again.hits.map((h) => [h.paper.id, h.score])).toEqual(first.hits.map((h) => [h.paper.id, h.score]));
    expect(first.hits.map((h) => [h.paper.id, h.score])).toEqual(fresh.search(q, { limit: 10 }).hits.map((h) => [h.paper.id, h.score]));
  });
});
