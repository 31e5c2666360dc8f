/**
 * Rules of the watch notifier not tied to one alert: which platform errors pause a watch, the order
 * of papers with equal days or no upvotes, a paper already alerted under another of its ids, what a
 * restarted process looks at again (nothing already alerted), and alerts a stopped process left
 * pending (failed after the abandon time, as interrupted).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { Library } from '../../src/library/library.ts';
import { claimConflictsTotal } from '../../src/metrics/metrics.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { channelGone, createWatchNotifier } from '../../src/watch/notifier.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { feedPaper, openLibrary, openPaperStore, openWatchStore, RecordingPoster, tempDb, TestClock } from './helpers.ts';

const paper = (n: number, over: Partial<Parameters<typeof feedPaper>[0]> = {}): Paper =>
  feedPaper({ arxivId: `2611.${String(n).padStart(5, '0')}`, title: `Zorblax ${n}: Sparse Caches`, upvotes: 1, ...over });

function spec(over: Partial<WatchSpec> = {}): WatchSpec {
  return { id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, createdBy: 'U1', query: 'zorblax', ...over };
}

async function conflicts(): Promise<number> {
  return (await claimConflictsTotal.get()).values.find((v) => v.labels.kind === 'watch')?.value ?? 0;
}

async function setup(pagePapers: Paper[] = []) {
  const file = tempDb();
  const clock = new TestClock('2026-11-26T09:00:00Z');
  const papers = openPaperStore(file, clock.ms);
  const watches = openWatchStore(file);
  const library = pagePapers.length ? await Library.open({ pagePapers, store: papers, logger: silentLogger() }) : await openLibrary(papers);
  const slack = new RecordingPoster();
  const make = () =>
    createWatchNotifier({ store: watches, papers, library, posters: { slack: slack.post }, logger: silentLogger(), clock, sleep: async () => {} });
  const ingest = async (batch: Paper[]) => {
    clock.advance(1000);
    await papers.upsertBatch(batch);
    await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: batch.length, updated: 0, skipped: 0 });
  };
  const add = async (over: Partial<WatchSpec> = {}) => {
    clock.advance(1000);
    const r = await watches.insertWatch(spec(over), clock.now(), 20);
    if (!r.ok) throw new Error(r.why);
  };
  return { clock, papers, watches, library, slack, make, ingest, add };
}

describe('which failures pause a watch', () => {
  it('only an error that says its channel is gone; not other errors, strings or nothing', () => {
    expect(channelGone(Object.assign(new Error('channel_not_found'), { channelGone: true }))).toBe(true);
    expect(channelGone(Object.assign(new Error('not_in_channel'), { channelGone: false }))).toBe(false);
    expect(channelGone(Object.assign(new Error('gone?'), { channelGone: 'yes' }))).toBe(false);
    expect(channelGone(new Error('HTTP 503'))).toBe(false);
    expect(channelGone('channelGone')).toBe(false);
    expect(channelGone(null)).toBe(false);
    expect(channelGone(undefined)).toBe(false);
  });
});

describe('alert order, ties', () => {
  it('same day and upvotes: by id; a paper without upvotes after one with none given either way, by id; older days last', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([
      paper(9, { published: '2026-11-24', upvotes: undefined }),
      paper(8, { published: '2026-11-26', upvotes: undefined }),
      paper(7, { published: '2026-11-26', upvotes: undefined }),
      paper(6, { published: '2026-11-26', upvotes: 0 }),
      paper(5, { published: '2026-11-25', upvotes: 2 }),
      paper(4, { published: '2026-11-26', upvotes: 2 }),
      paper(3, { published: '2026-11-26', upvotes: 2 }),
    ]);
    const [r] = await t.make().runPass();
    expect(r?.paperIds).toEqual(['2611.00003', '2611.00004', '2611.00006', '2611.00007', '2611.00008', '2611.00005', '2611.00009']);
  });
});

describe('a paper alerted under another of its ids', () => {
  it('arriving under its arXiv id, a paper the watch already sent under its page slug is not sent again', async () => {
    const arxiv = paper(1);
    const page: Paper = { ...arxiv, id: 'zorblax-caches' };
    const t = await setup([page]);
    await t.add();
    // An earlier alert sent the page paper (by its slug).
    const earlier = await t.watches.claimAlert({ watchId: 'w-0001', papers: [{ id: 'zorblax-caches' }], now: t.clock.now(), maxTries: 3 });
    if (!earlier.claimed) throw new Error('not claimed');
    await t.watches.finishAlert(earlier.alertId, { status: 'posted', attempts: 1 }, t.clock.now());
    await t.ingest([arxiv, paper(2)]);
    const [r] = await t.make().runPass();
    expect(r).toMatchObject({ outcome: 'posted', paperIds: ['2611.00002'] });
  });
});

describe('a restarted process', () => {
  it('reads on from the stored cursor: nothing already alerted is claimed again, and a pass with no matches claims nothing', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([paper(1)]);
    expect(await t.make().runPass()).toMatchObject([{ outcome: 'posted', paperIds: ['2611.00001'] }]);
    const before = await conflicts();
    // Restarted: a new notifier on the same stores.
    const restarted = t.make();
    expect(await restarted.runPass()).toEqual([]);
    // A paper the watch does not match.
    await t.ingest([feedPaper({ arxivId: '2611.00900', title: 'Quiet Baselines for Image Captioning' })]);
    expect(await restarted.runPass()).toEqual([]);
    expect(await conflicts()).toBe(before);
    expect(t.slack.calls).toBe(1);
  });

  it('an alert a stopped process left pending is failed after 15 minutes (not before), not sent again (it may have arrived)', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([paper(1)]);
    // A process claimed the alert and stopped before sending it.
    const left = await t.watches.claimAlert({ watchId: 'w-0001', papers: [{ id: '2611.00001' }], now: t.clock.now(), maxTries: 3 });
    if (!left.claimed) throw new Error('not claimed');
    const n = t.make();
    t.clock.advance(14 * 60_000);
    await t.ingest([paper(2)]);
    expect(await n.runPass()).toMatchObject([{ outcome: 'posted', paperIds: ['2611.00002'] }]);
    expect(await t.watches.getAlert(left.alertId)).toMatchObject({ status: 'pending' });
    t.clock.advance(2 * 60_000);
    await t.ingest([paper(3)]);
    expect(await n.runPass()).toMatchObject([{ outcome: 'posted', paperIds: ['2611.00003'] }]);
    expect(await t.watches.getAlert(left.alertId)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^interrupted/) });
  });
});
