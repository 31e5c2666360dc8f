import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { loadJudgments } from '../../src/eval/evaluation.ts';
import { SCALE_QUERIES } from '../../src/corpus/bench-queries.ts';
import { createSearchEngine, type PaperboyEngine } from '../../src/search/engine.ts';
import { cacheFilePath, loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import { IndexCacheError } from '../../src/search/index-codec.ts';
import {
  decodePaperTerms,
  encodePaperTerms,
  inTitle,
  paperTermsOf,
  PaperTermsError,
  PaperTermsScanner,
  placesOf,
  termOrder,
  type PaperTerms,
} from '../../src/search/paper-terms.ts';
import fc from 'fast-check';
import { termOf } from '../../src/search/analyze.ts';
import { corpusPapers } from '../../src/corpus/generate.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { paper } from './helpers.ts';
import { resealed, sectionOf } from './cache-bytes.ts';

const plain = (t: PaperTerms) => ({ fields: t.fields.map((f) => [...f]), titleTerms: [...t.titleTerms], joined: t.joined.map((f) => [...f]) });
const none = () => [new Int32Array(0), new Int32Array(0), new Int32Array(0)] as const;

describe('paper terms', () => {
  const engine = createSearchEngine([
    paper({
      title: 'SnapKV: KV-cache compression for long contexts',
      name: 'SnapKV',
      abstract: 'We compress the key-value cache. The cache, compressed, is small; zzqx is unknown.',
    }),
    paper({ title: 'Other work', abstract: 'Nothing about it at all.' }),
  ]);
  const id = (term: string) => engine.index.terms.indexOf(term);

  it("holds each field's words in order (noise words left out), and the title terms with compounds", () => {
    const t = engine.paperTerms(0);
    expect([...t.fields[0]]).toEqual([id('snapkv')]);
    expect(t.fields[1].length).toBeGreaterThan(4);
    expect(t.fields[2][0]).toBe(id('compress')); // "We" and "the" are noise
    expect([...t.fields[2]].filter((x) => x === id('cach'))).toHaveLength(2); // each occurrence keeps its place
    expect(inTitle(t, id('kvcach'))).toBe(true); // the joined compound is a title term
    expect(inTitle(t, id('small'))).toBe(false);
    expect([...t.titleTerms]).toEqual([...t.titleTerms].sort((a, b) => a - b));
    // Joined compounds apart, field by field, as the index counts them: `KV-cache` in the title,
    // `key-value` in the abstract.
    expect([...t.joined[0]]).toEqual([]);
    expect([...t.joined[1]]).toEqual([id('kvcach')]);
    expect([...t.joined[2]]).toEqual([id('keyvalu')]);
    expect([...engine.paperTerms(1).joined.flatMap((f) => [...f])]).toEqual([]);
  });

  it('round-trips through its encoding', () => {
    for (const doc of [0, 1]) {
      const t = engine.paperTerms(doc);
      expect(plain(decodePaperTerms(encodePaperTerms(t), engine.index.terms.length))).toEqual(plain(t));
    }
    const empty: PaperTerms = { fields: none(), titleTerms: new Int32Array(0), joined: none() };
    expect(plain(decodePaperTerms(encodePaperTerms(empty), 1))).toEqual(plain(empty));
    // Ids at every varint length (1 to 5 bytes), and words the index does not have (-1).
    const wide = [-1, 0, 126, 127, 16_382, 16_383, 2_097_150, 2_097_151, 268_435_454, 268_435_455, 300_000_000];
    const big: PaperTerms = {
      fields: [Int32Array.from(wide), new Int32Array(0), Int32Array.from([...wide].reverse())],
      titleTerms: Int32Array.from(wide.slice(1)),
      joined: [Int32Array.from(wide.slice(1)), new Int32Array(0), Int32Array.from([5, 5, 0])],
    };
    expect(plain(decodePaperTerms(encodePaperTerms(big), 300_000_001))).toEqual(plain(big));
    expect(() => decodePaperTerms(encodePaperTerms(big), 300_000_000)).toThrow(/does not have/);
  });

  it('round-trips when written by place in an order (any permutation of the vocabulary)', () => {
    const vocab = 40;
    const ids = fc.integer({ min: -1, max: vocab - 1 });
    const field = fc.array(ids, { maxLength: 12 }).map((a) => Int32Array.from(a));
    const known = fc.array(fc.integer({ min: 0, max: vocab - 1 }), { maxLength: 8 });
    const terms = fc.record({
      fields: fc.tuple(field, field, field),
      titleTerms: known.map((a) => Int32Array.from(new Set(a)).sort()),
      joined: fc.tuple(known, known, known).map((fs) => fs.map((a) => Int32Array.from(a))),
    });
    const order = fc.shuffledSubarray([...Array(vocab).keys()], { minLength: vocab, maxLength: vocab }).map((a) => Uint32Array.from(a));
    fc.assert(
      fc.property(terms, order, (t, o) => {
        const paper = t as unknown as PaperTerms;
        const back = decodePaperTerms(encodePaperTerms(paper, placesOf(o)), vocab, o);
        expect(plain(back)).toEqual(plain(paper));
      }),
    );
  });

  it('writes common terms in fewer bytes by place (most papers first) than by id (first seen first)', () => {
    // Ids by first appearance: a paper with rare words first gives the common ones long ids.
    const papers = [
      paper({ title: 'Zyxw qwer tyui', abstract: Array.from({ length: 200 }, (_, i) => `rare${i}`).join(' ') }),
      ...Array.from({ length: 30 }, (_, i) => paper({ title: `Model ${i}`, abstract: 'the model learns attention over tokens with a cache of memory' })),
    ];
    const e = createSearchEngine(papers);
    const order = termOrder(e.index.df);
    expect(e.index.df[order[0]!]).toBe(Math.max(...e.index.df));
    for (let i = 1; i < order.length; i++) expect(e.index.df[order[i - 1]!]).toBeGreaterThanOrEqual(e.index.df[order[i]!]!);
    const place = placesOf(order);
    let byId = 0;
    let byPlace = 0;
    for (let doc = 1; doc < papers.length; doc++) {
      byId += encodePaperTerms(e.paperTerms(doc)).length;
      byPlace += encodePaperTerms(e.paperTerms(doc), place).length;
      expect(plain(decodePaperTerms(encodePaperTerms(e.paperTerms(doc), place), e.index.terms.length, order))).toEqual(plain(e.paperTerms(doc)));
    }
    expect(byPlace).toBeLessThan(byId * 0.8);
  });

  it('refuses bytes that do not fit: cut short, left over, out of range, out of order', () => {
    const bytes = encodePaperTerms(engine.paperTerms(0));
    const vocab = engine.index.terms.length;
    expect(() => decodePaperTerms(bytes.subarray(0, bytes.length - 1), vocab)).toThrow(PaperTermsError);
    expect(() => decodePaperTerms(Uint8Array.from([...bytes, 0]), vocab)).toThrow(PaperTermsError);
    expect(() => decodePaperTerms(bytes, 3)).toThrow(PaperTermsError);
    expect(() => decodePaperTerms(Uint8Array.from([0, 0, 0, 2, 5, 3, 0, 0, 0]), 10)).toThrow(/order/);
    // Joined compounds: a term the index has, never a word it does not (-1, encoded 0).
    expect(plain(decodePaperTerms(Uint8Array.from([0, 0, 0, 0, 1, 3, 0, 2, 10, 1]), 10)).joined).toEqual([[2], [], [9, 0]]);
    expect(() => decodePaperTerms(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0]), 10)).toThrow(/not a term/);
    expect(() => decodePaperTerms(Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 11]), 10)).toThrow(/does not have/);
    expect(() => decodePaperTerms(Uint8Array.from([0, 0, 0, 0]), 10)).toThrow(PaperTermsError); // an older entry: no joined compounds
    expect(() => decodePaperTerms(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 10)).toThrow(PaperTermsError);
    expect(() => decodePaperTerms(new Uint8Array(0), 10)).toThrow(PaperTermsError);
  });
});

