import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { batchLines } from '../../src/app/cli-output.ts';

const tempDir = useTempDirs('paperboy-cli-');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '', NO_COLOR: '1', ...opts.env },
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024,
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
    expect(lines).toHaveLength(4);
    expect(lines[0]!['name']).toBe('SnapKV');
    expect(lines[1]).toEqual({ input: '', blank: true });
    expect((lines[2]!['results'] as unknown[]).length).toBe(2);
    expect(lines[3]!['error']).toMatch(/--limit/);
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
    expect(past).toEqual({ input: 'show 99', error: 'No result 99: the last list shows results 6–10.' });
    expect(r.code).toBe(1);
  });
  it('a run does not answer follow-ups from an earlier run on the same data (the README: one --batch run is a conversation)', () => {
    const dir = tempDir();
    const first = cli(['--batch', '--json'], { input: 'search kv cache compression\nshow 2\n', env: { DATA_DIR: dir } });
    const [list, second] = first.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { results?: { id: string }[]; id?: string });
    expect(second!.id).toBe(list!.results![1]!.id);
    for (const args of [
      ['--batch', '--json'],
      ['--json', 'show', '2'],
    ]) {
      const later = cli(args, { input: 'show 2\n', env: { DATA_DIR: dir } });
      expect(later.out, args.join(' ')).toContain('There is no list to take result 2 from here yet.');
      expect(later.out).not.toContain(list!.results![1]!.id);
    }
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
    expect(past).toEqual({ input: 'show 99', error: 'No result 99: the last list shows results 6–10.' });
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

/** The JSON lines of a `--batch --json` run, every one of them (a blank output line is not skipped). */
function jsonLines(out: string): Record<string, unknown>[] {
  expect(out === '' || out.endsWith('\n'), 'every answer ends its line').toBe(true);
  return out === ''
    ? []
    : out
        .slice(0, -1)
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('cli: the --batch --json contract (N lines in, N lines out, each echoing its input)', () => {
  it('hostile input: blank lines, CRLF, NUL and control characters, escape sequences, invalid UTF-8, a very long line, no final newline', () => {
    const long = 'kv '.repeat(40_000).trim();
    const parts: (string | Buffer)[] = [
      'show snapkv\n',
      '\n',
      '   \t \n',
      'search lora --limit 2\r\n',
      '\r\n',
      'search kv\u0000cache\n',
      'show \u001b[2Jsnapkv\n',
      'search kv\rcache --limit 1\n',
      Buffer.from([0x73, 0x65, 0x61, 0x72, 0x63, 0x68, 0x20, 0xff, 0xfe, 0xc3, 0x0a]),
      `${long}\n`,
      'search “state space” models 🚀 --limit 1\n',
      'stats',
    ];
    const input = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    const r = cli(['--batch', '--json'], { input });
    const lines = jsonLines(r.out);
    const expected = [
      'show snapkv',
      '',
      '   \t ',
      'search lora --limit 2',
      '',
      'search kv\u0000cache',
      'show \u001b[2Jsnapkv',
      'search kv\rcache --limit 1',
      'search \uFFFD\uFFFD\uFFFD',
      long,
      'search “state space” models 🚀 --limit 1',
      'stats',
    ];
    expect(lines.map((l) => l['input'])).toEqual(expected);
    expect(lines[0]!['name']).toBe('SnapKV');
    expect(lines[1]).toEqual({ input: '', blank: true });
    expect(lines[2]).toEqual({ input: '   \t ', blank: true });
    expect((lines[3]!['results'] as unknown[]).length).toBe(2);
    expect(lines[4]).toEqual({ input: '', blank: true });
    expect(lines[5]!['error']).toMatch(/control character/i);
    expect(lines[6]!['error']).toMatch(/control character/i);
    expect(Object.keys(lines[7]!)).toContain('results');
    expect(lines[9]!['error']).toMatch(/long/i);
    expect(lines[11]!['papers']).toBeGreaterThan(0);
    // Every answer is one line: no raw control character reached the output.
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.code).toBe(1);
  }, 60_000);

  it('empty input answers nothing; only blank lines answer one blank object each', () => {
    const empty = cli(['--batch', '--json'], { input: '' });
    expect(empty.out).toBe('');
    expect(empty.code).toBe(0);
    const blanks = cli(['--batch', '--json'], { input: '\n\r\n  \n\n' });
    expect(jsonLines(blanks.out)).toEqual([
      { input: '', blank: true },
      { input: '', blank: true },
      { input: '  ', blank: true },
      { input: '', blank: true },
    ]);
    expect(blanks.code).toBe(0);
  }, 60_000);

  it('thousands of lines: as many answers, in order', () => {
    const n = 3000;
    const sent = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? '' : i % 2 === 0 ? `search cache ${i} --limit 1` : `show ${i % 5 === 0 ? 'snapkv' : 1}`));
    // The last of them is blank: its LF ends it, as `wc -l` counts.
    expect(sent[n - 1]).toBe('');
    const r = cli(['--batch', '--json'], { input: sent.join('\n') + '\n' });
    const lines = jsonLines(r.out);
    expect(lines).toHaveLength(n);
    expect(lines.map((l) => l['input'])).toEqual(sent);
  }, 120_000);

  it('what schedule run posts is part of its line (posts), in --batch and one-shot runs', () => {
    const dir = tempDir();
    const add = cli(['schedule', 'add', '0 9 * * *', 'digest', '--count', '1'], { env: { DATA_DIR: dir } });
    const id = /s-[0-9a-f]{4}/.exec(add.out)?.[0];
    expect(id, add.out + add.err).toBeDefined();
    const r = cli(['--batch', '--json'], { input: `schedule run ${id}\n\nstats\n`, env: { DATA_DIR: dir } });
    const lines = jsonLines(r.out);
    expect(lines.map((l) => l['input'])).toEqual([`schedule run ${id}`, '', 'stats']);
    const posts = lines[0]!['posts'] as { results: unknown[] }[];
    expect(posts).toHaveLength(1);
    expect(posts[0]!.results).toHaveLength(1);
    const one = cli(['schedule', 'run', id!, '--json'], { env: { DATA_DIR: dir } });
    expect((JSON.parse(one.out) as { posts: unknown[] }).posts).toHaveLength(1);
  }, 60_000);

  it('without --json: one text answer per non-blank line, a blank line between two (CRLF, no final newline)', () => {
    const r = cli(['--batch'], { input: 'show snapkv\r\n\r\n\r\nsearch zzzqqqxxx' });
    expect(r.out).toMatch(/SnapKV: LLM Knows[\s\S]*\n\n[^\n]*zzzqqqxxx/);
    expect(r.out).not.toMatch(/\n\n\n/);
    expect(r.out).not.toContain('\r');
  }, 60_000);

  it('--help states the contract', () => {
    const r = cli(['--help']);
    expect(r.out).toMatch(/one line of JSON per input\s+line/);
    expect(r.out).toMatch(/"input"/);
    expect(r.out).toMatch(/"blank": true/);
  });
});

