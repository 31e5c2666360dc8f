/**
 * The inverted index: compact postings in typed arrays with precomputed BM25F impacts.
 *
 * Fields: 0 = name and aliases, 1 = title, 2 = abstract. A posting's impact is the whole BM25F
 * contribution of that term to that paper (idf included), so query time is a sum of impacts.
 * Postings of one term are sorted by paper index. Everything here is plain data and can be
 * written to disk as-is (see index-codec.ts and engine-cache.ts).
 */
import type { Paper } from '../papers/paper.ts';
import { clearStemCache, collectWords, isNoise, SLASHED_LETTERS, termOf } from './analyze.ts';
import { impactBitsFit, impactBitsFor, packPosting, topStep } from './postings.ts';
import { WordTable } from './word-table.ts';

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;

/** Bumped whenever the analyzer, scoring or layout changes (invalidates on-disk caches). */
export const INDEX_FORMAT_VERSION = 9;

export const FIELD_COUNT = 3;
/** BM25F field weights: name/aliases, title, abstract. */
export const FIELD_WEIGHTS = [3.0, 2.0, 1.0] as const;
/** BM25F per-field length normalisation. */
export const FIELD_B = [0.3, 0.5, 0.75] as const;
export const K1 = 1.2;

export interface IndexData {
  /** Number of papers. */
  n: number;
  /** Term id -> term (stemmed). */
  terms: string[];
  /** Term id -> a folded surface form seen in the text (for "did you mean"). */
  surfaces: string[];
  df: Uint32Array;
  /** Postings of term t are `postings[offsets[t] .. offsets[t+1])`, ascending by paper. */
  offsets: Uint32Array;
  /**
   * Packed postings (see postings.ts): `postings[p] >>> impactBits` is the paper, and
   * `(postings[p] & (2^impactBits - 1)) * impactUnit[t]` its impact (BM25F score contribution).
   * Empty when the postings are read per term from a cache file (`readPostings`): read a term's
   * postings with `postingsOf`, never from here.
   */
  postings: Uint32Array;
  /**
   * A term's postings read from the index cache file (checked as read, and kept),
   * when they are not held in `postings`: a restart reads only the terms queries ask for.
   */
  readPostings?: (t: number) => Uint32Array;
  /** Low bits of a posting that hold its impact steps: 16 up to 65,536 papers, 12 at a million (`impactBitsFor`). */
  impactBits: number;
  /** Largest impact of each term (upper bound for pruning); a term's largest posting is exactly this. */
  maxImpact: Float32Array;
  /** Size of one impact step of each term (`impactUnits(maxImpact, impactBits)`; not stored, derived). */
  impactUnit: Float64Array;
  /** L2 norm of each paper's impact vector (cosine similarity). */
  norms: Float32Array;
  /** Field lengths in terms, `fieldLens[doc * 3 + field]`. */
  fieldLens: Uint16Array;
  avgLens: Float64Array;
  /** 1 when the paper has a code link. */
  hasCode: Uint8Array;
  /**
   * Each term's idf, when the index was built beside other segments (its idf counts their papers
   * too, see `GlobalStats`); otherwise `idf(n, df[t])`. Not stored in a cache file (its index has none).
   */
  idfs?: Float64Array;
  /**
   * The terms' lookup table (see `slotsOver` in key-table.ts), when read from a cache file; an index
   * built in memory has none (the engine builds its table).
   */
  termSlots?: Int32Array;
}

/** Term `t`'s postings, ascending by paper (a view; from the cache file when the index reads them from there). */
export function postingsOf(ix: IndexData, t: number): Uint32Array {
  return ix.readPostings ? ix.readPostings(t) : ix.postings.subarray(ix.offsets[t], ix.offsets[t + 1]);
}

/** The texts of each field of a paper, as indexed. */
export function paperFields(p: Paper): [string, string, string] {
  return [[p.name ?? '', ...p.aliases].join(' \n '), p.title, p.abstract];
}

