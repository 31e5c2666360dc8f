/**
 * A paper's impacts computed from its terms (paper-terms.ts) the way `buildIndex` computes them:
 * the same counts per field (capped alike), the paper's stored field lengths, the term's idf and
 * the rounding to the term's impact steps, so each is exactly the impact its posting holds.
 *
 * The second stage's feedback weighs every term of the best few papers; looked up in the
 * postings, that is a search through one list per term (~200 a query), and at a million papers a
 * whole list read from the index file for each term a query meets first. From the paper's terms
 * it reads no list at all.
 *
 * Checked for every paper: the impacts must add up to the norm the index stored for it (the
 * length of its impact vector). Terms that do not describe the paper as the index read it (text
 * the two paths fold differently, a damaged or stale entry) or an index whose idf is not the one
 * known here give another norm, and then nothing is computed: the caller reads the postings.
 */
import { FIELD_B, FIELD_COUNT, FIELD_WEIGHTS, idf, impactSteps, K1, type IndexData } from './inverted-index.ts';
import type { PaperTerms } from './paper-terms.ts';
import { topStep } from './postings.ts';

/** Per-field term counts are capped as the index caps them (see buildIndex). */
const TF_MAX = [0xff, 0xff, 0xffff] as const;
const TF_SHIFT = [0, 8, 16] as const;

/** Relative difference allowed between the computed and the stored norm (float32 rounding, summation order). */
const NORM_TOLERANCE = 1e-6;

export class PaperImpacts {
  readonly #ix: IndexData;
  readonly #top: number;
  /** Open addressing by term id: slot -> term (-1 empty) and its entry. */
  #keys = new Int32Array(1024).fill(-1);
  #entry = new Int32Array(1024);
  /** Entries in order of first appearance: term, and packed counts (name | title << 8 | abstract << 16). */
  #terms = new Int32Array(512);
  #tfs = new Uint32Array(512);
  #size = 0;

  /**
   * The last paper's distinct terms (the first `size`): its words first, in order of first
   * appearance, then the terms it has only as joined compounds.
   */
  terms = new Int32Array(0);
  /** The impact of each of `terms`. */
  impacts = new Float64Array(0);
  /** How many of `terms` are the last paper's. */
  size = 0;
  /** How many of those are words of the paper (the rest: joined compounds only). */
  words = 0;

  constructor(ix: IndexData) {
    this.#ix = ix;
    this.#top = topStep(ix.impactBits);
  }

  /**
   * Compute paper `doc`'s impacts from its terms into `terms`, `impacts` and `words`. False (and
   * nothing usable) when they do not add up to the paper's stored norm.
   */
  compute(doc: number, paper: PaperTerms): boolean {
    const ix = this.#ix;
    let count = 0;
    for (let f = 0; f < FIELD_COUNT; f++) count += paper.fields[f]!.length + paper.joined[f]!.length;
    this.#reset(count);
    for (let f = 0; f < FIELD_COUNT; f++) this.#count(paper.fields[f]!, f);
    const words = this.#size;
    for (let f = 0; f < FIELD_COUNT; f++) this.#count(paper.joined[f]!, f);
    const size = this.#size;

    // As buildIndex: per-paper field factors, then each term's BM25F impact.
    const [w0, w1, w2] = FIELD_WEIGHTS;
    const [b0, b1, b2] = FIELD_B;
    const { fieldLens, avgLens, impactUnit } = ix;
    const f0 = w0 / (1 - b0 + (b0 * fieldLens[doc * 3]!) / (avgLens[0] || 1));
    const f1 = w1 / (1 - b1 + (b1 * fieldLens[doc * 3 + 1]!) / (avgLens[1] || 1));
    const f2 = w2 / (1 - b2 + (b2 * fieldLens[doc * 3 + 2]!) / (avgLens[2] || 1));
    if (this.impacts.length < size) {
      this.terms = new Int32Array(this.#terms.length);
      this.impacts = new Float64Array(this.#terms.length);
    }
    const terms = this.terms;
    const impacts = this.impacts;
    let sq = 0;
    for (let i = 0; i < size; i++) {
      const t = this.#terms[i]!;
      const packed = this.#tfs[i]!;
      const tfw = f0 * (packed & 0xff) + f1 * ((packed >>> 8) & 0xff) + f2 * (packed >>> 16);
      const w = (this.#idf(t) * (tfw * (K1 + 1))) / (K1 + tfw);
      sq += w * w;
      terms[i] = t;
      impacts[i] = impactSteps(Math.fround(w), impactUnit[t]!, this.#top) * impactUnit[t]!;
    }
    const norm = ix.norms[doc]!;
    this.size = size;
    this.words = words;
    return Math.abs(Math.sqrt(sq) - norm) <= norm * NORM_TOLERANCE;
  }

  /** The idf the index computed its impacts with: its own, or the one it was given (a segment beside others). */
  #idf(t: number): number {
    const ix = this.#ix;
    return ix.idfs ? ix.idfs[t]! : idf(ix.n, ix.df[t]!);
  }

  /** Empty the table, sized for `count` occurrences. */
  #reset(count: number): void {
    if (count * 2 > this.#keys.length) {
      let cap = this.#keys.length;
      while (count * 2 > cap) cap *= 2;
      this.#keys = new Int32Array(cap).fill(-1);
      this.#entry = new Int32Array(cap);
    } else {
      const mask = this.#keys.length - 1;
      for (let i = 0; i < this.#size; i++) {
        let slot = Math.imul(this.#terms[i]!, 0x9e3779b1) & mask;
        while (this.#keys[slot] !== this.#terms[i]) slot = (slot + 1) & mask;
        this.#keys[slot] = -1;
      }
    }
    if (count > this.#terms.length) {
      this.#terms = new Int32Array(this.#keys.length / 2);
      this.#tfs = new Uint32Array(this.#keys.length / 2);
    }
    this.#size = 0;
  }

  /** Count the occurrences `ids` (term ids, -1: none) in field `f`. */
  #count(ids: Int32Array, f: number): void {
    const keys = this.#keys;
    const mask = keys.length - 1;
    const shift = TF_SHIFT[f]!;
    const max = TF_MAX[f]!;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (t < 0) continue;
      let slot = Math.imul(t, 0x9e3779b1) & mask;
      for (;;) {
        const k = keys[slot]!;
        if (k === t) break;
        if (k === -1) {
          keys[slot] = t;
          this.#entry[slot] = this.#size;
          this.#terms[this.#size] = t;
          this.#tfs[this.#size] = 0;
          this.#size++;
          break;
        }
        slot = (slot + 1) & mask;
      }
      const e = this.#entry[slot]!;
      const packed = this.#tfs[e]!;
      if (((packed >>> shift) & max) < max) this.#tfs[e] = packed + (1 << shift);
    }
  }
}
