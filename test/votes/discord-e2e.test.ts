/**
 * Votes through the real discord.js client against the local fake Discord: a `show` answer,
 * MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE over the gateway (on messages the client never
 * cached), and `top`. The fake rejects any body Discord would reject, and none was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { startVotes, type Voting } from '../../src/votes/index.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import type { ReactionEvent } from '../../src/core/post-events.ts';
import { DeferSwitch, eventually, Gate, rejectsNothing } from '../discord/helpers.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, reactionPayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const bob: FakeUser = { id: '100000000000000778', username: 'bob' };
const otherBot: FakeUser = { id: '100000000000000888', username: 'otherbot', bot: true };
const DM_CHANNEL = '100000000000000555';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
let voting: Voting;
let dir: string;
/** Reactions the core has been told about, each after the vote observer handled it. */
const reactions: ReactionEvent[] = [];
rejectsNothing(() => fake);

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  paperboy = await newTestPaperboy();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-votes-discord-'));
  voting = startVotes({ paperboy, logger: silentLogger(), store: SqliteVoteStore.open(join(dir, 'state.db')) });
  // Observers are told in turn: this one hears of a reaction once the votes have recorded it.
  paperboy.observe({ wants: () => false, posted: async () => {}, reacted: async (e) => void reactions.push(e) });
  // Answers are never deferred here (the defer decision waits for a test that never makes it).
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: silentLogger(),
    deferWait: new DeferSwitch().wait,
    restRetries: 0,
  });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await voting?.close();
  await voting?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const botMention = () => `<@${fake.world.bot.id}>`;

/** Dispatch a mention (or a DM) and wait for the bot's reply; returns the reply's request and message id. */
async function mention(text: string, opts: { dm?: boolean } = {}): Promise<{ req: RecordedRequest; body: MessageBody; messageId: string }> {
  const id = snowflake();
  const from = fake.requests.length;
  const content = opts.dm ? text : `${botMention()} ${text}`;
  fake.dispatch(
    'MESSAGE_CREATE',
    messageCreatePayload(fake.world, {
      id,
      content,
      author: alice,
      mentions: opts.dm ? [] : [fake.world.bot],
      ...(opts.dm ? { dmChannelId: DM_CHANNEL } : {}),
    }),
  );
  const req = await fake.waitFor(
    (r) => r.method === 'POST' && /\/messages$/.test(r.path) && (r.body as MessageBody).message_reference?.message_id === id,
    5000,
    from,
  );
  return { req, body: req.body as MessageBody, messageId: String((req.response as { id: string }).id) };
}

function react(messageId: string, user: FakeUser, emoji: string, added: boolean, extra: { dmChannelId?: string; customId?: string } = {}): void {
  fake.dispatch(
    added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE',
    reactionPayload(fake.world, { user, messageId, emoji, messageAuthorId: fake.world.bot.id, ...extra }, added),
  );
}

const votes = async (channelId = fake.world.channelId) => (await voting.store.votes({ platform: 'discord', channelId, since: new Date(0), limit: 100 })).length;
const text = (body: MessageBody) => JSON.stringify(body.embeds) + body.content;

