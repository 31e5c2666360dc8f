import { isPageSource, PaperSchema, type Paper, type PaperSource } from './paper.ts';

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

function sourceKey(s: PaperSource): string {
  return isPageSource(s) ? `page:${s.file}:${s.line}` : `${s.feed}:${s.date}`;
}

/** The earliest date among a record's sources of one feed. */
function feedDate(sources: readonly PaperSource[], feed: 'hf' | 'arxiv'): string | undefined {
  let best: string | undefined;
  for (const s of sources) if (!isPageSource(s) && s.feed === feed && (best === undefined || s.date < best)) best = s.date;
  return best;
}

function hasFeed(p: Paper, feed: 'hf' | 'arxiv'): boolean {
  return p.sources.some((s) => !isPageSource(s) && s.feed === feed);
}

function optionalUnion(a: readonly string[] | undefined, b: readonly string[] | undefined, key: (s: string) => string): string[] | undefined {
  if (!a?.length) return b?.length ? [...b] : undefined;
  return b?.length ? union(a, b, key) : [...a];
}

/** Counters only grow between sightings (a re-fetched older day must not undo a newer count). */
function larger(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/**
 * Combine two records of the same paper (same arXiv id, or same title when one has none). `second`
 * is the newer sighting: counters (upvotes, comments, stars) keep the larger value, so sightings
 * may come in any order; a repository or project page takes the newer value when it has one; a longer abstract replaces a shorter one (with its
 * highlights); names, links, aliases, keywords, categories and sources are combined; a DOI takes the
 * newer value when it has one; the rest is
 * kept. The id becomes the arXiv id once one side knows it; the other id is kept in `formerIds`.
 * `published` is the HF listing day when there is one, else the arXiv submission day.
 */
export function mergePaper(first: Paper, second: Paper): Paper {
  const longer = second.abstract.length > first.abstract.length ? second : first;
  const name = first.name ?? second.name;
  const aliases = union(first.aliases, second.aliases, (s) => s.toLowerCase()).filter((a) => a.toLowerCase() !== name?.toLowerCase());
  const arxivId = first.arxivId ?? second.arxivId;
  const id = first.arxivId ? first.id : second.arxivId ? second.id : first.id;
  const former = [...(first.formerIds ?? []), ...(second.formerIds ?? []), first.id, second.id].filter((x, i, all) => x !== id && all.indexOf(x) === i);
  const sources = union(first.sources, second.sources, sourceKey);
  const published = feedDate(sources, 'hf') ?? feedDate(sources, 'arxiv') ?? first.published ?? second.published;
  // HF's AI summary beats an extractive one; otherwise the first summary stays.
  const summary = hasFeed(second, 'hf') && !hasFeed(first, 'hf') ? (second.summary ?? first.summary) : (first.summary ?? second.summary);
  const out: Paper = {
    id,
    title: first.title,
    ...(name !== undefined ? { name } : {}),
    aliases,
    abstract: longer.abstract,
    links: union(first.links, second.links, (l) => l.url),
    highlights: longer.highlights,
    sources,
  };
  const set = <K extends keyof Paper>(key: K, value: Paper[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('arxivId', arxivId);
  set('authors', first.authors?.length ? first.authors : second.authors);
  set('published', published);
  set('upvotes', larger(first.upvotes, second.upvotes));
  set('comments', larger(first.comments, second.comments));
  set('githubRepo', second.githubRepo ?? first.githubRepo);
  set('githubStars', larger(first.githubStars, second.githubStars));
  set('projectPage', second.projectPage ?? first.projectPage);
  set('summary', summary);
  set(
    'keywords',
    optionalUnion(first.keywords, second.keywords, (s) => s.toLowerCase()),
  );
  set(
    'categories',
    optionalUnion(first.categories, second.categories, (s) => s),
  );
  set('doi', second.doi ?? first.doi);
  set('formerIds', former.length ? former : undefined);
  return out;
}

/**
 * A newer arXiv record of a stored paper (from arXiv's snapshot or OAI-PMH): arXiv's own fields —
 * title and short name, abstract with its highlights and aliases, authors, categories, DOI — are
 * replaced by the new record's, so a revised title or abstract shows; what other sightings added
 * (HF upvotes and summary, repository, project page, links, sources) is kept, as `mergePaper` keeps
 * it. Merging the same record again changes nothing.
 */
export function reviseFromArxiv(stored: Paper, incoming: Paper): Paper {
  const merged = mergePaper(stored, incoming);
  const out: Paper = { ...merged, title: incoming.title, abstract: incoming.abstract, highlights: incoming.highlights };
  if (incoming.name !== undefined) out.name = incoming.name;
  else if (incoming.title !== stored.title) delete out.name;
  out.aliases = incoming.aliases.filter((a) => a.toLowerCase() !== out.name?.toLowerCase());
  if (incoming.authors?.length) out.authors = incoming.authors;
  if (incoming.categories?.length) out.categories = incoming.categories;
  if (!hasFeed(stored, 'hf') && incoming.summary !== undefined) out.summary = incoming.summary;
  // Fields in the schema's order, as a fresh record has them: the stored JSON compares equal next time.
  return PaperSchema.parse(out);
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
