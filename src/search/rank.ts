/**
 * Ranking over the postings: the reference scorer and what the rankers share.
 *
 * The production path is `MaxScoreRanker.rank` (maxscore.ts): the exact total from per-clause
 * bitsets, the top k document-at-a-time with MaxScore pruning. `rankExhaustive` here scores every
 * posting term-at-a-time; it is the reference the tests compare MaxScore against, and serves
 * filtered searches (every match must be looked at). `dot` serves `similar` and feedback.
 */
import { postingsOf, type IndexData } from './inverted-index.ts';
import { lowerBound, topStep } from './postings.ts';
import type { QueryPlan } from './query.ts';
import { neededClauses } from './query.ts';
import { TopK } from './top-k.ts';

export interface Ranked {
  top: Array<{ doc: number; score: number }>;
  total: number;
  /** Of `total`, papers that match fewer of the words than the clause requirement (added to fill a page). */
  loose?: number;
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class Ranker {
  readonly #ix: IndexData;
  readonly #stamp: Uint32Array;
  readonly #acc: Float64Array;
  readonly #mask: Uint32Array;
  readonly #touched: Uint32Array;
  #gen = 0;

  constructor(ix: IndexData) {
    this.#ix = ix;
    this.#stamp = new Uint32Array(ix.n);
    this.#acc = new Float64Array(ix.n);
    this.#mask = new Uint32Array(ix.n);
    this.#touched = new Uint32Array(ix.n);
  }

  #nextGen(): number {
    this.#gen++;
    if (this.#gen === 0xffffffff) {
      this.#stamp.fill(0);
      this.#gen = 1;
    }
    return this.#gen;
  }

  /**
   * Reference scoring of a plan (every posting, term at a time). Papers must satisfy
   * `requiredClauses` clauses; the score is the sum of unit impacts times the fraction of clauses
   * satisfied. `keep(doc)` filters (e.g. code only).
   */
  rankExhaustive(plan: QueryPlan, k: number, keep?: (doc: number) => boolean): Ranked {
    const ix = this.#ix;
    const { impactBits: bits, df, impactUnit } = ix;
    const steps = topStep(bits);
    const stamp = this.#stamp;
    const acc = this.#acc;
    const mask = this.#mask;
    const touched = this.#touched;
    const gen = this.#nextGen();
    let nTouched = 0;

    for (const u of plan.units) {
      const w = u.weight;
      const covers = u.covers;
      if (u.terms.length === 1) {
        const t = u.terms[0]!;
        const wu = w * impactUnit[t]!;
        const postings = postingsOf(ix, t);
        for (let p = 0; p < postings.length; p++) {
          const v = postings[p]!;
          const d = v >>> bits;
          if (stamp[d] !== gen) {
            stamp[d] = gen;
            acc[d] = 0;
            mask[d] = 0;
            touched[nTouched++] = d;
          }
          acc[d] = acc[d]! + wu * (v & steps);
          mask[d] = mask[d]! | covers;
        }
        continue;
      }
      // Conjunction: walk the shortest list, probe the others with a moving lower bound.
      const ts = [...u.terms].sort((a, b) => df[a]! - df[b]!);
      const lists = ts.map((t) => postingsOf(ix, t));
      const lead = ts[0]!;
      const leadList = lists[0]!;
      const cursors = ts.map(() => 0);
      outer: for (let p = 0; p < leadList.length; p++) {
        const d = leadList[p]! >>> bits;
        let sum = impactUnit[lead]! * (leadList[p]! & steps);
        for (let j = 1; j < ts.length; j++) {
          const t = ts[j]!;
          const list = lists[j]!;
          const at = lowerBound(list, cursors[j]!, list.length, d * 2 ** bits);
          cursors[j] = at;
          if (at >= list.length) break outer;
          if (list[at]! >>> bits !== d) continue outer;
          sum += impactUnit[t]! * (list[at]! & steps);
        }
        if (stamp[d] !== gen) {
          stamp[d] = gen;
          acc[d] = 0;
          mask[d] = 0;
          touched[nTouched++] = d;
        }
        acc[d] = acc[d]! + w * sum;
        mask[d] = mask[d]! | covers;
      }
    }

    const need = neededClauses(plan);
    const heap = new TopK(k);
    let total = 0;
    const n = plan.clauses || 1;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const cov = popcount(mask[d]! & plan.matchable);
      if (cov < need) continue;
      if (keep && !keep(d)) continue;
      total++;
      const score = (acc[d]! * cov) / n;
      if (score > heap.threshold || heap.size < k) heap.push(score, d);
    }
    return { top: heap.sorted(), total };
  }

  /** Dot products of a weighted term vector with every paper (for cosine similarity). */
  dot(terms: ArrayLike<number>, weights: ArrayLike<number>, skip: number, k: number): Array<{ doc: number; score: number }> {
    const ix = this.#ix;
    const { impactBits: bits, impactUnit, norms } = ix;
    const steps = topStep(bits);
    const stamp = this.#stamp;
    const acc = this.#acc;
    const touched = this.#touched;
    const gen = this.#nextGen();
    let nTouched = 0;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i]!;
      const w = weights[i]! * impactUnit[t]!;
      const postings = postingsOf(ix, t);
      for (let p = 0; p < postings.length; p++) {
        const v = postings[p]!;
        const d = v >>> bits;
        if (stamp[d] !== gen) {
          stamp[d] = gen;
          acc[d] = 0;
          touched[nTouched++] = d;
        }
        acc[d] = acc[d]! + w * (v & steps);
      }
    }
    const heap = new TopK(k);
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      if (d === skip || norms[d] === 0) continue;
      heap.push(acc[d]! / norms[d]!, d);
    }
    return heap.sorted();
  }
}
