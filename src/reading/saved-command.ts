/** `saved [--page N] [--bibtex]`: the asker's reading list, as cards or as one BibTeX export. */
import type { Command, CommandDeps } from '../commands/command.ts';
import { PAGE_FLAG, intFlag } from '../commands/flags.ts';
import { paperRef } from '../commands/ref.ts';
import { paging } from '../commands/results.ts';
import { byline, paperCard, resultRow } from '../reply/cards.ts';
import type { RequestContext } from '../reply/context.ts';
import { span, type Block, type PaperCard, type Reply, type ResultRow } from '../reply/reply.ts';
import type { Paper } from '../papers/paper.ts';
import { bibtexEntries } from './bibtex.ts';
import { HOW_TO_SAVE, NO_READER_REPLY, day, papersCount, personal, readerOf, withStore } from './replies.ts';
import type { Reader, ReadingListStore, SavedPaper } from './store.ts';

/** Papers per page of the list. */
export const SAVED_PER_PAGE = 5;
/**
 * Most characters of BibTeX in one chat message: an export longer than this is split into parts
 * (`saved --bibtex --page 2`), whole entries each. The shell and CLI get the whole export at once.
 */
export const BIBTEX_PART_CHARS = 3500;

function emptyReply(): Reply {
  return {
    tone: 'empty',
    summary: 'Your reading list is empty.',
    blocks: [
      { kind: 'paragraph', text: [span.text('Your reading list is empty.')] },
      { kind: 'note', text: HOW_TO_SAVE },
    ],
    data: { type: 'results', query: '', results: [] },
  };
}

function pastEnd(what: string, page: number, pages: number, command: (p: number) => string, summary: string): Reply {
  return {
    tone: 'empty',
    summary: `${what} ${page} is past the end (${summary}).`,
    blocks: [
      { kind: 'paragraph', text: [span.text(`${what} ${page} is past the end: ${summary}.`)] },
      { kind: 'actions', actions: personal([{ id: 'last-page', label: `Go to ${what.toLowerCase()} ${pages}`, command: command(pages) }]) },
    ],
    data: { type: 'results', query: '', results: [] },
  };
}

/** A saved id whose paper is no longer in the library: shown by its id, never a crash. */
function missingCard(item: SavedPaper, rank: number): PaperCard {
  return {
    id: item.paperId,
    title: `Unknown paper (${item.paperId})`,
    byline: `No longer in the paper library · saved ${day(item.savedAt)}`,
    rank,
    links: [],
    highlights: [],
    actions: personal([{ id: `unsave:${item.paperId}`, label: 'Unsave', command: `unsave ${item.paperId}` }]),
  };
}

function missingRow(id: string): ResultRow {
  return { id, title: `Unknown paper (${id})`, name: null, score: 0, links: [], arxivId: null, published: null, upvotes: null };
}

/** A saved paper's card: Abstract, Cite and Unsave buttons, and when it was saved. */
function savedCard(paper: Paper, item: SavedPaper, rank: number, ref: string): PaperCard {
  const card = paperCard(paper, { rank, ref });
  const by = byline(paper);
  card.byline = `${by ? `${by} · ` : ''}saved ${day(item.savedAt)}`;
  card.actions = [
    ...card.actions.filter((a) => a.id.startsWith('abstract:')),
    { id: `cite:${paper.id}`, label: 'Cite', command: `cite ${ref}` },
    { id: `unsave:${paper.id}`, label: 'Unsave', command: `unsave ${ref}`, personal: true },
  ];
  return card;
}

async function listReply(store: ReadingListStore, reader: Reader, page: number, deps: CommandDeps): Promise<Reply> {
  const { total, items } = await store.list(reader, { offset: (page - 1) * SAVED_PER_PAGE, limit: SAVED_PER_PAGE });
  if (total === 0) return emptyReply();
  const pages = Math.max(1, Math.ceil(total / SAVED_PER_PAGE));
  const commandFor = (p: number) => (p > 1 ? `saved --page ${p}` : 'saved');
  if (items.length === 0) return pastEnd('Page', page, pages, commandFor, `${papersCount(total)} fit on ${pages} page${pages === 1 ? '' : 's'}`);
  const first = (page - 1) * SAVED_PER_PAGE + 1;
  const cards: Block[] = [];
  const rows: ResultRow[] = [];
  items.forEach((item, i) => {
    const paper = deps.engine.byId(item.paperId);
    if (!paper) {
      cards.push({ kind: 'paper', paper: missingCard(item, first + i) });
      rows.push(missingRow(item.paperId));
      return;
    }
    cards.push({ kind: 'paper', paper: savedCard(paper, item, first + i, paperRef(deps.engine, paper)) });
    rows.push(resultRow(paper, 0));
  });
  const last = first + items.length - 1;
  const count = `${papersCount(total)}${pages > 1 ? ` · showing ${first}–${last} · page ${page} of ${pages}` : ''}`;
  const reply: Reply = {
    tone: 'ok',
    summary: `Your reading list: ${count}`,
    blocks: [
      { kind: 'heading', text: 'Your reading list' },
      { kind: 'note', text: [span.text(count)] },
      ...cards,
      {
        kind: 'note',
        text: [
          span.code(`show ${first}`),
          span.text(' opens a paper of this list by its number; '),
          span.code('saved --bibtex'),
          span.text(' exports the list as BibTeX.'),
        ],
      },
    ],
    data: { type: 'results', query: '', results: rows },
  };
  if (pages > 1) reply.paging = paging(total, page, SAVED_PER_PAGE, commandFor);
  return reply;
}

