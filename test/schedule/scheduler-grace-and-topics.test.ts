/**
 * The grace window's edge (a slot exactly `graceMs` late is still posted) and topics given as a
 * getter (reloaded at runtime: a topic added later is found at the next slot).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import type { Topic } from '../../src/library/topics.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { builtinPapers, builtinTopics, engineOver, RecordingPoster, rig, spec, tempDb, TestClock } from './helpers.ts';

describe('the grace window', () => {
  it('a slot exactly as late as the grace window is still posted', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, graceMs: 10 * 60_000 });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:10:00Z'));
    expect(rep).toMatchObject({ slot: '2026-11-26T09:00:00.000Z', outcome: 'posted' });
    expect(r.poster.posts).toHaveLength(1);
    await r.store.close();
  });
});

describe('topics from a getter', () => {
  it('a topic that appears at runtime is found at the next slot', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    const all = await builtinTopics();
    const topic = all[0]!;
    let topics: readonly Topic[] = [];
    const poster = new RecordingPoster();
    const scheduler = createScheduler({
      store,
      engine: engineOver(await builtinPapers()),
      topics: () => topics,
      posters: { slack: poster.post },
      logger: silentLogger(),
      clock,
    });
    await store.insertSchedule(spec({ filter: { kind: 'topic', topic: topic.name } }), { now: clock.now() }, 10);
    const [missing] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(missing).toMatchObject({ outcome: 'failed', detail: `the topic "${topic.name}" no longer exists` });
    topics = all;
    const [found] = await scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(found?.outcome).toBe('posted');
    expect(poster.posts).toHaveLength(1);
    await store.close();
  });
});
