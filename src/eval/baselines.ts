/**
 * Baselines for evaluation and benchmarks, configured as a user of each library would after
 * reading its documentation (not at their weakest): each returns paper ids, best first.
 */
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import type { Paper } from '../papers/paper.ts';

export interface Baseline {
  name: string;
  search: (query: string, limit: number) => string[];
}

function unique(papers: readonly Paper[]): Paper[] {
  const seen = new Set<string>();
  return papers.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

/**
 * fuse.js over title (weight 2) and abstract, `ignoreLocation` on: without it fuse.js only looks
 * near the start of each field, which no one searching abstracts wants.
 */
export function fuseBaseline(papers: readonly Paper[]): Baseline {
  const fuse = new Fuse(unique(papers), {
    keys: [
      { name: 'title', weight: 2 },
      { name: 'abstract', weight: 1 },
    ],
    includeScore: true,
    ignoreLocation: true,
  });
  return { name: 'fuse.js (title x2, ignoreLocation)', search: (q, limit) => fuse.search(q, { limit }).map((r) => r.item.id) };
}

/** minisearch BM25 over title and abstract as its README suggests: prefix, fuzzy 0.2, title boost 2. */
export function minisearchBaseline(papers: readonly Paper[]): Baseline {
  const ms = new MiniSearch<Paper>({
    fields: ['title', 'abstract'],
    idField: 'id',
    searchOptions: { prefix: true, fuzzy: 0.2, boost: { title: 2 } },
  });
  ms.addAll(unique(papers));
  return {
    name: 'minisearch (prefix, fuzzy 0.2, title x2)',
    search: (q, limit) =>
      ms
        .search(q)
        .slice(0, limit)
        .map((r) => String(r.id)),
  };
}

/** minisearch with its bare defaults (exact words, no boosts): the floor, for reference. */
export function minisearchDefaultsBaseline(papers: readonly Paper[]): Baseline {
  const ms = new MiniSearch<Paper>({ fields: ['title', 'abstract'], idField: 'id' });
  ms.addAll(unique(papers));
  return {
    name: 'minisearch (defaults)',
    search: (q, limit) =>
      ms
        .search(q)
        .slice(0, limit)
        .map((r) => String(r.id)),
  };
}