/** Robertson/Sparck Jones idf, always positive. */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** BM25F impact of a term given its per-field tfs and the paper's field lengths. */
export function bm25f(termIdf: number, tf: ArrayLike<number>, lens: ArrayLike<number>, avgLens: ArrayLike<number>): number {
  let w = 0;
  for (let f = 0; f < FIELD_COUNT; f++) {
    const t = tf[f]!;
    if (t === 0) continue;
    const avg = avgLens[f]! || 1;
    w += (FIELD_WEIGHTS[f]! * t) / (1 - FIELD_B[f]! + (FIELD_B[f]! * lens[f]!) / avg);
  }
  return (termIdf * (w * (K1 + 1))) / (K1 + w);
}

const EMPTY = new Uint32Array(0);

/** Append-only Uint32 storage in fixed chunks: no doubling copies, so peak memory stays near the data size. */
class ChunkedU32 {
  static readonly BITS = 20;
  readonly #chunks: Uint32Array[] = [];
  length = 0;

  push(v: number): void {
    const i = this.length & ((1 << ChunkedU32.BITS) - 1);
    if (i === 0) this.#chunks.push(new Uint32Array(1 << ChunkedU32.BITS));
    this.#chunks[this.#chunks.length - 1]![i] = v;
    this.length++;
  }

  chunk(c: number): Uint32Array {
    return this.#chunks[c]!;
  }

  /** Let a consumed chunk be garbage collected. */
  release(c: number): void {
    this.#chunks[c] = EMPTY;
  }
}

const NAME_TF_MAX = 0xff;
const TITLE_TF_MAX = 0xff;
const ABSTRACT_TF_MAX = 0xffff;

/**
 * Collection statistics of the segments an index is added to, so that its scores are comparable
 * with theirs: idf over all papers, length normalisation by the overall average.
 */
export interface GlobalStats {
  /** Papers in the other segments. */
  n: number;
  /** Their average field lengths. */
  avgLens: ArrayLike<number>;
  /** Their document frequency of a (stemmed) term. */
  df(term: string): number;
}

export interface BuildOptions {
  /**
   * Impact bits of a posting, fewer than the library allows (`impactBitsFor`): to measure a small
   * library's rankings at the precision a large one gets (the eval's `--impact-bits`).
   */
  impactBits?: number;
}

/**
 * Build the index for `papers` (in order: paper index = position). With `global`, the index is a
 * segment added beside others: idf and average lengths count the other segments' papers too.
 */
