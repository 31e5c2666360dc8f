/**
 * The installed command (`npm link` puts `bin/paperboy.js` on the PATH) keeps one home for its
 * data: run from any folder it finds the same papers, and `stats` says where they are.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { ROOT, type CliResult } from './helpers.ts';

const tempDir = useTempDirs('paperboy-installed-', 'file');

/** `paperboy …` as the linked command runs it: `bin/paperboy.js`, from folder `cwd`, with only `env`. */
function paperboy(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'paperboy.js'), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

interface Stats {
  papers: number;
  data?: string;
  sources: { hf: { papers: number } };
}

describe('one home for the data, wherever paperboy runs', () => {
  const fake = new FakeHf();
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = tempDir();
    const url = await fake.start();
    // A user's environment: a HOME, no DATA_DIR, no XDG_DATA_HOME, no .env where the command runs.
    env = { HOME: home, HF_API_URL: url };
    fake.setDay('2026-11-27', [
      hfItem({ id: '2611.00001', title: 'Zorblax: Sparse Key-Value Caches', upvotes: 42 }),
      hfItem({ id: '2611.00002', title: 'Quiet Baselines for Image Captioning', upvotes: 9 }),
    ]);
  });
  afterAll(() => fake.close());

  it('ingest from /, stats from another folder: the same papers, and stats says where they are', async () => {
    const ingest = await paperboy(['ingest', 'hf', '--date', '2026-11-27', '--json'], '/', env);
    expect(ingest.code, ingest.err).toBe(0);
    expect(JSON.parse(ingest.out)).toMatchObject({ source: 'hf', added: 2 });

    const elsewhere = tempDir();
    const stats = await paperboy(['stats', '--json'], elsewhere, env);
    expect(stats.code, stats.err).toBe(0);
    const value = JSON.parse(stats.out) as Stats;
    const expectedDb = join(home, '.local', 'share', 'paperboy', 'state.db');
    expect(value.sources.hf.papers).toBe(2);
    expect(value.papers).toBe(116 + 2);
    expect(value.data).toBe(expectedDb);
    expect(existsSync(expectedDb)).toBe(true);
    // Nothing was left in the folders it ran from.
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync('/.paperboy')).toBe(false);

    // The text answer names the data location too, and a search from a third folder finds the paper.
    const text = await paperboy(['stats'], tempDir(), env);
    expect(text.out).toContain(expectedDb);
    const search = await paperboy(['search', 'zorblax', '--json'], tempDir(), env);
    expect(JSON.parse(search.out)).toMatchObject({ results: [{ id: '2611.00001' }] });
  });

  it('an older version’s ./.paperboy keeps being used where it is, with a note on how to move it', async () => {
    const project = tempDir();
    const old = join(project, '.paperboy');
    mkdirSync(old);
    // A DATA_DIR run makes the old folder's database, as an older version would have.
    const first = await paperboy(['ingest', 'hf', '--date', '2026-11-27'], project, { ...env, HOME: tempDir(), DATA_DIR: old });
    expect(first.code, first.err).toBe(0);
    const freshHome = tempDir();
    const stats = await paperboy(['stats', '--json'], project, { ...env, HOME: freshHome });
    expect(stats.code, stats.err).toBe(0);
    expect((JSON.parse(stats.out) as Stats).data).toBe(join(old, 'state.db'));
    expect(stats.err).toContain('where older versions kept it');
    expect(stats.err).toContain(join(freshHome, '.local', 'share', 'paperboy'));
  });

  it('DATA_DIR given as a relative path means the same folder in every message', async () => {
    const project = tempDir();
    const stats = await paperboy(['stats', '--json'], project, { ...env, DATA_DIR: 'state' });
    expect(stats.code, stats.err).toBe(0);
    expect((JSON.parse(stats.out) as Stats).data).toBe(join(project, 'state', 'state.db'));
  });
});
