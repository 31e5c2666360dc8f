/**
 * The watch notifier beyond the plain alert: the order an alert lists papers in, which papers a
 * watch made later gets, where a process serving two platforms starts reading, and the paths where
 * something is wrong (an unusable stored query, a watch paused or another process first, a failing
 * check) — what the channel gets, what is stored, and what an operator sees in the log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { claimConflictsTotal } from '../../src/metrics/metrics.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { Posters } from '../../src/posting/poster.ts';
import { createWatchNotifier, type WatchNotifierOptions } from '../../src/watch/notifier.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { feedPaper, openLibrary, openPaperStore, openWatchStore, RecordingPoster, tempDb, TestClock } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

interface LogLine {
  level: number;
  msg: string;
  watch?: string;
  problem?: string;
  reason?: string;
}

const paper = (n: number, over: Partial<Parameters<typeof feedPaper>[0]> = {}): Paper =>
  feedPaper({ arxivId: `2611.${String(n).padStart(5, '0')}`, title: `Zorblax ${n}: Sparse Caches`, upvotes: 1, ...over });

function spec(over: Partial<WatchSpec> = {}): WatchSpec {
  return { id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, createdBy: 'U1', query: 'zorblax', ...over };
}

async function setup(opts: { posters?: (slack: RecordingPoster, discord: RecordingPoster) => Posters } = {}) {
  const file = tempDb();
  const clock = new TestClock('2026-11-26T09:00:00Z');
  const papers = openPaperStore(file, clock.ms);
  const watches = openWatchStore(file);
  const library = await openLibrary(papers);
  const slack = new RecordingPoster();
  const discord = new RecordingPoster();
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const make = (posters: Posters, over: Partial<WatchNotifierOptions> = {}) =>
    createWatchNotifier({ store: watches, papers, library, posters, logger, clock, sleep: async () => {}, ...over });
  const notifier = make(opts.posters ? opts.posters(slack, discord) : { slack: slack.post });
  const ingest = async (batch: Paper[]) => {
    clock.advance(1000);
    const out = await papers.upsertBatch(batch);
    await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: out.added.length, updated: 0, skipped: 0 });
  };
  const add = async (over: Partial<WatchSpec> = {}) => {
    clock.advance(1000);
    const r = await watches.insertWatch(spec(over), clock.now(), 20);
    if (!r.ok) throw new Error(r.why);
    return r.watch;
  };
  return { file, clock, papers, watches, library, slack, discord, lines, notifier, make, ingest, add };
}

const cardIds = (posts: RecordingPoster['posts'], i = 0) => posts[i]!.reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper.id] : []));

async function watchConflicts(): Promise<number> {
  return (await claimConflictsTotal.get()).values.find((v) => v.labels.kind === 'watch')?.value ?? 0;
}

describe('what an alert holds, in which order', () => {
  it('newest day first, then most upvoted, then by id; a paper without upvotes after those with some', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([
      paper(1, { published: '2026-11-25', upvotes: 50 }),
      paper(2, { published: '2026-11-26', upvotes: 3 }),
      paper(4, { published: '2026-11-26', upvotes: 7 }),
      paper(3, { published: '2026-11-26', upvotes: 7 }),
      paper(5, { published: '2026-11-26', upvotes: undefined }),
    ]);
    const [r] = await t.notifier.runPass();
    const order = ['2611.00003', '2611.00004', '2611.00002', '2611.00005', '2611.00001'];
    expect(r?.paperIds).toEqual(order);
    expect(cardIds(t.slack.posts)).toEqual(order);
  });

  it('a watch gets only papers first stored after it was made, even when an older watch gets them in the same pass', async () => {
    const t = await setup();
    await t.add({ id: 'w-old', channelId: 'C1' });
    await t.ingest([paper(1)]);
    await t.add({ id: 'w-new', channelId: 'C2' });
    await t.ingest([paper(2)]);
    const reports = await t.notifier.runPass();
    expect(reports.map((r) => [r.watchId, r.paperIds])).toEqual([
      ['w-old', ['2611.00001', '2611.00002']],
      ['w-new', ['2611.00002']],
    ]);
  });
});

describe('where a pass starts reading', () => {
  it('a process serving Slack and Discord starts from the older of their cursors: each platform’s watches get what they have not seen', async () => {
    const t = await setup();
    await t.add({ id: 'w-slack', platform: 'slack', channelId: 'C1' });
    await t.add({ id: 'w-discord', platform: 'discord', channelId: '123' });
    await t.ingest([paper(1)]);
    // A Slack-only process alerts first; Discord's cursor stays where it was.
    expect((await t.notifier.runPass()).map((r) => r.watchId)).toEqual(['w-slack']);
    await t.ingest([paper(2)]);

    const both = t.make({ slack: t.slack.post, discord: t.discord.post });
    const reports = await both.runPass();
    expect(reports.map((r) => [r.watchId, r.paperIds])).toEqual([
      ['w-slack', ['2611.00002']],
      ['w-discord', ['2611.00001', '2611.00002']],
    ]);
    expect(await t.watches.cursor('slack')).toBe(await t.papers.revision());
    expect(await t.watches.cursor('discord')).toBe(await t.papers.revision());
  });

  it('with no watches the cursor still moves to the store’s revision', async () => {
    const t = await setup();
    await t.ingest([paper(1), paper(2)]);
    expect(await t.notifier.runPass()).toEqual([]);
    expect(await t.watches.cursor('slack')).toBe(await t.papers.revision());
    // So the next check finds nothing new to look at.
    expect(await t.notifier.poll()).toBeUndefined();
  });
});

describe('when something is wrong', () => {
  it('a stored watch whose query can no longer be used is logged as an error and skipped; the other watches are alerted', async () => {
    const t = await setup();
    // Stored by an older version that accepted it (the store does not check queries).
    await t.add({ id: 'w-bad', query: 'the of and' });
    await t.add({ id: 'w-good', channelId: 'C2' });
    await t.ingest([paper(1)]);
    const reports = await t.notifier.runPass();
    expect(reports.map((r) => [r.watchId, r.outcome])).toEqual([['w-good', 'posted']]);
    expect(t.slack.posts.map((p) => p.channelId)).toEqual(['C2']);
    expect(await t.watches.deliveries('w-bad')).toEqual([]);
    expect(t.lines.filter((l) => l.msg === 'watch has an unusable query; skipped')).toEqual([
      expect.objectContaining({ level: 50, watch: 'w-bad', problem: expect.stringMatching(/only small words/) }),
    ]);
  });

  it('a watch paused after the pass read it is reported as not claimed and sent nothing', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([paper(1)]);
    const arrivals = t.papers.arrivals.bind(t.papers);
    t.papers.arrivals = async (revision, since) => {
      await t.watches.setPaused('w-0001', true, t.clock.now(), 'paused by U1');
      return arrivals(revision, since);
    };
    const before = await watchConflicts();
    expect(await t.notifier.runPass()).toEqual([{ watchId: 'w-0001', outcome: 'not-claimed', paperIds: [], attempts: 0, detail: 'paused' }]);
    expect(t.slack.calls).toBe(0);
    expect(await watchConflicts()).toBe(before);
  });

  it('papers another process already alerted are not sent again, and count as a claim conflict', async () => {
    const t = await setup();
    await t.add();
    // This process has looked once already: it reads on from where it was, as a running one does.
    expect(await t.notifier.runPass()).toEqual([]);
    await t.ingest([paper(1)]);
    const other = t.make({ slack: t.discord.post });
    expect(await other.runPass()).toMatchObject([{ outcome: 'posted', paperIds: ['2611.00001'] }]);
    const before = await watchConflicts();
    expect(await t.notifier.runPass()).toEqual([]);
    expect(t.slack.calls).toBe(0);
    expect(await watchConflicts()).toBe(before + 1);
  });

  it('start() twice keeps one check going; a check that fails is logged as an error and the next one still runs', async () => {
    const t = await setup();
    await t.add();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let fail = true;
    const revision = t.papers.revision.bind(t.papers);
    t.papers.revision = async () => {
      if (fail) {
        fail = false;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return revision();
    };
    const n = t.make({ slack: t.slack.post }, { pollMs: 50 });
    const idle = async (): Promise<void> => {
      for (let turns = 0; vi.getTimerCount() === 0; turns++) {
        if (turns > 100_000) throw new Error('the notifier never armed its next check');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    n.start();
    n.start();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(0);
    await idle();
    expect(t.lines.filter((l) => l.msg === 'watch check failed')).toEqual([expect.objectContaining({ level: 50, reason: 'SQLITE_BUSY: database is locked' })]);
    await t.ingest([paper(1)]);
    vi.advanceTimersByTime(50);
    await idle();
    expect(t.slack.posts).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    await n.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
