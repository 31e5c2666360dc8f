/**
 * Scheduled ingests driven by their real timers: the croner schedule that fires each source's cron
 * ticks, and the real wait before a retry. The timers and the clock are vitest's fake ones, moved by
 * the test (`advanceTimersByTimeAsync`), so a tick or a retry happens exactly when the test says.
 * The sources are in-process stand-ins for the HF client (one paper per day, or a failure, or a
 * fetch held until the test releases it); the paper store is a real SQLite file.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { jobName, startIngestJobs, type IngestJobs, type IngestJobsOptions, type IngestSourceSpec } from '../../src/ingest/jobs.ts';
import { Library } from '../../src/library/library.ts';
import type { PaperStore } from '../../src/library/store.ts';
import type { HfClient } from '../../src/sources/hf.ts';
import { SourceError, type FetchedBatch } from '../../src/sources/types.ts';
import { TestClock } from '../helpers/clock.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, openStore, cleanups } = useTempStores('paperboy-jobs-timers-');

beforeEach(() => {
  // Only the timers and Date: SQLite and the promise machinery run as usual.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A promise the test resolves by hand. */
function latch<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Let every pending promise callback and I/O callback run (setImmediate is not faked). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

/** What `p` resolved to, or 'still running' when it has not settled once everything pending has run. */
async function outcome<T>(p: Promise<T>): Promise<T | 'still running'> {
  return Promise.race([p, settle().then(() => 'still running' as const)]);
}

/** An HF client that lists one paper per day; it can fail the next fetches or hold them until released. */
class StandInHf implements HfClient {
  readonly days: string[] = [];
  failures = 0;
  /** A day whose next fetch fails. */
  failOn: string | undefined;
  hold: Promise<void> | undefined;
  /** What a day lists, instead of its one paper. */
  readonly listing: Record<string, FetchedBatch> = {};
  async fetchDay(day: string): Promise<FetchedBatch> {
    this.days.push(day);
    if (this.hold) await this.hold;
    if (this.failOn === day) {
      this.failOn = undefined;
      throw new SourceError('HTTP 503 after 3 tries', `https://hf.test/api/daily_papers?date=${day}`);
    }
    if (this.failures > 0) {
      this.failures--;
      throw new SourceError('HTTP 503 after 3 tries', `https://hf.test/api/daily_papers?date=${day}`);
    }
    const listed = this.listing[day];
    if (listed) return listed;
    const n = day.replaceAll('-', '').slice(2);
    return {
      source: 'hf',
      unit: day,
      papers: [
        {
          arxivId: `${n.slice(0, 4)}.${n.slice(4)}001`,
          title: `Paper of ${day}`,
          abstract: `What was listed on ${day}.`,
          authors: ['Ada Lovelace'],
          published: day,
        },
      ],
      skipped: [],
    };
  }
}

interface LogLine {
  level: number;
  msg: string;
  job?: string;
  sources?: string[];
  err?: { message: string };
}

async function rig(
  opts: {
    sources?: IngestSourceSpec[];
    store?: PaperStore;
    now?: () => Date;
    retryDelaysMs?: readonly number[];
  } = {},
) {
  const file = tempDb();
  const papers = openStore(file);
  const library = await Library.open({ pagePapers: [], store: papers, logger: createLogger('silent') });
  cleanups.push(() => library.close());
  const hf = new StandInHf();
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const options: IngestJobsOptions = {
    sources: opts.sources ?? [],
    store: opts.store ?? papers,
    library,
    hf: () => hf,
    arxiv: () => {
      throw new Error('no arXiv in these tests');
    },
    logger,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
  };
  const jobs: IngestJobs = startIngestJobs(options);
  cleanups.push(() => jobs.stop());
  return { file, papers, library, hf, lines, jobs };
}

const titles = async (store: PaperStore) => (await store.all()).map((p) => p.title).sort();

