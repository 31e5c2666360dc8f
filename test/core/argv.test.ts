import { describe, expect, it } from 'vitest';
import { argvToCommandText } from '../../src/commands/argv.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

describe('argvToCommandText', () => {
  it('arguments are words: one quoted argument is not a phrase', async () => {
    const { commands } = await testPaperboy();
    expect(argvToCommandText(['search', 'kv cache compression'], commands)).toBe('search kv cache compression');
    expect(argvToCommandText(['kv cache compression'], commands)).toBe('kv cache compression');
    expect(argvToCommandText(['show', 'LLM in a flash'], commands)).toBe('show LLM in a flash');
  });
  it('quotes inside the text still make a phrase', async () => {
    const { commands } = await testPaperboy();
    expect(argvToCommandText(['search', '"state space" models'], commands)).toBe('search "state space" models');
  });
  it('a flag value keeps its spaces; boolean flags take no value', async () => {
    const { commands } = await testPaperboy();
    expect(argvToCommandText(['search', 'attention', '--author', 'Tri Dao'], commands)).toBe('search attention --author "Tri Dao"');
    expect(argvToCommandText(['attention', '--since', '7d'], commands)).toBe('attention --since 7d');
    expect(argvToCommandText(['search', '--code', 'kv cache'], commands)).toBe('search --code kv cache');
    expect(argvToCommandText(['find', 'x', '--author', 'Ada Lovelace'], commands)).toBe('find x --author "Ada Lovelace"');
  });
  it('one quoted query finds as much as the same words typed apart', async () => {
    const bot = await testPaperboy();
    const { SHELL_CONTEXT } = await import('../../src/reply/context.ts');
    const apart = await bot.run(argvToCommandText(['search', 'kv', 'cache', 'compression'], bot.commands), SHELL_CONTEXT);
    const together = await bot.run(argvToCommandText(['search', 'kv cache compression'], bot.commands), SHELL_CONTEXT);
    expect(together.data).toEqual(apart.data);
    expect(together.paging?.total ?? 0).toBeGreaterThan(4);
  });
});
