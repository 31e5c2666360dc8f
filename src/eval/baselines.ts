/**
 * Stock baselines for evaluation and benchmarks: fuse.js and minisearch over title + abstract,
 * with their documented defaults. Each returns paper ids, best first.
 */
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import type { Paper } from '../papers/paper.ts';

export interface Baseline {
  name: string;
  search(query: string, limit: number): string[];
}

/** fuse.js over title and abstract (default options plus `includeScore`). */
export function fuseBaseline(papers: readonly Paper[]): Baseline {
  const fuse = new Fuse(papers, { keys: ['title', 'abstract'], includeScore: true });
  return { name: 'fuse.js (title+abstract)', search: (q, limit) => fuse.search(q, { limit }).map((r) => r.item.id) };
}

/** minisearch with default BM25 settings over title and abstract. */
export function minisearchBaseline(papers: readonly Paper[]): Baseline {
  const ms = new MiniSearch<Paper>({ fields: ['title', 'abstract'], idField: 'id' });
  const seen = new Set<string>();
  ms.addAll(papers.filter((p) => !seen.has(p.id) && seen.add(p.id)));
  return {
    name: 'minisearch (defaults)',
    search: (q, limit) =>
      ms
        .search(q)
        .slice(0, limit)
        .map((r) => String(r.id)),
  };
}
