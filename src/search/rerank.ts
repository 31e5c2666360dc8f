/**
 * Second-stage ranking of the first stage's best candidates (pure, per query).
 *
 * The first stage (rank.ts, maxscore.ts) finds papers by BM25F with a clause count. Here the
 * candidates are scored again with what a count cannot see:
 * - coverage weighted by informativeness: missing a rare word of the query costs more than
 *   missing a common one (`graph based ... index`: `based` and `index` say little);
 * - term proximity: query words that stand next to each other in the paper's title or abstract
 *   (`nearest neighbor`, `kv cache`) are worth more than the same words scattered;
 * - pseudo-relevance feedback: the strongest terms of the best first-stage papers, a query
 *   expansion drawn from the paper set itself, so papers that say the same thing in other words
 *   (`vector database` for `approximate nearest neighbor index`) are found and ranked.
 * No rule names a paper or a query.
 */
import type { Paper } from '../papers/paper.ts';
import { termOf } from './analyze.ts';
import { idf, postingsOf, type IndexData } from './inverted-index.ts';
import { PaperImpacts } from './paper-impacts.ts';
import { inTitle, paperTermsOf, PaperTermsScanner, type PaperTerms } from './paper-terms.ts';
import type { QueryPlan } from './query.ts';
import { findPosting, topStep } from './postings.ts';
import { popcount } from './rank.ts';
import type { KeyLookup } from './key-table.ts';

export interface RerankSettings {
  /** How many first-stage candidates are scored again. */
  depth: number;
  /** How many of the best candidates get the proximity and title features (they read the text). */
  closeDepth: number;
  /** Score bonus (fraction) when the name or title holds every query word. */
  title: number;
  /** Exponent on the weighted coverage (0: coverage ignored, higher: every word matters more). */
  coveragePower: number;
  /** Score bonus (fraction) when every adjacent pair of query words stands together. */
  proximity: number;
  /** Words apart (non-noise tokens) that still count as together. */
  window: number;
  /** Queries with fewer words than this get no feedback (short queries say what they mean). */
  feedbackMinWords: number;
  /** Papers whose terms make up the expansion (0: no feedback). */
  feedbackDocs: number;
  /** Expansion terms kept. */
  feedbackTerms: number;
  /** Weight of the expansion similarity, relative to the best first-stage score. */
  feedbackWeight: number;
  /** Expansion terms must be in at most this share of the papers. */
  feedbackMaxDf: number;
}

export const RERANK: RerankSettings = {
  depth: 15,
  closeDepth: 10,
  title: 0.3,
  coveragePower: 1,
  proximity: 0.3,
  window: 2,
  feedbackMinWords: 3,
  feedbackDocs: 3,
  feedbackTerms: 12,
  feedbackWeight: 0.8,
  feedbackMaxDf: 0.2,
};

/** A weighted term vector (expansion), by term id. */
export interface TermVector {
  ids: number[];
  weights: number[];
}

/**
 * Papers whose terms computed from the text are kept (when the index has none stored): all of a
 * new segment of the day's papers, and a bounded share of a large set built in this process.
 */
const COMPUTED_TERMS = 8192;
/**
 * Stored terms read from the index file and kept decoded (the most recently read): a query reads
 * its best papers' terms twice (feedback, then proximity), and the next page or the same question
 * asked again reads them again. ~1 KB each.
 */
const STORED_TERMS = 1024;

/** Most folded words remembered with their term id. */
const WORD_MEMO_MAX = 200_000;

/** A plan's clause weights and term-to-clause map (see `Reranker.prepare`). */
export interface QueryShape {
  plan: QueryPlan;
  weights: Float64Array;
  /** Term id -> clause bits it satisfies (single-clause units). */
  termClauses: Map<number, number>;
  /** Joined compounds (`kvcache`) with the first clause of the pair they stand for. */
  joins: Array<{ term: number; pair: number }>;
  /** First clause of each adjacent pair of query words. */
  pairs: number[];
}

