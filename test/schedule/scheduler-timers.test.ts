/**
 * The scheduler's timer: when it wakes (the nearest slot of an active schedule, at most the re-check
 * interval, never longer than a timer can wait), what it does when a pass or a read fails (logs and
 * tries again), and start/refresh/stop in any order leaving no timer behind. The timers are a fake
 * the test fires by hand; one test uses the real ones, waiting on the post itself.
 */
import { describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import { createScheduler, type SchedulerOptions, type Timers } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { ScheduleStore } from '../../src/schedule/store.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { builtinPapers, builtinTopics, engineOver, RecordingPoster, spec, tempDb, TestClock } from './helpers.ts';

interface Pending {
  fn: () => void;
  ms: number;
}

/** Timers the test fires by hand. */
function handTimers(): Timers & { pending: Pending[] } {
  const pending: Pending[] = [];
  return {
    pending,
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = pending.indexOf(h as Pending);
      if (i >= 0) pending.splice(i, 1);
    },
  };
}

/** Run the event loop until `cond()` holds; fails (rather than hangs) when it never does. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let turns = 0; !cond(); turns++) {
    if (turns > 10_000) throw new Error(`never happened: ${what}`);
    await new Promise<void>((r) => setImmediate(r));
  }
}

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string };
}

function withOverrides(store: SqliteScheduleStore, over: Partial<ScheduleStore>): ScheduleStore {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof ScheduleStore];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function setup(store: ScheduleStore, clock: TestClock, over: Partial<SchedulerOptions> = {}) {
  const timers = handTimers();
  const poster = new RecordingPoster();
  const lines: LogLine[] = [];
  const scheduler = createScheduler({
    store,
    engine: engineOver(await builtinPapers()),
    topics: await builtinTopics(),
    posters: { slack: poster.post },
    logger: createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) }),
    clock,
    timers,
    sleep: async () => {},
    ...over,
  });
  /** Fire the one pending timer (it must wait `ms`) and wait until the next one is armed. */
  const fire = async (ms: number): Promise<void> => {
    expect(timers.pending.map((t) => t.ms)).toEqual([ms]);
    timers.pending.shift()!.fn();
    await vi.waitFor(() => expect(timers.pending).toHaveLength(1));
  };
  return { scheduler, timers, poster, lines, fire };
}

