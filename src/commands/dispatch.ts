import type { RequestContext } from '../reply/context.ts';
import { span, type Action, type Block, type Reply } from '../reply/reply.ts';
import { closest } from '../text/distance.ts';
import type { Command, CommandDeps, CommandInput } from './command.ts';
import { cleanInput, parseWords } from './parse.ts';
import { guessBlocks, pickPaper } from './pick.ts';
import { problemReply } from './problems.ts';
import { splitWords, unclosedQuote, type Word } from './words.ts';

/** What the conversation knows that a command may use. */
export interface DispatchOptions {
  /** Ids of the last list shown here: a paper described in words (`the one on X`) is looked for there first. */
  recent?: readonly string[];
}

/** Command words the first word of free text may be a typo of (`serach`, `shwo`). */
function nearMissCommand(word: string, commands: readonly Command[]): Command | undefined {
  const w = word.toLowerCase().replace(/^\//, '');
  if (w.length < 3 || !/^[a-z-]+$/.test(w)) return undefined;
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const max = w.length <= 4 ? 1 : 2;
  const [best] = closest(w, names, max);
  return best ? commands.find((c) => c.name === best || (c.aliases ?? []).includes(best)) : undefined;
}

function unknownCommandReply(word: string, suggestion: Command | undefined, rest: string, asSearch?: string): Reply {
  const fixed = suggestion ? [suggestion.name, suggestion.args === 'none' ? '' : rest].filter(Boolean).join(' ') : undefined;
  const actions: Action[] = [];
  if (fixed) actions.push({ id: 'did-you-mean', label: `Run: ${fixed}`.slice(0, 70), command: fixed, style: 'primary' });
  if (asSearch) actions.push({ id: 'search-instead', label: `Search “${asSearch}”`.slice(0, 70), command: `search ${asSearch}` });
  return {
    tone: 'error',
    summary: suggestion ? `Unknown command "${word}". Did you mean "${suggestion.name}"?` : `Unknown command "${word}".`,
    blocks: [
      {
        kind: 'paragraph',
        text: [
          span.text('Unknown command '),
          span.code(word),
          ...(suggestion ? [span.text('. Did you mean '), span.code(suggestion.name), span.text('?')] : [span.text('.')]),
        ],
      },
      { kind: 'note', text: [span.code('help'), span.text(' lists every command.')] },
      ...(actions.length ? [{ kind: 'actions' as const, actions }] : []),
    ],
  };
}

/** Command text back from words (quoted words keep their quotes), for messages and buttons. */
function textOf(words: readonly Word[]): string {
  return words.map((w) => (w.quoted ? `"${w.text}"` : w.text)).join(' ');
}

/**
 * Input that has been checked and cleaned once (`cleanText`, `cleanWords`): its words, and its
 * text as the user would read it back. Everything after the check takes this and never cleans
 * again.
 */
export interface CleanInput {
  words: readonly Word[];
  text: string;
}

export type Cleaned = { ok: true; input: CleanInput } | { ok: false; reply: Reply };

/** Typed text, checked (control characters, length), `/papers` dropped, split into words once. */
export function cleanText(raw: string): Cleaned {
  const cleaned = cleanInput(raw);
  if (!cleaned.ok) return { ok: false, reply: problemReply(cleaned.problem) };
  return { ok: true, input: { words: splitWords(cleaned.text), text: cleaned.text } };
}

/**
 * Input that arrives already in words (a Discord slash command's options): each word checked like
 * typed text, its whitespace collapsed, never joined and split again, so a value keeps its spaces
 * and quotes and is never read as a flag; the whole is checked for length too.
 */
export function cleanWords(input: readonly Word[]): Cleaned {
  const words: Word[] = [];
  for (const w of input) {
    const cleaned = cleanInput(w.text);
    if (!cleaned.ok) return { ok: false, reply: problemReply(cleaned.problem) };
    const text = w.text.replace(/\s+/g, ' ').trim();
    if (text !== '') words.push({ text, quoted: w.quoted });
  }
  const joined = cleanInput(textOf(words));
  if (!joined.ok) return { ok: false, reply: problemReply(joined.problem) };
  return { ok: true, input: { words, text: textOf(words) } };
}

/** Words made from input that was cleaned already (a follow-up's rewrite, a question read as a command). */
export function derivedInput(words: readonly Word[]): CleanInput {
  return { words, text: textOf(words) };
}

/**
 * The reply with a note when the text opened a quote it never closed (`search "kv cache`): the
 * quote ran to the end of the text, which the reply should not leave the user to guess.
 */
export function withQuoteNote(reply: Reply, text: string): Reply {
  const open = unclosedQuote(text);
  if (open === undefined) return reply;
  const what = open.length > 40 ? `${open.slice(0, 39)}…` : open;
  const note: Block = {
    kind: 'note',
    text: [
      span.text(
        `The quote before “${what}” is not closed, so it was read to the end of the message as one phrase. Close it, or leave it out to use the words one by one.`,
      ),
    ],
  };
  return { ...reply, blocks: [...reply.blocks, note] };
}

/** Parse and run input that was cleaned once already. Never cleans again. */
export async function dispatchClean(
  input: CleanInput,
  commands: readonly Command[],
  deps: CommandDeps,
  ctx: RequestContext,
  opts: DispatchOptions = {},
): Promise<Reply> {
  const { words, text } = input;
  const first = words[0];
  if (!first) return runParsed([{ text: 'help', quoted: false }], text, commands, deps, ctx, opts);
  if (!first.quoted && first.text.startsWith('/') && first.text.length > 1) {
    // `/papers` was stripped already; another slash word must be a command (or an alias) we have.
    const name = first.text.slice(1);
    const word = name.toLowerCase();
    const known = commands.find((c) => c.name === word || (c.aliases ?? []).includes(word));
    if (!known) return unknownCommandReply(first.text, nearMissCommand(name, commands), textOf(words.slice(1)));
    const unslashed = [{ text: name, quoted: false }, ...words.slice(1)];
    return runParsed(unslashed, textOf(unslashed), commands, deps, ctx, opts);
  }
  return runParsed(words, text, commands, deps, ctx, opts);
}

/**
 * Run a parsed command. A command that takes a paper, given words that name none exactly (a close
 * spelling, part of a title, a description: `show lora`, `save the paper about zipcache`), runs on
 * the paper they were taken to mean, and its reply says so first, with the next closest papers.
 */
async function runCommand(command: Command, input: CommandInput, deps: CommandDeps, ctx: RequestContext, opts: DispatchOptions): Promise<Reply> {
  if (!command.takesPaper || input.args.length === 0) return command.run(input, deps, ctx);
  const pick = pickPaper(deps.engine, input.args.join(' '), opts.recent);
  if (pick.kind === 'as-typed') return command.run(input, deps, ctx);
  const ref = pick.kind === 'guess' ? pick.paper.id : pick.about;
  const reply = await command.run({ ...input, args: [ref], rest: ref }, deps, ctx);
  if (pick.kind !== 'guess' || reply.tone === 'error') return reply;
  return { ...reply, blocks: [...guessBlocks(pick, command.name, deps.engine, command.personal === true), ...reply.blocks] };
}

async function runParsed(
  words: readonly Word[],
  text: string,
  commands: readonly Command[],
  deps: CommandDeps,
  ctx: RequestContext,
  opts: DispatchOptions,
): Promise<Reply> {
  const parsed = parseWords(words, commands);
  if (!parsed.ok) return problemReply(parsed.problem);
  const ran = await runCommand(parsed.command, parsed.input, deps, ctx, opts);
  const reply: Reply = parsed.command.personal ? { ...ran, personal: true } : ran;
  if (!parsed.implicit) return reply;

  // Free text ran as a search. If its first word looks like a mistyped command, say so: as the
  // answer when that word is no word of the paper set (`serach kv`, `halp`), else as a note.
  const first = words[0];
  const miss = first && !first.quoted ? nearMissCommand(first.text, commands) : undefined;
  if (!first || !miss) return reply;
  const restWords = words.slice(1);
  const rest = textOf(restWords);
  if (miss.name === parsed.command.name) {
    // `serach kv cache`: the user meant the search command; search for the other words.
    if (!rest) return reply;
    const meantWords = [{ text: miss.name, quoted: false }, ...restWords];
    const meant = await runParsed(meantWords, textOf(meantWords), commands, deps, ctx, opts);
    return { ...meant, blocks: [...meant.blocks, { kind: 'note', text: [span.text(`Read “${first.text}” as `), span.code(miss.name), span.text('.')] }] };
  }
  const alone = deps.engine.search(first.text, { limit: 1 });
  const isPaperWord = alone.total > 0 && alone.corrected === undefined;
  if (reply.tone === 'empty' || reply.tone === 'error' || !isPaperWord) return unknownCommandReply(first.text, miss, rest, text);
  const fixed = [miss.name, miss.args === 'none' ? '' : rest].filter(Boolean).join(' ');
  return {
    ...reply,
    blocks: [
      ...reply.blocks,
      { kind: 'note', text: [span.text('Searched for your words. Did you mean the '), span.code(miss.name), span.text(' command? Try '), span.code(fixed)] },
    ],
  };
}
