/**
 * What the scheduler records when a slot does not simply post: the run log's outcome and detail
 * (what `schedule list` shows a user), the log lines an operator is alerted by (their level), and
 * the claim metrics. One schedule going wrong never stops the others.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { claimConflictsTotal, schedulerLagSeconds } from '../../src/metrics/metrics.ts';
import { createScheduler, type SchedulerOptions } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { ScheduleStore } from '../../src/schedule/store.ts';
import type { SearchEngine } from '../../src/search/types.ts';
import { builtinPapers, builtinTopics, engineOver, RecordingPoster, recordingSleep, rig, spec, tempDb, TestClock } from './helpers.ts';

interface LogLine {
  level: number;
  msg: string;
  schedule?: string;
  attempt?: number;
  willRetry?: boolean;
  detail?: string;
  problem?: string;
  missed?: number;
  err?: { message: string };
}
const WARN = 40;
const ERROR = 50;

/** A scheduler over `store` whose log lines are kept. */
async function logged(store: ScheduleStore, clock: TestClock, over: Partial<SchedulerOptions> = {}) {
  const lines: LogLine[] = [];
  const poster = new RecordingPoster();
  const scheduler = createScheduler({
    store,
    engine: engineOver(await builtinPapers()),
    topics: await builtinTopics(),
    posters: { slack: poster.post },
    logger: createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) }),
    clock,
    sleep: recordingSleep(),
    ...over,
  });
  return { scheduler, poster, lines };
}

/** The real store with some methods replaced. */
function withOverrides(store: SqliteScheduleStore, over: Partial<ScheduleStore>): ScheduleStore {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof ScheduleStore];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function counter(kind: string): Promise<number> {
  return (await claimConflictsTotal.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
}

async function lag(): Promise<{ sum: number; count: number }> {
  const values = (await schedulerLagSeconds.get()).values;
  const of = (n: string) => values.find((v) => v.metricName === n)?.value ?? 0;
  return { sum: of('paperboy_scheduler_lag_seconds_sum'), count: of('paperboy_scheduler_lag_seconds_count') };
}

describe('the run log of a slot that did not post', () => {
  it('a slot missed by a minute, with a half-minute grace window, says so in singular minutes', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, graceMs: 30_000 });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:01:00Z'));
    expect(rep).toMatchObject({ outcome: 'skipped', detail: 'missed by 1 minute, outside the 1 minute grace window' });
    expect((await r.store.runs('daily'))[0]).toMatchObject({ outcome: 'skipped', detail: 'missed by 1 minute, outside the 1 minute grace window' });
    expect(r.poster.calls).toBe(0);
    await r.store.close();
  });

  it('older missed slots are recorded as skipped with the reason, and logged as a warning with how many', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: clock.now() }, 10);
    const { scheduler, lines, poster } = await logged(store, clock);
    const reports = await scheduler.runDue(clock.set('2026-11-29T09:10:00Z'));
    expect(reports.map((x) => [x.slot, x.outcome])).toEqual([
      ['2026-11-28T09:00:00.000Z', 'skipped'],
      ['2026-11-27T09:00:00.000Z', 'skipped'],
      ['2026-11-26T09:00:00.000Z', 'skipped'],
      ['2026-11-29T09:00:00.000Z', 'posted'],
    ]);
    expect(poster.posts).toHaveLength(1);
    const log = await store.runs('daily');
    expect(log.filter((x) => x.outcome === 'skipped').map((x) => x.detail)).toEqual(
      Array(3).fill('missed: Paperboy was not running (only the latest missed slot is caught up)'),
    );
    expect(lines.filter((l) => l.msg === 'skipped older missed slots')).toEqual([expect.objectContaining({ level: WARN, schedule: 'daily', missed: 3 })]);
    await store.close();
  });

  it('papers that cannot be chosen (the search fails): the run fails with the reason, logged as an error', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec({ filter: { kind: 'query', query: 'kv cache' } }), { now: clock.now() }, 10);
    const real = engineOver(await builtinPapers());
    const broken: SearchEngine = Object.assign(Object.create(real) as SearchEngine, {
      search: () => {
        throw new Error('the search index is gone');
      },
    });
    const { scheduler, lines, poster } = await logged(store, clock, { engine: broken });
    const [rep] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'failed', detail: 'could not choose papers: the search index is gone', attempts: 0 });
    expect((await store.runs('daily'))[0]).toMatchObject({ outcome: 'failed', detail: 'could not choose papers: the search index is gone' });
    expect(lines.filter((l) => l.msg === 'scheduled run failed')).toEqual([
      expect.objectContaining({ level: ERROR, schedule: 'daily', detail: 'could not choose papers: the search index is gone' }),
    ]);
    expect(poster.calls).toBe(0);
    await store.close();
  });

  it('a failed exhaustion notice is recorded with what failed; a manual run of an exhausted schedule posts nothing and says nothing is left', async () => {
    const papers = (await builtinPapers()).slice(0, 1);
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, papers });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    r.poster.failAlways = true;
    r.poster.error = Object.assign(new Error('channel not found'), { code: 'channel_not_found', retryable: false });
    const [failed] = await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(failed).toMatchObject({ outcome: 'failed', attempts: 1, detail: 'channel_not_found: channel not found' });
    expect(failed?.reply?.summary).toMatch(/^All 1 papers have been posted here/);
    expect((await r.store.runs('daily'))[0]).toMatchObject({ outcome: 'failed', detail: 'exhaustion notice: channel_not_found: channel not found' });

    r.poster.failAlways = false;
    const calls = r.poster.calls;
    const manual = await r.scheduler.runNow('daily');
    expect(manual).toMatchObject({ outcome: 'exhausted', detail: 'nothing left to post', attempts: 0 });
    expect(manual.reply?.summary).toMatch(/^All 1 papers have been posted here/);
    expect(r.poster.calls).toBe(calls);
    expect((await r.store.runs('daily'))[0]).toMatchObject({ trigger: 'manual', outcome: 'exhausted', detail: 'nothing left to post' });
    // Still not announced: the next cron slot announces it.
    const [notice] = await r.scheduler.runDue(clock.set('2026-11-28T09:00:00Z'));
    expect(notice).toMatchObject({ outcome: 'exhausted', attempts: 1 });
    expect((await r.store.runs('daily'))[0]).toMatchObject({ outcome: 'exhausted', detail: 'announced: every matching paper has been posted' });
    await r.store.close();
  });

  it('a delivery that keeps failing: a warning per failed attempt saying whether it is retried, then one error', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: clock.now() }, 10);
    const { scheduler, lines, poster } = await logged(store, clock);
    poster.failAlways = true;
    const [rep] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'failed', attempts: 4 });
    expect(lines.filter((l) => l.msg === 'scheduled post failed').map((l) => [l.level, l.schedule, l.attempt, l.willRetry])).toEqual([
      [WARN, 'daily', 1, true],
      [WARN, 'daily', 2, true],
      [WARN, 'daily', 3, true],
      [WARN, 'daily', 4, false],
    ]);
    expect(lines.filter((l) => l.msg === 'scheduled post given up')).toEqual([expect.objectContaining({ level: ERROR, schedule: 'daily' })]);
    await store.close();
  });
});

