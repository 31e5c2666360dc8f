import type { Paper } from '../paper.ts';

function union<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set(a.map(key));
  const out = [...a];
  for (const x of b) {
    const k = key(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

/**
 * Combine two records of the same paper (same id): sources concatenated (first seen first), the
 * longer abstract kept together with its highlights, aliases and links unioned, the first name kept.
 */
export function mergePaper(first: Paper, second: Paper): Paper {
  const longer = second.abstract.length > first.abstract.length ? second : first;
  const name = first.name ?? second.name;
  const aliases = union(first.aliases, second.aliases, (s) => s.toLowerCase()).filter(
    (a) => a.toLowerCase() !== name?.toLowerCase(),
  );
  return {
    id: first.id,
    title: first.title,
    ...(name !== undefined ? { name } : {}),
    aliases,
    abstract: longer.abstract,
    links: union(first.links, second.links, (l) => l.url),
    highlights: longer.highlights,
    sources: [...first.sources, ...second.sources],
  };
}

/** Merge records by id, keeping the order in which each id was first seen. */
export function mergeById(papers: Iterable<Paper>): Paper[] {
  const byId = new Map<string, Paper>();
  for (const p of papers) {
    const prev = byId.get(p.id);
    byId.set(p.id, prev === undefined ? p : mergePaper(prev, p));
  }
  return [...byId.values()];
}
