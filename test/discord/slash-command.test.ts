import { beforeAll, describe, expect, it } from 'vitest';
import { completions } from '../../adapters/discord/autocomplete.ts';
import { buildSlashCommand, commandTextFor, countedCharacters, flagValueText, slashSpecs, validateSlashCommand } from '../../adapters/discord/slash-command.ts';
import type { Command } from '../../src/commands/command.ts';
import { parseCommand } from '../../src/commands/parse.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';

let paperboy: Paperboy;
beforeAll(async () => {
  paperboy = await testPaperboy();
});

const sub = (name: string, values: Record<string, string | number | boolean> = {}) => [
  {
    name,
    type: 1,
    options: Object.entries(values).map(([n, value]) => ({ name: n, type: typeof value === 'string' ? 3 : typeof value === 'number' ? 4 : 5, value })),
  },
];

describe('/papers definition', () => {
  it('has one subcommand per core command, with the options users expect', () => {
    const def = buildSlashCommand(paperboy.commands);
    expect(def.name).toBe('papers');
    const subs = Object.fromEntries((def.options ?? []).map((o) => [o.name, o]));
    expect(Object.keys(subs)).toEqual(expect.arrayContaining(['search', 'show', 'similar', 'code', 'topics', 'topic', 'random', 'digest', 'stats', 'help']));
    const opts = (name: string) => (subs[name] as { options?: { name: string; required?: boolean; autocomplete?: boolean; type: number }[] }).options ?? [];
    expect(opts('search').map((o) => o.name)).toEqual(['query', 'limit', 'code', 'since', 'author', 'category']);
    // Optional: author or since alone lists papers (search --author NAME).
    expect(opts('search')[0]).toMatchObject({ required: false, type: 3 });
    expect(opts('show')[0]).toMatchObject({ name: 'paper', required: true, autocomplete: true });
    expect(opts('similar')[0]).toMatchObject({ name: 'paper', autocomplete: true });
    expect(opts('topic')[0]).toMatchObject({ name: 'name', autocomplete: true });
    expect(opts('digest').map((o) => o.name)).toEqual(['count', 'query', 'code', 'since', 'author', 'category']);
    expect(opts('digest')[0]).toMatchObject({ type: 4, min_value: 1, max_value: 10 });
    expect(opts('help')[0]).toMatchObject({ name: 'command', required: false, autocomplete: true });
    expect(opts('stats')).toEqual([]);
    expect(validateSlashCommand(def)).toEqual([]);
  });

  it('a command added to the registry becomes a subcommand (e.g. a future schedule)', () => {
    const schedule: Command = {
      name: 'schedule',
      summary: 'Post a digest to this channel on a schedule',
      usage: '<add|list|remove> ...',
      examples: [],
      args: 'required',
      argName: 'action and schedule',
      flags: [{ name: 'count', type: 'int', min: 1, max: 10, help: 'papers per post' }],
      run: () => ({ tone: 'ok', summary: '', blocks: [] }),
    };
    const def = buildSlashCommand([...paperboy.commands, schedule]);
    const s = (def.options ?? []).find((o) => o.name === 'schedule') as { options: { name: string }[] };
    expect(s.options.map((o) => o.name)).toEqual(['action', 'count']);
    const specs = slashSpecs([...paperboy.commands, schedule]);
    expect(commandTextFor(specs, sub('schedule', { action: 'add daily 09:00', count: 3 }))).toMatchObject({
      ok: true,
      text: 'schedule add daily 09:00 --count 3',
    });
  });

  it('rejects invalid definitions with clear problems', () => {
    const bad = {
      name: 'Papers',
      description: '',
      type: 1 as const,
      options: [
        {
          type: 1 as const,
          name: 'x y',
          description: 'd'.repeat(101),
          options: [
            { type: 3 as const, name: 'a', description: 'a', required: false },
            { type: 3 as const, name: 'b', description: 'b', required: true },
          ],
        },
      ],
    };
    const problems = validateSlashCommand(bad);
    expect(problems.join('\n')).toMatch(/name "Papers"/);
    expect(problems.join('\n')).toMatch(/description must be 1-100/);
    expect(problems.join('\n')).toMatch(/name "x y"/);
    expect(problems.join('\n')).toMatch(/required option b after an optional one/);
  });

  it('counts names, descriptions and choice values against Discord 8000-character limit, not the JSON around them', () => {
    const def = buildSlashCommand(paperboy.commands);
    const n = countedCharacters(def);
    expect(n).toBeLessThanOrEqual(8000);
    expect(n).toBeLessThan(JSON.stringify(def).length);
    expect(countedCharacters({ name: 'ab', description: 'cde', options: [{ name: 'f', description: 'gh', choices: [{ name: 'i', value: 'jk' }] }] })).toBe(11);
    // 25 subcommands of 25 options with full descriptions: over the limit, and said so.
    const option = (i: number) => ({ type: 3 as const, name: `o${i}`, description: 'd'.repeat(100), required: false });
    const big = {
      name: 'papers',
      description: 'x',
      options: Array.from({ length: 25 }, (_, i) => ({
        type: 1 as const,
        name: `s${i}`,
        description: 'd'.repeat(100),
        options: Array.from({ length: 25 }, (_, j) => option(j)),
      })),
    };
    expect(validateSlashCommand(big).join('\n')).toMatch(/add up to \d+ characters \(Discord allows 8000\)/);
  });
});

