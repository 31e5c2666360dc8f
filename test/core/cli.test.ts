import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-cli-');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', ...opts.env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli', () => {
  it('show snapkv --json prints the paper record with its highlights', () => {
    const r = cli(['show', 'snapkv', '--json']);
    expect(r.code).toBe(0);
    const paper = JSON.parse(r.out) as { name: string; highlights: string[]; id: string };
    expect(paper.name).toBe('SnapKV');
    expect(paper.highlights.length).toBeGreaterThan(0);
  });
  it('search --json prints {query, results:[{id,title,name,score,links,arxivId,published,upvotes}]}', () => {
    const r = cli(['search', '"state space" models', '--limit', '3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { query: string; results: Record<string, unknown>[] };
    expect(out.query).toBe('"state space" models');
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.length).toBeLessThanOrEqual(3);
    expect(Object.keys(out.results[0]!).sort()).toEqual(['arxivId', 'id', 'links', 'name', 'published', 'score', 'title', 'upvotes']);
  });
  it('prints text by default and exits 1 on a bad command', () => {
    const ok = cli(['search', 'kv', 'cache']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/Results for/);
    const bad = cli(['search', 'kv', '--limit', '0']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/whole number from 1 to 10/);
  });
  it('--batch answers each line in order, loading once', () => {
    const r = cli(['--batch', '--json'], { input: 'show snapkv\n\nsearch lora --limit 2\nbogus --limit 0\n' });
    // A failed line makes the run fail (after every line was answered).
    expect(r.code).toBe(1);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]!['name']).toBe('SnapKV');
    expect((lines[1]!['results'] as unknown[]).length).toBe(2);
    expect(lines[2]!['error']).toMatch(/--limit/);
  });
  it('reports configuration problems clearly', () => {
    const r = cli(['stats'], { env: { LOG_LEVEL: 'chatty' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/LOG_LEVEL: must be one of/);
  });
  it('reports a missing PAPERS_PATH clearly', () => {
    const r = cli(['stats'], { env: { PAPERS_PATH: '/nonexistent/pages' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\/nonexistent\/pages/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
  it('loads a folder of pages from PAPERS_PATH', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.txt'),
      'Daily Papers\n\nAug 9\n\nFooKV: A Test Paper About Caches\n\nWe introduce FooKV, a method that compresses the key-value cache of large language models during long-context inference by 4x while keeping accuracy within one point of the full-precision baseline on standard benchmarks.\n',
    );
    const r = cli(['stats', '--json'], { env: { PAPERS_PATH: dir } });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { papers: number }).papers).toBe(1);
  });
  it('--help prints usage', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: paperboy/);
  });
});

describe('cli: more', () => {
  it('show --json on an ambiguous name lists the candidates and says so', () => {
    const r = cli(['show', 'efficient', '--json']);
    const out = JSON.parse(r.out) as { match: string; results: unknown[] };
    expect(r.code).toBe(3);
    expect(out.match).toBe('ambiguous');
    expect(out.results.length).toBeGreaterThan(1);
  });
  it('exit codes: 3 when nothing is found, in one-shot and --batch runs; 0 when every line answered', () => {
    expect(cli(['show', 'gpt-5', '--json']).code).toBe(3);
    expect(cli(['search', 'zzzqqqxxx']).code).toBe(3);
    expect(cli(['--batch'], { input: 'show snapkv\nshow gpt-5\n' }).code).toBe(3);
    expect(cli(['--batch'], { input: 'show gpt-5\nsearch --limit 0 x\n' }).code).toBe(1);
    expect(cli(['--batch'], { input: 'show snapkv\nsearch lora\n' }).code).toBe(0);
  });
  it('follow-ups in one --batch run: show 2, similar 3, more, show 99', () => {
    const r = cli(['--batch', '--json'], { input: 'search kv cache compression\nshow 2\nsimilar 3\nsearch kv cache compression\nmore\nshow 99\n' });
    const [list, second, similar, , more, past] = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ids = (x: unknown) => ((x as { results: { id: string }[] }).results ?? []).map((p) => p.id);
    expect((second as { id: string }).id).toBe(ids(list)[1]);
    expect(ids(similar).length).toBeGreaterThan(0);
    expect(ids(similar)).not.toContain(ids(list)[2]);
    expect((more as { page: number }).page).toBe(2);
    expect(past).toEqual({ error: 'No result 99: the last list shows results 6–10.' });
    expect(r.code).toBe(1);
  });
  it("the issue's own sequence: more after similar 3 pages through the similar list", () => {
    const r = cli(['--batch', '--json'], { input: 'search kv cache compression\nshow 2\nsimilar 3\nmore\nshow 99\n' });
    const [list, second, similar, more, past] = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ids = (x: unknown) => ((x as { results: { id: string }[] }).results ?? []).map((p) => p.id);
    expect((second as { id: string }).id).toBe(ids(list)[1]);
    const direct = cli(['--json', 'similar', ids(list)[2]!]);
    expect(ids(similar)).toEqual(ids(JSON.parse(direct.out) as unknown));
    expect((more as { page: number }).page).toBe(2);
    expect(ids(more)).toHaveLength(5);
    expect(ids(more).some((id) => ids(similar).includes(id))).toBe(false);
    expect(past).toEqual({ error: 'No result 99: the last list shows results 6–10.' });
  });
  it('manages the shell channel schedules', () => {
    const dir = tempDir();
    const add = cli(['schedule', 'add', '0 9 * * 1-5', 'digest', '--topic', 'kv-cache', '--tz', 'Europe/Berlin'], { env: { DATA_DIR: dir } });
    expect(add.code).toBe(0);
    const id = /s-[0-9a-f]{4}/.exec(add.out)?.[0];
    expect(id, add.out).toMatch(/^s-[0-9a-f]{4}$/);
    const list = cli(['schedule', 'list'], { env: { DATA_DIR: dir } });
    expect(list.out).toContain(id!);
    expect(list.out).toMatch(/Europe\/Berlin/);
    const refused = cli(['schedule', 'add', '*/1 * * * *', 'digest'], { env: { DATA_DIR: dir } });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/more often than hourly/);
  });
});
