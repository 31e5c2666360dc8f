/**
 * End to end: the real discord.js client against the local fake Discord (REST + gateway).
 * Events are dispatched over the gateway; assertions are on the exact REST calls the bot makes.
 * The fake rejects any body Discord would reject, and after each test none was (`rejectsNothing`).
 * Whether an interaction is deferred is decided by the test (`DeferSwitch`), never by elapsed time.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import type { Command } from '../../src/commands/command.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { span, type Reply } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { autocompletePayload, buttonPayload, messageCreatePayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { limitViolations } from './check-limits.ts';
import { asMessage, DeferSwitch, eventually, Gate, rejectsNothing, trackHandling } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const otherBot: FakeUser = { id: '100000000000000888', username: 'otherbot', bot: true };
const DM_CHANNEL = '100000000000000555';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
const logLines: string[] = [];
const defer = new DeferSwitch();
/** Where the `slow` command waits until the test lets it answer. */
const slowGate = new Gate();
const tracking = trackHandling();
rejectsNothing(() => fake);

/** A test-only command that answers only when the test opens `slowGate`, to exercise deferred responses. */
const slowCommand: Command = {
  name: 'slow',
  summary: 'Answer slowly (test only)',
  usage: '[--page N]',
  examples: ['slow'],
  args: 'none',
  flags: [{ name: 'page', type: 'int', min: 1, max: 9, help: 'page', default: 1 }],
  async run(input) {
    await slowGate.wait();
    const page = Number(input.flags['page'] ?? 1);
    return {
      tone: 'ok',
      summary: `slow page ${page}`,
      blocks: [{ kind: 'paragraph', text: [span.text(`Slow answer, page ${page}.`)] }],
      paging: { page, pages: 3, total: 3, perPage: 1, ...(page < 3 ? { next: { id: 'next', label: 'Next ▶', command: `slow --page ${page + 1}` } } : {}) },
    };
  },
};

/** Link URLs around Discord's 512-character limit for a link button. */
const LONG_CODE_URL = `https://github.com/x/p1?${'q=kv-cache&'.repeat(55)}end`;
const URL_AT_LIMIT = `https://example.org/${'p'.repeat(512 - 'https://example.org/'.length)}`;

/** A test-only command: one paper whose code link is over 512 characters (a long query string) and whose project link is exactly 512. */
const longLinksCommand: Command = {
  name: 'longlinks',
  summary: 'A paper with a very long code link (test only)',
  usage: '',
  examples: ['longlinks'],
  args: 'none',
  flags: [],
  async run(): Promise<Reply> {
    const paper = testCard(1, {
      rank: undefined,
      links: [
        { kind: 'code', url: LONG_CODE_URL },
        { kind: 'project', url: URL_AT_LIMIT },
        { kind: 'arxiv', url: 'https://arxiv.org/abs/2404.14469' },
      ],
    });
    return { tone: 'ok', summary: paper.title, blocks: [{ kind: 'paper', paper }] };
  },
};

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  paperboy = await newTestPaperboy();
  paperboy.register(slowCommand);
  paperboy.register(longLinksCommand);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: pino({ level: 'debug' }, sink),
    deferWait: defer.wait,
    restRetries: 1,
  });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

const botMention = () => `<@${fake.world.bot.id}>`;

/** Dispatch a message and wait for the bot's reply to it. */
async function mention(content: string, opts: { dm?: boolean; author?: FakeUser } = {}): Promise<{ id: string; req: RecordedRequest; body: MessageBody }> {
  const id = snowflake();
  const from = fake.requests.length;
  fake.dispatch(
    'MESSAGE_CREATE',
    messageCreatePayload(fake.world, {
      id,
      content,
      author: opts.author ?? alice,
      mentions: content.includes(botMention()) ? [fake.world.bot] : [],
      ...(opts.dm ? { dmChannelId: DM_CHANNEL } : {}),
    }),
  );
  const req = await fake.waitFor(
    (r) => r.method === 'POST' && /\/messages$/.test(r.path) && (r.body as MessageBody).message_reference?.message_id === id,
    5000,
    from,
  );
  return { id, req, body: req.body as MessageBody };
}