export function buildIndex(papers: readonly Paper[], global?: GlobalStats, options: BuildOptions = {}): IndexData {
  const n = papers.length;
  const impactBits = options.impactBits ?? impactBitsFor(n);
  if (!impactBitsFit(n, impactBits)) throw new RangeError(`${impactBits} impact bits do not fit postings of ${n} papers (at most ${impactBitsFor(n)})`);
  const termIds = new Map<string, number>();
  /** Folded word -> term id, or -1 for noise (memo: stemming and stopword checks run once per distinct word). */
  const wordIds = new Map<string, number>();
  const terms: string[] = [];
  const surfaces: string[] = [];
  let df = new Uint32Array(1 << 16);

  // Forward entries: per doc its distinct terms and packed per-field tfs (name | title << 8 | abstract << 16).
  const fwdTerm = new ChunkedU32();
  const fwdTf = new ChunkedU32();
  const docStart = new Uint32Array(n + 1);
  const fieldLens = new Uint16Array(n * FIELD_COUNT);
  const hasCode = new Uint8Array(n);

  let seen = new Int32Array(1 << 16).fill(-1); // term -> slot in this doc
  let slotTerm = new Uint32Array(1024);
  let slotTf = new Uint32Array(1024);
  const words: string[] = [];
  const lenSums = [0, 0, 0];

  const table = new WordTable();
  let slots = 0;
  let field = 0;
  let fieldLen = 0;
  /** Term id of a new folded word (-1 for noise), registering new terms. */
  const resolveWord = (folded: string): number => {
    if (isNoise(folded)) return -1;
    const term = termOf(folded);
    let id = termIds.get(term);
    if (id === undefined) {
      id = terms.length;
      termIds.set(term, id);
      terms.push(term);
      surfaces.push(folded === term ? term : folded);
      if (id >= seen.length) {
        const next = new Int32Array(seen.length * 2).fill(-1);
        next.set(seen);
        seen = next;
        const nextDf = new Uint32Array(seen.length);
        nextDf.set(df);
        df = nextDf;
      }
    }
    return id;
  };
  /** Count one occurrence of term `id` in the current field of the current paper. */
  const addTerm = (id: number): void => {
    if (id < 0) return;
    fieldLen++;
    let slot = seen[id]!;
    if (slot < 0) {
      slot = slots++;
      if (slot >= slotTerm.length) {
        const t2 = new Uint32Array(slotTerm.length * 2);
        t2.set(slotTerm);
        slotTerm = t2;
        const f2 = new Uint32Array(slotTf.length * 2);
        f2.set(slotTf);
        slotTf = f2;
      }
      seen[id] = slot;
      slotTerm[slot] = id;
      slotTf[slot] = 0;
    }
    const packed = slotTf[slot]!;
    if (field === 0) {
      if ((packed & 0xff) < NAME_TF_MAX) slotTf[slot] = packed + 1;
    } else if (field === 1) {
      if (((packed >>> 8) & 0xff) < TITLE_TF_MAX) slotTf[slot] = packed + 0x100;
    } else if (packed >>> 16 < ABSTRACT_TF_MAX) slotTf[slot] = packed + 0x10000;
  };

  for (let d = 0; d < n; d++) {
    const p = papers[d]!;
    docStart[d] = fwdTerm.length;
    hasCode[d] = p.links.some((l) => l.kind === 'code') ? 1 : 0;
    slots = 0;
    const fields = paperFields(p);
    for (let f = 0; f < FIELD_COUNT; f++) {
      field = f;
      fieldLen = 0;
      const text = fields[f]!;
      let lower = (text.includes('/') ? text.replace(SLASHED_LETTERS, '$1-$2') : text).toLowerCase();
      if (NON_ASCII.test(lower)) lower = lower.normalize('NFKD').replace(MARKS, '');
      if (!NON_ASCII.test(lower)) table.scan(lower, resolveWord, addTerm);
      else {
        words.length = 0;
        collectWords(text, words, true);
        for (let w = 0; w < words.length; w++) {
          const folded = words[w]!;
          let id = wordIds.get(folded);
          if (id === undefined) {
            id = resolveWord(folded);
            wordIds.set(folded, id);
          }
          addTerm(id);
        }
      }
      const len = fieldLen;
      fieldLens[d * FIELD_COUNT + f] = Math.min(65535, len);
      lenSums[f]! += len;
    }
    for (let s = 0; s < slots; s++) {
      const id = slotTerm[s]!;
      seen[id] = -1;
      df[id]!++;
      fwdTerm.push(id);
      fwdTf.push(slotTf[s]!);
    }
  }
  docStart[n] = fwdTerm.length;
  clearStemCache();

  const v = terms.length;
  df = df.slice(0, v);
  const avgLens = global
    ? Float64Array.from(lenSums, (x, f) => (global.n + n > 0 ? (x + (global.avgLens[f] ?? 0) * global.n) / (global.n + n) : 1))
    : Float64Array.from(lenSums, (x) => (n > 0 ? x / n : 1));

  const offsets = new Uint32Array(v + 1);
  for (let t = 0; t < v; t++) offsets[t + 1] = offsets[t]! + df[t]!;
  const cursor = offsets.slice(0, v);
  const total = offsets[v]!;
  // Papers first; `packImpacts` adds the impacts once each term's largest is known.
  const postings = new Uint32Array(total);
  const raw = new Float32Array(total);
  const maxImpact = new Float32Array(v);
  const norms = new Float32Array(n);
  const idfs = new Float64Array(v);
  if (global) for (let t = 0; t < v; t++) idfs[t] = idf(global.n + n, global.df(terms[t]!) + df[t]!);
  else for (let t = 0; t < v; t++) idfs[t] = idf(n, df[t]!);

  const [w0, w1, w2] = FIELD_WEIGHTS;
  const [b0, b1, b2] = FIELD_B;
  const a0 = avgLens[0] || 1;
  const a1 = avgLens[1] || 1;
  const a2 = avgLens[2] || 1;
  const mask = (1 << ChunkedU32.BITS) - 1;
  let chunkNo = -1;
  let termChunk: Uint32Array = new Uint32Array(0);
  let tfChunk: Uint32Array = new Uint32Array(0);
  for (let d = 0; d < n; d++) {
    // Per-paper BM25F field factors: weight / length normalisation.
    const f0 = w0 / (1 - b0 + (b0 * fieldLens[d * 3]!) / a0);
    const f1 = w1 / (1 - b1 + (b1 * fieldLens[d * 3 + 1]!) / a1);
    const f2 = w2 / (1 - b2 + (b2 * fieldLens[d * 3 + 2]!) / a2);
    let sq = 0;
    for (let i = docStart[d]!, end = docStart[d + 1]!; i < end; i++) {
      const c = i >>> ChunkedU32.BITS;
      if (c !== chunkNo) {
        if (chunkNo >= 0) {
          fwdTerm.release(chunkNo);
          fwdTf.release(chunkNo);
        }
        chunkNo = c;
        termChunk = fwdTerm.chunk(c);
        tfChunk = fwdTf.chunk(c);
      }
      const t = termChunk[i & mask]!;
      const packed = tfChunk[i & mask]!;
      const tfw = f0 * (packed & 0xff) + f1 * ((packed >>> 8) & 0xff) + f2 * (packed >>> 16);
      const w = (idfs[t]! * (tfw * (K1 + 1))) / (K1 + tfw);
      const at = cursor[t]!++;
      postings[at] = d;
      raw[at] = w;
      if (w > maxImpact[t]!) maxImpact[t] = w;
      sq += w * w;
    }
    norms[d] = Math.sqrt(sq);
  }

  const impactUnit = impactUnits(maxImpact, impactBits);
  packImpacts(postings, raw, offsets, impactUnit, impactBits);
  return { n, terms, surfaces, df, offsets, postings, impactBits, maxImpact, impactUnit, norms, fieldLens, avgLens, hasCode, ...(global ? { idfs } : {}) };
}