/** What a candidate matched of the plan. */
interface Match {
  acc: number;
  mask: number;
}

export class Reranker {
  readonly #ix: IndexData;
  readonly #papers: readonly Paper[];
  readonly #termIds: KeyLookup;
  /** Each paper's terms computed once (from the index cache), when there are. */
  readonly #stored: ((doc: number) => PaperTerms) | undefined;
  /** The most recently read papers' terms (most recent last): read from the stored ones, or computed from the text. */
  readonly #recent = new Map<number, PaperTerms>();

  /** Folded word -> term id (-1: not in the index), a memo over stemming and the term table. */
  readonly #wordIds = new Map<string, number>();
  /** Per-term scratch for `expansion` (stamped, so it is never cleared). */
  readonly #stamp: Uint32Array;
  readonly #acc: Float64Array;
  #gen = 0;
  /** A paper's impacts from its terms (the feedback's papers), instead of a search of each term's postings. */
  readonly #impacts: PaperImpacts;

  constructor(ix: IndexData, papers: readonly Paper[], termIds: KeyLookup, stored?: (doc: number) => PaperTerms) {
    this.#ix = ix;
    this.#papers = papers;
    this.#termIds = termIds;
    this.#stored = stored;
    this.#stamp = new Uint32Array(ix.terms.length);
    this.#acc = new Float64Array(ix.terms.length);
    this.#impacts = new PaperImpacts(ix);
  }

  /** The term id of a folded word, -1 when the index does not have it. */
  #idOf(folded: string): number {
    let id = this.#wordIds.get(folded);
    if (id === undefined) {
      id = this.#termIds.get(termOf(folded)) ?? -1;
      if (this.#wordIds.size >= WORD_MEMO_MAX) this.#wordIds.clear();
      this.#wordIds.set(folded, id);
    }
    return id;
  }

