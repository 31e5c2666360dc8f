import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { rejectsNothing } from '../discord/helpers.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { recordingSleep, spec, tempDb, TestClock } from './helpers.ts';

let fake: FakeDiscord | undefined;
let adapter: DiscordAdapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
  adapter = undefined;
  fake = undefined;
});
// Registered after the cleanup above, so it runs first (after-hooks run last-registered first).
rejectsNothing(() => fake);

describe('scheduled posts through the real Discord adapter (fake Discord)', () => {
  it('posts a paper of the day to the channel, and records a refused post as failed', async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
    const { paperboy } = await createPaperboy({ logger: silentLogger() });
    adapter = createDiscordAdapter({ config: { token: fake.token, apiUrl: fake.apiUrl }, paperboy, logger: silentLogger(), restRetries: 0 });
    await adapter.start();
    const channel = fake.world.channelId;
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    const a = adapter;
    const scheduler = createScheduler({
      store,
      engine: paperboy.deps.engine,
      topics: paperboy.deps.topics,
      posters: { discord: (id, reply) => a.post(id, reply) },
      logger: silentLogger(),
      clock,
      sleep: recordingSleep(),
    });
    await store.insertSchedule(spec({ platform: 'discord', channelId: channel, kind: 'paper-of-the-day', count: 1 }), { now: clock.now() }, 10);

    const from = fake.requests.length;
    const [ok] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(ok?.outcome).toBe('posted');
    const req = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`, 5000, from);
    expect(req.status).toBe(200);
    const paper = paperboy.deps.engine.byId(ok!.paperIds[0]!)!;
    expect(JSON.stringify(req.body)).toContain(paper.title.slice(0, 40));

    fake.fail('POST', new RegExp(`^/channels/${channel}/messages$`), 403, 50013, 'Missing Permissions', 4);
    const [failed] = await scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(failed?.outcome).toBe('failed');
    expect(failed?.detail).toMatch(/Missing Permissions|50013|403/);
    await store.close();
  });
});