describe('one schedule going wrong never stops the others', () => {
  it('a schedule whose cron no longer parses is logged as an error and left alone; the others post', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    // Stored by an older version that accepted it (the store does not parse crons).
    await store.insertSchedule(spec({ id: 'broken', cron: 'every morning' }), { now: clock.now() }, 10);
    await store.insertSchedule(spec({ id: 'daily' }), { now: clock.now() }, 10);
    const { scheduler, lines, poster } = await logged(store, clock);
    const reports = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(reports.map((x) => [x.scheduleId, x.outcome])).toEqual([['daily', 'posted']]);
    expect(poster.posts).toHaveLength(1);
    expect(await store.runs('broken')).toEqual([]);
    expect(lines.filter((l) => l.msg === 'schedule has an unusable cron expression')).toEqual([
      expect.objectContaining({ level: ERROR, schedule: 'broken', problem: expect.stringContaining('every morning') }),
    ]);
    expect(scheduler.nextRun({ cron: 'every morning', timezone: 'UTC' })).toBeUndefined();
    await store.close();
  });

  it('a schedule whose run crashes (its store read fails) is logged as an error; the others post', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const real = SqliteScheduleStore.open(tempDb());
    await real.insertSchedule(spec({ id: 'crashing', channelId: 'C9' }), { now: clock.now() }, 10);
    await real.insertSchedule(spec({ id: 'daily' }), { now: clock.now() }, 10);
    const store = withOverrides(real, {
      getSchedule: async (id) => {
        if (id === 'crashing') throw new Error('disk I/O error');
        return real.getSchedule(id);
      },
    });
    const { scheduler, lines, poster } = await logged(store, clock);
    const reports = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(reports.map((x) => [x.scheduleId, x.outcome])).toEqual([['daily', 'posted']]);
    expect(poster.posts.map((p) => p.channelId)).toEqual(['C1']);
    expect(lines.filter((l) => l.msg === 'scheduled run crashed')).toEqual([
      expect.objectContaining({ level: ERROR, schedule: 'crashing', err: expect.objectContaining({ message: 'disk I/O error' }) }),
    ]);
    await real.close();
  });
});

describe('claim metrics', () => {
  it('a slot another process claimed first counts as a claim conflict; a removed schedule does not', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const real = SqliteScheduleStore.open(file);
    const other = await rig({ file, clock });
    await real.insertSchedule(spec(), { now: clock.now() }, 10);
    // Between this process's reading of the schedules and its claim, the other process claims the slot.
    let race = true;
    const store = withOverrides(real, {
      getSchedule: async (id) => {
        if (race) {
          race = false;
          await other.scheduler.runDue(clock.now());
        }
        return real.getSchedule(id);
      },
    });
    const { scheduler, poster } = await logged(store, clock);
    const before = await counter('schedule');
    const [rep] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'not-claimed', detail: 'taken' });
    expect(poster.calls).toBe(0);
    expect(other.poster.posts).toHaveLength(1);
    expect(await counter('schedule')).toBe(before + 1);

    // Posting the next slot itself is no conflict, nor is a schedule that is gone.
    await scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(poster.posts).toHaveLength(1);
    expect(await scheduler.runNow('nope')).toMatchObject({ outcome: 'not-claimed', detail: 'gone' });
    expect(await counter('schedule')).toBe(before + 1);
    await real.close();
    await other.store.close();
  });

  it('the lag of a cron slot (from the slot to its claim) is observed; manual runs are not; a clock behind the slot counts as no lag', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    const before = await lag();
    await r.scheduler.runDue(clock.set('2026-11-26T09:40:00Z'));
    expect(await lag()).toEqual({ sum: before.sum + 2400, count: before.count + 1 });
    await r.scheduler.runNow('daily');
    expect(await lag()).toEqual({ sum: before.sum + 2400, count: before.count + 1 });
    // Asked for the 27th's slot while this process's clock still reads a little earlier.
    clock.set('2026-11-27T08:59:58Z');
    const [rep] = await r.scheduler.runDue(new Date('2026-11-27T09:00:00Z'));
    expect(rep?.outcome).toBe('posted');
    expect(await lag()).toEqual({ sum: before.sum + 2400, count: before.count + 2 });
    await r.store.close();
  });
});
