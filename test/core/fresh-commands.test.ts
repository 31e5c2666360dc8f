/**
 * `new`, `trending`, `search --since/--author`, `show` by arXiv id, `stats` per source and `digest`
 * over stored feed papers, in process: a Paperboy over a temporary SQLite paper store pre-filled
 * with HF records, with a fixed clock (2026-11-29 12:00 UTC).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { replyJson } from '../../src/app/cli-output.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { Reply, ResultRow } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';

const NOW = new Date('2026-11-29T12:00:00Z');
const SNAPKV_TITLE = 'SnapKV: LLM Knows What You are Looking for Before Generation';
const SNAPKV_SLUG = 'snapkv-llm-knows-what-you-are-looking-for-before-generation';

function feed(init: Partial<FetchedPaper> & Pick<FetchedPaper, 'arxivId' | 'title' | 'published'>): Paper {
  const r = paperFromFeed(
    {
      abstract: `We present ${init.title}. It improves accuracy by 4.2% over strong baselines on six benchmarks while running 2x faster.`,
      authors: ['Someone Else'],
      ...init,
    },
    'hf',
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

// 2026-11-28 is the latest day; "quuxbench" and "wombat" are words only some papers have.
const PAPERS: Paper[] = [
  feed({
    arxivId: '2611.00011',
    title: 'Sparse Attention Kernels for Long Context Inference',
    published: '2026-11-28',
    upvotes: 10,
    authors: ['Ada Lovelace', 'Charles Babbage'],
    abstract: 'Sparse attention kernels evaluated on quuxbench make long context inference 3x faster with no loss in accuracy on eleven tasks.',
  }),
  feed({
    arxivId: '2611.00012',
    title: 'Quantized Diffusion Models at Scale',
    published: '2026-11-28',
    upvotes: 30,
    authors: ['José Martínez', 'Grace Hopper'],
  }),
  feed({ arxivId: '2611.00013', title: 'Speculative Decoding with Draft Trees', published: '2026-11-28', upvotes: 20 }),
  feed({
    arxivId: '2611.00021',
    title: 'Retrieval Augmented Planning for Household Robots',
    published: '2026-11-27',
    upvotes: 50,
    abstract: 'A wombat inspired planner that retrieves past plans scores 71% on quuxbench, 9 points above prior planners, with half the compute.',
  }),
  feed({ arxivId: '2611.00022', title: 'Mixture of Experts Routing Revisited', published: '2026-11-27', upvotes: 5 }),
  feed({
    arxivId: '2611.00031',
    title: 'Burrowing Agents for Web Navigation',
    published: '2026-11-21',
    upvotes: 40,
    abstract: 'Wombat agents burrow through websites and solve 64% of quuxbench web tasks, a gain of 11 points over the best prior agent.',
  }),
  feed({
    arxivId: '2611.00041',
    title: 'An Old but Famous Study of Tokenizers',
    published: '2026-11-10',
    upvotes: 500,
    authors: ['Ada Lovelace'],
    abstract: 'The quuxbench suite of tokenizer tests shows that byte level models lose 2.5% accuracy on rare words across twenty languages.',
  }),
  // The built-in page has a paper of this title: the two must become one record under the arXiv id.
  feed({ arxivId: '2404.14469', title: SNAPKV_TITLE, published: '2026-11-20', upvotes: 3, authors: ['Yuhong Li', 'Yingbing Huang'] }),
];

let dir: string;
let store: SqlitePaperStore;
let booted: Booted;
let bare: Booted;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-fresh-'));
  store = SqlitePaperStore.open(join(dir, 'state.db'));
  const outcome = await store.upsertBatch(PAPERS);
  expect(outcome.added).toHaveLength(PAPERS.length);
  booted = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
  bare = await createPaperboy({ logger: silentLogger(), now: () => NOW });
});

afterAll(async () => {
  await booted?.library.close();
  await bare?.library.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ask = (text: string): Promise<Reply> => booted.paperboy.run(text, SHELL_CONTEXT);

function rows(reply: Reply): ResultRow[] {
  if (reply.data?.type !== 'results') throw new Error(`no result rows: ${reply.tone} ${reply.summary}`);
  return reply.data.results;
}
const ids = (reply: Reply) => rows(reply).map((r) => r.id);
const heading = (reply: Reply) => reply.blocks.find((b) => b.kind === 'heading')?.text;
const text = (reply: Reply) => renderText(reply, { color: false, width: 200 });

describe('new', () => {
  it('lists the latest day only, most upvoted first', async () => {
    const r = await ask('new');
    expect(r.tone).toBe('ok');
    expect(heading(r)).toBe('New — 2026-11-28');
    expect(ids(r)).toEqual(['2611.00012', '2611.00013', '2611.00011']);
    expect(rows(r).every((x) => x.published === '2026-11-28')).toBe(true);
  });

  it('new 2 shows two per page and pages through the rest', async () => {
    const r = await ask('new 2');
    expect(ids(r)).toEqual(['2611.00012', '2611.00013']);
    expect(r.paging).toMatchObject({ page: 1, pages: 2, total: 3 });
    expect(r.paging?.next?.command).toBe('new 2 --page 2');
    expect(ids(await ask(r.paging!.next!.command))).toEqual(['2611.00011']);
  });

  it('--days 3 widens the window to the three newest days', async () => {
    const r = await ask('new 10 --days 3');
    expect(heading(r)).toBe('New — 2026-11-26 to 2026-11-28');
    expect(ids(r)).toEqual(['2611.00021', '2611.00012', '2611.00013', '2611.00011', '2611.00022']);
  });

  it('with a query, takes the newest day that has good matches', async () => {
    const r = await ask('new wombat');
    expect(r.tone).toBe('ok');
    expect(heading(r)).toBe('New on “wombat” — 2026-11-27');
    expect(ids(r)).toEqual(['2611.00021']);
  });

  it('new 99 is an error with the allowed range', async () => {
    const r = await ask('new 99');
    expect(r.tone).toBe('error');
    expect(r.summary).toMatch(/1 to 10/);
    expect(text(r)).toMatch(/Usage: new \[N\]/);
  });

  it('with no dated papers, says so and points to ingest', async () => {
    for (const cmd of ['new', 'trending']) {
      const r = await bare.paperboy.run(cmd, SHELL_CONTEXT);
      expect(r.tone).toBe('empty');
      expect(rows(r)).toEqual([]);
      expect(r.summary).toMatch(/No dated papers/);
      expect(text(r)).toContain('ingest hf');
    }
  });
});

describe('trending', () => {
  it('counts the window back from now and orders it by upvotes', async () => {
    const r = await ask('trending');
    expect(r.tone).toBe('ok');
    expect(heading(r)).toBe('Trending — last 7 days');
    // 2611.00031 (2026-11-21, 40 upvotes) and 2611.00041 (2026-11-10, 500) are older than 7 days.
    expect(ids(r)).toEqual(['2611.00021', '2611.00012', '2611.00013', '2611.00011', '2611.00022']);
  });

  it('--days widens the window', async () => {
    const r = await ask('trending 3 --days 30');
    expect(ids(r)).toEqual(['2611.00041', '2611.00021', '2611.00031']);
    expect(rows(r).map((x) => x.upvotes)).toEqual([500, 50, 40]);
  });

  it('--days 1 keeps only today: nothing was published today', async () => {
    const r = await ask('trending --days 1');
    expect(r.tone).toBe('empty');
    expect(rows(r)).toEqual([]);
  });

  it('refuses a query', async () => {
    const r = await ask('trending foo');
    expect(r.tone).toBe('error');
    expect(r.summary).toMatch(/takes a count, not a query/);
  });
});

describe('search filters', () => {
  it('search finds every quuxbench paper without a filter', async () => {
    expect(new Set(ids(await ask('search quuxbench --limit 10')))).toEqual(new Set(['2611.00011', '2611.00021', '2611.00031', '2611.00041']));
  });

  it('--since 7d keeps the last seven days, today included', async () => {
    const r = await ask('search quuxbench --since 7d --limit 10');
    expect(r.tone).toBe('ok');
    expect(new Set(ids(r))).toEqual(new Set(['2611.00011', '2611.00021']));
    expect(heading(r)).toMatch(/since 2026-11-23/);
  });

  it('--since YYYY-MM-DD keeps papers from that day on', async () => {
    const r = await ask('search quuxbench --since 2026-11-20 --limit 10');
    expect(new Set(ids(r))).toEqual(new Set(['2611.00011', '2611.00021', '2611.00031']));
    expect(rows(r).every((x) => x.published !== null && x.published >= '2026-11-20')).toBe(true);
  });

  it('a bad --since is an error with the usage', async () => {
    for (const bad of ['yesterday', '2026-02-30', '0d']) {
      const r = await ask(`search quuxbench --since ${bad}`);
      expect(r.tone, bad).toBe('error');
      expect(r.summary).toMatch(/--since takes/);
      expect(text(r)).toMatch(/Usage: search <query>/);
    }
  });

  it('--author matches whole names in any case', async () => {
    const full = await ask('search quuxbench --author "ada lovelace" --limit 10');
    expect(new Set(ids(full))).toEqual(new Set(['2611.00011', '2611.00041']));
    expect(heading(full)).toMatch(/by ada lovelace/);
    const upper = await ask('search quuxbench --author LOVELACE --limit 10');
    expect(new Set(ids(upper))).toEqual(new Set(['2611.00011', '2611.00041']));
  });

  it('--author ignores accents', async () => {
    expect(ids(await ask('search diffusion --author "Jose"'))).toEqual(['2611.00012']);
    expect(ids(await ask('search diffusion --author martinez'))).toEqual(['2611.00012']);
  });

  it('--author alone lists the author’s papers, newest first; a question asks the same', async () => {
    const r = await ask('search --author lovelace --limit 10');
    expect(ids(r)).toEqual(['2611.00011', '2611.00041']);
    expect(heading(r)).toBe('Papers by lovelace, newest first');
    expect((await ask('papers by Ada Lovelace?')).data).toEqual((await ask('search --author "Ada Lovelace"')).data);
    const none = await ask('search --author "Nobody Here"');
    expect(none.summary).toBe('No papers by Nobody Here.');
    expect(text(none)).not.toMatch(/No paper here has authors/);
  });

  it('--author with no match is an empty reply', async () => {
    const r = await ask('search quuxbench --author "Nobody Here"');
    expect(r.tone).toBe('empty');
    expect(rows(r)).toEqual([]);
    expect(r.summary).toMatch(/No papers match/);
  });

  it('--since and --author together', async () => {
    expect(ids(await ask('search quuxbench --since 7d --author lovelace'))).toEqual(['2611.00011']);
  });

  it('paging keeps the filters in the next page command', async () => {
    const r = await ask('search quuxbench --since 2026-11-20 --limit 1');
    expect(r.paging).toMatchObject({ page: 1, pages: 3, total: 3 });
    const next = r.paging?.next?.command ?? '';
    expect(next).toContain('--since 2026-11-20');
    expect(next).toContain('--limit 1');
    expect(next).toContain('--page 2');
    const page2 = await ask(next);
    expect(page2.paging).toMatchObject({ page: 2, total: 3 });
    expect(ids(page2)).toHaveLength(1);
    expect(ids(page2)[0]).not.toBe(ids(r)[0]);
    const authored = await ask('search quuxbench --author "ada lovelace" --limit 1');
    expect(authored.paging?.next?.command).toContain('--author "ada lovelace"');
    expect(ids(await ask(authored.paging!.next!.command))).toHaveLength(1);
  });

  it('search --json rows carry arxivId, published and upvotes', async () => {
    const out = replyJson(await ask('search retrieval augmented planning household robots')) as { results: ResultRow[] };
    expect(out.results[0]).toMatchObject({ id: '2611.00021', arxivId: '2611.00021', published: '2026-11-27', upvotes: 50 });
  });
});

describe('show, stats, digest over stored papers', () => {
  it('show <arXiv id with version> finds the stored paper', async () => {
    const r = await ask('show 2611.00011v2');
    expect(r.tone).toBe('ok');
    expect(r.data?.type === 'paper' && r.data.paper.id).toBe('2611.00011');
    expect(text(r)).toContain('Ada Lovelace, Charles Babbage · 2026-11-28 · ▲ 10');
  });

  it('show of an arXiv id not stored says so and points to ingest', async () => {
    const r = await ask('show arXiv:2611.99999');
    expect(r.tone).toBe('empty');
    expect(r.summary).toBe('arXiv 2611.99999 is not in the paper set (yet).');
    const t = text(r);
    expect(t).toContain('ingest hf');
    expect(t).toContain('https://arxiv.org/abs/2611.99999');
  });

  it('a page paper with the same title as a stored paper is merged under the arXiv id', async () => {
    const byId = await ask('show 2404.14469');
    expect(byId.tone).toBe('ok');
    const paper = byId.data?.type === 'paper' ? byId.data.paper : undefined;
    expect(paper?.id).toBe('2404.14469');
    expect(paper?.formerIds).toContain(SNAPKV_SLUG);
    expect(paper?.sources.some((s) => 'file' in s)).toBe(true);
    expect(paper?.sources.some((s) => 'feed' in s && s.feed === 'hf')).toBe(true);
    for (const ref of [SNAPKV_SLUG, 'snapkv']) {
      const r = await ask(`show ${ref}`);
      expect(r.data?.type === 'paper' && r.data.paper.id, ref).toBe('2404.14469');
    }
    // One record, not two.
    expect(booted.library.papers.filter((p) => p.title === SNAPKV_TITLE)).toHaveLength(1);
  });

  it('stats counts papers per source', async () => {
    const r = await ask('stats');
    expect(r.tone).toBe('info');
    const value = (r.data?.type === 'other' ? r.data.value : undefined) as {
      papers: number;
      newest: string | null;
      sources: { hf: { papers: number }; arxiv: { papers: number }; pages: { papers: number } };
    };
    const pagePapers = bare.library.papers.length;
    expect(value.sources.hf.papers).toBe(PAPERS.length);
    expect(value.sources.arxiv.papers).toBe(0);
    expect(value.sources.pages.papers).toBe(pagePapers);
    expect(value.papers).toBe(pagePapers + PAPERS.length - 1); // SnapKV merged
    expect(value.newest).toBe('2026-11-28');
    expect(replyJson(r)).toBe(value);
  });

  it('digest takes the newest dated papers first, most upvoted first within a day', async () => {
    const r = await ask('digest 4');
    expect(r.tone).toBe('ok');
    expect(ids(r)).toEqual(['2611.00012', '2611.00013', '2611.00011', '2611.00021']);
  });

  it('digest with a query takes the best matches', async () => {
    const r = await ask('digest 2 wombat');
    expect(heading(r)).toBe('Digest: “wombat”');
    expect(new Set(ids(r))).toEqual(new Set(['2611.00021', '2611.00031']));
  });
});