describe('the bulk scanner (writing the cache)', () => {
  it('gives exactly what the text path gives: built-in and synthetic papers, odd text', async () => {
    const { papers: builtin } = await loadPapers(BUILTIN_PAPERS_PATH);
    const odd = [
      paper({ title: 'I/O-aware KV-Cache: the A--B test, state-of-the-art, x-', abstract: 'UPPER lower MiXeD 3D 4-bit a-b-c -- - / I/O 1/2 the of a I x' }),
      paper({ title: 'Über-fast E²GAN — 速い', abstract: `Café résumé naïve; ${'z'.repeat(300)} ${'y'.repeat(300)} and ${'z'.repeat(300)} again.` }),
      paper({ title: 'Numbers 2024 and v2.5', abstract: 'Tokens like x86_64, C++ and C# and e-mail, co-operate, re-ranking; GPT-4o vs. GPT4o.' }),
    ];
    const synthetic = [...corpusPapers({ papers: 300, seed: 3 })].map((p) => paper({ title: p.title, abstract: p.abstract }));
    const all = [...builtin, ...odd, ...synthetic];
    const engine = createSearchEngine(all);
    const ids = new Map(engine.index.terms.map((t, i) => [t, i]));
    const idOf = (folded: string) => ids.get(termOf(folded)) ?? -1;
    const termId = (term: string) => ids.get(term) ?? -1;
    const scanner = new PaperTermsScanner(idOf, termId);
    for (const p of all) expect(plain(scanner.termsOf(p)), p.title).toEqual(plain(paperTermsOf(p, idOf, termId)));
    const bulk = engine.allPaperTerms();
    for (let doc = 0; doc < all.length; doc += 7) expect(plain(bulk(doc))).toEqual(plain(engine.paperTerms(doc)));
  });
});

