import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { Posters } from '../../src/posting/poster.ts';
import { createWatchNotifier, type WatchNotifierOptions } from '../../src/watch/notifier.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { feedPaper, openLibrary, openPaperStore, openWatchStore, RecordingPoster, replyText, tempDb, TestClock } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

const zorblax = (n: number, over: Partial<Parameters<typeof feedPaper>[0]> = {}): Paper =>
  feedPaper({ arxivId: `2611.${String(n).padStart(5, '0')}`, title: `Zorblax ${n}: Sparse Caches, Part ${n}`, upvotes: n, ...over });
const other = (n: number): Paper => feedPaper({ arxivId: `2611.${String(900 + n).padStart(5, '0')}`, title: `Quiet Baselines ${n} for Image Captioning` });

function spec(over: Partial<WatchSpec> = {}): WatchSpec {
  return { id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, createdBy: 'U1', query: 'zorblax', ...over };
}

/** A paper store, a watch store and a notifier on one fresh file, with a hand-moved clock. */
async function setup(opts: { posters?: Posters; logger?: WatchNotifierOptions['logger']; settleMs?: number } = {}) {
  const file = tempDb();
  const clock = new TestClock('2026-11-26T09:00:00Z');
  const papers = openPaperStore(file, clock.ms);
  const watches = openWatchStore(file);
  const library = await openLibrary(papers);
  const slack = new RecordingPoster();
  const sleeps: number[] = [];
  const notifier = createWatchNotifier({
    store: watches,
    papers,
    library,
    posters: opts.posters ?? { slack: slack.post },
    logger: opts.logger ?? silentLogger(),
    clock,
    sleep: async (ms) => void sleeps.push(ms),
    settleMs: opts.settleMs ?? 30_000,
  });
  /** Store a batch `ms` later, as an ingest would (and record its end unless told not to). */
  const ingest = async (batch: Paper[], end = true) => {
    clock.advance(1000);
    const out = await papers.upsertBatch(batch);
    if (end) await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: out.added.length, updated: out.updated.length, skipped: 0 });
    return out;
  };
  const add = async (over: Partial<WatchSpec> = {}) => {
    clock.advance(1000);
    const r = await watches.insertWatch(spec(over), clock.now(), 20);
    if (!r.ok) throw new Error(r.why);
    return r.watch;
  };
  return { file, clock, papers, watches, library, slack, sleeps, notifier, ingest, add };
}

const cardIds = (text: string) => [...text.matchAll(/"id":"(2611\.\d+)"/g)].map((m) => m[1]);

