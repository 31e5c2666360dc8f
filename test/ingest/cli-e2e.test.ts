/**
 * The live-ingest acceptance scenario through real child processes: `node scripts/run.mjs cli …`
 * (what `npm run -s cli` runs) against the local Hugging Face and arXiv fakes, with a temporary
 * DATA_DIR per scenario. Children are spawned asynchronously: the fakes answer on this event loop.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { ResultRow } from '../../src/reply/reply.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { arxivEntry, FakeArxiv } from '../fakes/arxiv/fake-arxiv.ts';
import { FakeHf, hfItem, refusedUrl } from '../fakes/hf/fake-hf.ts';
import { dayBefore, parseJson, parseJsonLines, removeTempDirs, runCli, tempDataDir, type CliEnv, type Row } from './helpers.ts';

afterAll(() => removeTempDirs());

interface IngestJson {
  source: string;
  added: number;
  updated: number;
  skipped: number;
  failed: { unit: string; reason: string }[];
  error?: string;
}
interface ResultsJson {
  query: string;
  results: Row[];
}
interface StatsJson {
  papers: number;
  sources: Record<'hf' | 'arxiv', { papers: number; lastSuccess: string | null; lastFailure: string | null; lastError: string | null }>;
}

const ZORBLAX_ID = '2611.00001';
const ZORBLAX_TITLE = 'Zorblax: Sparse Key-Value Caches for Long-Context Language Models';
const ZORBLAX_TLDR = 'Zorblax keeps only the attention heads that matter and cuts cache memory by 3x.';
const zorblax = (upvotes = 42) =>
  hfItem({
    id: ZORBLAX_ID,
    title: ZORBLAX_TITLE,
    summary:
      'We introduce Zorblax, a method that prunes the key-value cache of large language models during long-context ' +
      'inference. Zorblax keeps 99% of the accuracy of the full cache on eight benchmarks while using 3.1x less memory.',
    upvotes,
    numComments: 3,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    aiSummary: ZORBLAX_TLDR,
  });

describe('ingest hf, then search, show, new: the acceptance scenario', () => {
  const fake = new FakeHf();
  let env: CliEnv;

  beforeAll(async () => {
    const url = await fake.start();
    env = { DATA_DIR: tempDataDir(), HF_API_URL: url };
    fake.setDay('2026-11-26', [hfItem({ id: '2611.00002', title: 'Quiet Baselines for Image Captioning', upvotes: 90 })]);
    fake.setDay('2026-11-27', [zorblax(), hfItem({ id: '2611.00003', title: 'Robust Tokenizers for Speech Recognition', upvotes: 7 })]);
  });
  afterAll(() => fake.close());

  it('one --batch --json run ingests two days, and a search in the same run finds the new paper', async () => {
    const r = await runCli(['--batch', '--json'], env, { input: 'ingest hf --from 2026-11-26 --to 2026-11-27\nsearch zorblax\n' });
    expect(r.code, r.err).toBe(0);
    const [ingest, search] = parseJsonLines(r) as unknown as [IngestJson, ResultsJson];
    expect(ingest).toEqual({ input: 'ingest hf --from 2026-11-26 --to 2026-11-27', source: 'hf', added: 3, updated: 0, skipped: 0, failed: [] });
    expect(fake.requests.map((q) => q.query['date'])).toEqual(['2026-11-26', '2026-11-27']);
    expect(search.results[0]).toMatchObject({ id: ZORBLAX_ID, arxivId: ZORBLAX_ID, published: '2026-11-27', upvotes: 42, title: ZORBLAX_TITLE });
    expect(search.results.map((x) => x.id)).toEqual([ZORBLAX_ID]);
  });

  it('a second process on the same DATA_DIR finds it too', async () => {
    const r = await runCli(['search', 'zorblax', '--json'], env);
    expect(r.code, r.err).toBe(0);
    const out = parseJson<ResultsJson>(r);
    expect(out.results.map((x) => x.id)).toEqual([ZORBLAX_ID]);
    expect(out.results[0]).toMatchObject({ arxivId: ZORBLAX_ID, published: '2026-11-27', upvotes: 42 });
  });

  it('show <id with version> --json prints the stored record', async () => {
    const r = await runCli(['show', `${ZORBLAX_ID}v2`, '--json'], env);
    expect(r.code, r.err).toBe(0);
    const paper = parseJson(r);
    expect(paper).toMatchObject({
      id: ZORBLAX_ID,
      arxivId: ZORBLAX_ID,
      title: ZORBLAX_TITLE,
      name: 'Zorblax',
      published: '2026-11-27',
      upvotes: 42,
      comments: 3,
      summary: ZORBLAX_TLDR,
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    });
    expect(paper['links']).toEqual(
      expect.arrayContaining([
        { url: `https://arxiv.org/abs/${ZORBLAX_ID}`, kind: 'arxiv' },
        { url: `https://arxiv.org/pdf/${ZORBLAX_ID}`, kind: 'pdf' },
        { url: `https://huggingface.co/papers/${ZORBLAX_ID}`, kind: 'hf' },
      ]),
    );
  });

  for (const ref of [`arXiv:${ZORBLAX_ID}`, `https://arxiv.org/abs/${ZORBLAX_ID}v3`, `https://huggingface.co/papers/${ZORBLAX_ID}`]) {
    it(`show ${ref} prints the paper: byline, TL;DR, arXiv links`, async () => {
      const r = await runCli(['show', ref], env);
      expect(r.code, r.err).toBe(0);
      const text = r.out.replace(/\s+/g, ' ');
      expect(text).toContain(ZORBLAX_TITLE);
      // Four authors: the first three, then "et al."; the fourth is not named.
      expect(text).toContain('Ada Lovelace, Alan Turing, Grace Hopper et al.');
      expect(text).not.toContain('Dijkstra');
      expect(text).toContain('2026-11-27');
      expect(text).toContain('▲ 42');
      expect(text).toContain('3 comments');
      expect(text).toContain(`TL;DR ${ZORBLAX_TLDR}`);
      expect(text).toContain(`https://arxiv.org/abs/${ZORBLAX_ID}`);
      expect(text).toContain(`https://arxiv.org/pdf/${ZORBLAX_ID}`);
      expect(text).not.toMatch(/not in the paper set/);
    });
  }

  it('re-ingesting the same days adds and updates nothing', async () => {
    const before = fake.requests.length;
    const r = await runCli(['ingest', 'hf', '--from', '2026-11-26', '--to', '2026-11-27', '--json'], env);
    expect(r.code, r.err).toBe(0);
    expect(parseJson<IngestJson>(r)).toEqual({ source: 'hf', added: 0, updated: 0, skipped: 0, failed: [] });
    expect(fake.requests.length - before).toBe(2);
    const text = await runCli(['ingest', 'hf', '--date', '2026-11-27'], env);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/Added 0 papers, updated 0, skipped 0/);
  });

  it('new --json lists only the papers of the latest day, most upvoted first', async () => {
    const r = await runCli(['new', '--json'], env);
    expect(r.code, r.err).toBe(0);
    const out = parseJson<ResultsJson>(r);
    // 2611.00002 (2026-11-26) has the most upvotes but is a day older.
    expect(out.results.map((x) => x.id)).toEqual([ZORBLAX_ID, '2611.00003']);
    expect(out.results.every((x) => x.published === '2026-11-27')).toBe(true);
  });

  it('stats --json counts the stored HF papers and the last successful ingest', async () => {
    const r = await runCli(['stats', '--json'], env);
    expect(r.code, r.err).toBe(0);
    const stats = parseJson<StatsJson>(r);
    expect(stats.sources.hf.papers).toBe(3);
    expect(stats.sources.hf.lastSuccess).not.toBeNull();
    expect(stats.sources.hf.lastError).toBeNull();
  });
});

describe('a dead source', () => {
  const fake = new FakeHf();
  let env: CliEnv;
  let papersBefore = 0;
  const DAY = '2026-11-25';

  beforeAll(async () => {
    const url = await fake.start();
    env = { DATA_DIR: tempDataDir(), HF_API_URL: url };
    fake.setDay('2026-11-24', [hfItem({ id: '2611.00101', title: 'Already Stored Paper on Graph Sampling' })]);
    // The day that fails: its paper must not get in.
    fake.setDay(DAY, [
      hfItem({
        id: '2611.00102',
        title: 'Glimmerfax: Never Stored While the Source Is Down',
        summary: 'Glimmerfax is a glimmerfax method. It improves recall by 12% on six benchmarks over strong baselines.',
      }),
    ]);
    const seed = await runCli(['ingest', 'hf', '--date', '2026-11-24', '--json'], env);
    expect(parseJson<IngestJson>(seed).added).toBe(1);
    const stats = await runCli(['stats', '--json'], env);
    papersBefore = parseJson<StatsJson>(stats).papers;
  });
  afterAll(() => fake.close());

  it('refused connection: exit code 1, the day and the reason in the text', async () => {
    const r = await runCli(['ingest', 'hf', '--date', DAY], { ...env, HF_API_URL: await refusedUrl() });
    expect(r.code).toBe(1);
    expect(r.out).toContain(DAY);
    expect(r.out).toMatch(/connection refused/);
    expect(r.out).toMatch(/nothing of it was stored/);
  }, 20_000);

  it('HTTP 503 on every try: exit code 1 and JSON with failed and error', async () => {
    fake.reset();
    fake.fail({ kind: 'status', status: 503, times: 3 });
    const r = await runCli(['ingest', 'hf', '--date', DAY, '--json'], env);
    expect(r.code).toBe(1);
    expect(fake.requests.filter((q) => q.fault === 'status')).toHaveLength(3);
    const out = parseJson<IngestJson>(r);
    expect(out.error).toMatch(new RegExp(`${DAY}.*HTTP 503`));
    expect(out).toMatchObject({ source: 'hf', added: 0, updated: 0 });
    expect(out.failed).toEqual([{ unit: DAY, reason: expect.stringMatching(/HTTP 503/) }]);
  }, 20_000);

  it('leaves the store unchanged and records the failure', async () => {
    const r = await runCli(['--batch', '--json'], env, { input: 'stats\nsearch glimmerfax\n' });
    // The search finds nothing (exit 3): the failed day's paper was not stored.
    expect(r.code, r.err).toBe(3);
    const [stats, search] = parseJsonLines(r) as unknown as [StatsJson, ResultsJson];
    expect(stats.papers).toBe(papersBefore);
    expect(stats.sources.hf.papers).toBe(1);
    expect(stats.sources.hf.lastError).toMatch(new RegExp(`${DAY}: (HTTP 503|connection refused)`));
    expect(stats.sources.hf.lastFailure).not.toBeNull();
    expect(search.results.map((x) => x.id)).not.toContain('2611.00102');
  });

  it('once the source is back, the same command stores the day', async () => {
    fake.reset();
    const r = await runCli(['ingest', 'hf', '--date', DAY, '--json'], env);
    expect(r.code, r.err).toBe(0);
    expect(parseJson<IngestJson>(r)).toMatchObject({ added: 1, failed: [] });
  });
});

describe('trending', () => {
  const fake = new FakeHf();
  let env: CliEnv;
  // The CLI has no fake clock: days are counted back from today.
  const dayA = dayBefore(2);
  const old = dayBefore(40);
  const alpha = (upvotes: number) => hfItem({ id: '2611.00201', title: 'Alpha Rising: A Paper That Gains Upvotes', upvotes });
  const beta = hfItem({ id: '2611.00202', title: 'Beta Steady: A Paper That Keeps Its Upvotes', upvotes: 20 });

  beforeAll(async () => {
    env = { DATA_DIR: tempDataDir(), HF_API_URL: await fake.start() };
    fake.setDay(dayA, [alpha(5), beta]);
    fake.setDay(old, [hfItem({ id: '2610.00203', title: 'Gamma Ancient: Popular Long Ago', upvotes: 999 })]);
  });
  afterAll(() => fake.close());

  it('orders the window by upvotes and leaves out papers older than --days', async () => {
    const r = await runCli(['--batch', '--json'], env, {
      input: `ingest hf --date ${old}\ningest hf --date ${dayA}\ntrending --days 7\ntrending --days 60\n`,
    });
    expect(r.code, r.err).toBe(0);
    const [a, b, week, wide] = parseJsonLines(r) as unknown as [IngestJson, IngestJson, ResultsJson, ResultsJson];
    expect(a.added + b.added).toBe(3);
    expect(week.results.map((x) => [x.id, x.upvotes])).toEqual([
      ['2611.00202', 20],
      ['2611.00201', 5],
    ]);
    expect(wide.results.map((x) => x.id)).toEqual(['2610.00203', '2611.00202', '2611.00201']);
  });

  it('a paper whose upvotes rose on a later ingest moves first', async () => {
    fake.setDay(dayA, [alpha(50), beta]);
    const re = await runCli(['ingest', 'hf', '--date', dayA, '--json'], env);
    expect(parseJson<IngestJson>(re)).toMatchObject({ added: 0, updated: 1, failed: [] });
    const r = await runCli(['trending', '--days', '7', '--json'], env);
    expect(r.code, r.err).toBe(0);
    expect(parseJson<ResultsJson>(r).results.map((x) => [x.id, x.upvotes])).toEqual([
      ['2611.00201', 50],
      ['2611.00202', 20],
    ]);
  });
});

describe('ingest arxiv', () => {
  const fake = new FakeArxiv();
  let env: CliEnv;
  const TITLE = 'Quibbleton: Collapsing the Whitespace of Long Titles That arXiv Wraps Over Several Indented Lines';

  beforeAll(async () => {
    env = { DATA_DIR: tempDataDir(), ARXIV_API_URL: await fake.start() };
    fake.setEntries('cs.CL', [
      arxivEntry({ id: '2611.01001', version: 2, title: TITLE, published: '2026-11-27T17:59:59Z', authors: ['Ada Lovelace'] }),
      arxivEntry({ id: '2611.01002', title: 'A Second Entry About Parsing Feeds Carefully', published: '2026-11-26T10:00:00Z' }),
      arxivEntry({ id: '2611.01003', title: 'A Third Entry About Tokenizers', published: '2026-11-25T10:00:00Z' }),
    ]);
  });
  afterAll(() => fake.close());

  it("stores the category's entries with clean titles, and search finds one", async () => {
    const r = await runCli(['--batch', '--json'], env, { input: 'ingest arxiv --category cs.CL --max 5\nsearch quibbleton\nshow 2611.01001v2\n' });
    expect(r.code, r.err).toBe(0);
    const [ingest, search, paper] = parseJsonLines(r) as unknown as [IngestJson, ResultsJson, Record<string, unknown>];
    expect(ingest).toEqual({ input: 'ingest arxiv --category cs.CL --max 5', source: 'arxiv', added: 3, updated: 0, skipped: 0, failed: [] });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.query).toMatchObject({ search_query: 'cat:cs.CL', start: '0', max_results: '5' });
    expect(search.results.map((x) => x.id)).toEqual(['2611.01001']);
    expect(search.results[0]).toMatchObject({ title: TITLE, arxivId: '2611.01001', published: '2026-11-27' });
    expect(paper).toMatchObject({ id: '2611.01001', title: TITLE, authors: ['Ada Lovelace'], categories: ['cs.CL', 'cs.LG'] });
    expect(String(paper['abstract'])).not.toMatch(/\s{2}|\n/);
  });
});

describe('a running bot sees papers another process stores', () => {
  const fake = new FakeHf();
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    url = await fake.start();
    dataDir = tempDataDir();
    fake.setDay('2026-11-27', [zorblax()]);
  });
  afterAll(() => fake.close());

  it('its search finds them once its library has picked up the change (watching the store)', async () => {
    const store = SqlitePaperStore.open(join(dataDir, 'state.db'));
    const booted = await createPaperboy({ logger: silentLogger(), store });
    try {
      booted.library.watch(200);
      const search = async () => {
        const reply = await booted.paperboy.run('search zorblax', SHELL_CONTEXT);
        return reply.data?.type === 'results' ? reply.data.results : [];
      };
      expect(await search()).toEqual([]);
      const before = booted.library.snapshot.revision;

      const r = await runCli(['ingest', 'hf', '--date', '2026-11-27', '--json'], { DATA_DIR: dataDir, HF_API_URL: url });
      expect(r.code, r.err).toBe(0);
      expect(parseJson<IngestJson>(r).added).toBe(1);

      // Liveness only: the library's watch (every 200 ms) takes in the new revision.
      await vi.waitFor(() => expect(booted.library.snapshot.revision).toBeGreaterThan(before), { timeout: 30_000, interval: 50 });
      const rows: ResultRow[] = await search();
      expect(rows.map((x) => x.id)).toEqual([ZORBLAX_ID]);
      expect(rows[0]).toMatchObject({ upvotes: 42, published: '2026-11-27' });
    } finally {
      await booted.library.close();
      await store.close();
    }
  }, 60_000);
});
