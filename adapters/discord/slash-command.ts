/**
 * The `/papers` slash command: its definition JSON (for registration) and the mapping from an
 * invocation's options back to core command text. Both come from one spec list derived from the
 * registered core commands, so a command added to the registry (e.g. `schedule`) becomes a
 * subcommand without touching this file. Pure.
 */
import type { APIApplicationCommandBasicOption, APIApplicationCommandSubcommandOption, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import type { Command, FlagSpec } from '../../src/commands/command.ts';
import { LIMITS } from './limits.ts';
import { cutWords } from '../../src/text/cut.ts';
import { splitWords, type Word } from '../../src/commands/words.ts';

export const SLASH_COMMAND_NAME = 'papers';

/** Where autocomplete choices for an option come from. */
export type CompletionSource = 'paper' | 'topic' | 'command';

/** A positional part of the command text, as a slash option. */
export interface PositionalSpec {
  name: string;
  description: string;
  type: 'string' | 'integer';
  required: boolean;
  min?: number;
  max?: number;
  complete?: CompletionSource;
}

/** One subcommand: `/papers <name> ...options` runs `<command> <positionals...> <--flags...>`. */
export interface SubcommandSpec {
  name: string;
  command: string;
  description: string;
  positionals: PositionalSpec[];
  flags: FlagSpec[];
}

/** Longest text option accepted (the core refuses longer command text anyway). */
const MAX_TEXT = 500;

const q = (description: string, required: boolean): PositionalSpec => ({ name: 'query', description, type: 'string', required });
const paper = (description: string): PositionalSpec => ({ name: 'paper', description, type: 'string', required: true, complete: 'paper' });

/** Slash options for the built-in commands whose positional text has parts worth naming. */
const POSITIONALS: Record<string, PositionalSpec[]> = {
  search: [q('Words to search for, e.g. kv cache compression (may be left out with author or since)', false)],
  show: [paper('Paper name, id or title')],
  similar: [paper('Paper to find neighbours of (name, id or title)')],
  save: [paper('Paper to save to your reading list (name, id or title)')],
  unsave: [paper('Paper to take off your reading list (name or id)')],
  cite: [paper('Paper to cite (name, id or title)')],
  code: [q('Only papers matching these words', false)],
  topics: [],
  topic: [{ name: 'name', description: 'Topic name', type: 'string', required: true, complete: 'topic' }],
  random: [q('Pick among papers matching these words', false)],
  digest: [
    { name: 'count', description: 'How many papers', type: 'integer', required: false, min: 1, max: 10 },
    q('Best papers for these words instead of the newest', false),
  ],
  new: [{ name: 'count', description: 'How many papers', type: 'integer', required: false, min: 1, max: 10 }, q('Newest papers on these words', false)],
  trending: [{ name: 'count', description: 'How many papers', type: 'integer', required: false, min: 1, max: 10 }],
  top: [{ name: 'count', description: 'How many papers', type: 'integer', required: false, min: 1, max: 10 }],
  ingest: [{ name: 'source', description: 'hf (Hugging Face Daily Papers) or arxiv', type: 'string', required: true }],
  stats: [],
  help: [{ name: 'command', description: 'Explain one command', type: 'string', required: false, complete: 'command' }],
};

/** Flags that buttons cover better than options (paging). */
const HIDDEN_FLAGS = new Set(['page']);

/** Discord's rule for command and option names (lowercase). */
const NAME_RE = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

function optionName(text: string): string {
  const slug = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 1)
    .join('-');
  return slug || 'text';
}

function describe(text: string, fallback: string): string {
  const t = text.replace(/\s+/g, ' ').trim() || fallback;
  return cutWords(t.charAt(0).toUpperCase() + t.slice(1), LIMITS.commandDescription);
}

/** Subcommand specs for the registered commands (at most 25, in registration order). */
export function slashSpecs(commands: readonly Command[]): SubcommandSpec[] {
  return commands.slice(0, LIMITS.commandOptions).map((c) => {
    const positionals =
      POSITIONALS[c.name] ??
      (c.args === 'none'
        ? []
        : [
            { name: optionName(c.argName ?? 'text'), description: describe(c.argName ?? '', 'Text'), type: 'string' as const, required: c.args === 'required' },
          ]);
    // `count` is the number of papers where a command has it: `--limit` would be a second way to say it.
    const hasCount = positionals.some((p) => p.name === 'count');
    const flags = c.flags.filter((f) => !HIDDEN_FLAGS.has(f.name) && !positionals.some((p) => p.name === f.name) && !(hasCount && f.name === 'limit'));
    return { name: c.name, command: c.name, description: describe(c.summary, c.name), positionals, flags };
  });
}

