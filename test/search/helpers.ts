import type { Paper } from '../../src/papers/paper.ts';
import { slugify } from '../../src/parse/slug.ts';

/** A valid Paper with sensible defaults for search tests. */
export function paper(p: { title: string; abstract: string; name?: string; aliases?: string[]; code?: boolean }): Paper {
  return {
    id: slugify(p.title),
    title: p.title,
    ...(p.name ? { name: p.name } : {}),
    aliases: p.aliases ?? [],
    abstract: p.abstract,
    links: p.code ? [{ url: `https://github.com/example/${slugify(p.title).slice(0, 20)}`, kind: 'code' }] : [],
    highlights: [],
    sources: [{ file: 'test.txt', line: 1 }],
  };
}
