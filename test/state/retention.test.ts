/**
 * Retention (`src/state/retention.ts`): one pass prunes every store of what is older than the
 * retention period, on both backends; a store that fails is logged and does not stop the others;
 * the timer runs a pass soon after start and then every interval, and stops.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import { createRetention, DEFAULT_RETENTION_DAYS } from '../../src/state/retention.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { eachBackend } from '../helpers/backends.ts';
import { TestClock } from '../helpers/clock.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-01-10T09:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * DAY);

/** A logger whose JSON lines the test reads. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

/** One old and one recent record in every store that grows. */
async function seed(state: State): Promise<void> {
  const spec = {
    platform: 'slack' as const,
    channelId: 'C1',
    cron: '0 9 * * *',
    timezone: 'UTC',
    kind: 'digest' as const,
    count: 1,
    filter: { kind: 'all' as const },
  };
  await state.schedules.insertSchedule({ ...spec, id: 'daily' }, { now: T0 }, 10);
  for (const [n, paper] of [
    [0, 'old'],
    [1, 'older-than-a-year-too'],
    [500, 'recent'],
  ] as const) {
    const c = await state.schedules.claimRun({
      scheduleId: 'daily',
      slot: day(n).toISOString(),
      slotAt: day(n),
      trigger: 'cron',
      now: day(n),
      plan: () => ({ kind: 'post', paperIds: [paper] }),
    });
    if (!c.claimed) throw new Error('not claimed');
    await state.schedules.finishRun(c.runId, { outcome: 'posted', attempts: 1 }, day(n));
  }
  await state.watches.insertWatch({ id: 'w-1', platform: 'slack', channelId: 'C1', personal: false, query: 'kv' }, T0, 10);
  for (const [n, paper] of [
    [0, 'old'],
    [500, 'recent'],
  ] as const) {
    const c = await state.watches.claimAlert({ watchId: 'w-1', papers: [{ id: paper }], now: day(n), maxTries: 3 });
    if (!c.claimed) throw new Error('not claimed');
    await state.watches.finishAlert(c.alertId, { status: 'posted', attempts: 1 }, day(n));
  }
  for (const n of [0, 1, 500]) await state.papers.recordRun({ source: 'hf', ok: true, at: day(n), added: 0, updated: 0, skipped: 0 });
  await state.papers.claimSlot('hf', day(0).toISOString(), day(0));
  await state.votes.recordPost({ platform: 'slack', channelId: 'C1', messageId: '1.1', paperId: 'old', postedAt: day(0) });
  await state.votes.recordPost({ platform: 'slack', channelId: 'C1', messageId: '2.2', paperId: 'recent', postedAt: day(500) });
  await state.ephemeral.put('conversation', 'gone', 'x', day(1));
  await state.ephemeral.put('conversation', 'live', 'x', day(600));
  // An "Add to Slack" click that never came back, and one still within its time.
  await state.installations.issueState('abandoned', day(2));
  await state.installations.issueState('fresh', day(502));
}

eachBackend((backend) => {
  it('one pass prunes every store of what is older than the retention period, logs the counts, and finds nothing the second time', async () => {
    const state = await (await backend.fresh()).open();
    await seed(state);
    const clock = new TestClock(day(501));
    const { logger, lines } = capturingLogger();
    const retention = createRetention({ state, days: DEFAULT_RETENTION_DAYS, logger, clock });
    const report = await retention.runOnce();
    expect(report).toEqual({
      before: day(501 - 365),
      schedules: { runs: 2, posted: 2 },
      watches: { alerts: 1, deliveries: 1 },
      // The newest success of hf (day 500) stays; days 0 and 1 go.
      papers: { ingestRuns: 2, jobSlots: 1 },
      votes: { posts: 1 },
      ephemeral: 1,
      installStates: 1,
      removedWorkspaces: { schedules: 0, watches: 0 },
      failed: [],
    });
    expect(await state.installations.consumeState('fresh', clock.now())).toMatchObject({ ok: true });
    expect(await state.schedules.postedPaperIds('slack', 'C1')).toEqual(['recent']);
    expect((await state.watches.deliveries('w-1')).map((d) => d.paperId)).toEqual(['recent']);
    expect(await state.ephemeral.get('conversation', 'live', clock.now())).toBe('x');
    const logged = lines.find((l) => l['msg'] === 'retention: old records pruned');
    expect(logged).toMatchObject({ days: 365, before: day(136).toISOString(), schedules: { runs: 2, posted: 2 }, votes: { posts: 1 }, ephemeral: 1 });
    expect(logged).not.toHaveProperty('failed');
    const again = await retention.runOnce();
    expect(again).toMatchObject({
      schedules: { runs: 0, posted: 0 },
      watches: { alerts: 0, deliveries: 0 },
      papers: { ingestRuns: 0, jobSlots: 0 },
      votes: { posts: 0 },
      ephemeral: 0,
      installStates: 0,
    });
  });
});

describe('retention', () => {
  const states: State[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of states.splice(0)) await s.close();
  });
  function memoryState(): State {
    const s = openMemoryState();
    states.push(s);
    return s;
  }

  it('a store whose prune fails is logged and named; the others are still pruned', async () => {
    const state = memoryState();
    await seed(state);
    vi.spyOn(state.votes, 'prune').mockRejectedValue(new Error('database is locked'));
    const { logger, lines } = capturingLogger();
    const report = await createRetention({ state, days: 30, logger, clock: new TestClock(day(501)) }).runOnce();
    expect(report.failed).toEqual(['votes']);
    expect(report).not.toHaveProperty('votes');
    expect(report.schedules).toEqual({ runs: 2, posted: 2 });
    expect(lines.find((l) => l['level'] === 50)).toMatchObject({ store: 'votes', msg: expect.stringMatching(/pruning failed/) });
    expect(lines.find((l) => l['msg'] === 'retention: old records pruned')).toMatchObject({ failed: ['votes'] });
  });

  it('start(): a pass after the first delay, then one every interval, until stop(); a call during a pass shares it', async () => {
    vi.useFakeTimers();
    const state = memoryState();
    const prune = vi.spyOn(state.schedules, 'prune');
    const retention = createRetention({ state, days: 7, logger: silentLogger(), clock: new TestClock(T0), firstDelayMs: 1000, intervalMs: DAY });
    retention.start();
    retention.start(); // idempotent
    await vi.advanceTimersByTimeAsync(999);
    expect(prune).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(1);
    expect(prune).toHaveBeenCalledWith(new Date(T0.getTime() - 7 * DAY));
    await vi.advanceTimersByTimeAsync(DAY);
    expect(prune).toHaveBeenCalledTimes(2);
    const [x, y] = [retention.runOnce(), retention.runOnce()];
    expect(x).toBe(y);
    await x;
    expect(prune).toHaveBeenCalledTimes(3);
    await retention.stop();
    await vi.advanceTimersByTimeAsync(3 * DAY);
    expect(prune).toHaveBeenCalledTimes(3);
  });

  it('refuses a retention outside 7 to 3650 days', () => {
    const state = memoryState();
    for (const days of [6, 3651, 30.5]) {
      expect(() => createRetention({ state, days, logger: silentLogger() }), String(days)).toThrow(RangeError);
    }
  });
});