/** Dispatch an interaction and wait for its callback. */
async function interact(
  payload: Record<string, unknown>,
): Promise<{ req: RecordedRequest; body: { type: number; data?: MessageBody & { choices?: { name: string; value: string }[] } } }> {
  const from = fake.requests.length;
  fake.dispatch('INTERACTION_CREATE', payload);
  const req = await fake.waitFor(
    (r) => r.method === 'POST' && r.path === `/interactions/${String(payload['id'])}/${String(payload['token'])}/callback`,
    5000,
    from,
  );
  return { req, body: req.body as { type: number; data?: MessageBody } };
}

function buttons(body: MessageBody) {
  return body.components.flatMap((r) => r.components).filter((b): b is typeof b & { custom_id: string; label: string } => 'custom_id' in b);
}

describe('Discord adapter over a real discord.js client', () => {
  it('identifies with Guilds, GuildMessages, DirectMessages and their reactions only (no MessageContent)', () => {
    expect(fake.identifies).toHaveLength(1);
    const intents = Number(fake.identifies[0]!['intents']);
    expect(intents).toBe((1 << 0) | (1 << 9) | (1 << 10) | (1 << 12) | (1 << 13));
    expect(intents & (1 << 15)).toBe(0);
    const gw = fake.find('GET', /^\/gateway\/bot$/);
    expect(gw.length).toBeGreaterThan(0);
    expect(gw[0]!.authorized).toBe(true);
  });

  it('answers heartbeats', async () => {
    await eventually(() => expect(fake.heartbeats).toBeGreaterThan(0));
  });

  it('replies to a mention with a message_reference, embeds within limits and no mentions', async () => {
    const { id, req, body } = await mention(`${botMention()} search kv cache`);
    expect(req.path).toBe(`/channels/${fake.world.channelId}/messages`);
    expect(req.authorized).toBe(true);
    expect(body.message_reference).toEqual({ message_id: id, channel_id: fake.world.channelId, guild_id: fake.world.guildId, fail_if_not_exists: false });
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]!.title).toBe('Results for “kv cache”');
    expect(limitViolations(asMessage(body))).toEqual([]);
    const ids = buttons(body).map((b) => b.custom_id);
    expect(ids.every((c) => /^pb2:[ue]:\S/.test(c) || /^pb1:[ue]:[\w-]{12}$/.test(c) || c.startsWith('noop:'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a bare mention shows help', async () => {
    const { body } = await mention(botMention());
    expect(JSON.stringify(body.embeds)).toMatch(/search/);
    expect(body.embeds[0]!.title ?? '').toMatch(/Paperboy|Commands|help/i);
  });

  it('follow-ups: show 2 after a search shows its second result; show 42 says the list is shorter', async () => {
    const list = await mention(`${botMention()} search kv cache compression`);
    const titles = list.body.embeds.map((e) => e.title ?? '').filter((t) => /^\d+\. /.test(t));
    expect(titles.length).toBeGreaterThanOrEqual(2);
    const second = await mention(`${botMention()} show 2`);
    expect(titles[1]!.replace(/^2\. /, '')).toBe(second.body.embeds[0]!.title);
    const past = await mention(`${botMention()} show 42`);
    expect(JSON.stringify(past.body)).toMatch(/No result 42: the last list shows results 1–5\./);
  });

  it('answers DMs without a mention', async () => {
    const { req, body } = await mention('show snapkv', { dm: true });
    expect(req.path).toBe(`/channels/${DM_CHANNEL}/messages`);
    expect(body.message_reference).toMatchObject({ channel_id: DM_CHANNEL, fail_if_not_exists: false });
    expect(body.message_reference).not.toHaveProperty('guild_id');
    expect(body.embeds[0]!.author?.name).toBe('SnapKV');
    expect(body.embeds[0]!.title).toBe('SnapKV: LLM Knows What You are Looking for Before Generation');
    expect(body.embeds[0]!.description).toMatch(/^\*\*TL;DR\*\* .*SnapKV/);
    expect(body.embeds[0]!.description).toMatch(/\nLarge Language Models/);
  });

  it('ignores channel messages without a mention, other bots, itself and webhooks', async () => {
    const from = fake.requests.length;
    const quiet = [
      messageCreatePayload(fake.world, { content: 'search kv cache', author: alice }),
      messageCreatePayload(fake.world, { content: `${botMention()} search kv`, author: otherBot, mentions: [fake.world.bot] }),
      messageCreatePayload(fake.world, { content: `${botMention()} search kv`, author: fake.world.bot, mentions: [fake.world.bot] }),
      messageCreatePayload(fake.world, {
        content: `${botMention()} search kv`,
        author: { id: '100000000000000999', username: 'hook', bot: true },
        mentions: [fake.world.bot],
        webhookId: '100000000000000999',
      }),
      messageCreatePayload(fake.world, { content: '@everyone look', author: alice }),
      // A reply to one of the bot's messages with "mention" on: Discord lists the bot in `mentions`
      // (and sends the content), but nobody addressed the bot.
      {
        ...messageCreatePayload(fake.world, { content: 'thanks, that was the one', author: alice, mentions: [fake.world.bot] }),
        type: 19,
        message_reference: { message_id: snowflake(), channel_id: fake.world.channelId, guild_id: fake.world.guildId },
      },
    ];
    for (const m of quiet) fake.dispatch('MESSAGE_CREATE', m);
    for (const m of quiet) await tracking.handled(String(m['id']));
    expect(fake.requests.slice(from)).toEqual([]);
    const { id } = await mention(`${botMention()} stats`);
    const posts = fake.requests.slice(from).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect((posts[0]!.body as MessageBody).message_reference?.message_id).toBe(id);
  });

  it('hostile input gets one clear reply and pings nobody', async () => {
    const evil = await mention(`${botMention()} @everyone <@&123> <@456> **__~~`);
    expect(evil.body.allowed_mentions).toEqual({ parse: [] });
    const text = JSON.stringify(evil.body.embeds);
    expect(text).not.toMatch(/@everyone|<@&\d|<@\d/);
    expect(limitViolations(asMessage(evil.body))).toEqual([]);

    const long = await mention(`${botMention()} ${'paper '.repeat(834)}`);
    expect(JSON.stringify(long.body.embeds)).toMatch(/too long/i);
    expect(limitViolations(asMessage(long.body))).toEqual([]);

    const control = await mention(`${botMention()} show \u0007snap\u0000kv`);
    expect(JSON.stringify(control.body.embeds)).toMatch(/control character/i);
  });

  it('/papers search replies publicly (callback 4) with the results', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'search', { query: 'kv cache', limit: 3, code: true });
    const { req, body } = await interact(p);
    expect(req.sentAuth).toBe(false);
    expect(body.type).toBe(4);
    expect(body.data!.flags).toBeUndefined();
    expect(body.data!.allowed_mentions).toEqual({ parse: [] });
    expect(body.data!.embeds[0]!.title).toBe('Results for “kv cache” (with code)');
    expect(body.data!.embeds.length).toBeLessThanOrEqual(4);
    expect(limitViolations(asMessage(body.data!))).toEqual([]);
  });

  it('/papers errors go privately to the user (callback 4, ephemeral)', async () => {
    const { body } = await interact(slashPayload(fake.world, { user: alice }, 'help', { command: 'nosuchcommand' }));
    expect(body.type).toBe(4);
    expect(body.data!.flags).toBe(64);
    expect(JSON.stringify(body.data!.embeds)).toMatch(/No command named/);
  });

  it('/papers works in DMs', async () => {
    const { body } = await interact(slashPayload(fake.world, { user: alice, dm: true }, 'topics'));
    expect(body.type).toBe(4);
    expect(body.data!.embeds.length).toBeGreaterThan(0);
  });

  it('an unexpected invocation shape gets a clear private answer', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'no-such-sub');
    const { body } = await interact(p);
    expect(body.type).toBe(4);
    expect(body.data!.flags).toBe(64);
    expect(JSON.stringify(body.data)).toMatch(/no longer available/);
  });

  it('autocompletes paper references (callback 8) within limits', async () => {
    const { body } = await interact(autocompletePayload(fake.world, { user: alice }, 'show', { paper: 'snap' }, 'paper'));
    expect(body.type).toBe(8);
    const choices = body.data!.choices!;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]!.value).toMatch(/snapkv/);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
      expect(paperboy.deps.engine.byId(c.value)?.id).toBe(c.value);
    }
  });

  it('autocompletes topic names, and gives nothing for free-text options', async () => {
    const topic = paperboy.deps.topics[0]!;
    const { body } = await interact(autocompletePayload(fake.world, { user: alice }, 'topic', { name: topic.name.slice(0, 3) }, 'name'));
    expect(body.type).toBe(8);
    expect(body.data!.choices!.map((c) => c.value)).toContain(topic.name);
    const none = await interact(autocompletePayload(fake.world, { user: alice }, 'search', { query: 'kv' }, 'query'));
    expect(none.body).toEqual({ type: 8, data: { choices: [] } });
  });

  it('Next updates the message in place (callback 7); Abstract answers privately (callback 4, ephemeral)', async () => {
    const { body } = await mention(`${botMention()} search model`);
    const next = buttons(body).find((b) => b.label.startsWith('Next'))!;
    expect(next.custom_id).toBe('pb2:u:search model --page 2');
    const paged = await interact(buttonPayload(fake.world, { user: alice }, next.custom_id));
    expect(paged.body.type).toBe(7);
    expect(JSON.stringify(paged.body.data!.embeds)).toMatch(/page 2 of/);
    expect(limitViolations(asMessage(paged.body.data!))).toEqual([]);

    const abstract = buttons(body).find((b) => b.label.startsWith('Abstract'))!;
    expect(abstract.custom_id).toMatch(/^pb2:e:show /);
    const shown = await interact(buttonPayload(fake.world, { user: alice }, abstract.custom_id));
    expect(shown.body.type).toBe(4);
    expect(shown.body.data!.flags).toBe(64);
    expect(shown.body.data!.embeds[0]!.description!.length).toBeGreaterThan(200);
  });

  it('a button whose command is in its id works in a process that never rendered it (after a restart)', async () => {
    const { body } = await interact(buttonPayload(fake.world, { user: alice }, 'pb2:e:show snapkv'));
    expect(body.type).toBe(4);
    expect(body.data!.flags).toBe(64);
    expect(JSON.stringify(body.data)).toMatch(/SnapKV/);
    const paged = await interact(buttonPayload(fake.world, { user: alice }, 'pb2:u:search kv cache --page 2'));
    expect(paged.body.type).toBe(7);
    expect(JSON.stringify(paged.body.data!.embeds)).toMatch(/page 2 of/);
  });

  it('an expired or unknown button says so privately; the disabled page counter is just acknowledged', async () => {
    const { body } = await interact(buttonPayload(fake.world, { user: alice }, 'pb1:u:AAAAAAAAAAAA'));
    expect(body.type).toBe(4);
    expect(body.data!.flags).toBe(64);
    expect(JSON.stringify(body.data)).toMatch(/This button has expired/);
    const legacy = await interact(buttonPayload(fake.world, { user: alice }, 'something-else'));
    expect(JSON.stringify(legacy.body.data)).toMatch(/expired/);
    const noop = await interact(buttonPayload(fake.world, { user: alice }, 'noop:page'));
    expect(noop.body).toEqual({ type: 6 });
  });

  it('a slash command still running when the defer decision comes is deferred (callback 5), then the original response is edited with its answer', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slow');
    const token = String(p['token']);
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    await eventually(() => expect([defer.waiting, slowGate.waiting]).toEqual([1, 1]));
    defer.deferAll();
    const callback = await fake.waitFor((r) => r.method === 'POST' && r.path.includes(token), 5000, from);
    expect(callback.body).toEqual({ type: 5 });
    slowGate.open();
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${fake.world.applicationId}/${token}/messages/@original`, 5000, from);
    expect(edit.sentAuth).toBe(false);
    expect((edit.body as MessageBody).embeds[0]!.description).toBe('Slow answer, page 1.');
    expect((edit.body as MessageBody).allowed_mentions).toEqual({ parse: [] });
    await tracking.handled(String(p['id']));
    expect(fake.requests.slice(from).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 204', 'PATCH 200']);
  });

  it('a page click still running when the defer decision comes is deferred as an update (callback 6), then the clicked message is edited', async () => {
    const click = buttonPayload(fake.world, { user: alice }, 'pb2:u:slow --page 2');
    const token = String(click['token']);
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', click);
    await eventually(() => expect([defer.waiting, slowGate.waiting]).toEqual([1, 1]));
    defer.deferAll();
    const callback = await fake.waitFor((r) => r.method === 'POST' && r.path.includes(token), 5000, from);
    expect(callback.body).toEqual({ type: 6 });
    slowGate.open();
    const edited = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(token), 5000, from);
    expect((edited.body as MessageBody).embeds[0]!.description).toBe('Slow answer, page 2.');
    expect(buttons(edited.body as MessageBody).map((b) => b.custom_id)).toContain('pb2:u:slow --page 3');
  });

  it('a slash command whose answer is ready before the defer decision is answered directly (callback 4), never deferred', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slow');
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    await eventually(() => expect(slowGate.waiting).toBe(1));
    slowGate.open();
    await tracking.handled(String(p['id']));
    expect(defer.waiting).toBe(0);
    const calls = fake.requests.slice(from).filter((r) => r.path.includes(String(p['token'])));
    expect(calls.map((r) => (r.body as { type: number }).type)).toEqual([4]);
    expect((calls[0]!.body as { data: MessageBody }).data.embeds[0]!.description).toBe('Slow answer, page 1.');
  });

  it('a link URL over 512 characters gets no link button, and the reply is delivered (not rejected); one of exactly 512 keeps its button', async () => {
    expect(LONG_CODE_URL.length).toBeGreaterThan(512);
    expect(URL_AT_LIMIT.length).toBe(512);
    const { req, body } = await mention(`${botMention()} longlinks`);
    expect(req.status).toBe(200);
    expect(req.invalid).toBeUndefined();
    const links = body.components.flatMap((r) => r.components).flatMap((b) => ('url' in b ? [{ label: b.label, url: b.url }] : []));
    expect(links).toEqual([
      { label: 'Project page', url: URL_AT_LIMIT },
      { label: 'arXiv', url: 'https://arxiv.org/abs/2404.14469' },
    ]);
    // In the text, the long link is named without its URL.
    expect(body.embeds[0]!.description).toContain(`Code · [Project page](${URL_AT_LIMIT}) · [arXiv](https://arxiv.org/abs/2404.14469)`);
    expect(JSON.stringify(body)).not.toContain(LONG_CODE_URL);
  });

  it('a refused reply (50013 Missing Permissions) is logged with its reason and the bot keeps serving', async () => {
    fake.fail('POST', new RegExp(`^/channels/${fake.world.channelId}/messages$`), 403, 50013, 'Missing Permissions');
    const id = snowflake();
    fake.dispatch('MESSAGE_CREATE', messageCreatePayload(fake.world, { id, content: `${botMention()} stats`, author: alice, mentions: [fake.world.bot] }));
    await eventually(() => expect(logLines.some((l) => l.includes('"code":50013'))).toBe(true));
    const line = JSON.parse(logLines.find((l) => l.includes('"code":50013'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ status: 403, code: 50013, reason: 'Missing Permissions', op: 'create message' });
    expect(String(line['hint'])).toMatch(/permission/);
    const again = await mention(`${botMention()} stats`);
    expect(again.body.embeds.length).toBeGreaterThan(0);
  });

  it('Discord 500s are retried, then logged, and the bot keeps serving', async () => {
    fake.fail('POST', /\/messages$/, 500, 0, 'Internal Server Error', 2);
    const id = snowflake();
    const from = fake.requests.length;
    fake.dispatch('MESSAGE_CREATE', messageCreatePayload(fake.world, { id, content: `${botMention()} stats`, author: alice, mentions: [fake.world.bot] }));
    await eventually(() => expect(logLines.some((l) => l.includes('"status":500'))).toBe(true));
    // Two tries of the answer, then one plain-text reply with the failure's reference.
    const told = await fake.waitFor((r) => r.method === 'POST' && (r.body as MessageBody).message_reference?.message_id === id && r.status === 200, 5000, from);
    expect((told.body as MessageBody).content).toMatch(/^Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\.$/);
    const posts = fake.requests.slice(from).filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, (r.body as MessageBody).embeds.length > 0])).toEqual([
      [500, true],
      [500, true],
      [200, false],
    ]);
    const again = await mention(`${botMention()} help`);
    expect(again.body.embeds.length).toBeGreaterThan(0);
  });

  it('an expired interaction (10062) is logged, not thrown', async () => {
    fake.fail('POST', /^\/interactions\//, 404, 10062, 'Unknown interaction');
    fake.dispatch('INTERACTION_CREATE', slashPayload(fake.world, { user: alice }, 'stats'));
    await eventually(() => expect(logLines.some((l) => l.includes('"code":10062'))).toBe(true));
    const { body } = await interact(slashPayload(fake.world, { user: alice }, 'stats'));
    expect(body.type).toBe(4);
  });

  it('post() sends a scheduled reply to a channel, and rejects clearly when Discord refuses', async () => {
    const reply = await paperboy.run('digest 3', { platform: 'discord' });
    const from = fake.requests.length;
    await adapter.post({ channelId: fake.world.channelId }, reply);
    const req = fake.requests.slice(from).find((r) => r.method === 'POST')!;
    expect(req.path).toBe(`/channels/${fake.world.channelId}/messages`);
    expect((req.body as MessageBody).allowed_mentions).toEqual({ parse: [] });
    expect(req.body).not.toHaveProperty('message_reference');
    fake.fail('POST', /\/messages$/, 403, 50001, 'Missing Access');
    await expect(adapter.post({ channelId: fake.world.channelId }, reply)).rejects.toThrow(/Missing Access \(code 50001\)/);
  });

  it('a failure while answering is logged under a reference id, secrets scrubbed, and the user is told the reference', async () => {
    const run = paperboy.run.bind(paperboy);
    const runWords = paperboy.runWords.bind(paperboy);
    const secretPath = `/interactions/123456789/tok-77-secret/callback`;
    paperboy.run = async (text, ctx) => {
      if (text.includes('explode-now')) throw new Error(`boom with ${fake.token} at ${secretPath}`);
      return run(text, ctx);
    };
    // Slash commands arrive as words.
    paperboy.runWords = async (words, ctx) => {
      if (words.some((w) => w.text.includes('explode-now'))) throw new Error(`boom with ${fake.token} at ${secretPath}`);
      return runWords(words, ctx);
    };
    try {
      const { body } = await mention(`${botMention()} search explode-now`);
      const ref = /\(ref ([0-9a-f]{8})\)/.exec(body.content)?.[1];
      expect(body.content).toMatch(/^Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\.$/);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      await eventually(() => expect(logLines.some((l) => l.includes(`"ref":"${ref}"`))).toBe(true));
      const line = logLines.find((l) => l.includes(`"ref":"${ref}"`))!;
      expect(line).toContain('[redacted]');
      expect(line).not.toContain(fake.token);
      expect(line).not.toContain('tok-77-secret');

      const slash = await interact(slashPayload(fake.world, { user: alice }, 'search', { query: 'explode-now' }));
      expect(slash.body.type).toBe(4);
      expect(slash.body.data?.flags).toBe(64);
      expect(slash.body.data?.content).toMatch(/^Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\.$/);
      const slashRef = /\(ref ([0-9a-f]{8})\)/.exec(slash.body.data?.content ?? '')?.[1];
      await eventually(() => expect(logLines.some((l) => l.includes(`"ref":"${slashRef}"`))).toBe(true));
    } finally {
      paperboy.run = run;
      paperboy.runWords = runWords;
    }
  });

  it('never logs the bot token or an interaction token', () => {
    const all = logLines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(fake.token);
    expect(all).not.toMatch(/tok-\d+-secret/);
  });
});

