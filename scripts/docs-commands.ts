/**
 * `npm run docs:commands`: the command lists of the chat guides (docs/slack.md, docs/discord.md),
 * generated from the command registry as `help` is, so a command the bot registers is in its
 * guide. Each list is the part of the guide between `<!-- commands:start -->` and
 * `<!-- commands:end -->`; the script rewrites those parts, test/core/guides.test.ts checks them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { slashSpecs, SLASH_COMMAND_NAME, type SubcommandSpec } from '../adapters/discord/slash-command.ts';
import { createPaperboy } from '../src/app/boot.ts';
import { silentLogger } from '../src/app/logger.ts';
import type { Command } from '../src/commands/command.ts';
import { usageLine } from '../src/commands/usage.ts';
import { packagePath } from '../src/files/package-root.ts';
import { startIngest } from '../src/ingest/index.ts';
import { startReading } from '../src/reading/index.ts';
import { startScheduling } from '../src/schedule/index.ts';
import { openMemoryState } from '../src/state/sqlite-state.ts';
import { startVotes } from '../src/votes/index.ts';
import { startWatching } from '../src/watch/index.ts';

/** The chat platforms with a guide. */
export type GuidePlatform = 'slack' | 'discord';

/** Each platform's guide, relative to the package root. */
export const GUIDES: Readonly<Record<GuidePlatform, string>> = { slack: 'docs/slack.md', discord: 'docs/discord.md' };

export const COMMANDS_START = '<!-- commands:start -->';
export const COMMANDS_END = '<!-- commands:end -->';

/** How the tables mark a personal command (the reading list). */
const PRIVATE_NOTE = '*Answered privately.*';

/** Text as a markdown code span inside a table cell (a `|` would end the cell). */
function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** Text inside a table cell (no line breaks, `|` escaped). */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function what(c: Command): string {
  return c.personal ? `${cell(c.summary)}. ${PRIVATE_NOTE}` : cell(c.summary);
}

/** `(also `?`, `h`)` for a command with aliases, else nothing. */
function aliasNote(c: Command): string {
  const aliases = c.aliases ?? [];
  return aliases.length > 0 ? ` (also ${aliases.map(code).join(', ')})` : '';
}

/** `/papers search query: [limit:] [code:]`: the subcommand and its options, required ones first. */
export function slashLine(spec: SubcommandSpec): string {
  const required = spec.positionals.filter((p) => p.required).map((p) => `${p.name}:`);
  const optional = [...spec.positionals.filter((p) => !p.required).map((p) => p.name), ...spec.flags.map((f) => f.name)].map((n) => `[${n}:]`);
  return [`/${SLASH_COMMAND_NAME}`, spec.name, ...required, ...optional].join(' ');
}

function slackTable(commands: readonly Command[]): string[] {
  const rows = commands.map((c) => {
    const mention = `@Paperboy ${c.name}${c.usage ? ' …' : ''}`;
    return `| ${code(`/${SLASH_COMMAND_NAME} ${usageLine(c)}`)} | ${code(mention)}${aliasNote(c)} | ${what(c)} |`;
  });
  return ['| Slash command | Mention (in a DM: without `@Paperboy`) | What it does |', '| --- | --- | --- |', ...rows];
}

function discordTable(commands: readonly Command[]): string[] {
  const specs = new Map(slashSpecs(commands).map((s) => [s.command, s]));
  const rows = commands.map((c) => {
    const spec = specs.get(c.name);
    const slash = spec ? code(slashLine(spec)) : 'mention or DM only';
    return `| ${slash} | ${code(`@Paperboy ${usageLine(c)}`)}${aliasNote(c)} | ${what(c)} |`;
  });
  const completing = [...new Set([...specs.values()].flatMap((s) => s.positionals.filter((p) => p.complete).map((p) => `${p.name}:`)))];
  return [
    '| `/papers` subcommand | Mention (in a DM: without `@Paperboy`) | What it does |',
    '| --- | --- | --- |',
    ...rows,
    ...(completing.length > 0 ? ['', `${listWords(completing.map(code))} autocomplete as you type.`] : []),
  ];
}

/** `a`, `a and b`, `a, b and c`. */
function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * The command list of a platform's guide, in registration order (help order): how each command
 * is typed there and what it does; personal commands (the reading list) are marked as answered
 * privately. Pure: the same commands give the same text.
 */
export function commandsSection(platform: GuidePlatform, commands: readonly Command[]): string {
  const lines = platform === 'slack' ? slackTable(commands) : discordTable(commands);
  return [`<!-- Generated from the command registry by \`npm run docs:commands\`: edit the commands, not this table. -->`, '', ...lines].join('\n');
}

/** `doc` with the part between the markers replaced by `section`. Throws when the markers are missing or out of order. */
export function withCommandsSection(doc: string, section: string): string {
  const start = doc.indexOf(COMMANDS_START);
  const end = doc.indexOf(COMMANDS_END);
  if (start < 0 || end < start || doc.indexOf(COMMANDS_START, start + 1) >= 0 || doc.indexOf(COMMANDS_END, end + 1) >= 0) {
    throw new Error(`expected one ${COMMANDS_START} … ${COMMANDS_END} section`);
  }
  return `${doc.slice(0, start + COMMANDS_START.length)}\n${section}\n${doc.slice(end)}`;
}

/** The part of `doc` between the markers (what `withCommandsSection` puts there), or undefined without markers. */
export function commandsSectionOf(doc: string): string | undefined {
  const start = doc.indexOf(COMMANDS_START);
  const end = doc.indexOf(COMMANDS_END);
  if (start < 0 || end < start) return undefined;
  return doc
    .slice(start + COMMANDS_START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/**
 * Every command the bot registers, in its order: a Paperboy built as src/main.ts builds it (the
 * core commands and `help`, then `schedule`, `top`, `watch`, `ingest` and the reading list, each
 * registered by its feature's own start function). Only their definitions are needed: the
 * features run over a state in memory, with no timers, no scheduled ingests and no config file.
 */
export async function registeredCommands(): Promise<Command[]> {
  const logger = silentLogger();
  const { paperboy, library } = await createPaperboy({ logger });
  const state = openMemoryState();
  try {
    const scheduling = await startScheduling({ store: state.schedules, paperboy, posters: {}, logger, start: false });
    const voting = startVotes({ store: state.votes, paperboy, logger });
    const watching = startWatching({ store: state.watches, paperboy, library, admins: {}, posters: {}, logger, notify: false });
    const ingesting = startIngest({ config: {}, paperboy, library, settings: { admins: {}, sources: [] }, logger, jobs: false });
    startReading({ store: state.reading, paperboy, logger });
    await ingesting.close();
    await watching.close();
    await voting.close();
    await scheduling.close();
    return [...paperboy.commands];
  } finally {
    await library.close();
    await state.close();
  }
}

/** Rewrite the command sections of both guides; returns the guides that changed. */
export async function main(out: (line: string) => void): Promise<string[]> {
  const commands = await registeredCommands();
  const changed: string[] = [];
  for (const [platform, file] of Object.entries(GUIDES) as [GuidePlatform, string][]) {
    const path = packagePath(file);
    const doc = await readFile(path, 'utf8');
    const next = withCommandsSection(doc, commandsSection(platform, commands));
    if (next === doc) continue;
    await writeFile(path, next);
    changed.push(file);
  }
  out(changed.length > 0 ? `Updated the command lists of ${changed.join(' and ')}.` : 'The guides list every command already.');
  return changed;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main((l) => process.stdout.write(`${l}\n`)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`docs:commands: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
