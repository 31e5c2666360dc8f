/** `paperboy import`: arguments, output, progress lines, and the installed command end to end. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeImport, importCli, parseImportArgs, progressLine } from '../../src/app/import-cli.ts';
import type { ImportReport } from '../../src/ingest/import-snapshot.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-import-cli-');
const ROOT = join(import.meta.dirname, '..', '..');

function rec(n: number, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `2402.${String(n).padStart(5, '0')}`,
    title: `Zorblax attention, part ${n}`,
    authors: 'Ada Lovelace',
    authors_parsed: [['Lovelace', 'Ada', '']],
    categories: n % 2 ? 'cs.CL' : 'stat.ML cs.LG',
    abstract: `We present Zorblax ${n}, a sparse attention kernel that is 3x faster.`,
    versions: [{ version: 'v1', created: `Thu, ${n} Feb 2024 10:00:00 GMT` }],
    update_date: '2024-02-20',
    ...over,
  });
}

/** Streams that keep what is written; `tty` says whether stderr is a terminal. */
function io(tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  return { stdout, stderr, out: () => out.join(''), err: () => err.join('') };
}

describe('parseImportArgs', () => {
  it('takes one file and repeated or comma-separated categories', () => {
    expect(parseImportArgs(['snap.json', '--category', 'cs', '-c', 'stat.ML,math.OC', '--category=eess', '--json'])).toEqual({
      ok: true,
      file: 'snap.json',
      categories: ['cs', 'stat.ML', 'math.OC', 'eess'],
      json: true,
    });
  });

  it('says what is missing or wrong', () => {
    expect(parseImportArgs(['--category', 'cs'])).toEqual({ ok: false, problem: 'name the snapshot file to import.' });
    expect(parseImportArgs(['a.json'])).toMatchObject({ ok: false, problem: expect.stringContaining('--category') });
    expect(parseImportArgs(['a.json', '--category'])).toMatchObject({ ok: false, problem: '--category needs a value: an archive (cs) or a category (cs.CL).' });
    expect(parseImportArgs(['a.json', 'b.json', '-c', 'cs'])).toMatchObject({ ok: false, problem: 'one file at a time (got "a.json" and "b.json").' });
    expect(parseImportArgs(['a.json', '-c', 'cs', '--fast'])).toMatchObject({ ok: false, problem: 'unknown option --fast.' });
  });
});

