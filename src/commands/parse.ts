import type { Command, CommandInput, FlagSpec, FlagValue } from './command.ts';
import { controlCharsIn } from '../text/control.ts';
import { closest } from '../text/distance.ts';
import { joinWords, splitWords, type Word } from './words.ts';

/** Longest command text we accept (chat messages can be huge; commands never are). */
export const MAX_INPUT_LENGTH = 500;

export type ParseResult =
  | { ok: true; input: CommandInput; command: Command; /** true when no command word was given (free text). */ implicit: boolean }
  | { ok: false; problem: CommandProblem };

export type CommandProblem =
  | { kind: 'too-long'; length: number }
  | { kind: 'control-characters'; codes: string[] }
  | { kind: 'empty' }
  | {
      kind: 'unknown-flag';
      command: Command;
      flag: string;
      /** No command word was given: the text ran as a search, and the option came with it (`--bogus`). */
      implicit: boolean;
      /** An option of the command the user probably meant (`--count` -> `--limit`, `--pgae` -> `--page`). */
      suggestion?: string;
    }
  | { kind: 'bad-flag-value'; command: Command; spec: FlagSpec; value: string | undefined }
  | { kind: 'missing-argument'; command: Command }
  | { kind: 'unexpected-argument'; command: Command; text: string };

/** Render a code point as `U+0007`. */
function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Normalise raw text from a user: reject control characters and oversize input, strip a leading
 * `/papers` (or `papers`, unless it starts a request: `papers about X`), and collapse whitespace.
 */
export function cleanInput(raw: string): { ok: true; text: string } | { ok: false; problem: CommandProblem } {
  // Tab, newline and carriage return are whitespace; other control characters are refused.
  const controls = controlCharsIn(raw);
  if (controls.length > 0) {
    return { ok: false, problem: { kind: 'control-characters', codes: [...new Set(controls.map(codePoint))].slice(0, 5) } };
  }
  let text = raw.replace(/\s+/g, ' ').trim();
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, problem: { kind: 'too-long', length: text.length } };
  // `papers about X` is a request, not the bot's name: a bare `papers` goes only before other words.
  text = text.replace(/^\/papers\b\s*/i, '').replace(/^papers(?: (?!(?:about|on|for|with|like|from|by|in|that|related|regarding|similar)\b)|$)/i, '');
  return { ok: true, text };
}

/** Find a command by name or alias (case-insensitive). */
export function findCommand(word: string, commands: readonly Command[]): Command | undefined {
  const w = word.toLowerCase();
  return commands.find((c) => c.name === w || (c.aliases ?? []).includes(w));
}

function parseFlagValue(spec: FlagSpec, value: string | undefined): FlagValue | undefined {
  if (spec.type === 'boolean') return true;
  if (value === undefined || value === '') return undefined;
  if (spec.type === 'int') {
    if (!/^[+]?\d{1,9}$/.test(value)) return undefined;
    const n = Number(value);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  return value;
}

/** Options that ask for help, whatever the command. */
const HELP_FLAGS = new Set(['help', 'h']);

/** Other words people use for an option (`--count` for `--limit`), to suggest the one a command has. */
const FLAG_SYNONYMS: Record<string, readonly string[]> = {
  limit: ['count', 'n', 'num', 'number', 'max', 'top', 'results', 'size', 'per-page', 'k'],
  page: ['p', 'pg', 'offset'],
  since: ['days', 'after', 'from', 'recent', 'newer'],
  days: ['since', 'window', 'd'],
  author: ['authors', 'by', 'writer', 'name'],
  code: ['with-code', 'has-code', 'repo', 'github', 'repos'],
};

/** The option of `command` someone typing `--name` probably meant: a close spelling, or the same thing in other words. */
export function suggestFlag(name: string, command: Command): string | undefined {
  const names = command.flags.map((f) => f.name);
  const [near] = closest(name, names, name.length <= 4 ? 1 : 2);
  if (near) return `--${near}`;
  const same = names.find((f) => FLAG_SYNONYMS[f]?.includes(name));
  return same ? `--${same}` : undefined;
}

/**
 * Parse cleaned command text against the registry. Text whose first word is no command is a search
 * (`fallback`), unless there is no fallback command.
 */
export function parseCommand(text: string, commands: readonly Command[], fallback = 'search'): ParseResult {
  return parseWords(splitWords(text), commands, fallback);
}

/** `parseCommand` for text already split into words (split once, parse from the words). */
export function parseWords(words: readonly Word[], commands: readonly Command[], fallback = 'search'): ParseResult {
  if (words.length === 0) return { ok: false, problem: { kind: 'empty' } };

  let command = words[0]!.quoted ? undefined : findCommand(words[0]!.text, commands);
  let implicit = false;
  let rest = words.slice(1);
  if (!command) {
    const fb = findCommand(fallback, commands);
    if (!fb) return { ok: false, problem: { kind: 'empty' } };
    command = fb;
    implicit = true;
    rest = [...words];
  }

  const flags: Record<string, FlagValue> = {};
  const args: string[] = [];
  const argWords: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    const m = !w.quoted ? /^--?([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(w.text) : null;
    // A lone `-` or a negative-looking number (`-5`) is an argument, not a flag.
    if (!m) {
      args.push(w.text);
      argWords.push(w.quoted ? `"${w.text}"` : w.text);
      continue;
    }
    const name = m[1]!.toLowerCase();
    const spec = command.flags.find((f) => f.name === name);
    if (!spec) {
      // `--help` / `-h` anywhere: help, on the command given (`show --help`) or on all of them.
      const help = HELP_FLAGS.has(name) && m[2] === undefined ? findCommand('help', commands) : undefined;
      if (help) {
        const args = implicit ? [] : [command.name];
        return { ok: true, command: help, implicit: false, input: { name: help.name, args, rest: args.join(' '), flags: {} } };
      }
      const suggestion = suggestFlag(name, command);
      return { ok: false, problem: { kind: 'unknown-flag', command, flag: w.text.split('=')[0]!, implicit, ...(suggestion ? { suggestion } : {}) } };
    }
    let raw: string | undefined = m[2];
    if (spec.type !== 'boolean' && raw === undefined) {
      const next = rest[i + 1];
      if (next && !(!next.quoted && /^--[a-zA-Z]/.test(next.text))) {
        raw = next.text;
        i++;
      }
    }
    const value = parseFlagValue(spec, raw);
    if (value === undefined) return { ok: false, problem: { kind: 'bad-flag-value', command, spec, value: raw } };
    // A repeated string flag collects its values (`--category cs.CL --category cs.LG` -> `cs.CL,cs.LG`).
    const prev = flags[spec.name];
    flags[spec.name] = spec.type === 'string' && typeof prev === 'string' && typeof value === 'string' ? `${prev},${value}` : value;
  }
  for (const spec of command.flags) {
    if (spec.type === 'int' && spec.default !== undefined && flags[spec.name] === undefined) flags[spec.name] = spec.default;
  }

  const standIn = command.argOptionalWith?.some((f) => flags[f] !== undefined) ?? false;
  if (command.args === 'required' && args.length === 0 && !standIn) return { ok: false, problem: { kind: 'missing-argument', command } };
  if (command.args === 'none' && args.length > 0) {
    return { ok: false, problem: { kind: 'unexpected-argument', command, text: joinWords(args) } };
  }
  return { ok: true, command, implicit, input: { name: command.name, args, rest: argWords.join(' '), flags } };
}
