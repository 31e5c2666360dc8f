import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createShellAdapter } from '../../adapters/shell/shell.ts';
import { skippedChunksNote } from '../../adapters/shell/notes.ts';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { startScheduling } from '../../src/schedule/index.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';

const tempDir = useTempDirs('pb-shell-');

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
  it.each(['bye', 'q', 'EXIT', 'exit()', ':wq'])('quits on %s, the words people try first', async (word) => {
    const s = await session([word, 'stats']);
    await s.shell.done;
    expect(s.output()).not.toMatch(/116/);
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
    const file = join(tempDir(), 'sub', 'shell-history');
    const a = await session(['stats', 'help', 'quit'], file);
    await a.shell.done;
    expect(readFileSync(file, 'utf8')).toBe('help\nstats\n');
    const b = await session(['stats', 'quit'], file);
    await b.shell.done;
    expect(readFileSync(file, 'utf8')).toBe('stats\nhelp\n');
  });
  it('survives a garbage history file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'h'), '\u0000\u0001binary');
    const s = await session(['stats', 'quit'], join(dir, 'h'));
    await s.shell.done;
    expect(s.output()).toMatch(/116/);
  });

  it('prints a scheduled post on its own line and prompts again when it comes while idle', async () => {
    const s = await session([]);
    await s.shell.post!('shell', { tone: 'ok', summary: 'Digest', blocks: [{ kind: 'heading', text: 'Morning digest' }] });
    s.input.end();
    await s.shell.done;
    expect(s.output()).toBe('hello\npaperboy› \n── scheduled post ──\nMorning digest\n\npaperboy› ');
  });

  it('`schedule run` prints the post, then its confirmation, then the next prompt', async () => {
    const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => new Date('2026-11-26T09:00:00Z'), random: () => 0.5 });
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (c: Buffer) => (out += c.toString()));
    const shell = createShellAdapter({ paperboy, input, output, color: false });
    const state = openMemoryState();
    const scheduling = await startScheduling({
      store: state.schedules,
      paperboy,
      posters: { shell: shell.post!.bind(shell) },
      logger: silentLogger(),
      start: false,
    });
    try {
      await shell.start();
      input.write('schedule add "0 9 * * *" digest --count 1\n');
      await expect.poll(() => out, { timeout: 5000 }).toMatch(/Scheduled (s-[0-9a-f]+)/);
      const id = /Scheduled (s-[0-9a-f]+)/.exec(out)![1]!;
      const from = out.length;
      input.write(`schedule run ${id}\nstats\nquit\n`);
      await shell.done;
      const rest = out.slice(from);
      const post = rest.indexOf('── scheduled post ──');
      const confirm = rest.indexOf(`Posted ${id} now`);
      const prompts = [...rest.matchAll(/paperboy› /g)].map((m) => m.index);
      const stats = rest.indexOf('Paper set');
      expect(post).toBeGreaterThan(-1);
      expect(confirm).toBeGreaterThan(post);
      // The prompt after `schedule run` comes after its confirmation, and `stats` answers after that.
      expect(prompts.filter((i) => i > post && i < confirm)).toEqual([]);
      expect(prompts.some((i) => i > confirm && i < stats)).toBe(true);
      expect(rest).toMatch(new RegExp(`── scheduled post ──\\nPaper digest[\\s\\S]*\\n\\nPosted ${id} now: 1 paper\\.\\n\\npaperboy› Paper set`));
    } finally {
      await scheduling.close();
      await state.close();
    }
  });
});

describe('skipped chunks note', () => {
  it('says in one line which chunks of which file were skipped, and how to see why', () => {
    const problems = [9, 15, 17, 24].map((line) => ({ file: 'test/fixtures/pages/malformed.txt', line, message: 'x' }));
    expect(skippedChunksNote(problems)).toBe('note: skipped 4 chunks of malformed.txt (lines 9, 15, 17, 24) — LOG_LEVEL=warn shows why');
    expect(skippedChunksNote(problems.slice(0, 1), { logged: true })).toBe('note: skipped 1 chunk of malformed.txt (line 9) — the warnings on stderr say why');
    expect(skippedChunksNote([])).toBeUndefined();
  });
  it('stays one short line for many files and lines', () => {
    const problems = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt'].flatMap((file, f) =>
      Array.from({ length: f === 0 ? 9 : 1 }, (_, i) => ({ file: `/pages/${file}`, line: (i + 1) * 3, message: 'x' })),
    );
    const note = skippedChunksNote(problems)!;
    expect(note).toBe(
      'note: skipped 9 chunks of a.txt (lines 3, 6, 9, 12, 15, 18, …), 1 of b.txt (line 3), 1 of c.txt (line 3) and 2 in 2 more files — LOG_LEVEL=warn shows why',
    );
    expect(note).not.toContain('\n');
  });
});
