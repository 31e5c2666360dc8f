import type { Paper } from './paper.ts';
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

/** A paper card with its Abstract / Similar buttons. */
export function paperCard(paper: Paper, opts: CardOptions = {}): PaperCard {
  const actions: Action[] = [];
  const ref = opts.ref ?? paper.id;
  if (!opts.withAbstract) actions.push({ id: `abstract:${paper.id}`, label: 'Abstract', command: `show ${ref}` });
  actions.push({ id: `similar:${paper.id}`, label: 'Similar', command: `similar ${ref}` });
  const card: PaperCard = {
    id: paper.id,
    title: paper.title,
    links: paper.links.map((l) => ({ url: l.url, kind: l.kind })),
    highlights: [...paper.highlights],
    actions,
  };
  if (paper.name) card.name = paper.name;
  if (opts.rank !== undefined) card.rank = opts.rank;
  if (opts.score !== undefined) card.score = opts.score;
  if (opts.withAbstract) card.abstract = paper.abstract;
  else card.snippet = opts.snippet ?? openingSnippet(paper.abstract);
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
  };
}
