import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../src/corpus/generate.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { parseDailyPapers } from '../../src/parse/daily-papers.ts';
import { createSearchEngine, type PaperboyEngine } from '../../src/search/engine.ts';
import { buildIndex } from '../../src/search/inverted-index.ts';
import { atLeast, MaxScoreRanker } from '../../src/search/maxscore.ts';
import { Ranker, type Ranked } from '../../src/search/rank.ts';

/** MaxScore must return exactly what scoring every posting returns. */
function check(engine: PaperboyEngine, query: string, k: number, codeOnly: boolean): void {
  const plan = engine.plan(query);
  const hasCode = engine.index.hasCode;
  // One more than asked: the k-th paper may tie with the next one, just past the cut.
  const slow = new Ranker(engine.index).rankExhaustive(plan, k + 1, codeOnly ? (d) => hasCode[d] === 1 : undefined);
  same(new MaxScoreRanker(engine.index).rank(plan, k, codeOnly), slow, k, query);
}

/** The k best of `fast` are `slow`'s (which holds one more), in order, papers whose scores tie to float precision in either order. */
function same(fast: Ranked, slow: Ranked, k: number, query: string): void {
  expect(fast.total, query).toBe(slow.total);
  expect(fast.top.length, query).toBe(Math.min(k, slow.top.length));
  fast.top.forEach((h, i) => {
    expect(h.score, query).toBeCloseTo(slow.top[i]!.score, 6);
    // Same paper unless two scores tie to float precision: summed in another order, equal scores
    // may differ in their last bit, which then orders them (here: a tie at the cut, with the next paper).
    if (Math.abs(h.score - (slow.top[i + 1]?.score ?? -1)) > 1e-6 && Math.abs(h.score - (slow.top[i - 1]?.score ?? -1)) > 1e-6) {
      expect(h.doc, query).toBe(slow.top[i]!.doc);
    }
  });
}

describe('MaxScore ranking equals exhaustive scoring', () => {
  let builtin: PaperboyEngine;
  let synthetic: PaperboyEngine;
  /** The same papers at the coarsest impacts (8 bits): many equal steps, so ties and their order are tested too. */
  let coarse: PaperboyEngine;
  beforeAll(async () => {
    builtin = createSearchEngine((await loadPapers(BUILTIN_PAPERS_PATH)).papers);
    const papers: Paper[] = [];
    for (const f of generateCorpus({ papers: 3000, seed: 5, perFile: 500 })) papers.push(...parseDailyPapers(f.text, f.name).papers);
    synthetic = createSearchEngine(papers);
    coarse = createSearchEngine(papers, { index: buildIndex(papers, undefined, { impactBits: 8 }) });
  });

  it('on hand-picked queries', () => {
    for (const q of ['kv cache compression', 'llm', 'quantization llm', 'mixture of experts', 'lora', 'flash attention', 'kvcache', 'snpakv', 'a b c', '']) {
      for (const k of [1, 3, 10, 50]) {
        check(builtin, q, k, false);
        check(builtin, q, k, true);
      }
    }
  });

  it('on random word combinations (property)', () => {
    const vocab = builtin.index.surfaces.filter((w) => /^[a-z]{3,}$/.test(w));
    const synth = synthetic.index.surfaces.filter((w) => /^[a-z]{3,}$/.test(w)).slice(0, 400);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(...synth), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (a, b, k, codeOnly) => {
          check(builtin, a.join(' '), k, codeOnly);
          check(synthetic, b.join(' '), k, codeOnly);
          check(coarse, b.join(' '), k, codeOnly);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('counting papers in at least `need` clauses', () => {
  it('agrees with counting bit by bit, for 2-4 clauses and every need, with and without the code filter (property)', () => {
    const words = 3;
    const word = fc.integer({ min: 0, max: 0xffffffff });
    const bitset = fc.array(word, { minLength: words, maxLength: words }).map((a) => Uint32Array.from(a));
    fc.assert(
      fc.property(fc.array(bitset, { minLength: 2, maxLength: 4 }), fc.integer({ min: 2, max: 4 }), bitset, fc.boolean(), (bits, need, code, codeOnly) => {
        fc.pre(need <= bits.length);
        const qualified = new Uint32Array(words);
        const total = atLeast(bits, need, words, codeOnly ? code : undefined, qualified);
        let expected = 0;
        for (let d = 0; d < words * 32; d++) {
          const on = (b: Uint32Array) => ((b[d >>> 5]! >>> (d & 31)) & 1) === 1;
          const ok = bits.filter(on).length >= need && (!codeOnly || on(code));
          expect(on(qualified)).toBe(ok);
          if (ok) expected++;
        }
        expect(total).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
