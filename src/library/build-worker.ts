/**
 * The index-build worker thread. It builds segment indexes off the main thread and keeps each
 * segment's term statistics, so a new segment can be scored with the statistics of the ones it is
 * added beside without shipping them again. Messages are `BuildRequest`s; answers `BuildResponse`s
 * with the index's typed arrays transferred (not copied).
 */
import { parentPort } from 'node:worker_threads';
import type { Paper } from '../papers/paper.ts';
import { buildIndex, type GlobalStats, type IndexData } from '../search/inverted-index.ts';

/** A segment the worker should know the statistics of (one built elsewhere, e.g. at start-up). */
export interface SegmentStats {
  id: number;
  n: number;
  avgLens: number[];
  terms: string[];
  df: Uint32Array;
}

export interface BuildRequest {
  job: number;
  /** Id the new segment's statistics are kept under. */
  segment: number;
  papers: Paper[];
  /** Segments the new one is added beside (their statistics are combined); empty: a standalone index. */
  basis: number[];
  /** Statistics of basis segments the worker does not know yet. */
  register: SegmentStats[];
}

/** Learn segments' statistics ahead of the first build (sent when the library opens). */
export interface RegisterRequest {
  register: SegmentStats[];
}

export type BuildResponse = { job: number; ok: true; index: IndexData } | { job: number; ok: false; error: string };

interface Known {
  n: number;
  avgLens: ArrayLike<number>;
  df: Map<string, number>;
}

const known = new Map<number, Known>();

function remember(id: number, n: number, avgLens: ArrayLike<number>, terms: readonly string[], df: ArrayLike<number>): void {
  const map = new Map<string, number>();
  for (let t = 0; t < terms.length; t++) map.set(terms[t]!, df[t]!);
  known.set(id, { n, avgLens: Array.from(avgLens), df: map });
}

function statsOf(ids: readonly number[]): GlobalStats | undefined {
  const parts = ids.map((id) => {
    const k = known.get(id);
    if (!k) throw new Error(`segment ${id} is unknown to the build worker`);
    return k;
  });
  if (parts.length === 0) return undefined;
  const n = parts.reduce((a, p) => a + p.n, 0);
  const avgLens = [0, 1, 2].map((f) => (n === 0 ? 1 : parts.reduce((a, p) => a + (p.avgLens[f] ?? 0) * p.n, 0) / n));
  return { n, avgLens, df: (term) => parts.reduce((a, p) => a + (p.df.get(term) ?? 0), 0) };
}

export function handle(req: BuildRequest): { response: BuildResponse; transfer: ArrayBuffer[] } {
  try {
    for (const s of req.register) remember(s.id, s.n, s.avgLens, s.terms, s.df);
    const index = buildIndex(req.papers, statsOf(req.basis));
    remember(req.segment, index.n, index.avgLens, index.terms, index.df);
    // Forget segments that are no longer in use (compacted away).
    for (const id of known.keys()) if (id !== req.segment && !req.basis.includes(id)) known.delete(id);
    const { df, offsets, postings, maxImpact, impactUnit, norms, fieldLens, avgLens, hasCode, idfs } = index;
    const arrays = [df, offsets, postings, maxImpact, impactUnit, norms, fieldLens, avgLens, hasCode, ...(idfs ? [idfs] : [])];
    const transfer = arrays.map((a) => a.buffer as ArrayBuffer);
    return { response: { job: req.job, ok: true, index }, transfer };
  } catch (err) {
    return { response: { job: req.job, ok: false, error: err instanceof Error ? err.message : String(err) }, transfer: [] };
  }
}

parentPort?.on('message', (req: BuildRequest | RegisterRequest) => {
  if (!('job' in req)) {
    for (const s of req.register) remember(s.id, s.n, s.avgLens, s.terms, s.df);
    return;
  }
  const { response, transfer } = handle(req);
  parentPort!.postMessage(response, transfer);
});