describe('start and stop', () => {
  it('a rejected token fails start() with a clear message', async () => {
    const other = await FakeDiscord.start();
    const bad = createDiscordAdapter({
      config: { token: ['MTAwMDAwMDAwMDAwMDAwMDAw', 'Gwrong', 'wrong-token-wrong-token-wrong-token00'].join('.'), apiUrl: other.apiUrl },
      paperboy,
      logger: silentLogger(),
      restRetries: 0,
    });
    await expect(bad.start()).rejects.toThrow(/Discord rejected the bot token/);
    await bad.stop();
    await other.close();
  });

  it('a gateway that never becomes ready fails start() with a clear message and no unhandled rejection', async () => {
    const hung = await FakeDiscord.start({ neverReady: true });
    const a = createDiscordAdapter({
      config: { token: hung.token, apiUrl: hung.apiUrl },
      paperboy,
      logger: silentLogger(),
      readyTimeoutMs: 400,
      closeTimeoutMs: 300,
    });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      await expect(a.start()).rejects.toThrow(/did not become ready in time/);
      await new Promise((r) => setImmediate(r));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await a.stop();
      await hung.close();
    }
  });

  it('stop() closes the gateway connection and is idempotent', async () => {
    const other = await FakeDiscord.start();
    const a = createDiscordAdapter({ config: { token: other.token, apiUrl: other.apiUrl }, paperboy, logger: silentLogger() });
    await a.start();
    expect(other.connections).toBe(1);
    await a.stop();
    await a.stop();
    await eventually(() => expect(other.connections).toBe(0));
    await other.close();
  });
});
