import type { RequestContext } from '../reply/context.ts';
import { span, type Action, type Reply } from '../reply/reply.ts';
import { closest } from '../text/distance.ts';
import type { Command, CommandDeps } from './command.ts';
import { cleanInput, parseWords } from './parse.ts';
import { problemReply } from './problems.ts';
import { splitWords, type Word } from './words.ts';

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
 * Turn command text into a reply: clean, split into words once, parse, run. Bad input becomes an
 * error reply, never an exception.
 */
export async function dispatch(raw: string, commands: readonly Command[], deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
  const cleaned = cleanInput(raw);
  if (!cleaned.ok) return problemReply(cleaned.problem);
  return dispatchClean(splitWords(cleaned.text), cleaned.text, commands, deps, ctx);
}

/**
 * `dispatch` for input that arrives already in words (a Discord slash command's options): each
 * word is checked like typed text, then parsed as is — never joined and split again, so a value
 * keeps its spaces and quotes and is never read as a flag.
 */
export async function dispatchWords(input: readonly Word[], commands: readonly Command[], deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
  const words: Word[] = [];
  for (const w of input) {
    const cleaned = cleanInput(w.text);
    if (!cleaned.ok) return problemReply(cleaned.problem);
    const text = w.text.replace(/\s+/g, ' ').trim();
    if (text !== '') words.push({ text, quoted: w.quoted });
  }
  const joined = cleanInput(textOf(words));
  if (!joined.ok) return problemReply(joined.problem);
  return dispatchClean(words, textOf(words), commands, deps, ctx);
}

async function dispatchClean(words: readonly Word[], text: string, commands: readonly Command[], deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
  const first = words[0];
  if (!first) return runParsed([{ text: 'help', quoted: false }], text, commands, deps, ctx);
  if (!first.quoted && first.text.startsWith('/') && first.text.length > 1) {
    // `/papers` was stripped already; another slash word must be a command (or an alias) we have.
    const name = first.text.slice(1);
    const word = name.toLowerCase();
    const known = commands.find((c) => c.name === word || (c.aliases ?? []).includes(word));
    if (!known) return unknownCommandReply(first.text, nearMissCommand(name, commands), textOf(words.slice(1)));
    const unslashed = [{ text: name, quoted: false }, ...words.slice(1)];
    return runParsed(unslashed, textOf(unslashed), commands, deps, ctx);
  }
  return runParsed(words, text, commands, deps, ctx);
}

async function runParsed(words: readonly Word[], text: string, commands: readonly Command[], deps: CommandDeps, ctx: RequestContext): Promise<Reply> {
  const parsed = parseWords(words, commands);
  if (!parsed.ok) return problemReply(parsed.problem);
  const ran = await parsed.command.run(parsed.input, deps, ctx);
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
    const meant = await runParsed(meantWords, textOf(meantWords), commands, deps, ctx);
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
