/**
 * Reactions through the real discord.js client against the local fake Discord: what the core is
 * told (`Paperboy.reacted`) for MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE on messages the
 * client never cached, in a guild and in a DM; which reactions are left out (bots, this bot); and
 * that a failure while handling one is logged and does not stop the next.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { ReactionEvent } from '../../src/core/post-events.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, reactionPayload, snowflake, type FakeUser, type ReactionSpec } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { DeferSwitch, eventually, rejectsNothing } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const otherBot: FakeUser = { id: '100000000000000888', username: 'otherbot', bot: true };
const DM_CHANNEL = '100000000000000555';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
/** Every reaction the core was told about, in order. */
const seen: ReactionEvent[] = [];
const logLines: Record<string, unknown>[] = [];
rejectsNothing(() => fake);

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  paperboy = await newTestPaperboy();
  paperboy.observe({ wants: () => false, posted: async () => {}, reacted: async (e) => void seen.push(e) });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: pino({ level: 'debug' }, sink),
    deferWait: new DeferSwitch().wait,
    restRetries: 0,
  });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

function react(spec: Omit<ReactionSpec, 'messageAuthorId'>, added: boolean): void {
  fake.dispatch(
    added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE',
    reactionPayload(fake.world, { ...spec, messageAuthorId: fake.world.bot.id }, added),
  );
}

/** The events the core hears of from now on, once `count` of them have arrived. */
async function next(count: number, act: () => void): Promise<ReactionEvent[]> {
  const from = seen.length;
  act();
  await eventually(() => expect(seen.length - from).toBeGreaterThanOrEqual(count));
  return seen.slice(from);
}

describe('Discord reactions reach the core', () => {
  it('in a guild: added and removed, with the guild as workspace, the channel, message, person and emoji', async () => {
    const messageId = snowflake();
    const events = await next(2, () => {
      react({ user: alice, messageId, emoji: '👍' }, true);
      react({ user: alice, messageId, emoji: '👍' }, false);
    });
    const where = { platform: 'discord', workspaceId: fake.world.guildId, channelId: fake.world.channelId, messageId, userId: alice.id, emoji: '👍' };
    expect(events).toEqual([
      { ...where, added: true },
      { ...where, added: false },
    ]);
  });

  it('in a DM: the DM channel, and no workspace', async () => {
    // The client knows a DM channel once a message came in it (as before any reply of the bot there).
    const from = fake.requests.length;
    fake.dispatch('MESSAGE_CREATE', messageCreatePayload(fake.world, { content: 'help', author: alice, dmChannelId: DM_CHANNEL }));
    await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${DM_CHANNEL}/messages`, 5000, from);
    const messageId = snowflake();
    const [event] = await next(1, () => react({ user: alice, messageId, emoji: '🔥', dmChannelId: DM_CHANNEL }, true));
    expect(event).toEqual({ platform: 'discord', channelId: DM_CHANNEL, messageId, userId: alice.id, emoji: '🔥', added: true });
  });

  it('a custom emoji is told by its name (that is what vote emoji are configured with)', async () => {
    const messageId = snowflake();
    const [event] = await next(1, () => react({ user: alice, messageId, emoji: 'paperclap', customId: '100000000000000999' }, true));
    expect(event).toMatchObject({ messageId, emoji: 'paperclap', added: true });
  });

  it('reactions of another bot and of this bot are left out; a person reacting next is told', async () => {
    const messageId = snowflake();
    const events = await next(1, () => {
      react({ user: otherBot, messageId, emoji: '👍' }, true);
      react({ user: fake.world.bot, messageId, emoji: '👍' }, true);
      react({ user: alice, messageId, emoji: '⭐' }, true);
    });
    expect(events.map((e) => [e.userId, e.emoji])).toEqual([[alice.id, '⭐']]);
  });

  it('a custom emoji Discord no longer names (deleted from the server: name null) is left out', async () => {
    const messageId = snowflake();
    const events = await next(1, () => {
      const nameless = reactionPayload(
        fake.world,
        { user: alice, messageId, emoji: 'gone', customId: '100000000000000998', messageAuthorId: fake.world.bot.id },
        true,
      );
      fake.dispatch('MESSAGE_REACTION_ADD', { ...nameless, emoji: { id: '100000000000000998', name: null } });
      react({ user: alice, messageId, emoji: '👍' }, true);
    });
    expect(events.map((e) => e.emoji)).toEqual(['👍']);
  });

  it('a failure while telling the core is logged at error level, and the next reaction is still told', async () => {
    const reacted = paperboy.reacted.bind(paperboy);
    paperboy.reacted = async (e) => {
      if (e.emoji === '💥') throw new Error('the core fell over');
      return reacted(e);
    };
    try {
      const failing = snowflake();
      const after = snowflake();
      const events = await next(1, () => {
        react({ user: alice, messageId: failing, emoji: '💥' }, true);
        react({ user: alice, messageId: after, emoji: '👍' }, true);
      });
      expect(events.map((e) => e.messageId)).toEqual([after]);
      await eventually(() =>
        expect(logLines).toContainEqual(
          expect.objectContaining({ level: 50, err: expect.objectContaining({ message: expect.stringMatching(/the core fell over/) }) }),
        ),
      );
    } finally {
      paperboy.reacted = reacted;
    }
  });
});
