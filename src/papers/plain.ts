import type { Paper } from './paper.ts';

/** Every field of a paper, in the schema's order. */
export const PAPER_FIELDS = [
  'id',
  'title',
  'name',
  'aliases',
  'abstract',
  'links',
  'highlights',
  'sources',
  'arxivId',
  'authors',
  'published',
  'upvotes',
  'comments',
  'githubRepo',
  'githubStars',
  'projectPage',
  'summary',
  'keywords',
  'categories',
  'doi',
  'formerIds',
] as const satisfies ReadonlyArray<keyof Paper>;

/**
 * A paper as a plain object: each field read once (a paper of an index cache file keeps its
 * fields on its prototype, so spreading or cloning it would copy none), in the schema's order,
 * fields without a value left out. Arrays are copied one level deep; links and sources are copied
 * as objects.
 */
export function plainPaper(p: Paper): Paper {
  const out: Record<string, unknown> = {};
  for (const field of PAPER_FIELDS) {
    const v: unknown = p[field];
    if (v === undefined) continue;
    out[field] = Array.isArray(v) ? v.map((x: unknown) => (typeof x === 'object' && x !== null ? { ...x } : x)) : v;
  }
  return out as unknown as Paper;
}
