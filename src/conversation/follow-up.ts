/**
 * Follow-ups: command words that refer to the last list shown in the conversation. Pure.
 * - `more` / `next` show the next page of that list, `back` / `prev` the previous one;
 * - a command that takes a paper (`show`, `similar`) given a bare number means that result of the
 *   list, by the rank printed beside it (`show 7` on page 2 of 5 per page is its second paper);
 * - after a reply about one paper, such a command without a paper means that paper (`similar`).
 */
import { findCommand } from '../commands/parse.ts';
import type { Command } from '../commands/command.ts';
import { splitWords, type Word } from '../commands/words.ts';
import { span, type Block, type Reply } from '../core/reply.ts';
import type { ShownList } from './memory.ts';

export type FollowUp =
  /** Not a follow-up: run the words as they are. */
  | { kind: 'none' }
  /** Run these words instead (the number replaced by the paper's id, `more` by the next page). */
  | { kind: 'rewrite'; words: Word[] }
  /** A follow-up that cannot be carried out (no list, past its end): this reply says why. */
  | { kind: 'reply'; reply: Reply };

const NEXT = new Set(['more', 'next']);
const PREV = new Set(['back', 'prev', 'previous']);

function problem(message: string, hint?: Block): Reply {
  return { tone: 'error', summary: message, blocks: [{ kind: 'paragraph', text: [span.text(message)] }, ...(hint ? [hint] : [])] };
}

const SEARCH_FIRST: Block = { kind: 'note', text: [span.text('Search first, e.g. '), span.code('search kv cache'), span.text(', then '), span.code('show 2'), span.text(' or '), span.code('more'), span.text('.')] };

function ranks(list: ShownList): string {
  const last = list.firstRank + list.ids.length - 1;
  return list.ids.length === 1 ? `result ${list.firstRank}` : `results ${list.firstRank}–${last}`;
}

export function followUp(words: readonly Word[], commands: readonly Command[], list: ShownList | undefined): FollowUp {
  const [first, second] = words;
  if (!first || first.quoted) return { kind: 'none' };
  const word = first.text.replace(/^\//, '').toLowerCase();
  if (words.length === 1 && (NEXT.has(word) || PREV.has(word)) && !findCommand(word, commands)) {
    const forward = NEXT.has(word);
    if (!list || list.ids.length === 0) {
      return { kind: 'reply', reply: problem(`There is no list to ${forward ? 'continue' : 'go back in'} here yet.`, SEARCH_FIRST) };
    }
    const command = forward ? list.next : list.prev;
    if (!command) return { kind: 'reply', reply: problem(forward ? 'That was the last page of the list.' : 'That was the first page of the list.') };
    return { kind: 'rewrite', words: splitWords(command) };
  }
  const command = findCommand(word, commands);
  if (!command?.takesPaper) return { kind: 'none' };
  // `similar` alone, right after a reply about one paper (in a thread under it, say): that paper.
  if (!second && list?.paperId) return { kind: 'rewrite', words: [{ text: word, quoted: false }, { text: list.paperId, quoted: false }] };
  if (!second || second.quoted || !/^#?\d{1,6}$/.test(second.text)) return { kind: 'none' };
  const n = Number(second.text.replace('#', ''));
  if (!list || list.ids.length === 0) return { kind: 'reply', reply: problem(`There is no list to take result ${n} from here yet.`, SEARCH_FIRST) };
  const at = n - list.firstRank;
  if (at < 0 || at >= list.ids.length) {
    return { kind: 'reply', reply: problem(`No result ${n}: the last list shows ${ranks(list)}.`) };
  }
  return { kind: 'rewrite', words: [{ text: word, quoted: false }, { text: list.ids[at]!, quoted: false }, ...words.slice(2)] };
}

/** What to remember of a reply for follow-ups: the list it showed, or the paper it was about (undefined: neither). */
export function shownList(reply: Reply, previous?: ShownList): ShownList | undefined {
  const d = reply.data;
  // A reply about one paper keeps the list it came from (numbers still refer to it).
  if (d?.type === 'paper') return { ...(previous ?? { ids: [], firstRank: 1 }), paperId: d.paper.id };
  if (d?.type !== 'results' || d.match !== undefined || d.results.length === 0) return undefined;
  const firstCard = reply.blocks.find((b) => b.kind === 'paper');
  const firstRank = firstCard?.kind === 'paper' && firstCard.paper.rank !== undefined ? firstCard.paper.rank : 1;
  const list: ShownList = { ids: d.results.map((r) => r.id), firstRank };
  if (reply.paging?.next) list.next = reply.paging.next.command;
  if (reply.paging?.prev) list.prev = reply.paging.prev.command;
  return list;
}