describe('votes in Discord', () => {
  it('@Paperboy show snapkv, a 👍 on the answer: top shows 1 vote; removed: no votes', async () => {
    const shown = await mention('show snapkv');
    expect(text(shown.body)).toMatch(/SnapKV/);
    const channelId = fake.world.channelId;
    await eventually(async () =>
      expect(await voting.store.findPost({ platform: 'discord', channelId, messageId: shown.messageId })).toMatchObject({ workspaceId: fake.world.guildId }),
    );

    // No votes: a bot's reaction, the bot's own, an emoji that does not count, a message that is not ours.
    react(shown.messageId, otherBot, '👍', true);
    react(shown.messageId, fake.world.bot, '👍', true);
    react(shown.messageId, alice, '👀', true);
    react(snowflake(), alice, '👍', true);
    // A vote (with a skin tone), then a second counted emoji by the same person: one vote.
    react(shown.messageId, alice, '👍🏽', true);
    react(shown.messageId, alice, '❤️', true);
    await eventually(async () => expect(await votes()).toBe(1));

    const top = await mention('top');
    expect(text(top.body)).toMatch(/Most voted here/);
    expect(text(top.body)).toMatch(/\*\*1 vote\*\*/);
    expect(text(top.body)).toMatch(/SnapKV/);
    expect(top.body.components.length).toBeGreaterThan(0);

    // Removing one of the two keeps the vote; removing both removes it.
    react(shown.messageId, alice, '👍🏽', false);
    await eventually(() => expect(reactions).toContainEqual(expect.objectContaining({ messageId: shown.messageId, emoji: '👍🏽', added: false })));
    expect(await votes()).toBe(1);
    react(shown.messageId, alice, '❤️', false);
    await eventually(async () => expect(await votes()).toBe(0));
    const none = await mention('top');
    expect(text(none.body)).toMatch(/No votes in this channel in the last 30 days yet/);
    expect(text(none.body)).toContain('👍 ⭐ ❤️ 🔥');
  });

  it('two people, two papers: top ranks them; a public /papers show answer is votable through its callback', async () => {
    const channelId = fake.world.channelId;
    const a = await mention('show zipcache');
    // /papers show snapkv: answered with the interaction callback, which tells the message id.
    const from = fake.requests.length;
    const payload = slashPayload(fake.world, { user: bob }, 'show', { paper: 'snapkv' });
    fake.dispatch('INTERACTION_CREATE', payload);
    const cb = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/interactions/${String(payload['id'])}/${String(payload['token'])}/callback`,
      5000,
      from,
    );
    expect(cb.query.get('with_response')).toBe('true');
    const slashMessage = String((cb.response as { resource: { message: { id: string } } }).resource.message.id);
    await eventually(async () =>
      expect(await voting.store.findPost({ platform: 'discord', channelId, messageId: slashMessage })).toMatchObject({
        channelId,
        messageId: slashMessage,
        workspaceId: fake.world.guildId,
      }),
    );
    // A public list is answered the usual way (no record, no extra query).
    const listPayload = slashPayload(fake.world, { user: bob }, 'search', { query: 'kv cache' });
    fake.dispatch('INTERACTION_CREATE', listPayload);
    const listCb = await fake.waitFor((r) => r.path === `/interactions/${String(listPayload['id'])}/${String(listPayload['token'])}/callback`, 5000, from);
    expect(listCb.query.get('with_response')).toBeNull();

    react(slashMessage, alice, '⭐', true);
    react(slashMessage, bob, '🔥', true);
    react(a.messageId, bob, '👍', true);
    await eventually(async () => expect(await votes()).toBe(3));
    const top = await mention('top 5');
    const t = text(top.body);
    expect(t.indexOf('SnapKV')).toBeGreaterThan(-1);
    expect(t.indexOf('SnapKV')).toBeLessThan(t.indexOf('ZipCache'));
    expect(t).toMatch(/\*\*2 votes\*\*/);
    // `show 2` follows up on the list.
    const second = await mention('show 2');
    expect(text(second.body)).toMatch(/ZipCache/);
    for (const [m, u, e] of [
      [slashMessage, alice, '⭐'],
      [slashMessage, bob, '🔥'],
      [a.messageId, bob, '👍'],
    ] as const)
      react(m, u, e, false);
    await eventually(async () => expect(await votes()).toBe(0));
  });

  it('reactions in a DM with the bot count there (DirectMessageReactions)', async () => {
    const shown = await mention('show snapkv', { dm: true });
    await eventually(async () =>
      expect(await voting.store.findPost({ platform: 'discord', channelId: DM_CHANNEL, messageId: shown.messageId })).toMatchObject({
        channelId: DM_CHANNEL,
        messageId: shown.messageId,
      }),
    );
    react(shown.messageId, alice, '🔥', true, { dmChannelId: DM_CHANNEL });
    await eventually(async () => expect(await votes(DM_CHANNEL)).toBe(1));
    react(shown.messageId, alice, '🔥', false, { dmChannelId: DM_CHANNEL });
    await eventually(async () => expect(await votes(DM_CHANNEL)).toBe(0));
  });
});

describe('votes in Discord: a deferred public answer', () => {
  it('with the real defer timer: an answer still held after deferAfterMs is deferred (callback 5); the edited original response gives the message id to vote on', async () => {
    const fake2 = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
    const bot = await newTestPaperboy();
    const dir2 = mkdtempSync(join(tmpdir(), 'paperboy-votes-discord-'));
    const voting2 = startVotes({ paperboy: bot, logger: silentLogger(), store: SqliteVoteStore.open(join(dir2, 'state.db')) });
    // A command about one paper that answers only once the adapter has deferred (the test opens the gate then).
    const gate = new Gate();
    bot.register({
      name: 'slowshow',
      summary: 'show, slowly (test only)',
      usage: '<paper>',
      examples: ['slowshow snapkv'],
      args: 'required',
      flags: [],
      async run(input, deps, ctx) {
        await gate.wait();
        return bot.run(`show ${input.args.join(' ')}`, { ...ctx, userId: 'slow' });
      },
    });
    const slow = createDiscordAdapter({
      config: { token: fake2.token, apiUrl: fake2.apiUrl },
      paperboy: bot,
      logger: silentLogger(),
      deferAfterMs: 20,
      restRetries: 0,
    });
    try {
      await slow.start();
      const payload = slashPayload(fake2.world, { user: bob }, 'slowshow', { text: 'snapkv' });
      fake2.dispatch('INTERACTION_CREATE', payload);
      // The work cannot finish before the gate opens, so the 20 ms timer decides: deferred.
      const deferred = await fake2.waitFor((r) => r.method === 'POST' && /\/callback$/.test(r.path), 5000);
      expect(deferred.body).toEqual({ type: 5 });
      gate.open();
      const edit = await fake2.waitFor((r) => r.method === 'PATCH' && /messages\/@original$/.test(r.path), 5000);
      expect(edit.status).toBe(200);
      const messageId = String((edit.response as { id: string }).id);
      await eventually(async () =>
        expect(await voting2.store.findPost({ platform: 'discord', channelId: fake2.world.channelId, messageId })).toMatchObject({
          channelId: fake2.world.channelId,
          messageId,
        }),
      );
      expect(fake2.invalidSummary()).toEqual([]);
    } finally {
      await slow.stop();
      await fake2.close();
      await voting2.close();
      await voting2.store.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
