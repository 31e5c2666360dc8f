import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createShellAdapter } from '../../adapters/shell/shell.ts';
import { testPaperboy } from '../helpers/paperboy.ts';

async function session(lines: string[], historyFile?: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (c: Buffer) => (out += c.toString()));
  const shell = createShellAdapter({ paperboy: await testPaperboy(), input, output, color: false, banner: 'hello', ...(historyFile ? { historyFile } : {}) });
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
  it('does not run lines pasted after quit', async () => {
    const s = await session(['quit', 'stats']);
    await s.shell.done;
    expect(s.output()).not.toMatch(/Paper set/);
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

  it('keeps history between sessions, newest first, without duplicates or quit words', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pb-shell-')), 'sub', 'shell-history');
    const a = await session(['stats', 'help', 'quit'], file);
    await a.shell.done;
    expect(readFileSync(file, 'utf8')).toBe('help\nstats\n');
    const b = await session(['stats', 'quit'], file);
    await b.shell.done;
    expect(readFileSync(file, 'utf8')).toBe('stats\nhelp\n');
  });
  it('survives a garbage history file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-shell-'));
    writeFileSync(join(dir, 'h'), '\u0000\u0001binary');
    const s = await session(['stats', 'quit'], join(dir, 'h'));
    await s.shell.done;
    expect(s.output()).toMatch(/116/);
  });
});
