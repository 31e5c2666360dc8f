import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/commands/command.ts';
import {
  COMMANDS_END,
  COMMANDS_START,
  GUIDES,
  commandsSection,
  commandsSectionOf,
  registeredCommands,
  withCommandsSection,
  type GuidePlatform,
} from '../../scripts/docs-commands.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
const PLATFORMS = Object.keys(GUIDES) as GuidePlatform[];

let commands: Command[];
beforeAll(async () => {
  commands = await registeredCommands();
});

describe('the chat guides list the registered commands', () => {
  it('collects every command the bot registers: core, help and each feature', async () => {
    const names = commands.map((c) => c.name);
    for (const c of (await testPaperboy()).commands) expect(names, c.name).toContain(c.name);
    for (const name of ['new', 'trending', 'top', 'watch', 'schedule', 'ingest', 'save', 'unsave', 'saved', 'cite']) expect(names, name).toContain(name);
  });

  it.each(PLATFORMS)('the command list in the %s guide is the generated one', (platform) => {
    const file = GUIDES[platform];
    const section = commandsSectionOf(read(file));
    expect(section, `${file} has no ${COMMANDS_START} … ${COMMANDS_END} section`).toBeDefined();
    expect(section, `${file}'s command list is out of date: run \`npm run docs:commands\``).toBe(commandsSection(platform, commands));
  });

  it.each(PLATFORMS)('the %s guide names every registered command', (platform) => {
    const section = commandsSectionOf(read(GUIDES[platform])) ?? '';
    for (const c of commands) expect(section, `${GUIDES[platform]} lacks ${c.name}: run \`npm run docs:commands\``).toContain(`\`@Paperboy ${c.name}`);
  });
});

describe('commandsSection', () => {
  it('Slack: the slash command with its usage, the mention, the summary; personal commands marked', () => {
    const slack = commandsSection('slack', commands);
    expect(slack).toContain('| `/papers search <query> [--limit N]');
    expect(slack).toContain('`@Paperboy search …` (also `find`, `s`)');
    expect(slack).toContain('| `/papers topics` | `@Paperboy topics` |');
    expect(slack).toMatch(/`\/papers saved [^\n]*\*Answered privately\.\*/);
    expect(slack).not.toMatch(/`\/papers search [^\n]*Answered privately/);
  });

  it('Discord: the subcommand with its real option names, required first', () => {
    const discord = commandsSection('discord', commands);
    expect(discord).toContain('| `/papers search [query:] [limit:] [code:]');
    expect(discord).toContain('| `/papers show paper:` |');
    expect(discord).toContain('| `/papers top [count:] [days:]` |');
    expect(discord).toContain('`paper:`, `name:` and `command:` autocomplete as you type.');
    expect(discord).toMatch(/`\/papers unsave paper:`[^\n]*\*Answered privately\.\*/);
  });

  it('escapes | in a table cell, also inside code', () => {
    const piped: Command = {
      name: 'pipe',
      usage: 'a | b',
      summary: 'One | two',
      examples: [],
      args: 'optional',
      flags: [],
      run: () => ({ tone: 'info', summary: '', blocks: [] }),
    };
    for (const p of PLATFORMS) {
      const row = commandsSection(p, [piped])
        .split('\n')
        .find((l) => l.includes('pipe'))!;
      expect(row, p).toContain('a \\| b');
      expect(row, p).toContain('One \\| two');
      expect(row.split(/(?<!\\)\|/).length, p).toBe(5);
    }
  });
});

describe('withCommandsSection', () => {
  const doc = `# Guide\n\nIntro.\n\n${COMMANDS_START}\nold table\n${COMMANDS_END}\n\nMore.\n`;

  it('replaces only what is between the markers, and reads back what it wrote', () => {
    const next = withCommandsSection(doc, '| new |');
    expect(next).toBe(`# Guide\n\nIntro.\n\n${COMMANDS_START}\n| new |\n${COMMANDS_END}\n\nMore.\n`);
    expect(commandsSectionOf(next)).toBe('| new |');
    expect(withCommandsSection(next, '| new |')).toBe(next);
  });

  it('refuses a guide without one pair of markers', () => {
    expect(() => withCommandsSection('# Guide\n', 'x')).toThrow(COMMANDS_START);
    expect(() => withCommandsSection(`${COMMANDS_END}\n${COMMANDS_START}\n`, 'x')).toThrow();
    expect(() => withCommandsSection(`${doc}${doc}`, 'x')).toThrow();
    expect(commandsSectionOf('# Guide\n')).toBeUndefined();
  });
});