/** Entries grouped into parts of at most `max` characters (whole entries; an entry longer than `max` is a part alone). */
function parts(texts: readonly string[], max: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const t of texts) {
    if (current.length > 0 && size + 2 + t.length > max) {
      out.push(current);
      current = [];
      size = 0;
    }
    size += (current.length > 0 ? 2 : 0) + t.length;
    current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function bibtexReply(store: ReadingListStore, reader: Reader, page: number, deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
  const items = await store.all(reader);
  if (items.length === 0) return emptyReply();
  const papers: Paper[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const paper = deps.engine.byId(item.paperId);
    if (!paper) missing.push(item.paperId);
    else if (!seen.has(paper.id)) {
      seen.add(paper.id);
      papers.push(paper);
    }
  }
  const entries = bibtexEntries(papers);
  const texts = entries.map((e) => e.text);
  // The terminal takes the whole export at once; a chat message only so much of it.
  const split = ctx.platform === 'shell' ? [texts] : parts(texts, BIBTEX_PART_CHARS);
  const commandFor = (p: number) => `saved --bibtex${p > 1 ? ` --page ${p}` : ''}`;
  const notes: Block[] = [];
  if (missing.length > 0) {
    notes.push({
      kind: 'note',
      text: [
        span.text(`Left out: ${papersCount(missing.length)} no longer in the paper library (`),
        ...missing.slice(0, 10).flatMap((id, i) => [...(i > 0 ? [span.text(', ')] : []), span.code(id)]),
        span.text(missing.length > 10 ? ', …).' : ').'),
      ],
    });
  }
  if (entries.length === 0) {
    return {
      tone: 'empty',
      summary: 'None of your saved papers is in the paper library any more.',
      blocks: [
        { kind: 'paragraph', text: [span.text('None of your saved papers is in the paper library any more, so there is nothing to export.')] },
        ...notes,
      ],
    };
  }
  const pages = split.length;
  if (page > pages) return pastEnd('Part', page, pages, commandFor, `the export has ${pages} part${pages === 1 ? '' : 's'}`);
  const part = split[page - 1]!;
  const bibtex = part.join('\n\n');
  const count = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${pages > 1 ? ` · part ${page} of ${pages}` : ''}`;
  const reply: Reply = {
    tone: 'ok',
    summary: `BibTeX for your reading list: ${count}`,
    blocks: [
      { kind: 'heading', text: 'BibTeX for your reading list' },
      { kind: 'note', text: [span.text(count)] },
      { kind: 'code', text: bibtex, language: 'bibtex' },
      ...notes,
    ],
    data: { type: 'other', value: { entries: entries.length, keys: entries.map((e) => e.key), part: page, parts: pages, missing, bibtex } },
  };
  if (pages > 1) {
    // Parts hold whole entries, so their sizes differ: the paging counts parts, not entries per page.
    reply.paging = { page, pages, total: entries.length, perPage: part.length };
    if (page > 1) reply.paging.prev = { id: 'prev', label: '◀ Previous', command: commandFor(page - 1) };
    if (page < pages) reply.paging.next = { id: 'next', label: 'Next ▶', command: commandFor(page + 1) };
  }
  return reply;
}

export function createSavedCommand(store: ReadingListStore): Command {
  return {
    name: 'saved',
    personal: true,
    aliases: ['reading-list'],
    summary: 'Your reading list, or its BibTeX (--bibtex)',
    usage: '[--page N] [--bibtex]',
    description:
      'The papers you saved, newest first, 5 to a page; show 2 then opens the second. With --bibtex, one BibTeX entry per paper, ' +
      'oldest saved first, with unique citation keys (a chat message takes about ten entries; --page N gives the next part).',
    examples: ['saved', 'saved --page 2', 'saved --bibtex'],
    args: 'none',
    flags: [PAGE_FLAG, { name: 'bibtex', type: 'boolean', help: 'the whole list as BibTeX' }],
    async run(input, deps, ctx): Promise<Reply> {
      const reader = readerOf(ctx);
      if (!reader) return NO_READER_REPLY;
      const page = intFlag(input.flags, 'page', 1);
      return withStore(() => (input.flags['bibtex'] === true ? bibtexReply(store, reader, page, deps, ctx) : listReply(store, reader, page, deps)));
    },
  };
}
