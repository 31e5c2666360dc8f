/**
 * Votes through the real discord.js client against the local fake Discord: a `show` answer,
 * MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE over the gateway (on messages the client never
 * cached), and `top`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { startVotes, type Voting } from '../../src/votes/index.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, reactionPayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const bob: FakeUser = { id: '100000000000000778', username: 'bob' };
const otherBot: FakeUser = { id: '100000000000000888', username: 'otherbot', bot: true };
const DM_CHANNEL = '100000000000000555';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
let voting: Voting;
let dir: string;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  paperboy = await newTestPaperboy();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-votes-discord-'));
  voting = startVotes({ config: { dataDir: dir }, paperboy, logger: silentLogger(), store: SqliteVoteStore.open(join(dir, 'state.db')) });
  adapter = createDiscordAdapter({ config: { token: fake.token, apiUrl: fake.apiUrl }, paperboy, logger: silentLogger(), deferAfterMs: 1000, restRetries: 0 });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await voting?.close();
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

async function until(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const votes = async (channelId = fake.world.channelId) => (await voting.store.votes({ platform: 'discord', channelId, since: new Date(0), limit: 100 })).length;
const text = (body: MessageBody) => JSON.stringify(body.embeds) + body.content;

describe('votes in Discord', () => {
  it('@Paperboy show snapkv, a 👍 on the answer: top shows 1 vote; removed: no votes', async () => {
    const shown = await mention('show snapkv');
    expect(text(shown.body)).toMatch(/SnapKV/);
    const channelId = fake.world.channelId;
    await until(async () => (await voting.store.findPost({ platform: 'discord', channelId, messageId: shown.messageId })) !== undefined, 'the post record');
    expect(await voting.store.findPost({ platform: 'discord', channelId, messageId: shown.messageId })).toMatchObject({ workspaceId: fake.world.guildId });

    // No votes: a bot's reaction, the bot's own, an emoji that does not count, a message that is not ours.
    react(shown.messageId, otherBot, '👍', true);
    react(shown.messageId, fake.world.bot, '👍', true);
    react(shown.messageId, alice, '👀', true);
    react(snowflake(), alice, '👍', true);
    // A vote (with a skin tone), then a second counted emoji by the same person: one vote.
    react(shown.messageId, alice, '👍🏽', true);
    react(shown.messageId, alice, '❤️', true);
    await until(async () => (await votes()) === 1, 'the vote');

    const top = await mention('top');
    expect(text(top.body)).toMatch(/Most voted here/);
    expect(text(top.body)).toMatch(/\*\*1 vote\*\*/);
    expect(text(top.body)).toMatch(/SnapKV/);
    expect(top.body.components.length).toBeGreaterThan(0);

    // Removing one of the two keeps the vote; removing both removes it.
    react(shown.messageId, alice, '👍🏽', false);
    await new Promise((r) => setTimeout(r, 150));
    expect(await votes()).toBe(1);
    react(shown.messageId, alice, '❤️', false);
    await until(async () => (await votes()) === 0, 'the vote to go');
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
    await until(
      async () => (await voting.store.findPost({ platform: 'discord', channelId, messageId: slashMessage })) !== undefined,
      'the slash answer record',
    );
    // A public list is answered the usual way (no record, no extra query).
    const listPayload = slashPayload(fake.world, { user: bob }, 'search', { query: 'kv cache' });
    fake.dispatch('INTERACTION_CREATE', listPayload);
    const listCb = await fake.waitFor((r) => r.path === `/interactions/${String(listPayload['id'])}/${String(listPayload['token'])}/callback`, 5000, from);
    expect(listCb.query.get('with_response')).toBeNull();

    react(slashMessage, alice, '⭐', true);
    react(slashMessage, bob, '🔥', true);
    react(a.messageId, bob, '👍', true);
    await until(async () => (await votes()) === 3, 'three votes');
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
    await until(async () => (await votes()) === 0, 'the votes to go');
  });

  it('reactions in a DM with the bot count there (DirectMessageReactions)', async () => {
    const shown = await mention('show snapkv', { dm: true });
    await until(
      async () => (await voting.store.findPost({ platform: 'discord', channelId: DM_CHANNEL, messageId: shown.messageId })) !== undefined,
      'the DM post record',
    );
    react(shown.messageId, alice, '🔥', true, { dmChannelId: DM_CHANNEL });
    await until(async () => (await votes(DM_CHANNEL)) === 1, 'the DM vote');
    react(shown.messageId, alice, '🔥', false, { dmChannelId: DM_CHANNEL });
    await until(async () => (await votes(DM_CHANNEL)) === 0, 'the DM vote to go');
  });
});

describe('votes in Discord: a deferred public answer', () => {
  it('learns the message id from the edited original response', async () => {
    const fake2 = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
    const bot = await newTestPaperboy();
    const dir2 = mkdtempSync(join(tmpdir(), 'paperboy-votes-discord-'));
    const voting2 = startVotes({ config: { dataDir: dir2 }, paperboy: bot, logger: silentLogger(), store: SqliteVoteStore.open(join(dir2, 'state.db')) });
    // A command about one paper that answers after the adapter has deferred.
    bot.register({
      name: 'slowshow',
      summary: 'show, slowly (test only)',
      usage: '<paper>',
      examples: ['slowshow snapkv'],
      args: 'required',
      flags: [],
      async run(input, deps, ctx) {
        await new Promise((r) => setTimeout(r, 200));
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
      const edit = await fake2.waitFor((r) => r.method === 'PATCH' && /messages\/@original$/.test(r.path), 5000);
      const messageId = String((edit.response as { id: string }).id);
      const deferred = fake2.find('POST', /\/callback$/)[0]!;
      expect((deferred.body as { type: number }).type).toBe(5);
      await until(
        async () => (await voting2.store.findPost({ platform: 'discord', channelId: fake2.world.channelId, messageId })) !== undefined,
        'the deferred answer record',
      );
    } finally {
      await slow.stop();
      await fake2.close();
      await voting2.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