function positionalOption(p: PositionalSpec): APIApplicationCommandBasicOption {
  if (p.type === 'integer') {
    return {
      type: 4,
      name: p.name,
      description: describe(p.description, p.name),
      required: p.required,
      ...(p.min !== undefined ? { min_value: p.min } : {}),
      ...(p.max !== undefined ? { max_value: p.max } : {}),
    };
  }
  return {
    type: 3,
    name: p.name,
    description: describe(p.description, p.name),
    required: p.required,
    max_length: MAX_TEXT,
    ...(p.complete ? { autocomplete: true } : {}),
  };
}

function flagOption(f: FlagSpec): APIApplicationCommandBasicOption {
  const description = describe(f.help, f.name);
  switch (f.type) {
    case 'int':
      return { type: 4, name: f.name, description, required: false, min_value: f.min, max_value: f.max };
    case 'boolean':
      return { type: 5, name: f.name, description, required: false };
    case 'string':
      return { type: 3, name: f.name, description, required: false, max_length: MAX_TEXT };
  }
}

interface Counted {
  name: string;
  description?: string;
  options?: readonly unknown[];
  choices?: readonly unknown[];
  value?: unknown;
}

/**
 * What Discord counts against a command's character limit: the name, description and choice
 * values of the command and of every subcommand, option and choice in it (not the JSON around them).
 */
export function countedCharacters(node: Counted): number {
  let n = node.name.length + (node.description?.length ?? 0) + (typeof node.value === 'string' ? node.value.length : 0);
  for (const child of [...(node.options ?? []), ...(node.choices ?? [])]) n += countedCharacters(child as Counted);
  return n;
}

/** Problems with a command definition (names, lengths, counts, order); empty when valid. */
export function validateSlashCommand(def: RESTPostAPIChatInputApplicationCommandsJSONBody): string[] {
  const problems: string[] = [];
  const checkName = (name: string, where: string) => {
    if (!NAME_RE.test(name)) problems.push(`${where}: name "${name}" must be 1-32 lowercase letters, digits, - or _`);
  };
  const checkDesc = (d: string, where: string) => {
    if (d.length < 1 || d.length > LIMITS.commandDescription) problems.push(`${where}: description must be 1-100 characters`);
  };
  checkName(def.name, '/');
  checkDesc(def.description ?? '', '/');
  const subs = def.options ?? [];
  if (subs.length > LIMITS.commandOptions) problems.push(`/: at most 25 subcommands (has ${subs.length})`);
  const subNames = new Set<string>();
  for (const s of subs) {
    const where = `/${def.name} ${s.name}`;
    checkName(s.name, where);
    checkDesc(s.description, where);
    if (subNames.has(s.name)) problems.push(`${where}: duplicate subcommand`);
    subNames.add(s.name);
    if (s.type !== ApplicationCommandOptionType.Subcommand) continue;
    const opts = s.options ?? [];
    if (opts.length > LIMITS.commandOptions) problems.push(`${where}: at most 25 options`);
    const names = new Set<string>();
    let seenOptional = false;
    for (const o of opts) {
      checkName(o.name, `${where} ${o.name}`);
      checkDesc(o.description, `${where} ${o.name}`);
      if (names.has(o.name)) problems.push(`${where}: duplicate option ${o.name}`);
      names.add(o.name);
      if (o.required && seenOptional) problems.push(`${where}: required option ${o.name} after an optional one`);
      if (!o.required) seenOptional = true;
    }
  }
  const size = countedCharacters(def);
  if (size > LIMITS.commandCharacters) {
    problems.push(`/: names and descriptions add up to ${size} characters (Discord allows ${LIMITS.commandCharacters})`);
  }
  return problems;
}

