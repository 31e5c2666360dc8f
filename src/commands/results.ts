import { paperCard, resultRow } from '../reply/cards.ts';
import type { Paper } from '../papers/paper.ts';
import { span, type Block, type Paging, type Reply, type RichText } from '../reply/reply.ts';

export interface RankedPaper {
  paper: Paper;
  score: number;
  snippet?: RichText;
}

export interface ResultsPage {
  /** Heading, e.g. `Results for "kv cache"`. */
  heading: string;
  /** The query as the user typed it (for `--json`). */
  query: string;
  /** The hits on this page. */
  hits: RankedPaper[];
  total: number;
  page: number;
  perPage: number;
  /** Command text that shows page `p` of the same results. */
  commandFor: (page: number) => string;
  /** Extra notes under the heading (e.g. "Did you mean …"). */
  notes?: RichText[];
  /** How buttons name each paper (see `paperRef`); default its id. */
  ref?: (paper: Paper) => string;
}

/** Paging actions for a result list. */
export function paging(total: number, page: number, perPage: number, commandFor: (p: number) => string): Paging {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const p: Paging = { page, pages, total, perPage };
  if (page > 1) p.prev = { id: 'prev', label: '◀ Previous', command: commandFor(page - 1) };
  if (page < pages) p.next = { id: 'next', label: 'Next ▶', command: commandFor(page + 1) };
  return p;
}

/** A page of ranked papers as a reply: heading, count line, one card per paper, paging. */
export function resultsReply(r: ResultsPage): Reply {
  const pages = Math.max(1, Math.ceil(r.total / r.perPage));
  const first = (r.page - 1) * r.perPage + 1;
  const last = first + r.hits.length - 1;
  const count = `${r.total} paper${r.total === 1 ? '' : 's'}` + (pages > 1 ? ` · showing ${first}–${last} · page ${r.page} of ${pages}` : '');
  const blocks: Block[] = [
    { kind: 'heading', text: r.heading },
    { kind: 'note', text: [span.text(count)] },
    ...(r.notes ?? []).map((text): Block => ({ kind: 'note', text })),
    ...r.hits.map((h, i): Block => ({
      kind: 'paper',
      paper: paperCard(h.paper, {
        rank: first + i,
        score: h.score,
        ...(h.snippet ? { snippet: h.snippet } : {}),
        ...(r.ref ? { ref: r.ref(h.paper) } : {}),
      }),
    })),
  ];
  const reply: Reply = {
    tone: 'ok',
    summary: `${r.heading}: ${count}`,
    blocks,
    command: r.commandFor(r.page),
    data: { type: 'results', query: r.query, results: r.hits.map((h) => resultRow(h.paper, h.score)) },
  };
  if (pages > 1) reply.paging = paging(r.total, r.page, r.perPage, r.commandFor);
  return reply;
}

/** A reply for a page number past the end of the results. */
export function pastEndReply(query: string, total: number, page: number, perPage: number, commandFor: (p: number) => string): Reply {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return {
    tone: 'empty',
    summary: `Page ${page} is past the end (${total} results, ${pages} page${pages === 1 ? '' : 's'}).`,
    blocks: [
      {
        kind: 'paragraph',
        text: [span.text(`Page ${page} is past the end: ${total} result${total === 1 ? '' : 's'} fit on ${pages} page${pages === 1 ? '' : 's'}.`)],
      },
      { kind: 'actions', actions: [{ id: 'last-page', label: `Go to page ${pages}`, command: commandFor(pages) }] },
    ],
    data: { type: 'results', query, results: [] },
  };
}

/** Quote a query for display. */
export function quoted(q: string): string {
  return `“${q.length > 80 ? `${q.slice(0, 79)}…` : q}”`;
}
