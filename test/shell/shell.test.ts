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
    await s.shell.poster('schedule')({ channelId: 'shell' }, { tone: 'ok', summary: 'Digest', blocks: [{ kind: 'heading', text: 'Morning digest' }] });
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
    await s.shell.poster('schedule')({ channelId: 'shell' }, { tone: 'ok', summary: 'Digest', blocks: [{ kind: 'heading', text: 'Morning digest' }] });
    s.input.end();
    await s.shell.done;
    // The end of input closes the last prompt's line.
    expect(s.output()).toBe('hello\npaperboy› \n── scheduled post ──\nMorning digest\n\npaperboy› \n');
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
      posters: { shell: shell.poster('schedule') },
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

/** A shell on a terminal (output.isTTY): keys go in raw, as a person types them. */
async function terminalSession() {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let out = '';
  output.on('data', (c: Buffer) => (out += c.toString()));
  let exits = 0;
  const shell = createShellAdapter({ paperboy: await testPaperboy(), input, output, color: false, onExit: () => (exits += 1) });
  await shell.start();
  const prompts = () => out.split('paperboy› ').length - 1;
  // What a person sees: readline's cursor movements (`ESC[1G`, `ESC[0J`) left out.
  const visible = () => out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return { shell, input, output: visible, prompts, exits: () => exits };
}

describe('shell: addressing the bot as in a chat', () => {
  it.each(['@Paperboy show snapkv', '@paperboy show snapkv', '@PAPERBOY: show snapkv', '<@U0PAPERBOY> show snapkv', '<@!123456789012345678>, show snapkv'])(
    '%s shows SnapKV, not a search for the mention',
    async (line) => {
      const s = await session([line, 'quit']);
      await s.shell.done;
      expect(s.output()).toContain('SnapKV: LLM Knows What You are Looking for Before Generation');
      expect(s.output()).not.toMatch(/Results for|No paper is called|paperboy”/i);
    },
  );
  it('a bare mention asks for help, as in a chat; a mention of someone else is part of the search', async () => {
    const bare = await session(['@Paperboy', 'quit']);
    await bare.shell.done;
    expect(bare.output()).toMatch(/\bsearch\b[\s\S]*\bshow\b[\s\S]*\bsimilar\b/);
    const other = await session(['@paperboyish kv cache', 'quit']);
    await other.shell.done;
    expect(other.output()).toMatch(/paperboyish/);
  });
  it('@paperboy quit quits', async () => {
    const s = await session(['@paperboy quit', 'stats']);
    await s.shell.done;
    expect(s.output()).not.toMatch(/Paper set/);
  });
});

describe('shell: Ctrl-C and Ctrl-D on a terminal', () => {
  it('Ctrl-C halfway through a line clears the line, and the shell goes on', async () => {
    const s = await terminalSession();
    s.input.write('show snap');
    s.input.write('\x03');
    s.input.write('stats\r');
    await expect.poll(() => s.output(), { timeout: 5000 }).toMatch(/Paper set/);
    // What was typed before Ctrl-C was thrown away: `stats` ran alone.
    expect(s.output()).not.toMatch(/show snapstats|Results for|No paper is called/);
    expect(s.exits()).toBe(0);
    s.input.write('quit\r');
    await s.shell.done;
  });
  it('Ctrl-C on an empty line quits cleanly: once, with the line ended and no prompt after it', async () => {
    const s = await terminalSession();
    s.input.write('\x03');
    await s.shell.done;
    expect(s.exits()).toBe(1);
    expect(s.prompts()).toBe(1);
    expect(s.output().endsWith('paperboy› \n')).toBe(true);
  });
  it('Ctrl-D on an empty line quits cleanly the same way', async () => {
    const s = await terminalSession();
    s.input.write('\x04');
    await s.shell.done;
    expect(s.exits()).toBe(1);
    expect(s.output().endsWith('paperboy› \n')).toBe(true);
  });
  it('Ctrl-C while a command runs quits after its answer, with no prompt left behind', async () => {
    const s = await terminalSession();
    s.input.write('stats\r\x03');
    await s.shell.done;
    expect(s.output()).toMatch(/Paper set[\s\S]*\n\n$/);
    expect(s.output().slice(s.output().lastIndexOf('Paper set'))).not.toContain('paperboy›');
  });
  it('quit ends at the start of a line (no stray newline, no prompt after it)', async () => {
    const s = await terminalSession();
    s.input.write('quit\r');
    await s.shell.done;
    expect(s.output()).toMatch(/paperboy› quit\r\n$/);
  });
});

describe('shell: what a post is', () => {
  const reply = { tone: 'ok' as const, summary: 'New papers', blocks: [{ kind: 'heading' as const, text: 'New papers: “kv cache”' }] };
  it('a watch alert is marked as one, not as a scheduled post', async () => {
    const s = await session([]);
    await s.shell.poster('watch')({ channelId: 'shell' }, reply);
    s.input.end();
    await s.shell.done;
    expect(s.output()).toContain('── watch alert ──\nNew papers: “kv cache”');
    expect(s.output()).not.toMatch(/scheduled/);
  });
  it('a post of unknown kind claims to be neither', async () => {
    const s = await session([]);
    await s.shell.post({ channelId: 'shell' }, reply);
    s.input.end();
    await s.shell.done;
    expect(s.output()).toContain('── post ──\nNew papers: “kv cache”');
    expect(s.output()).not.toMatch(/scheduled/);
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