describe('cron ticks', () => {
  it('a tick claims the slot of its minute and ingests the days of the clock the jobs were given; that slot is then taken for every process', async () => {
    vi.setSystemTime('2026-11-23T05:59:50Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 6 * * *', timezone: 'UTC', days: 2 };
    // The days come from the jobs' own clock (a day later here); the slot from croner's tick.
    const days = new TestClock('2026-11-24T12:00:00Z');
    const r = await rig({ sources: [spec], now: () => days.now() });
    expect(r.lines.filter((l) => l.level === 30 && l.msg === 'scheduled ingests ready').map((l) => l.sources)).toEqual([[jobName(spec)]]);

    await vi.advanceTimersByTimeAsync(9_999);
    expect(r.hf.days).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    await r.jobs.stop();
    expect(r.hf.days).toEqual(['2026-11-23', '2026-11-24']);
    expect(await titles(r.papers)).toEqual(['Paper of 2026-11-23', 'Paper of 2026-11-24']);
    // The 06:00 slot is this tick's: a second process asking for it is refused.
    const second = openStore(r.file);
    expect(await second.claimSlot(jobName(spec), '2026-11-23T06:00:00.000Z', new Date())).toBe(false);
  });

  it('without a clock of their own, the jobs fetch the days up to the tick; the next tick (next day) runs again', async () => {
    vi.setSystemTime('2026-11-23T05:59:00Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 6 * * *', timezone: 'UTC', days: 1 };
    const r = await rig({ sources: [spec] });
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    await settle();
    await r.jobs.stop();
    expect(r.hf.days).toEqual(['2026-11-23', '2026-11-24']);
    expect(await titles(r.papers)).toEqual(['Paper of 2026-11-23', 'Paper of 2026-11-24']);
  });

  it('a tick in the schedule’s timezone: 06:00 Europe/Berlin is 05:00 UTC in winter', async () => {
    vi.setSystemTime('2026-11-23T04:59:00Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 6 * * *', timezone: 'Europe/Berlin', days: 1 };
    const r = await rig({ sources: [spec] });
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    await r.jobs.stop();
    expect(r.hf.days).toEqual(['2026-11-23']);
    const second = openStore(r.file);
    expect(await second.claimSlot(jobName(spec), '2026-11-23T05:00:00.000Z', new Date())).toBe(false);
  });

  it('a tick whose run throws is logged as an error naming the job, and the next tick runs', async () => {
    vi.setSystemTime('2026-11-23T05:59:00Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 * * * *', timezone: 'UTC', days: 1 };
    const file = tempDb();
    const real = openStore(file);
    let broken = true;
    // A store that cannot be reached for the first claim.
    const store = new Proxy(real, {
      get(target, prop) {
        if (prop === 'claimSlot' && broken) {
          return async () => {
            broken = false;
            throw new Error('database is locked');
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const r = await rig({ sources: [spec], store });
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    const failures = r.lines.filter((l) => l.msg === 'scheduled ingest failed');
    expect(failures).toEqual([expect.objectContaining({ level: 50, job: jobName(spec), err: expect.objectContaining({ message: 'database is locked' }) })]);
    expect(r.hf.days).toEqual([]);

    await vi.advanceTimersByTimeAsync(3_600_000);
    await settle();
    await r.jobs.stop();
    expect(r.hf.days).toEqual(['2026-11-23']);
    expect(await titles(real)).toEqual(['Paper of 2026-11-23']);
  });

  it('stop() waits for the ingest a tick started; after it no timer is left and no tick fires', async () => {
    vi.setSystemTime('2026-11-23T05:59:00Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 * * * *', timezone: 'UTC', days: 1 };
    const r = await rig({ sources: [spec] });
    const release = latch();
    r.hf.hold = release.promise;
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();

    let stopped = false;
    const stopping = r.jobs.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release.resolve();
    expect(await outcome(stopping)).toBe(true);
    expect(await titles(r.papers)).toEqual(['Paper of 2026-11-23']);
    expect(vi.getTimerCount()).toBe(0);

    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    expect(r.hf.days).toEqual(['2026-11-23']);
  });

  it('runs of one source never overlap: a tick while its previous run still fetches is skipped here (another process may take it)', async () => {
    vi.setSystemTime('2026-11-23T05:59:00Z');
    const spec: IngestSourceSpec = { type: 'hf', cron: '0 * * * *', timezone: 'UTC', days: 1 };
    const r = await rig({ sources: [spec] });
    const release = latch();
    r.hf.hold = release.promise;
    await vi.advanceTimersByTimeAsync(60_000); // 06:00: the run starts and hangs
    await settle();
    await vi.advanceTimersByTimeAsync(3_600_000); // 07:00: still running
    await settle();
    expect(r.hf.days).toHaveLength(1);
    release.resolve();
    await r.jobs.stop();
    expect(r.hf.days).toHaveLength(1);
    // The 07:00 slot was left unclaimed for another process.
    const second = openStore(r.file);
    expect(await second.claimSlot(jobName(spec), '2026-11-23T07:00:00.000Z', new Date())).toBe(true);
  });
});

describe('the real retry wait', () => {
  const spec: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 1 };
  const SLOT = '2026-11-23T06:30:00.000Z';

  it('a failed day is fetched again once the first retry delay has passed, not before', async () => {
    vi.setSystemTime('2026-11-23T06:30:00Z');
    const r = await rig();
    r.hf.failures = 1;
    const run = r.jobs.runSlot(spec, SLOT);
    await settle();
    expect(r.lines.filter((l) => l.level === 40 && l.msg === 'scheduled ingest failed in part; retrying within its slot')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(r.hf.days).toEqual(['2026-11-23']);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(await outcome(run)).toMatchObject({ added: 1, failed: [] });
    expect(r.hf.days).toEqual(['2026-11-23', '2026-11-23']);
    expect(await titles(r.papers)).toEqual(['Paper of 2026-11-23']);
  });

  it('stop() during a retry wait ends the run at once, without the retry, and leaves no timer', async () => {
    vi.setSystemTime('2026-11-23T06:30:00Z');
    const r = await rig();
    r.hf.failures = 5;
    const run = r.jobs.runSlot(spec, SLOT);
    await settle();
    await r.jobs.stop();
    const report = await outcome(run);
    if (report === 'still running') throw new Error('the run did not end');
    expect(report?.failed.map((f) => f.unit)).toEqual(['2026-11-23']);
    expect(r.hf.days).toEqual(['2026-11-23']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() while the first fetch is under way: no retry wait begins', async () => {
    vi.setSystemTime('2026-11-23T06:30:00Z');
    const r = await rig();
    r.hf.failures = 5;
    const release = latch();
    r.hf.hold = release.promise;
    const run = r.jobs.runSlot(spec, SLOT);
    await settle();
    await r.jobs.stop();
    release.resolve();
    const report = await outcome(run);
    if (report === 'still running') throw new Error('the run did not end');
    expect(report?.failed.map((f) => f.unit)).toEqual(['2026-11-23']);
    expect(r.hf.days).toEqual(['2026-11-23']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the slot’s report adds up both tries: papers added, updated and skipped before the retry and by it', async () => {
    vi.setSystemTime('2026-11-23T06:30:00Z');
    const r = await rig();
    const two: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 2 };
    const paper = (id: string, upvotes: number) => ({
      arxivId: id,
      title: `Paper ${id}`,
      abstract: `About ${id}.`,
      authors: ['Ada Lovelace'],
      published: '2026-11-22',
      upvotes,
    });
    // 2611.50001 is stored by an earlier slot; the retry updates it.
    r.hf.listing['2026-11-23'] = { source: 'hf', unit: '2026-11-23', papers: [paper('2611.50001', 1)], skipped: [] };
    await r.jobs.runSlot({ ...two, days: 1 }, '2026-11-22T06:30:00.000Z');
    r.hf.listing['2026-11-22'] = { source: 'hf', unit: '2026-11-22', papers: [paper('2611.50002', 2)], skipped: [{ id: '2611.59999', reason: 'no abstract' }] };
    r.hf.listing['2026-11-23'] = {
      source: 'hf',
      unit: '2026-11-23',
      papers: [paper('2611.50001', 9), paper('2611.50003', 3)],
      skipped: [{ id: '2611.59998', reason: 'bad id' }],
    };
    // The first try of the 22nd works and the 23rd fails; the retry gets the 23rd.
    const days = r.hf.days.length;
    r.hf.failOn = '2026-11-23';
    const run = r.jobs.runSlot(two, SLOT);
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    const report = await outcome(run);
    expect(report).toEqual({
      source: 'hf',
      added: 2,
      updated: 1,
      addedIds: ['2611.50002', '2611.50003'],
      skipped: [
        { id: '2611.59999', reason: 'no abstract' },
        { id: '2611.59998', reason: 'bad id' },
      ],
      failed: [],
    });
    expect(r.hf.days.slice(days)).toEqual(['2026-11-22', '2026-11-23', '2026-11-23']);
    // The library was refreshed: the new upvotes are what a search shows.
    expect(r.library.engine.byId('2611.50001')?.upvotes).toBe(9);
  });

  it('a slot that only updates papers still refreshes the library', async () => {
    vi.setSystemTime('2026-11-23T06:30:00Z');
    const r = await rig();
    const paper = (upvotes: number) => ({
      arxivId: '2611.60001',
      title: 'Paper 2611.60001',
      abstract: 'About it.',
      authors: ['Ada Lovelace'],
      published: '2026-11-23',
      upvotes,
    });
    r.hf.listing['2026-11-23'] = { source: 'hf', unit: '2026-11-23', papers: [paper(1)], skipped: [] };
    expect(await r.jobs.runSlot(spec, SLOT)).toMatchObject({ added: 1, updated: 0 });
    expect(r.library.engine.byId('2611.60001')?.upvotes).toBe(1);
    r.hf.listing['2026-11-23'] = { source: 'hf', unit: '2026-11-23', papers: [paper(7)], skipped: [] };
    expect(await r.jobs.runSlot(spec, '2026-11-24T06:30:00.000Z')).toMatchObject({ added: 0, updated: 1 });
    expect(r.library.engine.byId('2611.60001')?.upvotes).toBe(7);
  });

  it('the retry window is the slot’s length in the schedule’s timezone', async () => {
    // 06:30 Europe/Berlin daily: the slot lasts a day, so a retry two hours later is still in it.
    const berlin: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'Europe/Berlin', days: 1 };
    vi.setSystemTime('2026-11-23T05:30:00Z');
    const r = await rig({ retryDelaysMs: [2 * 3_600_000] });
    r.hf.failures = 1;
    const run = r.jobs.runSlot(berlin, '2026-11-23T05:30:00.000Z');
    await settle();
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    await settle();
    expect(await outcome(run)).toMatchObject({ added: 1, failed: [] });
  });
});
