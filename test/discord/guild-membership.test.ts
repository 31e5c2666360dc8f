/**
 * Being removed from a Discord server, and added to one (issue #19), through discord.js against
 * the fake gateway: `guildDelete` pauses that server's schedules and watches, `guildCreate` (and
 * `ready`, for the servers the bot is in) resumes them; an outage (`unavailable`) changes nothing.
 * Then a scheduled post and a 429 through the real adapter: the post carries its server, and the
 * rate limit (which discord.js waits out itself) is not a failed delivery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { PostedMessage } from '../../src/core/post-events.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import type { ScheduleSpec } from '../../src/schedule/schedule.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { workspaceEvents } from '../../src/workspaces/events.ts';
import { WORKSPACE_REMOVED_REASON } from '../../src/workspaces/lifecycle.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { guildCreatePayload } from '../fakes/discord/payloads.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { TestClock } from '../helpers/clock.ts';
import { eventually, rejectsNothing } from './helpers.ts';

const tempDir = useTempDirs('paperboy-guilds-');

let fake: FakeDiscord | undefined;
let adapter: DiscordAdapter | undefined;
let state: State | undefined;
afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
  await state?.close();
  adapter = undefined;
  fake = undefined;
  state = undefined;
});
rejectsNothing(() => fake);

function schedule(id: string, guildId: string, channelId: string): ScheduleSpec {
  return {
    id,
    platform: 'discord',
    workspaceId: guildId,
    channelId,
    cron: '0 9 * * *',
    timezone: 'UTC',
    kind: 'paper-of-the-day',
    count: 1,
    filter: { kind: 'all' },
  };
}

async function startBot(on: { removed: (id: string) => Promise<void>; added: (id: string) => Promise<void> }) {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  const paperboy = await newTestPaperboy();
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: silentLogger(),
    restRetries: 0,
    onGuildRemoved: on.removed,
    onGuildAdded: on.added,
  });
  await adapter.start();
  return { fake, adapter, paperboy };
}

describe('the bot removed from a Discord server, and added again', () => {
  it('calls back on removal and addition (and at ready for the servers it is in), never on an outage', async () => {
    const calls: string[] = [];
    const { fake } = await startBot({ removed: async (id) => void calls.push(`removed ${id}`), added: async (id) => void calls.push(`added ${id}`) });
    const guild = fake.world.guildId;
    await eventually(() => expect(calls).toEqual([`added ${guild}`]));

    // An outage: the server is unavailable, then back. Nothing to pause or resume.
    fake.dispatch('GUILD_DELETE', { id: guild, unavailable: true });
    fake.dispatch('GUILD_CREATE', guildCreatePayload(fake.world));
    // Kicked: removed.
    fake.dispatch('GUILD_DELETE', { id: guild });
    await eventually(() => expect(calls).toEqual([`added ${guild}`, `removed ${guild}`]));
    // A removal of a server the bot does not know (already gone) is no news.
    fake.dispatch('GUILD_DELETE', { id: guild });
    // Invited again.
    fake.dispatch('GUILD_CREATE', guildCreatePayload(fake.world));
    await eventually(() => expect(calls).toEqual([`added ${guild}`, `removed ${guild}`, `added ${guild}`]));
  });

  it('pauses the server’s schedules and watches when removed and resumes them when added again (main.ts’s wiring)', async () => {
    state = openSqliteState(tempDir());
    const s = state;
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const events = workspaceEvents(s, 'discord', silentLogger(), clock);
    const worldGuild = '100000000000000100';
    await s.schedules.insertSchedule(schedule('s-here', worldGuild, '100000000000000200'), { now: clock.now() }, 10);
    await s.schedules.insertSchedule(schedule('s-there', '100000000000000999', '100000000000000998'), { now: clock.now() }, 10);
    await s.watches.insertWatch(
      { id: 'w-here', platform: 'discord', workspaceId: worldGuild, channelId: '100000000000000200', personal: false, query: 'kv cache' },
      clock.now(),
      20,
    );
    const { fake } = await startBot({ removed: events.removed, added: events.installed });

    fake.dispatch('GUILD_DELETE', { id: worldGuild });
    await eventually(async () => expect((await s.schedules.getSchedule('s-here'))?.pausedReason).toBe(WORKSPACE_REMOVED_REASON));
    expect((await s.watches.getWatch('w-here'))?.pausedReason).toBe(WORKSPACE_REMOVED_REASON);
    expect((await s.schedules.getSchedule('s-there'))?.paused).toBe(false);

    fake.dispatch('GUILD_CREATE', guildCreatePayload(fake.world));
    await eventually(async () => expect((await s.schedules.getSchedule('s-here'))?.paused).toBe(false));
    expect((await s.watches.getWatch('w-here'))?.paused).toBe(false);
  });

  it('a scheduled post carries its server to the adapter, and a 429 on the way is not a failed delivery', async () => {
    const { fake, adapter, paperboy } = await startBot({ removed: async () => {}, added: async () => {} });
    state = openSqliteState(tempDir());
    const s = state;
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const channel = fake.world.channelId;
    await s.schedules.insertSchedule(schedule('s-potd', fake.world.guildId, channel), { now: clock.now() }, 10);
    const posted: PostedMessage[] = [];
    paperboy.observe({ wants: () => true, posted: async (post) => void posted.push(post), reacted: async () => {} });
    const a = adapter;
    const scheduler = createScheduler({
      store: s.schedules,
      engine: paperboy.deps.engine,
      topics: paperboy.deps.topics,
      posters: { discord: (target, reply) => a.post(target, reply) },
      logger: silentLogger(),
      clock,
      sleep: async () => {},
    });
    fake.rateLimit('POST', new RegExp(`^/channels/${channel}/messages$`), { retryAfter: 0.2 });
    const from = fake.requests.length;
    const [run] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(run).toMatchObject({ outcome: 'posted', attempts: 1 });
    expect(
      fake.requests
        .slice(from)
        .filter((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`)
        .map((r) => r.status),
    ).toEqual([429, 200]);
    expect(posted).toEqual([expect.objectContaining({ platform: 'discord', channelId: channel, workspaceId: fake.world.guildId })]);
  });
});
