import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('pb-main-');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MALFORMED = join(ROOT, 'test/fixtures/pages/malformed.txt');

function run(entry: 'src/main.ts' | 'src/cli.ts', args: string[], input: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '',
      NO_COLOR: '1',
      DATA_DIR: tempDir(),
      ...env,
    },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the shell (npm start) on a page file with malformed chunks', () => {
  it('says which chunks were skipped in one human line, with no JSON log lines', () => {
    const r = run('src/main.ts', [], 'quit\n', { PAPERS_PATH: MALFORMED });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Paperboy — 4 papers loaded.');
    expect(r.out).toContain('note: skipped 4 chunks of malformed.txt (lines 9, 15, 17, 24) — LOG_LEVEL=warn shows why');
    expect(r.err).toBe('');
  });
  it('LOG_LEVEL=warn still writes the JSON warnings on stderr for operators', () => {
    const r = run('src/main.ts', [], 'quit\n', { PAPERS_PATH: MALFORMED, LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    const logs = r.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; line: number; msg: string });
    expect(logs.filter((l) => l.level === 40 && l.msg.startsWith('skipped')).map((l) => l.line)).toEqual([9, 15, 17, 24]);
    expect(r.out).toContain('note: skipped 4 chunks of malformed.txt (lines 9, 15, 17, 24) — the warnings on stderr say why');
  });
});

/** `run`, without blocking the test's event loop (so two can run at once). */
function runAsync(args: string[], input: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(input);
  });
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });

describe('the shell (npm start) while an ingest retries', () => {
  // Port 9 is refused at once: each request is tried 3 times with warnings in between.
  const unreachable = { HF_API_URL: 'http://127.0.0.1:9', ARXIV_API_URL: 'http://127.0.0.1:9' };
  const input = 'ingest hf --date 2026-11-28\nquit\n';

  it('keeps the warnings out of the conversation: they go to DATA_DIR/paperboy.log; LOG_LEVEL puts them on stderr', async () => {
    const quietDir = tempDir();
    const loudDir = tempDir();
    const [quiet, loud] = await Promise.all([
      runAsync([], input, { ...unreachable, DATA_DIR: quietDir }),
      runAsync([], input, { ...unreachable, DATA_DIR: loudDir, LOG_LEVEL: 'warn' }),
    ]);

    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
    expect(quiet.out).not.toContain('{"level"');
    // The reply says what failed.
    expect(quiet.out).toContain('2026-11-28 network error: bad port after 3 tries');
    const logged = jsonLines(readFileSync(join(quietDir, 'paperboy.log'), 'utf8'));
    expect(logged.filter((l) => l.msg === 'source request failed; retrying')).toHaveLength(2);
    expect(logged.every((l) => l.level >= 40)).toBe(true);

    expect(loud.code).toBe(0);
    expect(jsonLines(loud.err).filter((l) => l.msg === 'source request failed; retrying')).toHaveLength(2);
    expect(loud.out).not.toContain('{"level"');
    expect(existsSync(join(loudDir, 'paperboy.log'))).toBe(false);
  });
});

describe('cli: schedule run', () => {
  it('marks the post and sets it apart from the confirmation that follows', () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir };
    const added = run('src/cli.ts', ['schedule', 'add', '"0 9 * * *"', 'digest', '--count', '1'], '', env);
    const id = /Scheduled (s-[0-9a-f]+)/.exec(added.out)?.[1];
    expect(id, added.out + added.err).toMatch(/^s-[0-9a-f]+$/);
    const r = run('src/cli.ts', ['schedule', 'run', id!], '', env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^── scheduled post ──\\nPaper digest\\n[\\s\\S]*\\n\\nPosted ${id} now: 1 paper\\.\\n$`));
  });
});
