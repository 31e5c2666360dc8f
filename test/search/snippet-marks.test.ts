import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusPapers } from '../../src/corpus/generate.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { forEachTerm } from '../../src/search/analyze.ts';
import { markedTokens, scannedMarks } from '../../src/search/snippet.ts';

/** Index terms of a text (joined compounds included), in order of first appearance. */
function termsIn(text: string): string[] {
  const out = new Set<string>();
  forEachTerm(text, (term) => out.add(term));
  return [...out];
}

const ODD = [
  'I/O-aware kernels and/or a/b/c tests: https://github.com/org/repo, 1/2 of the KV-cache.',
  'Café résumé naïve E²GAN — 速い; x/y and X/Y, A/B-testing, s/he.',
  'Ending with a slash/ and /leading ones, a//b, a/-b, -a/b-.',
  'UPPER lower MiXeD 3D 4-bit a-b-c -- - / I/O 1/2 the of a I x',
];

describe('snippet marks: the ascii path gives what the general path gives', () => {
  let texts: string[] = [];
  beforeAll(async () => {
    const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
    const synthetic = [...corpusPapers({ papers: 200, seed: 11 })];
    texts = [...ODD, ...papers.flatMap((p) => [p.title, p.abstract]), ...synthetic.flatMap((p) => [p.title, p.abstract])];
  });

  it('on real, synthetic and odd texts, with every other term of each marked', () => {
    let marked = 0;
    for (const text of texts) {
      const all = termsIn(text);
      for (const terms of [new Set(all.filter((_, i) => i % 2 === 0)), new Set(all.filter((_, i) => i % 3 === 1)), new Set(all)]) {
        const fast = markedTokens(text, terms);
        expect(fast, text).toEqual(scannedMarks(text, terms));
        marked += fast.length;
      }
    }
    expect(marked).toBeGreaterThan(1000);
  });

  it('on random text built from words, slashes, hyphens and accents (property)', () => {
    const piece = fc.constantFrom(
      'kv',
      'cache',
      'i',
      'o',
      'a',
      'b',
      'and',
      'or',
      'io',
      'kvcache',
      'café',
      'x²',
      '3d',
      '/',
      '-',
      ' ',
      '//',
      '. ',
      'I',
      'O',
      'KV',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 30 }),
        fc.array(fc.constantFrom('kv', 'cach', 'io', 'kvcach', 'and', 'cafe', 'x2', '3d', 'a', 'b'), { maxLength: 5 }),
        (parts, wanted) => {
          const text = parts.join('');
          const terms = new Set(wanted);
          expect(markedTokens(text, terms)).toEqual(scannedMarks(text, terms));
        },
      ),
      { numRuns: 500 },
    );
  });
});
