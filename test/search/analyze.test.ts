import { describe, expect, it } from 'vitest';
import { forEachTerm, queryWords, termOf, tokens } from '../../src/search/analyze.ts';
import { foldKey, foldWord } from '../../src/search/fold.ts';
import { stem } from '../../src/search/stem.ts';
import { findSynonyms } from '../../src/search/synonyms.ts';

const terms = (text: string): string[] => {
  const out: string[] = [];
  forEachTerm(text, (t) => out.push(t));
  return out;
};

describe('stem', () => {
  it('conflates inflections and derivations', () => {
    expect(stem('caches')).toBe(stem('cache'));
    expect(stem('compression')).toBe(stem('compressing'));
    expect(stem('quantization')).toBe(stem('quantized'));
    expect(stem('splatting')).toBe('splat');
    expect(stem('ponies')).toBe('poni');
    expect(stem('relational')).toBe('relat');
    expect(stem('hopping')).toBe('hop');
  });
  it('maps British -isation/-ise spellings to -ize', () => {
    expect(stem('quantisation')).toBe(stem('quantization'));
    expect(stem('optimised')).toBe(stem('optimized'));
  });
  it('leaves short words and words with digits alone', () => {
    expect(stem('kv')).toBe('kv');
    expect(stem('e2gan')).toBe('e2gan');
    expect(stem('4dgs')).toBe('4dgs');
  });
});

describe('folding', () => {
  it('folds case, diacritics and superscripts', () => {
    expect(foldWord('E²GAN')).toBe('e2gan');
    expect(foldWord('Café')).toBe('cafe');
    expect(foldWord('ﬁne')).toBe('fine');
    expect(foldKey('HPC-ColPali')).toBe('hpccolpali');
    expect(foldKey('  SeiT++ ')).toBe('seit');
  });
});

describe('forEachTerm', () => {
  it('drops stopwords and lone letters, stems the rest', () => {
    expect(terms('The caches of a model')).toEqual(['cach', 'model']);
  });
  it('indexes hyphen parts and the joined compound', () => {
    expect(terms('KV-cache')).toEqual(['kv', 'cach', 'kvcach']);
    expect(terms('state-of-the-art')).toContain('stateoftheart');
  });
  it('makes kv-cache, KV cache and kvcache meet on a shared term', () => {
    const hyphen = new Set(terms('KV-cache'));
    expect(hyphen.has(termOf('kvcache'))).toBe(true);
    expect(hyphen.has('kv') && hyphen.has('cach')).toBe(true);
  });
  it('turns I/O into the term io', () => {
    expect(terms('I/O bound')).toContain('io');
  });
  it('keeps offsets for snippets', () => {
    const text = 'Fast KV-cache eviction';
    for (const t of tokens(text)) expect(text.slice(t.start, t.end).toLowerCase()).toBe(t.folded);
  });
});

describe('queryWords', () => {
  it('flags noise words but keeps their order', () => {
    expect(queryWords('mixture of experts').map((w) => [w.folded, w.noise])).toEqual([
      ['mixture', false],
      ['of', true],
      ['experts', false],
    ]);
  });
});

describe('synonyms', () => {
  const t = (s: string): string[] => s.split(' ').map(termOf);
  it('expands acronyms to phrases and back', () => {
    const lora = findSynonyms(t('lora'));
    expect(lora[0]!.alternatives).toContainEqual(t('low rank adaptation'));
    const moe = findSynonyms([termOf('mixture'), termOf('experts')]);
    expect(moe[0]!.alternatives).toContainEqual(['moe']);
  });
  it('finds phrases in the middle of a query', () => {
    const m = findSynonyms(t('fast kv cache eviction'));
    expect(m.some((x) => x.start === 1 && x.end === 3)).toBe(true);
  });
  it('finds nothing in unrelated text', () => {
    expect(findSynonyms(t('banana bread'))).toEqual([]);
  });
});

describe('asciiShadow', () => {
  it('keeps length and folds accents, superscripts and spaces', async () => {
    const { asciiShadow } = await import('../../src/search/fold.ts');
    expect(asciiShadow('Café E²GAN\u00a0x')).toBe('cafe e2gan x');
    expect(asciiShadow('plain Text')).toBe('plain text');
    expect(asciiShadow('Greek α')).toBeUndefined();
    expect(asciiShadow('ﬁne')).toBeUndefined(); // ligature folds to two letters
    for (const s of ['Café', 'a–b', 'x²']) expect(asciiShadow(s)!.length).toBe(s.length);
  });
});