describe('invocation -> command text', () => {
  it('builds command text from options', () => {
    const specs = slashSpecs(paperboy.commands);
    expect(commandTextFor(specs, sub('search', { query: 'kv cache', limit: 3, code: true }))).toMatchObject({
      ok: true,
      text: 'search kv cache --limit 3 --code',
    });
    expect(commandTextFor(specs, sub('search', { query: 'kv', code: false }))).toMatchObject({ text: 'search kv' });
    expect(commandTextFor(specs, sub('search', { author: 'Tri Dao' }))).toMatchObject({ ok: true, text: 'search --author "Tri Dao"' });
    expect(commandTextFor(specs, sub('digest', { count: 3, query: 'diffusion' }))).toMatchObject({ text: 'digest 3 diffusion' });
    expect(commandTextFor(specs, sub('digest'))).toMatchObject({ text: 'digest' });
    expect(commandTextFor(specs, sub('show', { paper: 'snapkv' }))).toMatchObject({ text: 'show snapkv' });
    expect(commandTextFor(specs, sub('help', { command: 'search' }))).toMatchObject({ text: 'help search' });
    expect(commandTextFor(specs, sub('search', { query: '  multi\n line  ' }))).toMatchObject({ text: 'search multi line' });
  });

  it('keeps quotes inside flag values: the command text parses back to exactly what was typed', () => {
    const specs = slashSpecs(paperboy.commands);
    const values = ['Ann "the Bot" Lee', "O'Brien", '"Bob"', 'Jo ”x” "y"', '--not-a-flag', 'Zoë', `it's "all" ”quoted”`];
    for (const author of values) {
      const r = commandTextFor(specs, sub('search', { query: 'kv cache', author }));
      if (!r.ok) throw new Error(r.problem);
      const parsed = parseCommand(r.text, paperboy.commands);
      if (!parsed.ok) throw new Error(`${r.text}: ${parsed.problem.kind}`);
      expect(parsed.input.flags['author'], r.text).toBe(author);
      expect(parsed.command.name).toBe('search');
    }
    // A value holding every kind of closing quote cannot be quoted whole: its straight quotes go.
    expect(flagValueText(`a"b ”c’ 'd`)).toBe(`"ab ”c’ 'd"`);
  });

  it('refuses malformed or unknown invocations with a message', () => {
    const specs = slashSpecs(paperboy.commands);
    expect(commandTextFor(specs, [])).toMatchObject({ ok: false });
    expect(commandTextFor(specs, 'nope')).toMatchObject({ ok: false });
    expect(commandTextFor(specs, sub('teleport'))).toMatchObject({ ok: false, problem: expect.stringMatching(/no longer available/) });
  });

  it('runs the same command as typing it', async () => {
    const specs = slashSpecs(paperboy.commands);
    const r = commandTextFor(specs, sub('search', { query: 'gaussian splatting', limit: 2 }));
    if (!r.ok) throw new Error(r.problem);
    const viaSlash = await paperboy.run(r.text, { platform: 'discord' });
    const typed = await paperboy.run('search gaussian splatting --limit 2', { platform: 'discord' });
    expect(viaSlash.data).toEqual(typed.data);
  });
});