describe('importCli', () => {
  it('imports, prints the counts as JSON with the same fields as ingest, and a second run adds nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'snap.json');
    writeFileSync(file, [rec(1), rec(2), 'not json', rec(3, { categories: 'hep-th' })].join('\n'));
    const env = { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
    const first = io();
    expect(await importCli([file, '--category', 'cs', '--json'], { ...first, env })).toBe(0);
    expect(JSON.parse(first.out())).toEqual({
      source: 'arxiv-snapshot',
      file,
      categories: 'cs',
      added: 2,
      updated: 0,
      unchanged: 0,
      skipped: 1,
      matched: 3,
      lines: 4,
      resumedAt: 0,
      alreadyImported: false,
    });
    const second = io();
    expect(await importCli([file, '--category', 'cs'], { ...second, env })).toBe(0);
    expect(second.out()).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(cs\\) was imported before on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC: nothing to do\\.\\n$`,
      ),
    );
  });

  it('refuses bad arguments, unknown categories and a missing file with exit 1 and a clear line', async () => {
    const dir = tempDir();
    const env = { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
    const a = io();
    expect(await importCli(['--category', 'cs'], { ...a, env })).toBe(1);
    expect(a.err()).toMatch(/^paperboy import: name the snapshot file to import\.\n\nUsage: paperboy import FILE/);
    const b = io();
    expect(await importCli(['x.json', '--category', 'cs.XY'], { ...b, env })).toBe(1);
    expect(b.err()).toBe('paperboy import: "cs.XY" is not an arXiv category. Closest: cs.CY, cs.SY, cs.AI, cs.AR.\n');
    const c = io();
    expect(await importCli([join(dir, 'none.json'), '--category', 'cs', '--json'], { ...c, env })).toBe(1);
    expect(JSON.parse(c.out())).toEqual({ error: `cannot import ${join(dir, 'none.json')}: no such file` });
    expect(c.err()).toBe(`paperboy import: cannot import ${join(dir, 'none.json')}: no such file\n`);
  });

  it('writes progress in place on a terminal and clears it at the end', async () => {
    const dir = tempDir();
    const file = join(dir, 'snap.json');
    writeFileSync(file, [rec(1), rec(2)].join('\n'));
    const t = io(true);
    expect(await importCli([file, '-c', 'cs'], { ...t, env: { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' } })).toBe(0);
    expect(t.err()).toMatch(/^\r\x1b\[KImporting: 2 lines, 2 papers stored, 0 skipped/);
    expect(t.err().endsWith('\r\x1b[K')).toBe(true);
    expect(t.out()).toBe(`Imported ${file} (cs): 2 added, 0 updated, 0 unchanged, 0 skipped, from 2 lines.\n`);
  });

  it('writes a plain progress line at most every 15 s when stderr is not a terminal', async () => {
    const dir = tempDir();
    const file = join(dir, 'snap.json');
    writeFileSync(file, Array.from({ length: 6 }, (_, i) => rec(i + 1)).join('\n'));
    // The clock: 0 at the start, then 10 s per progress call (batches of 2000: one call here).
    let t = 0;
    const plain = io(false);
    const now = () => (t += 10_000) - 10_000;
    expect(await importCli([file, '-c', 'cs'], { ...plain, env: { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' }, now })).toBe(0);
    expect(plain.err()).toBe('');
    t = 0;
    const later = io(false);
    const slow = () => (t += 20_000) - 20_000;
    writeFileSync(file, Array.from({ length: 6 }, (_, i) => rec(i + 1, { update_date: '2024-03-01' })).join('\n') + '\n');
    expect(await importCli([file, '-c', 'cs'], { ...later, env: { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' }, now: slow })).toBe(0);
    expect(later.err()).toMatch(/^Importing: 6 lines, 6 papers stored, 0 skipped \(0 lines\/s\), 100%\n$/);
  });
});

describe('progressLine and describeImport', () => {
  const status = { lines: 250_000, bytesRead: 250, totalBytes: 1000, added: 90_000, updated: 10, unchanged: 0, skipped: 3 };
  it('gives count, rate, share and time left from the bytes read', () => {
    expect(progressLine(status, 50_000)).toBe('Importing: 250,000 lines, 90,010 papers stored, 3 skipped (5,000 lines/s), 25%, about 3 min left');
    expect(progressLine({ ...status, bytesRead: 5 }, 1000)).toBe('Importing: 250,000 lines, 90,010 papers stored, 3 skipped (250,000 lines/s), 0%');
  });
  it('says a resumed import continued, and where skipped lines are listed', () => {
    const r: ImportReport = { ...status, file: '/d/s.json', categories: 'cs', matched: 90_013, resumedAt: 120_000, alreadyImported: false };
    expect(describeImport(r)).toBe(
      'Imported /d/s.json (cs): 90,000 added, 10 updated, 0 unchanged, 3 skipped, from 250,000 lines. Continued after line 120,000 (counts include the earlier run). ' +
        'Skipped lines are logged with their line numbers (LOG_LEVEL=warn or lower).',
    );
  });
});

describe('the installed command', () => {
  function paperboy(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'paperboy.js'), ...args], {
        env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    });
  }

  it('imported papers answer show <arXiv id>, new, --author and --category', async () => {
    const dir = tempDir();
    const file = join(dir, 'snap.json');
    writeFileSync(file, [rec(1), rec(2), rec(3, { authors_parsed: [['M\\"uller', 'Jana', '']] })].join('\n') + '\n');
    const env = { DATA_DIR: join(dir, 'data'), HOME: dir };
    const imported = await paperboy(['import', file, '--category', 'cs', '--json'], env);
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ added: 3 });
    const show = await paperboy(['show', '2402.00002', '--json'], env);
    expect(show.code, show.err).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ id: '2402.00002', published: '2024-02-02', categories: ['stat.ML', 'cs.LG'] });
    const byAuthor = await paperboy(['search', '--author', 'muller', '--json'], env);
    const idsOf = (json: string) => (JSON.parse(json) as { results: { id: string }[] }).results.map((p) => p.id);
    expect(idsOf(byAuthor.out)).toEqual(['2402.00003']);
    const inCl = await paperboy(['new', '--category', 'cs.CL', '--days', '30', '--json'], env);
    expect(idsOf(inCl.out)).toEqual(['2402.00003', '2402.00001']);
  });
});
