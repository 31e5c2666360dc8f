/**
 * Digests over dated (feed) papers: `planRun` with `oneDay` takes one publication day only — the
 * newest day the channel has not had all of — and never pads it with older papers. Undated (page)
 * papers and paper-of-the-day keep the plain "first `count` unposted" rule. A paper posted under a
 * former id (a page slug) counts as posted. Plus one run through the real scheduler.
 */
import { describe, expect, it } from 'vitest';
import { buildPaper } from '../../src/parse/paper-record.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { type Block, type PaperCard, type Reply } from '../../src/reply/reply.ts';
import { planRun, type CandidateList } from '../../src/schedule/select.ts';
import type { RunPlan } from '../../src/schedule/store.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { rig, spec, tempDb, TestClock } from './helpers.ts';

const D1 = '2026-11-26';
const D2 = '2026-11-27';
const D3 = '2026-11-28';

const WORDS = ['lattice', 'harbor', 'quartz', 'meadow', 'falcon', 'ember', 'glacier', 'orchid', 'canyon', 'saffron'];

function feedPaper(n: number, published: string, over: Partial<FetchedPaper> = {}): Paper {
  const word = WORDS[n % WORDS.length]!;
  const f: FetchedPaper = {
    arxivId: `2611.${String(n).padStart(5, '0')}`,
    title: `${word[0]!.toUpperCase()}${word.slice(1)} Methods for Efficient Inference, Study ${n}`,
    abstract: `We study ${word} methods for efficient inference in large models, study number ${n}. They run 2.5x faster with no loss in accuracy on nine tasks.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    published,
    upvotes: 10 + n,
    ...over,
  };
  const r = paperFromFeed(f, 'hf');
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

/** A page paper: slug id, no publication day. */
function pagePaper(title: string, line: number): Paper {
  const r = buildPaper(title, `We present ${title}, a method that improves accuracy by 3.1% on six benchmarks at half the cost.`, {
    file: 'pages/daily.txt',
    line,
  });
  if (!r.ok) throw new Error(r.message);
  expect(r.paper.published).toBeUndefined();
  return r.paper;
}

const list = (papers: readonly Paper[]): CandidateList => ({ candidates: papers.map((paper) => ({ paper })), description: 'papers' });
const ids = (papers: readonly Paper[]) => papers.map((p) => p.id);
const digest = { alreadyNotified: false, manual: false, oneDay: true };
const potd = { alreadyNotified: false, manual: false, oneDay: false };

function posted(plan: RunPlan): string[] {
  if (plan.kind !== 'post') throw new Error(`expected a post, got ${JSON.stringify(plan)}`);
  return plan.paperIds;
}

// Newest day first, as the scheduler orders them: D3 has 3 papers, D2 has 4, D1 has 2.
const DAY3 = [feedPaper(1, D3), feedPaper(2, D3), feedPaper(3, D3)];
const DAY2 = [feedPaper(4, D2), feedPaper(5, D2), feedPaper(6, D2), feedPaper(7, D2)];
const DAY1 = [feedPaper(8, D1), feedPaper(9, D1)];
const ALL = [...DAY3, ...DAY2, ...DAY1];

describe('planRun: digests over dated papers take one day', () => {
  it('takes only the newest day, even when count is larger (older days never fill it up)', () => {
    expect(posted(planRun(list(ALL), new Set(), 5, digest))).toEqual(ids(DAY3));
  });

  it('picks the newest day by date, not by position in the list', () => {
    const shuffled = [...DAY1, ...DAY2, ...DAY3];
    expect(posted(planRun(list(shuffled), new Set(), 10, digest))).toEqual(ids(DAY3));
  });

  it('once the newest day is posted, the next run takes the next newest unposted day', () => {
    const seen = new Set<string>();
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const got = posted(planRun(list(ALL), seen, 5, digest));
      runs.push(got);
      for (const id of got) seen.add(id);
    }
    expect(runs).toEqual([ids(DAY3), ids(DAY2), ids(DAY1)]);
    const end = planRun(list(ALL), seen, 5, digest);
    expect(end).toEqual({ kind: 'exhausted', notify: true, total: ALL.length });
  });

  it('a partly posted newest day is finished first, without older papers', () => {
    // count 2: two of D3, then the last one of D3 alone, then D2.
    const seen = new Set<string>();
    const first = posted(planRun(list(ALL), seen, 2, digest));
    expect(first).toEqual(ids(DAY3).slice(0, 2));
    for (const id of first) seen.add(id);
    const second = posted(planRun(list(ALL), seen, 2, digest));
    expect(second).toEqual([DAY3[2]!.id]);
    seen.add(DAY3[2]!.id);
    expect(posted(planRun(list(ALL), seen, 2, digest))).toEqual(ids(DAY2).slice(0, 2));
  });

  it('a newer day posted out of band (e.g. by another schedule in the channel) is skipped', () => {
    const seen = new Set(ids(DAY3));
    expect(posted(planRun(list(ALL), seen, 10, digest))).toEqual(ids(DAY2));
  });

  it('undated page papers are not mixed into a day of fresh papers', () => {
    const pages = [pagePaper('SnapKV: LLM Knows What You are Looking for', 3), pagePaper('MemOS: A Memory OS for AI System', 9)];
    const mixed = [...DAY3, ...pages];
    expect(posted(planRun(list(mixed), new Set(), 5, digest))).toEqual(ids(DAY3));
    // With every dated paper posted, the page papers are next.
    expect(posted(planRun(list(mixed), new Set(ids(DAY3)), 5, digest))).toEqual(ids(pages));
  });
});

describe('planRun: the old behaviour where days do not apply', () => {
  const pages = [
    pagePaper('SnapKV: LLM Knows What You are Looking for', 3),
    pagePaper('Knowledge Grafting of Large Language Models', 6),
    pagePaper('MemOS: A Memory OS for AI System', 9),
    pagePaper('LLM in a flash: Efficient Inference with Limited Memory', 12),
  ];

  it('undated (page) candidates: the first count unposted, in list order', () => {
    expect(posted(planRun(list(pages), new Set(), 3, digest))).toEqual(ids(pages).slice(0, 3));
    expect(posted(planRun(list(pages), new Set([pages[1]!.id]), 2, digest))).toEqual([pages[0]!.id, pages[2]!.id]);
    expect(posted(planRun(list(pages), new Set(ids(pages).slice(0, 3)), 3, digest))).toEqual([pages[3]!.id]);
  });

  it('paper of the day (oneDay false or absent) takes the first unposted paper, whatever its day', () => {
    const order = [DAY1[0]!, DAY3[0]!, DAY2[0]!];
    expect(posted(planRun(list(order), new Set(), 1, potd))).toEqual([DAY1[0]!.id]);
    expect(posted(planRun(list(order), new Set([DAY1[0]!.id]), 1, potd))).toEqual([DAY3[0]!.id]);
    expect(posted(planRun(list(order), new Set(), 1, { alreadyNotified: false, manual: false }))).toEqual([DAY1[0]!.id]);
  });

  it('without oneDay, a larger count fills up across days in list order', () => {
    expect(posted(planRun(list(ALL), new Set(), 5, potd))).toEqual(ids(ALL).slice(0, 5));
  });
});

describe('planRun: former ids and exhaustion', () => {
  it('a paper posted under its former id (a page slug) counts as posted', () => {
    const slug = 'snapkv-llm-knows-what-you-are-looking-for';
    const renamed: Paper = { ...DAY3[0]!, formerIds: [slug] };
    const papers = [renamed, DAY3[1]!, DAY3[2]!];
    expect(posted(planRun(list(papers), new Set([slug]), 5, digest))).toEqual([DAY3[1]!.id, DAY3[2]!.id]);
    expect(posted(planRun(list([renamed, DAY1[0]!]), new Set([slug]), 1, potd))).toEqual([DAY1[0]!.id]);
  });

  it('a day whose only unposted-looking paper went out under its former id is done: the next day is taken', () => {
    const slug = 'an-old-page-paper';
    const renamed: Paper = { ...DAY3[0]!, formerIds: [slug] };
    expect(posted(planRun(list([renamed, ...DAY2]), new Set([slug]), 5, digest))).toEqual(ids(DAY2));
  });

  it('everything posted: exhausted, noticed once, never for manual runs', () => {
    const all = new Set(ids(ALL));
    expect(planRun(list(ALL), all, 5, digest)).toEqual({ kind: 'exhausted', notify: true, total: ALL.length });
    expect(planRun(list(ALL), all, 5, { ...digest, alreadyNotified: true })).toEqual({ kind: 'exhausted', notify: false, total: ALL.length });
    expect(planRun(list(ALL), all, 5, { ...digest, manual: true })).toEqual({ kind: 'exhausted', notify: false, total: ALL.length });
    expect(planRun(list(ALL), all, 1, potd)).toMatchObject({ kind: 'exhausted' });
    expect(planRun(list([]), new Set(), 5, digest)).toEqual({ kind: 'exhausted', notify: true, total: 0 });
  });
});

function cards(reply: Reply): PaperCard[] {
  return reply.blocks.filter((b): b is Extract<Block, { kind: 'paper' }> => b.kind === 'paper').map((b) => b.paper);
}

describe('scheduler: a digest over feed papers posts one day', () => {
  it('count 5 posts only the newest day; the next slot posts the day before', async () => {
    const older = [feedPaper(11, D2, { upvotes: 90 }), feedPaper(12, D2), feedPaper(13, D2), feedPaper(14, D2)];
    const newer = [feedPaper(15, D3), feedPaper(16, D3, { upvotes: 1 })];
    const clock = new TestClock('2026-11-28T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, papers: [...older, ...newer] });
    try {
      await r.store.insertSchedule(spec({ id: 'fresh', kind: 'digest', count: 5 }), { now: clock.now() }, 10);

      const [first] = await r.scheduler.runDue(clock.set('2026-11-28T09:00:00Z'));
      expect(first).toMatchObject({ outcome: 'posted' });
      expect([...first!.paperIds].sort()).toEqual(ids(newer).sort());
      expect(r.poster.posts).toHaveLength(1);
      const firstCards = cards(r.poster.posts[0]!.reply);
      expect(firstCards.map((c) => c.id).sort()).toEqual(ids(newer).sort());
      // The byline of a feed paper carries its day.
      expect(firstCards.every((c) => c.byline?.includes(D3))).toBe(true);

      const [second] = await r.scheduler.runDue(clock.set('2026-11-29T09:00:00Z'));
      expect(second).toMatchObject({ outcome: 'posted' });
      expect([...second!.paperIds].sort()).toEqual(ids(older).sort());
      expect(cards(r.poster.posts[1]!.reply).every((c) => c.byline?.includes(D2))).toBe(true);

      const [third] = await r.scheduler.runDue(clock.set('2026-11-30T09:00:00Z'));
      expect(third?.outcome).toBe('exhausted');
      const runs = await r.store.runs('fresh');
      expect(runs.map((x) => x.outcome)).toEqual(['exhausted', 'posted', 'posted']);
      // The exhaustion notice went out once, as a third post.
      expect(r.poster.posts).toHaveLength(3);
      expect(cards(r.poster.posts[2]!.reply)).toEqual([]);
    } finally {
      await r.store.close();
    }
  });
});
