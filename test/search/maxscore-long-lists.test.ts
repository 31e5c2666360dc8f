/**
 * MaxScore on an index made to stress its bounds: long lists of random papers with long-tailed,
 * packed impacts (12 bits, as at a million papers, and 8), more postings than the built-in or a
 * small synthetic library has. Whatever the bounds skip, the answer must be what scoring every
 * posting gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { impactUnits, type IndexData } from '../../src/search/inverted-index.ts';
import { MaxScoreRanker } from '../../src/search/maxscore.ts';
import { packPosting, topStep } from '../../src/search/postings.ts';
import type { QueryPlan, Unit } from '../../src/search/query.ts';
import { Ranker } from '../../src/search/rank.ts';

/** A deterministic random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An index of `n` papers whose terms have the given document frequencies and long-tailed impacts. */
function randomIndex(n: number, dfs: readonly number[], bits: number, seed: number): IndexData {
  const next = random(seed);
  const top = topStep(bits);
  const offsets = new Uint32Array(dfs.length + 1);
  dfs.forEach((df, t) => (offsets[t + 1] = offsets[t]! + df));
  const postings = new Uint32Array(offsets[dfs.length]!);
  dfs.forEach((df, t) => {
    // df distinct papers, ascending: each paper in with probability df / n, topped up at the end.
    const docs: number[] = [];
    for (let d = 0; d < n && docs.length < df; d++) if (next() < df / n || n - d <= df - docs.length) docs.push(d);
    const best = Math.floor(next() * df);
    docs.forEach((d, i) => {
      // Most impacts small, a few large (as BM25 impacts are); the best at the top step.
      const steps = i === best ? top : Math.max(1, Math.round(top * next() ** 6));
      postings[offsets[t]! + i] = packPosting(d, steps, bits);
    });
  });
  const maxImpact = Float32Array.from(dfs, () => 0.5 + 4 * next());
  return {
    n,
    terms: dfs.map((_, t) => `t${t}`),
    surfaces: dfs.map((_, t) => `t${t}`),
    df: Uint32Array.from(dfs),
    offsets,
    postings,
    impactBits: bits,
    maxImpact,
    impactUnit: impactUnits(maxImpact, bits),
    norms: new Float32Array(n).fill(1),
    fieldLens: new Uint16Array(n * 3),
    avgLens: Float64Array.from([1, 1, 1]),
    hasCode: Uint8Array.from({ length: n }, () => (next() < 0.3 ? 1 : 0)),
  };
}

const N = 30_000;
const DFS = [20_000, 12_000, 9_000, 6_000, 3_000, 1_500, 700, 40];

describe('MaxScore equals exhaustive scoring on long lists', () => {
  for (const bits of [12, 8]) {
    it(`random plans over ${N.toLocaleString('en-US')} papers, ${bits}-bit impacts (property)`, () => {
      const ix = randomIndex(N, DFS, bits, 7 + bits);
      const slowRanker = new Ranker(ix);
      const unit = fc.record({
        terms: fc.oneof(
          { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: DFS.length - 1 })) },
          { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: DFS.length - 1 }), { minLength: 2, maxLength: 2 }) },
        ),
        weight: fc.constantFrom(1, 0.9, 0.8, 0.5),
        clause: fc.integer({ min: 0, max: 4 }),
      });
      fc.assert(
        fc.property(
          fc.array(unit, { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 40 }),
          fc.boolean(),
          fc.option(fc.integer({ min: 1, max: 3 })),
          (us, k, codeOnly, min) => {
            const units: Unit[] = us.map((u) => ({ terms: [...u.terms], weight: u.weight, covers: 1 << u.clause }));
            const matchable = units.reduce((a, u) => a | u.covers, 0);
            let clauses = 0;
            for (let c = 0; c < 5; c++) if ((matchable >>> c) & 1) clauses++;
            const plan: QueryPlan = { units, matchable, clauses, display: [], ...(min !== null ? { minClauses: Math.min(min, clauses) } : {}) };
            // A fresh ranker each time, so the cached seeds of earlier queries are not all that is tested.
            const fast = new MaxScoreRanker(ix).rank(plan, k, codeOnly);
            const slow = slowRanker.rankExhaustive(plan, k, codeOnly ? (d) => ix.hasCode[d] === 1 : undefined);
            expect(fast.total).toBe(slow.total);
            expect(fast.top.length).toBe(slow.top.length);
            fast.top.forEach((h, i) => {
              expect(h.score).toBeCloseTo(slow.top[i]!.score, 6);
              const tied = Math.abs(h.score - (slow.top[i + 1]?.score ?? -1)) <= 1e-6 || Math.abs(h.score - (slow.top[i - 1]?.score ?? -1)) <= 1e-6;
              if (!tied) expect(h.doc).toBe(slow.top[i]!.doc);
            });
          },
        ),
        { numRuns: 120 },
      );
    });
  }
});