  /** What the second stage reads of a paper: stored with the index, or computed from its text now. */
  terms(doc: number): PaperTerms {
    let t = this.#recent.get(doc);
    if (t) {
      this.#recent.delete(doc);
    } else {
      t = this.#stored
        ? this.#stored(doc)
        : paperTermsOf(
            this.#papers[doc]!,
            (folded) => this.#idOf(folded),
            (term) => this.#termIds.get(term) ?? -1,
          );
      if (this.#recent.size >= (this.#stored ? STORED_TERMS : COMPUTED_TERMS)) this.#recent.delete(this.#recent.keys().next().value!);
    }
    this.#recent.set(doc, t);
    return t;
  }

  /**
   * Every paper's terms in turn (writing the index cache): the stored ones, or computed through a
   * word table of their own (faster than `terms` paper by paper, and nothing kept afterwards).
   */
  allTerms(): (doc: number) => PaperTerms {
    if (this.#stored) return this.#stored;
    const scanner = new PaperTermsScanner(
      (folded) => this.#idOf(folded),
      (term) => this.#termIds.get(term) ?? -1,
    );
    return (doc) => scanner.termsOf(this.#papers[doc]!);
  }

  #nextGen(): number {
    this.#gen = this.#gen >= 0xfffffffe ? 1 : this.#gen + 1;
    if (this.#gen === 1) this.#stamp.fill(0);
    return this.#gen;
  }

  /** Impact of term `t` in paper `doc`, 0 when absent. */
  impact(t: number, doc: number): number {
    return this.#steps(t, doc) * this.#ix.impactUnit[t]!;
  }

  /** Impact steps of term `t` in paper `doc` (see `IndexData.postings`), 0 when absent. */
  #steps(t: number, doc: number): number {
    const { impactBits } = this.#ix;
    const postings = postingsOf(this.#ix, t);
    const at = findPosting(postings, 0, postings.length, doc, impactBits);
    return at < 0 ? 0 : postings[at]! & topStep(impactBits);
  }

  /** Score and clause mask of one paper under the plan (as the first stage computes them). */
  match(plan: QueryPlan, doc: number): Match {
    let acc = 0;
    let mask = 0;
    const { impactUnit } = this.#ix;
    for (const u of plan.units) {
      if (u.terms.length === 1) {
        // As the first stage computes it: (weight x step) x steps.
        const t = u.terms[0]!;
        const steps = this.#steps(t, doc);
        if (steps === 0) continue;
        acc += u.weight * impactUnit[t]! * steps;
        mask |= u.covers;
        continue;
      }
      let sum = 0;
      let all = true;
      for (const t of u.terms) {
        const w = this.impact(t, doc);
        if (w === 0) {
          all = false;
          break;
        }
        sum += w;
      }
      if (!all) continue;
      acc += u.weight * sum;
      mask |= u.covers;
    }
    return { acc, mask: mask >>> 0 };
  }

  /**
   * How much each clause says: the idf of its rarest-but-present unit (a word the papers do not use
   * at all says nothing about them). Indexed by clause bit.
   */
  clauseWeights(plan: QueryPlan): Float64Array {
    const ix = this.#ix;
    const w = new Float64Array(32);
    for (const u of plan.units) {
      let dfMax = 0;
      for (const t of u.terms) dfMax = Math.max(dfMax, ix.df[t]!);
      const weight = idf(ix.n, dfMax) * u.weight;
      for (let c = 0; c < 32; c++) if ((u.covers >>> c) & 1 && weight > w[c]!) w[c] = weight;
    }
    return w;
  }

  /** Share of the query's informativeness a clause mask holds, in [0, 1]. */
  static coverage(mask: number, plan: QueryPlan, weights: Float64Array): number {
    let have = 0;
    let all = 0;
    for (let c = 0; c < 32; c++) {
      if (((plan.matchable >>> c) & 1) === 0) continue;
      all += weights[c]!;
      if ((mask >>> c) & 1) have += weights[c]!;
    }
    return all === 0 ? 0 : have / all;
  }

  /** What proximity and title coverage need of a plan, computed once per query. */
  prepare(plan: QueryPlan): QueryShape {
    const weights = this.clauseWeights(plan);
    const termClauses = new Map<number, number>();
    const joins: Array<{ term: number; pair: number }> = [];
    for (const u of plan.units) {
      if (popcount(u.covers) === 2 && u.terms.length === 1) joins.push({ term: u.terms[0]!, pair: 31 - Math.clz32(u.covers & -u.covers) });
      if (popcount(u.covers) !== 1 && u.terms.length !== 1) continue;
      for (const t of u.terms) termClauses.set(t, (termClauses.get(t) ?? 0) | u.covers);
    }
    // Clauses in query order are bits 0..clauses-1 (see planQuery); pairs (c, c+1) both matchable.
    const pairs: number[] = [];
    for (let c = 0; c + 1 < 32; c++) if ((plan.matchable >>> c) & 1 && (plan.matchable >>> (c + 1)) & 1) pairs.push(c);
    return { plan, weights, termClauses, joins, pairs };
  }

  /**
   * Proximity and title coverage of one paper, in [0, 1] each:
   * - `proximity`: share (by weight) of the adjacent query-word pairs that stand within `window`
   *   words of each other in one field (a joined compound unit, `kvcache`, satisfies its pair);
   *   0 when the query has no pair;
   * - `title`: share of the query's informativeness found in the paper's name or title.
   */
  closeness(q: QueryShape, doc: number, window: number): { proximity: number; title: number } {
    const { weights, termClauses, pairs } = q;
    const found = new Set<number>();
    for (const j of q.joins) if (this.impact(j.term, doc) > 0) found.add(j.pair);
    let titleMask = 0;
    const terms = this.terms(doc);
    terms.fields.forEach((ids, f) => {
      const masks = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const m = id >= 0 ? (termClauses.get(id) ?? 0) : 0;
        masks[i] = m;
        if (f < 2) titleMask |= m;
      }
      if (found.size === pairs.length) return;
      for (let i = 0; i < masks.length; i++) {
        const m = masks[i]!;
        if (m === 0) continue;
        for (let j = i + 1; j < masks.length && j <= i + window; j++) {
          const n = masks[j]!;
          if (n === 0) continue;
          for (const c of pairs) {
            const a = 1 << c;
            const b = 1 << (c + 1);
            if (((m & a) !== 0 && (n & b) !== 0) || ((m & b) !== 0 && (n & a) !== 0)) found.add(c);
          }
        }
      }
    });
    for (const j of q.joins) if (inTitle(terms, j.term)) titleMask |= (1 << j.pair) | (1 << (j.pair + 1));
    let have = 0;
    let all = 0;
    for (const c of pairs) {
      const w = Math.min(weights[c]!, weights[c + 1]!);
      all += w;
      if (found.has(c)) have += w;
    }
    return { proximity: all === 0 ? 0 : have / all, title: Reranker.coverage(titleMask, q.plan, weights) };
  }

  /**
   * Expansion terms from the best first-stage papers (relevance model): each paper's impact
   * vector, normalised and weighted by its score, summed; query terms and terms common in the
   * paper set left out; the strongest `count` kept.
   */
  expansion(plan: QueryPlan, docs: readonly { doc: number; score: number }[], count: number, maxDf: number): TermVector {
    const ix = this.#ix;
    const own = new Set<number>();
    for (const u of plan.units) for (const t of u.terms) own.add(t);
    const top = docs[0]?.score ?? 0;
    if (top <= 0) return { ids: [], weights: [] };
    const dfLimit = Math.max(2, maxDf * ix.n);
    const stamp = this.#stamp;
    const acc = this.#acc;
    const touched: number[] = [];
    const gen = this.#nextGen();
    const add = (t: number, impact: number, norm: number, score: number): void => {
      const df = ix.df[t]!;
      if (df < 2 || df > dfLimit || own.has(t)) return;
      if (stamp[t] !== gen) {
        stamp[t] = gen;
        acc[t] = 0;
        touched.push(t);
      }
      acc[t] = acc[t]! + (impact / norm) * (score / top);
    };
    const computed = this.#impacts;
    for (const { doc, score } of docs) {
      const norm = ix.norms[doc]!;
      if (norm === 0) continue;
      const terms = this.terms(doc);
      if (computed.compute(doc, terms)) {
        // The paper's words, each once, in order of first appearance: as the loop below visits them.
        for (let i = 0; i < computed.words; i++) add(computed.terms[i]!, computed.impacts[i]!, norm, score);
        continue;
      }
      const seen = new Set<number>();
      for (const ids of terms.fields) {
        for (const t of ids) {
          if (t < 0 || seen.has(t)) continue;
          seen.add(t);
          add(t, this.impact(t, doc), norm, score);
        }
      }
    }
    const sum = touched.map((t) => [t, acc[t]!] as const);
    const best = [...sum].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count);
    // Built by pushing, as the empty vector is: one kind of array either way (see query.ts's units).
    const ids: number[] = [];
    const weights: number[] = [];
    for (const [t, w] of best) {
      ids.push(t);
      weights.push(w);
    }
    return { ids, weights };
  }

  /** Cosine-like similarity of a paper to an expansion vector, in [0, 1]. */
  similarity(v: TermVector, doc: number): number {
    const norm = this.#ix.norms[doc]!;
    if (norm === 0 || v.ids.length === 0) return 0;
    let dot = 0;
    let vn = 0;
    for (let i = 0; i < v.ids.length; i++) {
      vn += v.weights[i]! ** 2;
      dot += v.weights[i]! * this.impact(v.ids[i]!, doc);
    }
    return vn === 0 ? 0 : dot / (Math.sqrt(vn) * norm);
  }
}
