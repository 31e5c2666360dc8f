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
import { span, type Block, type Reply } from '../reply/reply.ts';
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

const SEARCH_FIRST: Block = {
  kind: 'note',
  text: [
    span.text('Search first, e.g. '),
    span.code('search kv cache'),
    span.text(', then '),
    span.code('show 2'),
    span.text(' or '),
    span.code('more'),
    span.text('.'),
  ],
};

function ranks(list: ShownList): string {
  const last = list.firstRank + list.ids.length - 1;
  return list.ids.length === 1 ? `result ${list.firstRank}` : `results ${list.firstRank}–${last}`;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** `2`, `#2`, `2nd`, `second`, `last`: a rank in `list` (1-based, as printed), or undefined. */
function rankOf(word: string, list: ShownList | undefined): number | undefined {
  const w = word.toLowerCase();
  const digits = /^#?(\d{1,3})(?:st|nd|rd|th)?$/.exec(w);
  if (digits) return Number(digits[1]);
  const at = ORDINALS.indexOf(w);
  if (at >= 0) return (list?.firstRank ?? 1) + at;
  if (w === 'last' && list && list.ids.length > 0) return list.firstRank + list.ids.length - 1;
  return undefined;
}

/** `the second one`, `what about the third?`, `show me the 2nd`: the rank, when that is all the message says. */
const SPOKEN_RANK =
  /^(?:(?:and|ok|okay|now|then) )?(?:(?:what|how) about |(?:show|open|give)(?: me)? |details (?:on|for|of|about) |(?:the )?link (?:for|to) )?(?:the |result |number |no |paper )?([#\w]+?)(?: one| result| paper| please)?$/;
/** `save it`, `cite this one`: the paper of the last reply. */
const PRONOUN = /^(?:it|this|that|this one|that one|this paper|that paper)$/;

/**
 * Follow-ups said in words rather than numbers: `the second one` is `show 2`, `cite the first one`
 * is `cite 1`, `save it` is `save` (the paper just shown), `show 2.` is `show 2`. Undefined when
 * the words are not such a follow-up.
 */
function spoken(words: readonly Word[], commands: readonly Command[], list: ShownList | undefined): Word[] | undefined {
  if (words.length === 0 || words.length > 6 || words.some((w) => w.quoted)) return undefined;
  const text = words
    .map((w) => w.text)
    .join(' ')
    .toLowerCase()
    .replace(/[.?!]+$/, '')
    .trim();
  const word = (t: string): Word => ({ text: t, quoted: false });
  const [head, ...rest] = text.split(' ');
  const command = findCommand(head!.replace(/^\//, ''), commands);
  if (command?.takesPaper && rest.length > 0) {
    const tail = rest.join(' ').replace(/^(?:me|us) /, '');
    if (PRONOUN.test(tail)) return [word(command.name)];
    const m = /^(?:the |result |number |#)?([#\w]+?)(?: one| result| paper)?$/.exec(tail);
    const n = m ? rankOf(m[1]!, list) : undefined;
    // `show 2` as typed is already a rank; only spoken forms and stray punctuation are rewritten.
    const typedRank = rest.length === 1 && /^#?\d{1,6}$/.test(words[1]!.text);
    if (n !== undefined && !typedRank) return [word(command.name), word(String(n))];
    return undefined;
  }
  if (command) return undefined;
  const m = SPOKEN_RANK.exec(text);
  if (!m) return undefined;
  const n = rankOf(m[1]!, list);
  if (n === undefined) return undefined;
  // A bare `2` is a follow-up only when there is a list to take it from; else it is searched.
  const bare = /^#?\d+$/.test(text);
  if (bare && !list?.ids.length) return undefined;
  return [word('show'), word(String(n))];
}

export function followUp(words: readonly Word[], commands: readonly Command[], list: ShownList | undefined): FollowUp {
  const said = spoken(words, commands, list);
  if (said) return followUp(said, commands, list);
  const [first, second] = words;
  if (!first || first.quoted) return { kind: 'none' };
  const word = first.text.replace(/^\//, '').toLowerCase();
  if (words.length === 1 && (NEXT.has(word) || PREV.has(word)) && !findCommand(word, commands)) {
    const forward = NEXT.has(word);
    if (!list) return { kind: 'reply', reply: problem(`There is no list to ${forward ? 'continue' : 'go back in'} here yet.`, SEARCH_FIRST) };
    if (list.ids.length === 0) {
      const why = list.ended ? 'The last reply here listed no papers: there is no list' : 'There is no list';
      return { kind: 'reply', reply: problem(`${why} to ${forward ? 'continue' : 'go back in'}${list.ended ? '' : ' here yet'}.`, SEARCH_FIRST) };
    }
    const command = forward ? list.next : list.prev;
    if (!command) return { kind: 'reply', reply: problem(forward ? 'That was the last page of the list.' : 'That was the first page of the list.') };
    return { kind: 'rewrite', words: splitWords(command) };
  }
  const command = findCommand(word, commands);
  if (!command?.takesPaper) return { kind: 'none' };
  // `similar` alone, right after a reply about one paper (in a thread under it, say): that paper.
  if (!second && list?.paperId)
    return {
      kind: 'rewrite',
      words: [
        { text: word, quoted: false },
        { text: list.paperId, quoted: false },
      ],
    };
  if (!second || second.quoted || !/^#?\d{1,6}$/.test(second.text)) return { kind: 'none' };
  const n = Number(second.text.replace('#', ''));
  // `show 2 3`: one paper per command (flags and their values may follow the number).
  const next = words[2];
  if (next && (next.quoted || !next.text.startsWith('-'))) {
    return { kind: 'reply', reply: problem(`${word} takes one result number, e.g. ${word} ${n}; send one ${word} per paper.`) };
  }
  if (!list) return { kind: 'reply', reply: problem(`There is no list to take result ${n} from here yet.`, SEARCH_FIRST) };
  if (list.ids.length === 0) {
    const why = list.ended ? `The last reply here listed no papers: there is no result ${n} to take.` : `There is no list to take result ${n} from here yet.`;
    return { kind: 'reply', reply: problem(why, SEARCH_FIRST) };
  }
  const at = n - list.firstRank;
  if (at < 0 || at >= list.ids.length) {
    return { kind: 'reply', reply: problem(`No result ${n}: the last list shows ${ranks(list)}.`) };
  }
  return { kind: 'rewrite', words: [{ text: word, quoted: false }, { text: list.ids[at]!, quoted: false }, ...words.slice(2)] };
}

/** The `paperId` a command's data names (`{ saved: true, paperId, … }`), if it names one. */
function onePaperId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id: unknown = (value as Record<string, unknown>)['paperId'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * What to remember of a reply for follow-ups (undefined: leave the conversation's list as it is).
 * - A list of papers replaces the conversation's list; so does a reply about one paper (`show`, or
 *   a command that did something with one: `save 2`, `cite X`), which keeps the list it came from
 *   and adds the paper (`similar` or `save it` alone means it).
 * - A reply that lists no papers where a list was asked for (a search that found nothing, an empty
 *   reading list) or lists other things (topics, watches, schedules) ends the old list: `show 2`
 *   after it must not quietly reach back to an older one. It is remembered as an empty list.
 * - Anything else (help, stats, a saved paper, an error) leaves the list: `save 1` then `save 2`.
 */
export function shownList(reply: Reply, previous?: ShownList): ShownList | undefined {
  const d = reply.data;
  const about = (paperId: string): ShownList => ({ ...(previous && !previous.ended ? previous : { ids: [], firstRank: 1 }), paperId });
  if (d?.type === 'paper') return about(d.paper.id);
  // A reply that did something with one paper (`save 2`, `cite snapkv`: their data name it) is about that paper: `save it` next means it too.
  const done = d?.type === 'other' && reply.tone !== 'error' ? onePaperId(d.value) : undefined;
  if (done !== undefined) return about(done);
  if (d?.type === 'other') return reply.blocks.some((b) => b.kind === 'list') ? { ids: [], firstRank: 1, ended: true } : undefined;
  // Candidates for a name that did not resolve are offered as buttons, not numbered: keep the list.
  if (d?.type !== 'results' || d.match !== undefined) return undefined;
  if (d.results.length === 0) return { ids: [], firstRank: 1, ended: true };
  const firstCard = reply.blocks.find((b) => b.kind === 'paper');
  const firstRank = firstCard?.kind === 'paper' && firstCard.paper.rank !== undefined ? firstCard.paper.rank : 1;
  const list: ShownList = { ids: d.results.map((r) => r.id), firstRank };
  if (reply.paging?.next) list.next = reply.paging.next.command;
  if (reply.paging?.prev) list.prev = reply.paging.prev.command;
  return list;
}
