import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { expectNoRejections, startHttp, type HttpHarness } from '../slack/harness.ts';
import { builtinPapers, builtinTopics, engineOver, recordingSleep, spec, tempDb, TestClock } from './helpers.ts';

let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});
expectNoRejections(() => harness?.api);

describe('scheduled posts through the real Slack adapter (fake Slack Web API)', () => {
  it('posts a digest with chat.postMessage, and records Slack refusals as failed with the Slack error', async () => {
    harness = await startHttp();
    const { api, adapter } = harness;
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    try {
      const scheduler = createScheduler({
        store,
        engine: engineOver(await builtinPapers()),
        topics: await builtinTopics(),
        posters: { slack: (channel, reply) => adapter.post(channel, reply) },
        logger: silentLogger(),
        clock,
        sleep: recordingSleep(),
      });
      await store.insertSchedule(spec({ channelId: 'C0123ML4RD', count: 3, filter: { kind: 'topic', topic: 'kv-cache' } }), { now: clock.now() }, 10);

      const [ok] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
      expect(ok?.outcome).toBe('posted');
      const posts = api.callsTo('chat.postMessage');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.args['channel']).toBe('C0123ML4RD');
      const blocks = JSON.stringify(posts[0]!.args['blocks']);
      for (const id of ok!.paperIds) expect(blocks).toContain(id);

      for (let i = 0; i < 4; i++) api.failNext('chat.postMessage', { kind: 'platform', error: 'channel_not_found' });
      const [failed] = await scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
      expect(failed).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/channel_not_found/) });
      const [run] = await store.runs('daily');
      expect(run).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/channel_not_found/) });
    } finally {
      await store.close();
    }
  });
});
