import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { plain } from '../../src/reply/reply.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import type { SearchEngine } from '../../src/search/types.ts';
import { paper } from './helpers.ts';

const small: Paper[] = [
  paper({
    title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
    name: 'SnapKV',
    abstract: 'The key-value (KV) cache grows with input length. SnapKV compresses the KV cache by selecting important positions per attention head.',
  }),
  paper({
    title: 'A Study of Garden Plants',
    abstract: 'We study tomatoes and cucumbers. Cache is mentioned once here, unrelated to models.',
    code: true,
  }),
  paper({
    title: 'ZipCache: Accurate KV Cache Quantization',
    name: 'ZipCache',
    abstract: 'KV cache quantization with salient token identification compresses the kv-cache of large language models.',
    code: true,
  }),
  paper({
    title: 'NOLA: Low Rank Random Basis',
    name: 'NOLA',
    abstract: 'Low-rank adaptation (LoRA) reduces trainable parameters. NOLA goes below rank one.',
  }),
  paper({
    title: 'E²GAN: Efficient Training of Efficient GANs',
    name: 'E²GAN',
    abstract: 'Generative adversarial networks distilled from diffusion models for image editing.',
  }),
  paper({
    title: 'Hierarchical Patch Compression for ColPali',
    aliases: ['HPC-ColPali'],
    abstract: 'Multi-vector document retrieval with patch quantization and pruning.',
    code: true,
  }),
];

describe('words no paper has', () => {
  it('are named when the other words found papers, and not otherwise', () => {
    const e = createSearchEngine(small);
    const r = e.search('kv cache chromodynamics zzyzx');
    expect(r.total).toBeGreaterThan(0);
    expect(r.unmatched).toEqual(['chromodynamics', 'zzyzx']);
    // A typo that corrects to a word the papers have is not "unmatched".
    expect(e.search('kv cahce').unmatched).toBeUndefined();
    expect(e.search('kv cache').unmatched).toBeUndefined();
    // Nothing found at all: the reply says so anyway, no list of words.
    const none = e.search('chromodynamics zzyzx');
    expect(none.total).toBe(0);
    expect(none.unmatched).toBeUndefined();
  });
});

describe('a page where no paper has every word', () => {
  it('is flagged partial; a page with one paper that has them all is not', () => {
    const e = createSearchEngine(small);
    expect(e.search('tomatoes quantization').partial).toBe(true);
    expect(e.search('kv cache quantization').partial).toBeUndefined();
    expect(e.search('zipcache').partial).toBeUndefined();
  });
});

describe('search on a small set', () => {
  const e = createSearchEngine(small);

  it('ranks papers about the query above passing mentions (BM25F)', () => {
    const r = e.search('kv cache');
    const names = r.hits.map((h) => h.paper.name ?? h.paper.title);
    expect(names.slice(0, 2).sort()).toEqual(['SnapKV', 'ZipCache']);
    expect(names[2]).toBe('A Study of Garden Plants');
    expect(r.total).toBe(3);
    expect(r.hits[0]!.score).toBeGreaterThan(r.hits[2]!.score);
  });

  it('makes kv-cache, KV cache and kvcache meet', () => {
    for (const q of ['kv-cache', 'KV cache', 'kvcache', 'KVCache']) {
      const ids = e.search(q).hits.map((h) => h.paper.name);
      expect(ids, q).toContain('ZipCache');
      expect(ids, q).toContain('SnapKV');
    }
  });

  it('widens plain words to the words papers use, one way only', () => {
    const words = createSearchEngine([
      paper({ title: 'Big data', abstract: 'A big table of shrinking numbers.' }),
      paper({ title: 'Large models', abstract: 'Compression of large language models.' }),
    ]);
    expect(words.plan('shrinking').display).toEqual(expect.arrayContaining(['shrinking', 'compression']));
    expect(words.plan('big').display).toEqual(expect.arrayContaining(['big', 'large']));
    // `large` (as in large language model) is not widened to `big`, nor `compression` to `shrinking`.
    expect(words.plan('large').display).not.toContain('big');
    expect(words.plan('compression').display).not.toContain('shrinking');
    expect(words.search('shrinking').hits.map((h) => h.paper.title)).toEqual(['Big data', 'Large models']);
  });

  it('expands acronyms, scoring expansions below exact terms', () => {
    const r = e.search('low rank adaptation');
    expect(r.hits[0]!.paper.name).toBe('NOLA');
    expect(r.terms).toContain('lora');
    const kv = e.search('key value');
    expect(kv.hits.map((h) => h.paper.name)).toContain('ZipCache'); // only says "KV"
  });

  it('finds folded names', () => {
    expect(e.search('e2gan').hits[0]!.paper.name).toBe('E²GAN');
    expect(e.search('hpc colpali').hits[0]!.paper.aliases).toEqual(['HPC-ColPali']);
  });

  it('builds snippets with marks around the matched terms', () => {
    const hit = e.search('quantization').hits[0]!;
    const marks = hit.snippet.filter((s) => s.kind === 'mark').map((s) => s.text);
    expect(marks).toEqual(['quantization']);
    expect(plain(hit.snippet)).toContain('KV cache quantization');
  });

  it('filters to papers with code', () => {
    const r = e.search('kv cache', { codeOnly: true });
    expect(r.hits.every((h) => h.paper.links.some((l) => l.kind === 'code'))).toBe(true);
    expect(r.total).toBe(2);
  });

  it('pages with limit and offset; total counts every match', () => {
    const all = e.search('kv cache', { limit: 10 }).hits.map((h) => h.paper.id);
    const p1 = e.search('kv cache', { limit: 2 });
    const p2 = e.search('kv cache', { limit: 2, offset: 2 });
    expect([...p1.hits, ...p2.hits].map((h) => h.paper.id)).toEqual(all);
    expect(p1.total).toBe(3);
    expect(p2.total).toBe(3);
    expect(e.search('kv cache', { limit: 2, offset: 10 }).hits).toEqual([]);
    expect(e.search('kv cache', { limit: 0 }).hits).toEqual([]);
  });

  it('corrects typos and says so', () => {
    const r = e.search('snpakv');
    expect(r.hits[0]!.paper.name).toBe('SnapKV');
    expect(r.suggestion).toBe('snapkv');
    const multi = e.search('quantizaton cahce');
    expect(multi.hits[0]!.paper.name).toBe('ZipCache');
    expect(multi.suggestion).toBe('quantization cache');
  });

  it('returns nothing (not an error) for stopwords or unknown words', () => {
    expect(e.search('the of and').total).toBe(0);
    const r = e.search('zzzzqqq');
    expect(r.total).toBe(0);
    expect(r.hits).toEqual([]);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: -5, max: 50 }), fc.integer({ min: -5, max: 50 }), (q, limit, offset) => {
        const r = e.search(q, { limit, offset, codeOnly: limit % 2 === 0 });
        expect(r.hits.length).toBeLessThanOrEqual(Math.max(0, limit));
        expect(r.total).toBeGreaterThanOrEqual(r.hits.length);
        e.resolve(q);
        e.complete(q, limit);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (q) => {
        e.search(q);
        e.resolve(q);
        e.complete(q);
        e.similar(q);
      }),
      { numRuns: 300 },
    );
  });
});