/** Each term's impact step (see `IndexData.impactUnit`): its largest impact is `topStep(bits)` steps. */
export function impactUnits(maxImpact: Float32Array, bits: number): Float64Array {
  const top = topStep(bits);
  // A loop, not `Float64Array.from` with a function: over 10 times faster (that took 0.13 s of a restart at a million papers).
  const units = new Float64Array(maxImpact.length);
  for (let t = 0; t < units.length; t++) units[t] = maxImpact[t]! / top;
  return units;
}

/** An impact as steps of its term's unit: rounded, never 0 (a posting always counts), at most `top`. */
export function impactSteps(impact: number, unit: number, top: number): number {
  return unit > 0 ? Math.max(1, Math.min(top, Math.round(impact / unit))) : 1;
}

/**
 * Pack each posting's impact (`raw[p]`, as steps of its term's unit) beside its paper, which
 * `postings[p]` holds on entry. Measured on the judged queries (`npm run eval -- --impact-bits N`,
 * N from 16 down to 8): the dev split and the keyword figures do not move (test keywords +0.0001
 * at 8 bits); test questions' nDCG@10 is 0.8762 at 16, 11, 10 and 9 bits and 0.8753-0.8754 at
 * 14, 12 and 8: two papers of one question within rounding of each other, not a trend.
 */
export function packImpacts(postings: Uint32Array, raw: Float32Array, offsets: Uint32Array, unit: Float64Array, bits: number): void {
  const top = topStep(bits);
  for (let t = 0; t + 1 < offsets.length; t++) {
    const u = unit[t]!;
    for (let p = offsets[t]!, end = offsets[t + 1]!; p < end; p++) postings[p] = packPosting(postings[p]!, impactSteps(raw[p]!, u, top), bits);
  }
}