describe('the watch notifier', () => {
  it('posts a new matching paper to its channel once; earlier papers, other channels and re-ingests get nothing', async () => {
    const t = await setup();
    await t.ingest([zorblax(1)]); // before the watch: never sent
    await t.add();
    await t.add({ id: 'w-0002', channelId: 'C2', query: 'quasar' });
    expect(await t.notifier.runPass()).toEqual([]);
    await t.ingest([zorblax(2), other(1)]);
    const [report, ...rest] = await t.notifier.runPass();
    expect(rest).toEqual([]);
    expect(report).toMatchObject({ watchId: 'w-0001', outcome: 'posted', paperIds: ['2611.00002'], attempts: 1 });
    expect(t.slack.posts.map((p) => p.channelId)).toEqual(['C1']);
    const text = replyText(t.slack.posts[0]!.reply);
    expect(text).toContain('Zorblax 2');
    expect(text).not.toContain('Zorblax 1');
    expect(text).not.toContain('Quiet Baselines');
    expect(t.slack.posts[0]!.reply.summary).toMatch(/^New paper: “zorblax”/);

    // The same ingest again (nothing new), then one that only updates upvotes: nothing is posted.
    await t.ingest([zorblax(2), other(1)]);
    expect(await t.notifier.runPass()).toEqual([]);
    await t.ingest([zorblax(2, { upvotes: 99 })]);
    expect(await t.notifier.runPass()).toEqual([]);
    expect(t.slack.posts).toHaveLength(1);
    expect((await t.watches.deliveries('w-0001')).map((d) => [d.paperId, d.status])).toEqual([['2611.00002', 'posted']]);
  });

  it('one message per watch per ingest: up to 5 papers, then "and N more" with a button for the rest', async () => {
    const t = await setup();
    await t.add();
    await t.ingest(Array.from({ length: 8 }, (_, i) => zorblax(i + 1)));
    const [report] = await t.notifier.runPass();
    expect(report?.paperIds).toHaveLength(8);
    expect(t.slack.posts).toHaveLength(1);
    const reply = t.slack.posts[0]!.reply;
    const cards = reply.blocks.filter((b) => b.kind === 'paper');
    expect(cards).toHaveLength(5);
    // Most upvoted first (same day): 8, 7, 6, 5, 4.
    expect(cardIds(JSON.stringify(cards))).toEqual(['2611.00008', '2611.00007', '2611.00006', '2611.00005', '2611.00004']);
    expect(replyText(reply)).toContain('and 3 more.');
    const actions = reply.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
    expect(actions).toEqual([expect.objectContaining({ label: 'Show the other 3', command: `watch matches w-0001 --alert ${report!.alertId} --page 2` })]);
  });

  it('a failed post is retried with backoff, then recorded with its reason; its papers ride along with the next alert', async () => {
    const t = await setup();
    await t.add();
    t.slack.failNext(new Error('upstream returned 503'), 4);
    await t.ingest([zorblax(1)]);
    const [failed] = await t.notifier.runPass();
    expect(failed).toMatchObject({ outcome: 'failed', attempts: 4, detail: expect.stringMatching(/503/) });
    expect(t.sleeps).toEqual([2000, 4000, 8000]);
    expect(await t.watches.deliveries('w-0001')).toEqual([
      expect.objectContaining({ paperId: '2611.00001', status: 'failed', attempts: 4, reason: expect.stringMatching(/503/) }),
    ]);
    expect((await t.watches.getWatch('w-0001'))?.paused).toBe(false);

    await t.ingest([zorblax(2)]);
    const [ok] = await t.notifier.runPass();
    expect(ok).toMatchObject({ outcome: 'posted', paperIds: ['2611.00002', '2611.00001'] });
    expect(cardIds(replyText(t.slack.posts[0]!.reply))).toEqual(['2611.00002', '2611.00001']);
    expect((await t.watches.deliveries('w-0001')).every((d) => d.status === 'posted')).toBe(true);
  });

  it('an alert goes out with its watch’s workspace; a watch paused because its workspace removed the bot gets none, and resumes', async () => {
    const t = await setup();
    await t.add({ workspaceId: 'T1' });
    await t.add({ id: 'w-0002', channelId: 'C2' });
    await t.ingest([zorblax(1)]);
    await t.notifier.runPass();
    expect(t.slack.posts.map((p) => [p.channelId, p.workspaceId])).toEqual(
      expect.arrayContaining([
        ['C1', 'T1'],
        ['C2', undefined],
      ]),
    );
    expect(await t.watches.pauseWorkspace('slack', 'T1', 'Paperboy was removed from this workspace', t.clock.now())).toBe(1);
    await t.ingest([zorblax(2)]);
    const reports = await t.notifier.runPass();
    expect(reports.find((r) => r.watchId === 'w-0001' && r.outcome === 'posted')).toBeUndefined();
    expect(t.slack.posts.filter((p) => p.channelId === 'C1')).toHaveLength(1);
    expect(await t.watches.resumeWorkspace('slack', 'T1', 'Paperboy was removed from this workspace')).toBe(1);
    await t.ingest([zorblax(3)]);
    await t.notifier.runPass();
    // Papers that arrived while it was paused are not sent later.
    expect(cardIds(replyText(t.slack.posts.filter((p) => p.channelId === 'C1').at(-1)!.reply))).toEqual(['2611.00003']);
  });

  it('a rate-limited post is waited out, not counted as a failed try', async () => {
    const t = await setup();
    await t.add();
    t.slack.failNext(Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 3 }), 2);
    await t.ingest([zorblax(1)]);
    const [ok] = await t.notifier.runPass();
    expect(ok).toMatchObject({ outcome: 'posted', attempts: 1 });
    expect(t.sleeps).toEqual([3000, 3000]);
  });

  it('a watch whose channel is gone pauses itself and says so in the log; it sends nothing more', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(s) });
    const t = await setup({ logger });
    await t.add();
    const gone = Object.assign(new Error('Slack refused the message to C1: channel_not_found'), { retryable: false, channelGone: true });
    t.slack.failNext(gone);
    await t.ingest([zorblax(1)]);
    const [r] = await t.notifier.runPass();
    expect(r).toMatchObject({ outcome: 'failed', attempts: 1, paused: true });
    expect(t.sleeps).toEqual([]); // permanent: not retried
    const w = await t.watches.getWatch('w-0001');
    expect(w).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/channel gone: .*channel_not_found/) });
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; watch?: string; channel?: string });
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^watch paused: its channel is gone/), watch: 'w-0001', channel: 'C1' }),
    );

    await t.ingest([zorblax(2)]);
    expect(await t.notifier.runPass()).toEqual([]);
    expect(t.slack.calls).toBe(1);
  });

  it('other failures (a missing permission) are recorded but do not pause the watch', async () => {
    const t = await setup();
    await t.add();
    t.slack.failNext(Object.assign(new Error('not_in_channel'), { retryable: false, channelGone: false }));
    await t.ingest([zorblax(1)]);
    const [r] = await t.notifier.runPass();
    expect(r).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(r?.paused).toBeUndefined();
    expect((await t.watches.getWatch('w-0001'))?.paused).toBe(false);
  });

  it('only serves platforms it can post to; the other platforms keep their cursor for a process that can', async () => {
    const t = await setup();
    await t.add({ id: 'w-0001', platform: 'discord', channelId: '123' });
    await t.add({ id: 'w-0002', platform: 'slack', channelId: 'C1' });
    await t.ingest([zorblax(1)]);
    const reports = await t.notifier.runPass();
    expect(reports.map((r) => r.watchId)).toEqual(['w-0002']);
    expect(await t.watches.deliveries('w-0001')).toEqual([]);
    expect(await t.watches.cursor('discord')).toBeUndefined();
    expect(await t.watches.cursor('slack')).toBe(await t.papers.revision());

    // A Discord-capable process, started later, catches up.
    const discord = new RecordingPoster();
    const later = createWatchNotifier({
      store: t.watches,
      papers: t.papers,
      library: t.library,
      posters: { discord: discord.post },
      logger: silentLogger(),
      clock: t.clock,
      sleep: async () => {},
    });
    const [r] = await later.runPass();
    expect(r).toMatchObject({ watchId: 'w-0001', outcome: 'posted', paperIds: ['2611.00001'] });
    expect(discord.posts.map((p) => p.channelId)).toEqual(['123']);
  });

  it('paused watches get nothing, and papers that arrive while paused are not sent after resume', async () => {
    const t = await setup();
    await t.add();
    await t.watches.setPaused('w-0001', true, t.clock.now(), 'paused by U1');
    await t.ingest([zorblax(1)]);
    expect(await t.notifier.runPass()).toEqual([]);
    await t.watches.setPaused('w-0001', false, t.clock.now());
    await t.ingest([zorblax(2)]);
    const [r] = await t.notifier.runPass();
    expect(r?.paperIds).toEqual(['2611.00002']);
  });

  it('a personal watch posts to the DM channel it was made in, with "Your watch"', async () => {
    const t = await setup();
    await t.add({ personal: true, channelId: 'D42' });
    await t.ingest([zorblax(1)]);
    await t.notifier.runPass();
    expect(t.slack.posts.map((p) => p.channelId)).toEqual(['D42']);
    expect(replyText(t.slack.posts[0]!.reply)).toContain('Your watch');
  });

  it('an author watch sends every new paper by that author, accents ignored', async () => {
    const t = await setup();
    await t.add({ query: '', author: 'Angstrom' });
    await t.ingest([zorblax(1, { authors: ['Zoë Ångström'] }), zorblax(2)]);
    const [r] = await t.notifier.runPass();
    expect(r?.paperIds).toEqual(['2611.00001']);
  });

  it('poll(): catches up on the first check, then waits for an ingest to end (or the store to settle)', async () => {
    const t = await setup({ settleMs: 10_000 });
    await t.add();
    await t.ingest([zorblax(1)]);
    // First check after start: catch up.
    expect((await t.notifier.poll())?.map((r) => r.paperIds)).toEqual([['2611.00001']]);
    expect(await t.notifier.poll()).toBeUndefined(); // nothing new

    // An ingest in progress (a day stored, its end not yet recorded): wait.
    await t.ingest([zorblax(2)], false);
    expect(await t.notifier.poll()).toBeUndefined();
    await t.ingest([zorblax(3)], false);
    expect(await t.notifier.poll()).toBeUndefined();
    // The ingest ends: one alert with both days' papers.
    await t.papers.recordRun({ source: 'hf', ok: true, at: t.clock.now(), added: 2, updated: 0, skipped: 0 });
    const reports = await t.notifier.poll();
    expect(reports?.map((r) => r.paperIds)).toEqual([['2611.00003', '2611.00002']]);
    expect(t.slack.posts).toHaveLength(2);

    // Papers stored by a writer that never records its end go out once the store has been quiet settleMs.
    await t.ingest([zorblax(4)], false);
    expect(await t.notifier.poll()).toBeUndefined();
    t.clock.advance(9_000);
    expect(await t.notifier.poll()).toBeUndefined();
    t.clock.advance(2_000);
    expect((await t.notifier.poll())?.map((r) => r.paperIds)).toEqual([['2611.00004']]);
  });

  it('start() checks the store on its timer; after stop() no timer is left and nothing more is checked or posted', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T09:00:00Z');
    const papers = openPaperStore(file, clock.ms);
    const watches = openWatchStore(file);
    const slack = new RecordingPoster();
    await watches.insertWatch(spec(), new Date('2026-11-26T08:00:00Z'), 20);
    await papers.upsertBatch([zorblax(1)]);
    await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: 1, updated: 0, skipped: 0 });
    const library = await openLibrary(papers);
    // The notifier's timer is driven by hand: a check happens when the test moves the fake timers on.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const checks = vi.spyOn(papers, 'runsRecorded'); // read once by each check
    const n = createWatchNotifier({
      store: watches,
      papers,
      library,
      posters: { slack: slack.post },
      logger: silentLogger(),
      clock,
      pollMs: 20,
      sleep: async () => {},
    });
    /** Run the event loop until the check in flight has finished and armed the next one. */
    const idle = async (): Promise<void> => {
      for (let turns = 0; vi.getTimerCount() === 0; turns++) {
        if (turns > 100_000) throw new Error('the notifier never armed its next check');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    n.start();
    expect(checks).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0); // the first check, right away
    await idle();
    expect(checks).toHaveBeenCalledTimes(1);
    expect(slack.posts).toHaveLength(1);
    await papers.upsertBatch([zorblax(2)]);
    await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: 1, updated: 0, skipped: 0 });
    vi.advanceTimersByTime(19);
    expect(checks).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1); // pollMs after the last check ended
    await idle();
    expect(checks).toHaveBeenCalledTimes(2);
    expect(slack.posts).toHaveLength(2);
    // Idle between checks, the next one armed: stop() disarms it.
    await n.stop();
    expect(vi.getTimerCount()).toBe(0);
    const checked = checks.mock.calls.length;
    await papers.upsertBatch([zorblax(3)]);
    await papers.recordRun({ source: 'hf', ok: true, at: clock.now(), added: 1, updated: 0, skipped: 0 });
    vi.advanceTimersByTime(10_000);
    expect(checks).toHaveBeenCalledTimes(checked);
    expect(slack.posts).toHaveLength(2);
  });

  it('a watch made (in another process) while a pass reads, and a paper stored just after it, are not lost', async () => {
    const t = await setup();
    await t.add();
    // Between the pass's reading of the watches and of the arrivals, another process adds a watch
    // and an ingest stores a paper it matches.
    const arrivals = t.papers.arrivals.bind(t.papers);
    let race = true;
    t.papers.arrivals = async (revision, since) => {
      if (race) {
        race = false;
        await t.add({ id: 'w-0002', channelId: 'C2', query: 'quasar' });
        await t.ingest([feedPaper({ arxivId: '2611.00777', title: 'Quasar Attention for Long Contexts' })]);
      }
      return arrivals(revision, since);
    };
    expect(await t.notifier.runPass()).toEqual([]);
    const [r] = await t.notifier.runPass();
    expect(r).toMatchObject({ watchId: 'w-0002', outcome: 'posted', paperIds: ['2611.00777'] });
    expect(t.slack.posts.map((p) => p.channelId)).toEqual(['C2']);
  });

  it('a store failure leaves the cursor where it was, so the papers are looked at again', async () => {
    const t = await setup();
    await t.add();
    await t.ingest([zorblax(1)]);
    const before = await t.watches.cursor('slack');
    const claim = t.watches.claimAlert.bind(t.watches);
    let fail = true;
    t.watches.claimAlert = async (req) => {
      if (fail) {
        fail = false;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return claim(req);
    };
    expect(await t.notifier.runPass()).toEqual([]);
    expect(await t.watches.cursor('slack')).toBe(before);
    const [r] = await t.notifier.runPass();
    expect(r).toMatchObject({ outcome: 'posted', paperIds: ['2611.00001'] });
  });
});
