import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createShellAdapter } from '../../adapters/shell/shell.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

async function session(lines: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (c: Buffer) => (out += c.toString()));
  const shell = createShellAdapter({ paperboy: await testPaperboy(), input, output, color: false, banner: 'hello' });
  await shell.start();
  for (const l of lines) input.write(l + '\n');
  return { shell, input, output: () => out };
}

describe('shell adapter', () => {
  it('answers plain and /papers commands in order, and quits', async () => {
    const s = await session(['search snapkv --limit 1', '/papers show snapkv', 'quit']);
    await s.shell.done;
    const out = s.output();
    expect(out.startsWith('hello')).toBe(true);
    const i = out.indexOf('Results for “snapkv”');
    const j = out.indexOf('SnapKV: LLM Knows What You are Looking for Before Generation', i);
    expect(i).toBeGreaterThan(-1);
    expect(j).toBeGreaterThan(i);
  });
  it('ends on end of input (Ctrl-D)', async () => {
    const s = await session(['stats']);
    s.input.end();
    await s.shell.done;
    expect(s.output()).toMatch(/116/);
  });
  it('prints scheduled posts between prompts', async () => {
    const s = await session([]);
    await s.shell.post!('shell', { tone: 'ok', summary: 'Digest', blocks: [{ kind: 'heading', text: 'Morning digest' }] });
    s.input.end();
    await s.shell.done;
    expect(s.output()).toMatch(/scheduled post[\s\S]*Morning digest/);
  });
});
