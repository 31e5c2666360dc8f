import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/commands/command.ts';
import { ask, testPaperboy } from '../helpers/paperboy.ts';

const stub = (name: string, aliases: string[] = []): Command => ({
  name,
  aliases,
  summary: 'a test command',
  usage: '',
  examples: [],
  args: 'none',
  flags: [],
  run: () => ({ tone: 'ok', summary: name, blocks: [] }),
});

describe('command registry', () => {
  it('a slash word may be an alias (/find = /search)', async () => {
    const viaAlias = await ask('/find kv cache');
    const viaName = await ask('/search kv cache');
    expect(viaAlias.tone).toBe('ok');
    expect(viaAlias.data).toEqual(viaName.data);
    expect((await ask('/paper snapkv')).data?.type).toBe('paper');
  });

  it('an unknown slash word is still an unknown command', async () => {
    const r = await ask('/serach kv');
    expect(r.tone).toBe('error');
    expect(r.summary).toMatch(/Unknown command/);
  });

  it('refuses a command named like another command’s alias, and an alias named like a command', async () => {
    const bot = await testPaperboy();
    expect(() => bot.register(stub('find'))).toThrow(/"find" is registered twice.*"search"/);
    expect(() => bot.register(stub('lookup', ['show']))).toThrow(/"show" is registered twice/);
    expect(() => bot.register(stub('twice', ['again', 'AGAIN']))).toThrow(/"again" is registered twice/);
    // A refused command leaves nothing half-registered.
    expect(bot.commands.map((c) => c.name)).not.toContain('lookup');
    expect((await ask('/lookup x')).summary).toMatch(/Unknown command/);
  });
});