describe('scheduler timer', () => {
  it('wakes for the nearest slot of an active schedule; a paused schedule’s sooner slot does not wake it', async () => {
    const clock = new TestClock('2026-11-26T08:59:30Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec({ id: 'paused', cron: '0 9 * * *' }), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    await store.setPaused('paused', true, new Date('2026-11-26T08:00:00Z'));
    await store.insertSchedule(spec({ id: 'later', cron: '30 9 * * *', channelId: 'C2' }), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    const t = await setup(store, clock, { recheckMs: 3_600_000 });
    await t.scheduler.start();
    await t.fire(0);
    expect(t.timers.pending.map((p) => p.ms)).toEqual([30 * 60_000 + 30_000]);
    await t.scheduler.stop();
    await store.close();
  });

  it('a re-check interval longer than a timer can wait is cut to the longest wait a timer takes', async () => {
    const clock = new TestClock('2026-11-26T08:59:30Z');
    const store = SqliteScheduleStore.open(tempDb());
    const t = await setup(store, clock, { recheckMs: 2 ** 33 });
    await t.scheduler.start();
    await t.fire(0);
    expect(t.timers.pending.map((p) => p.ms)).toEqual([2 ** 31 - 1]);
    await t.scheduler.stop();
    await store.close();
  });

  it('a pass that fails is logged as an error and the timer is armed again; the next pass posts', async () => {
    const clock = new TestClock('2026-11-26T09:00:00Z');
    const real = SqliteScheduleStore.open(tempDb());
    await real.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    let broken = true;
    const store = withOverrides(real, {
      failAbandoned: async (before, now) => {
        if (broken) {
          broken = false;
          throw new Error('database is locked');
        }
        return real.failAbandoned(before, now);
      },
    });
    const t = await setup(store, clock, { recheckMs: 60_000 });
    await t.scheduler.start();
    await t.fire(0);
    expect(t.lines.filter((l) => l.msg === 'scheduler pass failed')).toEqual([
      expect.objectContaining({ level: 50, err: expect.objectContaining({ message: 'database is locked' }) }),
    ]);
    expect(t.poster.calls).toBe(0);
    await t.fire(60_000);
    expect(t.poster.posts).toHaveLength(1);
    await t.scheduler.stop();
    await real.close();
  });

  it('schedules that cannot be read when arming: logged as an error, re-checked after the re-check interval', async () => {
    const clock = new TestClock('2026-11-26T08:59:50Z');
    const real = SqliteScheduleStore.open(tempDb());
    await real.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    let reads = 0;
    const store = withOverrides(real, {
      listSchedules: async (where) => {
        // The pass reads them first; the read for the timer fails.
        if (++reads === 2) throw new Error('database is locked');
        return real.listSchedules(where);
      },
    });
    const t = await setup(store, clock, { recheckMs: 45_000 });
    await t.scheduler.start();
    await t.fire(0);
    expect(t.timers.pending.map((p) => p.ms)).toEqual([45_000]);
    expect(t.lines.filter((l) => l.msg === 'could not read schedules; retrying')).toEqual([
      expect.objectContaining({ level: 50, err: expect.objectContaining({ message: 'database is locked' }) }),
    ]);
    // Read fine again: the slot 10 s away decides.
    t.scheduler.refresh();
    await vi.waitFor(() => expect(t.timers.pending.map((p) => p.ms)).toEqual([10_000]));
    await t.scheduler.stop();
    await real.close();
  });

  it('start() twice arms one timer; refresh() before start() and after stop() arms none', async () => {
    const clock = new TestClock('2026-11-26T08:59:30Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    const t = await setup(store, clock);
    t.scheduler.refresh();
    await new Promise<void>((r) => setImmediate(r));
    expect(t.timers.pending).toEqual([]);
    await t.scheduler.start();
    await t.scheduler.start();
    expect(t.timers.pending.map((p) => p.ms)).toEqual([0]);
    await t.scheduler.stop();
    expect(t.timers.pending).toEqual([]);
    t.scheduler.refresh();
    await new Promise<void>((r) => setImmediate(r));
    expect(t.timers.pending).toEqual([]);
    await store.close();
  });

  it('a timer that fires after stop() does nothing', async () => {
    const clock = new TestClock('2026-11-26T09:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    // Timers whose clearTimeout cannot take back a timer already queued to run.
    const queued: (() => void)[] = [];
    const timers: Timers = { setTimeout: (fn) => queued.push(fn), clearTimeout: () => {} };
    const t = await setup(store, clock, { timers });
    await t.scheduler.start();
    await t.scheduler.stop();
    queued.shift()!();
    await new Promise<void>((r) => setImmediate(r));
    expect(t.poster.calls).toBe(0);
    expect(queued).toEqual([]);
    expect(await store.runs('daily')).toEqual([]);
    await store.close();
  });

  it('stop() during a pass waits for its delivery, and arms no timer after it', async () => {
    const clock = new TestClock('2026-11-26T09:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let posting = false;
    const posts: Reply[] = [];
    const t = await setup(store, clock, {
      posters: {
        slack: async (_channel, reply) => {
          posting = true;
          await held;
          posts.push(reply);
        },
      },
    });
    await t.scheduler.start();
    t.timers.pending.shift()!.fn();
    await until(() => posting, 'the post started');
    let stopped = false;
    const stopping = t.scheduler.stop().then(() => (stopped = true));
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(posts).toHaveLength(1);
    expect((await store.runs('daily'))[0]).toMatchObject({ outcome: 'posted' });
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
    expect(t.timers.pending).toEqual([]);
    await store.close();
  });

  it('refresh() racing stop(): once the schedules are read, no timer is armed', async () => {
    const clock = new TestClock('2026-11-26T08:59:30Z');
    const real = SqliteScheduleStore.open(tempDb());
    await real.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    const gate: { hold?: Promise<void> } = {};
    let reading = false;
    const store = withOverrides(real, {
      listSchedules: async (where) => {
        if (gate.hold) {
          reading = true;
          await gate.hold;
        }
        return real.listSchedules(where);
      },
    });
    const t = await setup(store, clock);
    await t.scheduler.start();
    let release!: () => void;
    gate.hold = new Promise<void>((r) => (release = r));
    t.scheduler.refresh();
    await until(() => reading, 'the schedules are being read');
    await t.scheduler.stop();
    release();
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
    expect(t.timers.pending).toEqual([]);
    await real.close();
  });

  it('with the real timers: start() posts a due slot on its own, and stop() ends it', async () => {
    const clock = new TestClock('2026-11-26T09:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    const channels: string[] = [];
    const scheduler = createScheduler({
      store,
      engine: engineOver(await builtinPapers()),
      topics: await builtinTopics(),
      posters: { slack: async ({ channelId }) => void channels.push(channelId) },
      logger: silentLogger(),
      clock,
      sleep: async () => {},
    });
    await scheduler.start();
    await until(() => channels.length > 0, 'the slot was posted');
    expect(channels).toEqual(['C1']);
    await scheduler.stop();
    await vi.waitFor(async () => expect((await store.runs('daily'))[0]).toMatchObject({ outcome: 'posted' }));
    await store.close();
  });
});