describe('second stage from stored terms', () => {
  let papers: Paper[];
  let dir: string;
  beforeAll(async () => {
    ({ papers } = await loadPapers(BUILTIN_PAPERS_PATH));
    dir = mkdtempSync(join(tmpdir(), 'paperboy-terms-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const results = (e: PaperboyEngine, q: string) => {
    const r = e.search(q, { limit: 10 });
    return { total: r.total, loose: r.loose, hits: r.hits.map((h) => [h.paper.id, h.score]) };
  };

  it('ranks exactly as the text does, for every judged query and the bench queries', async () => {
    const logger = pino({ level: 'silent' });
    await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'q', logger });
    const cached = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'q', logger });
    expect(cached.cache).toBe('hit');
    const fresh = createSearchEngine(papers);
    const queries = [...loadJudgments().map((j) => j.query), ...SCALE_QUERIES];
    expect(queries.length).toBeGreaterThan(100);
    for (const doc of [0, 57, papers.length - 1]) expect(plain(cached.engine.paperTerms(doc))).toEqual(plain(fresh.paperTerms(doc)));
    for (const q of queries) expect(results(cached.engine, q), q).toEqual(results(fresh, q));
  });

  it('a file whose term order is not an order of its vocabulary is refused at open and rebuilt', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'o', logger });
    const file = cacheFilePath(dir, 'o');
    const good = readFileSync(file);
    const at = sectionOf(good, 'termOrder');
    expect(at.bytes).toBe(4 * createSearchEngine(papers).index.terms.length);
    // A term twice (the checksum made to agree: a file written wrongly, not damaged on disk).
    const bad = Buffer.from(good);
    bad.writeUInt32LE(bad.readUInt32LE(at.offset), at.offset + 4);
    writeFileSync(file, resealed(bad));
    const again = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'o', logger });
    expect(again.cache).toBe('corrupt');
    expect(lines.join('')).toMatch(/term order is not an order of the vocabulary/);
    expect(results(again.engine, 'kv cache compression')).toEqual(results(createSearchEngine(papers), 'kv cache compression'));
  });

  it('damaged stored terms fail that search with IndexCacheError and remove the file; the next start rebuilds', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'd', logger });
    const file = cacheFilePath(dir, 'd');
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.subarray(32, 32 + bytes.readUInt32LE(12)).toString('utf8')) as {
      sections: { name: string; offset: number; bytes: number }[];
    };
    const at = header.sections.find((s) => s.name === 'paperTerms')!;
    // Every paper's terms but the first and last (the probe at open reads those).
    const offsets = header.sections.find((s) => s.name === 'paperTermOffsets')!;
    const starts = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + offsets.offset, bytes.byteOffset + offsets.offset + offsets.bytes));
    bytes.fill(0xff, at.offset + starts[1]!, at.offset + starts[papers.length - 1]!);
    writeFileSync(file, bytes);
    const hit = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'd', logger });
    expect(hit.cache).toBe('hit');
    expect(() => hit.engine.search('kv cache compression for long context inference', { limit: 10 })).toThrow(IndexCacheError);
    expect(lines.some((l) => l.includes('next start rebuilds'))).toBe(true);
    const next = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'd', logger });
    expect(next.cache).toBe('miss');
    expect(results(next.engine, 'kv cache compression for long context inference')).toEqual(
      results(createSearchEngine(papers), 'kv cache compression for long context inference'),
    );
  });
});