describe('on the built-in papers', () => {
  let papers: Paper[];
  let e: SearchEngine;
  beforeAll(async () => {
    papers = (await loadPapers(BUILTIN_PAPERS_PATH)).papers;
    e = createSearchEngine(papers);
  });
  const byName = (name: string): Paper => papers.find((p) => p.name === name)!;

  it('resolves ids, names, aliases and titles', () => {
    const snap = byName('SnapKV');
    expect(e.resolve(snap.id)).toMatchObject({ kind: 'found', via: 'id', paper: { name: 'SnapKV' } });
    expect(e.resolve('snapkv')).toMatchObject({ kind: 'found', via: 'name', paper: { name: 'SnapKV' } });
    expect(e.resolve('E2GAN')).toMatchObject({ kind: 'found', via: 'name', paper: { name: 'E²GAN' } });
    expect(e.resolve('hpc-colpali')).toMatchObject({ kind: 'found', via: 'alias' });
    expect(e.resolve('HPC ColPali')).toMatchObject({ kind: 'found', via: 'alias' });
    expect(e.resolve(snap.title.toUpperCase())).toMatchObject({ kind: 'found', via: 'title', paper: { name: 'SnapKV' } });
    const long = papers.find((p) => p.title.length > 90)!; // its id is cut and hashed
    expect(e.resolve(` ${long.title.toLowerCase()} `)).toMatchObject({ kind: 'found', via: 'title', paper: { id: long.id } });
  });

  it('resolves exact titles whatever their markup: LaTeX, Unicode superscripts, dashes, quotes', () => {
    const e2gan = { kind: 'found', via: 'title', paper: { name: 'E²GAN' } };
    expect(e.resolve('E$^{2}$GAN: Efficient Training of Efficient GANs for Image-to-Image Translation')).toMatchObject(e2gan);
    expect(e.resolve('E²GAN: Efficient Training of Efficient GANs for Image-to-Image Translation')).toMatchObject(e2gan);
    expect(e.resolve('“E2GAN: Efficient Training of Efficient GANs for Image–to–Image Translation”')).toMatchObject(e2gan);
    expect(e.resolve('FlashAttention — Fast and Memory-Efficient Exact Attention with IO-Awareness')).toMatchObject({
      kind: 'found',
      paper: { name: 'FlashAttention' },
    });
  });

  it('resolves typos fuzzily', () => {
    expect(e.resolve('snpakv')).toMatchObject({ kind: 'found', via: 'fuzzy', paper: { name: 'SnapKV' } });
    expect(e.resolve('zipcahce')).toMatchObject({ kind: 'found', via: 'fuzzy', paper: { name: 'ZipCache' } });
  });

  it('returns ambiguous candidates instead of guessing', () => {
    // An exact name answers directly; the longer name that starts with it comes as `related`.
    const fa = e.resolve('flashattention');
    expect(fa).toMatchObject({ kind: 'found', via: 'name', paper: { name: 'FlashAttention' } });
    if (fa.kind === 'found') expect(fa.related?.map((p) => p.name)).toEqual(['FlashAttention-2']);
    expect(e.resolve('flashatention')).toMatchObject({ kind: 'found', paper: { name: 'FlashAttention' } });
    expect(e.resolve('flashattention-2')).toMatchObject({ kind: 'found', paper: { name: 'FlashAttention-2' } });
    const c3d = e.resolve('compact 3d gaussian');
    expect(c3d.kind).toBe('ambiguous');
    if (c3d.kind === 'ambiguous') expect(c3d.candidates).toHaveLength(2);
    expect(e.resolve('compact 3d gaussian splatting')).toMatchObject({ kind: 'found' });
  });

  it('returns none with suggestions for unknown references', () => {
    const r = e.resolve('quantum chromodynamics lattice');
    expect(r.kind).toBe('none');
    expect(e.resolve('')).toEqual({ kind: 'none', suggestions: [] });
    expect(e.resolve('   ')).toEqual({ kind: 'none', suggestions: [] });
  });

  it('finds similar papers by cosine, excluding the paper itself', () => {
    const snap = byName('SnapKV');
    const sim = e.similar(snap.id, 5);
    expect(sim).toHaveLength(5);
    expect(sim.map((h) => h.paper.id)).not.toContain(snap.id);
    for (const h of sim) expect(h.score).toBeGreaterThan(0);
    for (const h of sim) expect(h.score).toBeLessThanOrEqual(1);
    for (let i = 1; i < sim.length; i++) expect(sim[i - 1]!.score).toBeGreaterThanOrEqual(sim[i]!.score);
    // KV-cache papers are SnapKV's neighbours.
    expect(sim.filter((h) => /KV|Cache/i.test(h.paper.title)).length).toBeGreaterThanOrEqual(3);
    expect(e.similar('no-such-paper')).toEqual([]);
    expect(e.similar(snap.id, 0)).toEqual([]);
  });

  it('completes names, aliases and title prefixes', () => {
    expect(e.complete('snap')[0]!.name).toBe('SnapKV');
    expect(e.complete('flash', 2).map((p) => p.name)).toEqual(['FlashAttention', 'FlashAttention-2']);
    expect(e.complete('hpc-c')[0]!.aliases).toContain('HPC-ColPali');
    const c = e.complete('compact 3d', 5).map((p) => p.title);
    expect(c.slice(0, 2).every((t) => t.startsWith('Compact 3D'))).toBe(true);
    expect(e.complete('', 3)).toHaveLength(3);
    expect(e.complete('snap', 0)).toEqual([]);
  });

  it('looks papers up by id', () => {
    expect(e.byId(papers[0]!.id)).toBe(papers[0]);
    expect(e.byId('nope')).toBeUndefined();
  });

  it('puts the named paper first when searching for its name', () => {
    for (const name of ['SnapKV', 'ZipCache', 'MemOS', 'EdgeMoE', 'FlashAttention-2']) {
      expect(e.search(name).hits[0]!.paper.name, name).toBe(name);
    }
  });
});