describe('autocomplete', () => {
  const data = () => ({ engine: paperboy.deps.engine, topics: paperboy.deps.topics, commands: paperboy.commands });

  it('completes paper names and titles with ids as values', () => {
    const c = completions('paper', 'snap', data());
    expect(c[0]!.value).toMatch(/^snapkv/);
    expect(paperboy.deps.engine.byId(c[0]!.value)?.name).toBe('SnapKV');
    expect(c[0]!.name).toMatch(/SnapKV/);
    const all = completions('paper', '', data());
    expect(all).toHaveLength(25);
    for (const x of all) {
      expect(x.name.length).toBeGreaterThan(0);
      expect(x.name.length).toBeLessThanOrEqual(100);
      expect(x.value.length).toBeLessThanOrEqual(100);
    }
    expect(new Set(all.map((x) => x.value)).size).toBe(all.length);
  });

  it('completes topics and commands, and survives hostile input', () => {
    const t = paperboy.deps.topics[0]!;
    expect(completions('topic', t.name.slice(0, 2), data()).map((c) => c.value)).toContain(t.name);
    expect(completions('command', 'se', data()).map((c) => c.value)).toContain('search');
    for (const evil of ['@everyone', 'x'.repeat(5000), '\u0000\u0007', '**__', '😀'.repeat(80)]) {
      for (const src of ['paper', 'topic', 'command'] as const) {
        const out = completions(src, evil, data());
        expect(out.length).toBeLessThanOrEqual(25);
        for (const x of out) expect(x.name).not.toMatch(/@everyone/);
      }
    }
  });
});

describe('/papers options reach the core as words, parsed once', () => {
  it('a flag value is one word exactly as given, never re-read as a flag or split', async () => {
    const { testPaperboy } = await import('../helpers/paperboy.ts');
    const { SHELL_CONTEXT } = await import('../../src/reply/context.ts');
    const bot = await testPaperboy();
    const specs = slashSpecs(bot.commands);
    const r = commandTextFor(specs, sub('search', { query: 'attention', author: '--code "Tri" Dao' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.words).toEqual([
      { text: 'search', quoted: false },
      { text: 'attention', quoted: false },
      { text: '--author', quoted: false },
      { text: '--code "Tri" Dao', quoted: true },
    ]);
    const reply = await bot.runWords(r.words, SHELL_CONTEXT);
    // The odd author matches nobody: an empty answer, not a flag error about --code.
    expect(reply.tone).toBe('empty');
    expect(reply.summary).toMatch(/by --code "Tri" Dao/);
  });
  it('the query option is words as typed: quotes inside it still make a phrase', async () => {
    const { testPaperboy } = await import('../helpers/paperboy.ts');
    const { SHELL_CONTEXT } = await import('../../src/reply/context.ts');
    const bot = await testPaperboy();
    const r = commandTextFor(slashSpecs(bot.commands), sub('search', { query: '"state space" models', limit: 3 }));
    if (!r.ok) throw new Error('expected ok');
    const viaWords = await bot.runWords(r.words, SHELL_CONTEXT);
    const viaText = await bot.run('search "state space" models --limit 3', SHELL_CONTEXT);
    expect(viaWords.data).toEqual(viaText.data);
  });
});
