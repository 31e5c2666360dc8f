/**
 * The launcher (`scripts/run.mjs`, behind `npm start` and `paperboy`) on a copy of the project:
 * processes that start together after an edit each get a whole build (none loses its chunks to
 * another's rebuild), and a rebuild leaves the builds that running processes use in place.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let copy: string;

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(copy, 'scripts/run.mjs'), ...args], {
      cwd: copy,
      env: { ...process.env, DATA_DIR: join(copy, 'data-dir'), LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** An edit: a source newer than the last build. */
function edit(): void {
  const later = new Date(Date.now() + 2000);
  utimesSync(join(copy, 'src/cli.ts'), later, later);
}

const builds = () => readdirSync(join(copy, 'dist')).filter((n) => n.startsWith('b-'));

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'paperboy-launcher-'));
  for (const part of ['src', 'adapters', 'scripts', 'data', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('scripts/run.mjs', () => {
  it('three processes started together after an edit all run (each on a whole build)', async () => {
    edit();
    const results = await Promise.all([run(['cli', 'stats']), run(['cli', 'stats']), run(['cli', '--version'])]);
    for (const r of results) expect(r.code, r.err).toBe(0);
    expect(results[2].out).toMatch(/^paperboy \d+\.\d+\.\d+/);
  });

  it('a rebuild makes a new build current and leaves the one running processes use', async () => {
    expect((await run(['cli', '--version'])).code).toBe(0);
    const before = readFileSync(join(copy, 'dist/.built'), 'utf8').trim();
    edit();
    expect((await run(['cli', '--version'])).code).toBe(0);
    const after = readFileSync(join(copy, 'dist/.built'), 'utf8').trim();
    expect(after).not.toBe(before);
    expect(existsSync(join(copy, 'dist', before, 'cli.mjs'))).toBe(true);
    expect(builds()).toEqual(expect.arrayContaining([before, after]));
  });
});