describe('snippets on long abstracts', () => {
  const filler = (n: number): string => Array.from({ length: n }, (_, i) => `word${i} plain filler text`).join(' ');
  const long = paper({
    title: 'A Long Paper',
    abstract: `${filler(40)}. Here the gaussian splatting method compresses scenes well. ${filler(40)}.`,
  });
  const e = createSearchEngine([long]);

  it('cuts a window around the matches with ellipses at both ends', () => {
    const s = e.search('gaussian splatting').hits[0]!.snippet;
    const text = plain(s);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(242);
    expect(s.filter((x) => x.kind === 'mark').map((x) => x.text)).toEqual(['gaussian', 'splatting']);
    // The window starts at a word boundary.
    expect(text.slice(1, 2)).not.toBe(' ');
  });

  it('marks every word of a matched hyphen compound', () => {
    const p = paper({ title: 'T', abstract: 'We shrink the KV-cache a lot.' });
    const s = createSearchEngine([p]).search('kvcache').hits[0]!.snippet;
    expect(s.filter((x) => x.kind === 'mark').map((x) => x.text)).toEqual(['KV', 'cache']);
  });

  it('falls back to the title, then to the opening of the abstract', () => {
    const p = paper({ title: 'Mamba Layers', name: 'Mamba', abstract: `Nothing relevant here. ${filler(60)}` });
    const eng = createSearchEngine([p]);
    const s = eng.search('mamba').hits[0]!.snippet;
    expect(s.some((x) => x.kind === 'mark')).toBe(true);
  });
});