describe('batchLines: what a line of --batch input is', () => {
  async function lines(chunks: (string | Uint8Array)[]): Promise<string[]> {
    const out: string[] = [];
    for await (const l of batchLines(
      (async function* () {
        yield* chunks;
      })(),
    ))
      out.push(l);
    return out;
  }
  it('LF ends a line, a CR before it goes, a last line without LF counts, nothing is no line', async () => {
    expect(await lines([])).toEqual([]);
    expect(await lines([''])).toEqual([]);
    expect(await lines(['\n'])).toEqual(['']);
    expect(await lines(['a\r\nb\n\nc'])).toEqual(['a', 'b', '', 'c']);
    expect(await lines(['a\rb\n'])).toEqual(['a\rb']);
    expect(await lines(['a\r'])).toEqual(['a']);
  });
  it('the same lines however the bytes are cut into chunks (a BOM, a character or a CRLF split in two)', async () => {
    const bytes = Buffer.from('\uFEFFsearch “kv” 🚀\r\n\n\u0000x\r\nlast', 'utf8');
    const whole = await lines([bytes]);
    expect(whole).toEqual(['search “kv” 🚀', '', '\u0000x', 'last']);
    for (let i = 1; i < bytes.length; i++) expect(await lines([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole);
    expect(await lines([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });
  it('invalid UTF-8 reads as U+FFFD; a BOM after the start is kept', async () => {
    expect(await lines([Uint8Array.of(0x61, 0xff, 0x0a, 0xc3, 0x0a, 0xef, 0xbb, 0xbf, 0x62)])).toEqual(['a\uFFFD', '\uFFFD', '\uFEFFb']);
  });
});
