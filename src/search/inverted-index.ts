/**
 * The inverted index: compact postings in typed arrays with precomputed BM25F impacts.
 *
 * Fields: 0 = name and aliases, 1 = title, 2 = abstract. A posting's impact is the whole BM25F
 * contribution of that term to that paper (idf included), so query time is a sum of impacts.
 * Postings of one term are sorted by paper index. Everything here is plain data and can be
 * written to disk as-is (see index-cache.ts).
 */
import type { Paper } from '../paper.ts';
import { forEachWord, termOf } from './analyze.ts';
import { Growable } from './growable.ts';

/** Bumped whenever the analyzer, scoring or layout changes (invalidates on-disk caches). */
export const INDEX_FORMAT_VERSION = 3;

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
  /** Postings of term t are `docs/impacts[offsets[t] .. offsets[t+1])`. */
  offsets: Uint32Array;
  docs: Uint32Array;
  impacts: Float32Array;
  /** Largest impact of each term (upper bound for pruning). */
  maxImpact: Float32Array;
  /** L2 norm of each paper's impact vector (cosine similarity). */
  norms: Float32Array;
  /** Field lengths in terms, `fieldLens[doc * 3 + field]`. */
  fieldLens: Uint16Array;
  avgLens: Float64Array;
  /** 1 when the paper has a code link. */
  hasCode: Uint8Array;
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

/** Build the index for `papers` (in order: paper index = position). */
export function buildIndex(papers: readonly Paper[]): IndexData {
  const n = papers.length;
  const termIds = new Map<string, number>();
  /** Folded word -> term id (memo: the stemmer runs once per distinct word). */
  const wordIds = new Map<string, number>();
  const terms: string[] = [];
  const surfaces: string[] = [];

  // Forward buffers: per doc, its distinct terms and per-field tfs.
  const fwdTerm = new Growable(Uint32Array, 1 << 16);
  const fwdTf = new Growable(Uint16Array, 1 << 16); // 3 per entry
  const docStart = new Uint32Array(n + 1);
  const fieldLens = new Uint16Array(n * FIELD_COUNT);
  const hasCode = new Uint8Array(n);

  let seen = new Int32Array(1024).fill(-1); // term -> slot in this doc's touched list
  const touched: number[] = [];
  const tfs: number[] = [];
  const lenSums = [0, 0, 0];

  for (let d = 0; d < n; d++) {
    const p = papers[d]!;
    docStart[d] = fwdTerm.length;
    hasCode[d] = p.links.some((l) => l.kind === 'code') ? 1 : 0;
    touched.length = 0;
    tfs.length = 0;
    const fields = paperFields(p);
    for (let f = 0; f < FIELD_COUNT; f++) {
      let len = 0;
      forEachWord(fields[f]!, (folded) => {
        len++;
        let id = wordIds.get(folded);
        if (id === undefined) {
          const term = termOf(folded);
          id = termIds.get(term);
          if (id === undefined) {
            id = terms.length;
            termIds.set(term, id);
            terms.push(term);
            surfaces.push(folded);
          }
          wordIds.set(folded, id);
          if (id >= seen.length) {
            const next = new Int32Array(seen.length * 2).fill(-1);
            next.set(seen);
            seen = next;
          }
        }
        let slot = seen[id]!;
        if (slot < 0) {
          slot = touched.length;
          seen[id] = slot;
          touched.push(id);
          tfs.push(0, 0, 0);
        }
        const k = slot * 3 + f;
        tfs[k] = Math.min(65535, tfs[k]! + 1);
      });
      fieldLens[d * FIELD_COUNT + f] = Math.min(65535, len);
      lenSums[f]! += len;
    }
    for (let s = 0; s < touched.length; s++) {
      const id = touched[s]!;
      seen[id] = -1;
      fwdTerm.push(id);
      fwdTf.push(tfs[s * 3]!);
      fwdTf.push(tfs[s * 3 + 1]!);
      fwdTf.push(tfs[s * 3 + 2]!);
    }
  }
  docStart[n] = fwdTerm.length;

  const v = terms.length;
  const df = new Uint32Array(v);
  const fwd = fwdTerm.view();
  for (let i = 0; i < fwd.length; i++) df[fwd[i]!]!++;
  const avgLens = Float64Array.from(lenSums, (s) => (n > 0 ? s / n : 1));

  const offsets = new Uint32Array(v + 1);
  for (let t = 0; t < v; t++) offsets[t + 1] = offsets[t]! + df[t]!;
  const cursor = offsets.slice(0, v);
  const total = offsets[v]!;
  const docs = new Uint32Array(total);
  const impacts = new Float32Array(total);
  const maxImpact = new Float32Array(v);
  const norms = new Float32Array(n);
  const idfs = new Float64Array(v);
  for (let t = 0; t < v; t++) idfs[t] = idf(n, df[t]!);

  const tfv = fwdTf.view();
  const tf = [0, 0, 0];
  const lens = [0, 0, 0];
  for (let d = 0; d < n; d++) {
    lens[0] = fieldLens[d * 3]!;
    lens[1] = fieldLens[d * 3 + 1]!;
    lens[2] = fieldLens[d * 3 + 2]!;
    let sq = 0;
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
      const t = fwd[i]!;
      tf[0] = tfv[i * 3]!;
      tf[1] = tfv[i * 3 + 1]!;
      tf[2] = tfv[i * 3 + 2]!;
      const w = bm25f(idfs[t]!, tf, lens, avgLens);
      const at = cursor[t]!++;
      docs[at] = d;
      impacts[at] = w;
      if (w > maxImpact[t]!) maxImpact[t] = w;
      sq += w * w;
    }
    norms[d] = Math.sqrt(sq);
  }

  return { n, terms, surfaces, df, offsets, docs, impacts, maxImpact, norms, fieldLens, avgLens, hasCode };
}