/** The `/papers` command definition for `PUT /applications/{app}/commands`. Throws when invalid. */
export function buildSlashCommand(commands: readonly Command[]): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options: APIApplicationCommandSubcommandOption[] = slashSpecs(commands).map((s) => ({
    type: 1,
    name: s.name,
    description: s.description,
    options: [
      ...s.positionals.filter((p) => p.required).map(positionalOption),
      ...s.positionals.filter((p) => !p.required).map(positionalOption),
      ...s.flags.map(flagOption),
    ],
  }));
  const def: RESTPostAPIChatInputApplicationCommandsJSONBody = {
    name: SLASH_COMMAND_NAME,
    description: 'Search and browse research papers',
    type: 1,
    options,
    // Usable in servers and in DMs with the bot.
    contexts: [0, 1],
    integration_types: [0],
  };
  const problems = validateSlashCommand(def);
  if (problems.length > 0) throw new Error(`invalid /${SLASH_COMMAND_NAME} definition:\n  - ${problems.join('\n  - ')}`);
  return def;
}

// ---- invocation -> command text -------------------------------------------------------------

const OptionValue = z.union([z.string(), z.number(), z.boolean()]);
const LeafOption = z.object({ name: z.string(), type: z.number(), value: OptionValue.optional(), focused: z.boolean().optional() });
const SubOption = z.object({ name: z.string(), type: z.literal(1), options: z.array(LeafOption).optional() });
/** `interaction.options.data` of a `/papers` invocation: exactly one subcommand. */
export const InvocationOptions = z.array(SubOption).length(1);
export type InvocationOptions = z.infer<typeof InvocationOptions>;

/** Quote pairs the core's word splitter understands, in order of preference. */
const QUOTES: readonly [string, string][] = [
  ['"', '"'],
  ['\u201C', '\u201D'],
  ["'", "'"],
  ['\u2018', '\u2019'],
];

/**
 * A flag value as one word of command text, exactly as typed: quoted when it has spaces or starts
 * like a flag or a quote, in a pair of quotes whose closing mark it does not contain (so quotes
 * inside it are kept). Only a value holding every closing mark loses them.
 */
export function flagValueText(v: string): string {
  const t = v.replace(/\s+/g, ' ').trim();
  if (t !== '' && !/\s/.test(t) && !/^[-"'\u201C\u201D\u2018\u2019\u201E]/.test(t)) return t;
  const pair = QUOTES.find(([, close]) => !t.includes(close));
  return pair ? `${pair[0]}${t}${pair[1]}` : `"${t.replace(/"/g, '')}"`;
}

export type CommandTextResult =
  | {
      ok: true;
      /** The invocation as command text (for logs, buttons and "run it again"). */
      text: string;
      /** The same as words, for `Paperboy.runWords`: option values are never split or re-read. */
      words: Word[];
      spec: SubcommandSpec;
    }
  | { ok: false; problem: string };

/**
 * Core command input for a `/papers` invocation (`/papers search query:kv cache limit:3` ->
 * `search kv cache --limit 3`). Free-text options (the query) are words as if typed, so quotes
 * inside them still make phrases; a flag's value is one word exactly as given.
 */
export function commandTextFor(specs: readonly SubcommandSpec[], data: unknown): CommandTextResult {
  const parsed = InvocationOptions.safeParse(data);
  if (!parsed.success) return { ok: false, problem: 'This command invocation has an unexpected shape; try /papers help.' };
  const sub = parsed.data[0]!;
  const spec = specs.find((s) => s.name === sub.name);
  if (!spec) return { ok: false, problem: `/papers ${sub.name} is no longer available; run /papers help to see the commands.` };
  const values = new Map((sub.options ?? []).map((o) => [o.name, o.value]));
  const words: Word[] = [{ text: spec.command, quoted: false }];
  const texts: string[] = [spec.command];
  for (const p of spec.positionals) {
    const v = values.get(p.name);
    if (v === undefined || v === '') continue;
    const typed = String(v).replace(/\s+/g, ' ').trim();
    words.push(...splitWords(typed));
    texts.push(typed);
  }
  for (const f of spec.flags) {
    const v = values.get(f.name);
    if (v === undefined) continue;
    if (f.type === 'boolean') {
      if (v === true) {
        words.push({ text: `--${f.name}`, quoted: false });
        texts.push(`--${f.name}`);
      }
    } else {
      const value = String(v).replace(/\s+/g, ' ').trim();
      words.push({ text: `--${f.name}`, quoted: false }, { text: value, quoted: f.type !== 'int' });
      texts.push(`--${f.name}`, f.type === 'int' ? value : flagValueText(value));
    }
  }
  return { ok: true, text: texts.filter((w) => w !== '').join(' '), words: words.filter((w) => w.text !== ''), spec };
}
