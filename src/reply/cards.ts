import type { Paper } from '../papers/paper.ts';
import { extractiveSummary } from '../papers/summary.ts';
import { span, type Action, type PaperCard, type ResultRow, type RichText } from './reply.ts';

/** Display name of a paper: its short name, else its title. */
export function displayName(paper: Paper): string {
  return paper.name ?? paper.title;
}

/** The opening of an abstract, cut on a word boundary, as rich text. */
export function openingSnippet(abstract: string, max = 240): RichText {
  if (abstract.length <= max) return [span.text(abstract)];
  const cut = abstract.slice(0, max);
  const lastSpace = cut.lastIndexOf(' ');
  return [span.text(`${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.]+$/, '')}…`)];
}

export interface CardOptions {
  rank?: number;
  score?: number;
  snippet?: RichText;
  /** Include the full abstract (the reply is about this paper). */
  withAbstract?: boolean;
  /** How the card's buttons name the paper (`show <ref>`); default its id. */
  ref?: string;
}

/** Authors as a short list: the first three, then "et al.". */
export function authorList(authors: readonly string[] | undefined, max = 3): string | undefined {
  if (!authors?.length) return undefined;
  return authors.length <= max ? authors.join(', ') : `${authors.slice(0, max).join(', ')} et al.`;
}

/** `A, B, C et al. · 2026-11-28 · ▲ 42 · 3 comments`, from what the record knows; undefined when nothing. */
export function byline(paper: Paper): string | undefined {
  const parts: string[] = [];
  const who = authorList(paper.authors);
  if (who) parts.push(who);
  if (paper.published) parts.push(paper.published);
  if (paper.upvotes !== undefined) parts.push(`▲ ${paper.upvotes}`);
  if (paper.comments) parts.push(`${paper.comments} comment${paper.comments === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** A paper card with its Abstract / Similar buttons (Similar / Save on a card about one paper). */
export function paperCard(paper: Paper, opts: CardOptions = {}): PaperCard {
  const actions: Action[] = [];
  const ref = opts.ref ?? paper.id;
  if (!opts.withAbstract) actions.push({ id: `abstract:${paper.id}`, label: 'Abstract', command: `show ${ref}` });
  actions.push({ id: `similar:${paper.id}`, label: 'Similar', command: `similar ${ref}` });
  // A card about one paper (a `show` reply, a paper of the day) can be saved to the clicker's reading list.
  if (opts.withAbstract) actions.push({ id: `save:${paper.id}`, label: 'Save', command: `save ${ref}`, personal: true });
  const card: PaperCard = {
    id: paper.id,
    title: paper.title,
    links: paper.links.map((l) => ({ url: l.url, kind: l.kind })),
    highlights: [...paper.highlights],
    actions,
  };
  if (paper.name) card.name = paper.name;
  if (ref !== paper.id) card.ref = ref;
  const by = byline(paper);
  if (by) card.byline = by;
  if (opts.rank !== undefined) card.rank = opts.rank;
  if (opts.score !== undefined) card.score = opts.score;
  if (opts.withAbstract) {
    card.abstract = paper.abstract;
    // Feed papers carry HF's AI summary (or one chosen at ingest); page papers get theirs here.
    const tldr = paper.summary ?? extractiveSummary(paper.abstract);
    if (tldr) card.tldr = tldr;
  } else card.snippet = opts.snippet ?? openingSnippet(paper.abstract);
  return card;
}

/** One machine-readable result row (`--json`). */
export function resultRow(paper: Paper, score: number): ResultRow {
  return {
    id: paper.id,
    title: paper.title,
    name: paper.name ?? null,
    score: Math.round(score * 1e4) / 1e4,
    links: paper.links.map((l) => ({ url: l.url, kind: l.kind })),
    arxivId: paper.arxivId ?? null,
    published: paper.published ?? null,
    upvotes: paper.upvotes ?? null,
  };
}
