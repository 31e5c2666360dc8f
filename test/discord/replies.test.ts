/**
 * End to end, the real discord.js client against the local fake Discord (with `fake-extras.ts` for
 * DM channels and deleting an interaction's response):
 * - a reply Discord rejects (400 / 50035 Invalid Form Body) is followed by one short plain-text
 *   reply carrying the reference id that the log line has, on every path;
 * - a public `/papers` command that ends in an error after it was deferred is shown only to the
 *   user (the public "thinking…" message is removed);
 * - `@Paperboy saved` (and save, unsave) in a guild channel answers by DM, never in the channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { DM_REFUSED, SENT_BY_DM } from '../../adapters/discord/message-handler.ts';
import type { Command } from '../../src/commands/command.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { span } from '../../src/reply/reply.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { buttonPayload, messageCreatePayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { allText } from './check-limits.ts';
import { dmChannelFor, startFakeExtras, type FakeExtras } from './fake-extras.ts';
import { asMessage, DeferSwitch, eventually, Gate, rejectsNothing, trackHandling } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const REF = /^Sorry, something went wrong on our side \(ref ([0-9a-f]{8})\)\.$/;

let fake: FakeDiscord;
let extras: FakeExtras;
let adapter: DiscordAdapter;
let reading: Reading;
let dir: string;
const logLines: Record<string, unknown>[] = [];
const defer = new DeferSwitch();
/** Where the slow commands wait until the test lets them answer. */
const slowGate = new Gate();
const tracking = trackHandling();
rejectsNothing(() => fake);

/** Test-only commands that answer when the test opens `slowGate` (after it had the adapter defer). */
const slow = (name: string, tone: 'ok' | 'error'): Command => ({
  name,
  summary: `${name} (test only)`,
  usage: '[--page N]',
  examples: [name],
  args: 'none',
  flags: [{ name: 'page', type: 'int', min: 1, max: 9, help: 'page', default: 1 }],
  async run(input) {
    await slowGate.wait();
    const page = Number(input.flags['page'] ?? 1);
    if (tone === 'error')
      return { tone, summary: 'That went wrong', blocks: [{ kind: 'paragraph', text: [span.text('Private problem: your query was bad.')] }] };
    return {
      tone,
      summary: `slow page ${page}`,
      blocks: [{ kind: 'paragraph', text: [span.text(`Slow answer, page ${page}.`)] }],
      paging: { page, pages: 3, total: 3, perPage: 1, ...(page < 3 ? { next: { id: 'next', label: 'Next ▶', command: `${name} --page ${page + 1}` } } : {}) },
    };
  },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-replies-'));
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  extras = await startFakeExtras(fake);
  const paperboy = await newTestPaperboy();
  paperboy.register(slow('slow', 'ok'));
  paperboy.register(slow('slowfail', 'error'));
  reading = startReading({ paperboy, logger: silentLogger(), store: SqliteReadingListStore.open(join(dir, 'state.db')) });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: extras.apiUrl },
    paperboy,
    logger: pino({ level: 'debug' }, sink),
    deferWait: defer.wait,
    restRetries: 0,
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await extras?.close();
  await fake?.close();
  await reading?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (r: RecordedRequest) => r.body as MessageBody;

/** The reference in a plain-text failure reply; checks the log has the same reference with Discord's reason. */
async function refIn(content: string, reason: RegExp): Promise<string> {
  expect(content).toMatch(REF);
  const ref = REF.exec(content)![1]!;
  await eventually(() => expect(logLines.some((l) => l['ref'] === ref && reason.test(String(l['reason'])))).toBe(true));
  return ref;
}

/**
 * Dispatch an interaction for a slow command; once the command is running and the adapter waits
 * for the defer decision, have it defer, wait for the deferral, then let the command answer.
 */
async function deferThenAnswer(payload: Record<string, unknown>): Promise<void> {
  const from = fake.requests.length;
  fake.dispatch('INTERACTION_CREATE', payload);
  await eventually(() => expect([defer.waiting, slowGate.waiting]).toEqual([1, 1]));
  defer.deferAll();
  await fake.waitFor((r) => r.method === 'POST' && r.path.endsWith(`/${String(payload['token'])}/callback`), 5000, from);
  slowGate.open();
}

/** Requests after index `from` for one interaction token, as `METHOD path-tail`, with their bodies. */
function tokenRequests(from: number, token: string): { what: string; body: MessageBody & { type?: number; data?: MessageBody } }[] {
  return fake.requests
    .slice(from)
    .filter((r) => r.path.includes(token))
    .map((r) => ({
      what: `${r.method} ${r.path.replace(/^\/(interactions|webhooks)\/\d+\/[^/]+/, '')}`,
      body: r.body as MessageBody & { type?: number; data?: MessageBody },
    }));
}

const webhook = (token: string, tail = '') => new RegExp(`^/webhooks/${fake.world.applicationId}/${token}${tail}$`);

describe('a reply Discord rejects is followed by a plain-text reply with a reference', () => {
  it('fast /papers answer: the rejected callback is retried once as a private plain-text callback', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'search', { query: 'kv cache' });
    const token = String(p['token']);
    fake.fail('POST', new RegExp(`^/interactions/${String(p['id'])}/${token}/callback$`), 400, 50035, 'Invalid Form Body');
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    await fake.waitFor((r) => r.path.includes(token) && r.status === 204, 5000, from);
    const calls = tokenRequests(from, token);
    expect(calls.map((c) => c.what)).toEqual(['POST /callback', 'POST /callback']);
    expect(calls[0]!.body.data!.embeds.length).toBeGreaterThan(0);
    const told = calls[1]!.body;
    expect(told.type).toBe(4);
    expect(told.data).toMatchObject({ embeds: [], components: [], flags: 64, allowed_mentions: { parse: [] } });
    await refIn(told.data!.content, /Invalid Form Body \(code 50035\)/);
  });

  it('deferred public answer: a rejected edit ends private (plain text with the reference), not stuck on "thinking…"', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slow');
    const token = String(p['token']);
    fake.fail('PATCH', webhook(token, '/messages/@original'), 400, 50035, 'Invalid Form Body');
    const from = fake.requests.length;
    await deferThenAnswer(p);
    await fake.waitFor((r) => r.method === 'DELETE' && r.path.includes(token), 5000, from);
    const calls = tokenRequests(from, token);
    expect(calls.map((c) => c.what)).toEqual([
      'POST /callback',
      'PATCH /messages/@original',
      'PATCH /messages/@original',
      'POST ',
      'DELETE /messages/@original',
    ]);
    expect(calls[0]!.body).toEqual({ type: 5 });
    expect(calls[1]!.body.embeds.length).toBeGreaterThan(0);
    expect(calls[2]!.body).toMatchObject({ embeds: [], components: [] });
    expect(calls[2]!.body.content).not.toMatch(/ref/);
    expect(calls[3]!.body).toMatchObject({ flags: 64, embeds: [], components: [], allowed_mentions: { parse: [] } });
    await refIn(calls[3]!.body.content, /Invalid Form Body \(code 50035\)/);
  });

  it('deferred page click: a rejected edit of the clicked message is followed by a private plain-text follow-up', async () => {
    const click = buttonPayload(fake.world, { user: alice }, 'pb2:u:slow --page 2');
    const token = String(click['token']);
    fake.fail('PATCH', webhook(token, '/messages/@original'), 400, 50035, 'Invalid Form Body');
    const from = fake.requests.length;
    await deferThenAnswer(click);
    const followUp = await fake.waitFor((r) => r.method === 'POST' && webhook(token).test(r.path), 5000, from);
    expect(tokenRequests(from, token).map((c) => c.what)).toEqual(['POST /callback', 'PATCH /messages/@original', 'POST ']);
    expect(body(followUp)).toMatchObject({ flags: 64, embeds: [], components: [] });
    await refIn(body(followUp).content, /code 50035/);
  });

  it('mention: a rejected reply is retried once as a plain-text reply to the message', async () => {
    const id = snowflake();
    const from = fake.requests.length;
    fake.fail('POST', new RegExp(`^/channels/${fake.world.channelId}/messages$`), 400, 50035, 'Invalid Form Body');
    fake.dispatch(
      'MESSAGE_CREATE',
      messageCreatePayload(fake.world, { id, content: `<@${fake.world.bot.id}> search kv cache`, author: alice, mentions: [fake.world.bot] }),
    );
    const told = await fake.waitFor((r) => r.method === 'POST' && r.status === 200 && body(r).message_reference?.message_id === id, 5000, from);
    const posts = fake.requests.slice(from).filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, body(r).embeds.length > 0])).toEqual([
      [400, true],
      [200, false],
    ]);
    expect(body(told)).toMatchObject({ embeds: [], components: [], allowed_mentions: { parse: [] } });
    await refIn(body(told).content, /Invalid Form Body \(code 50035\)/);
  });
});

describe('errors of a public /papers command are private, deferred or not', () => {
  it('after a public defer, the error goes in a private follow-up and the public message is deleted', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slowfail');
    const token = String(p['token']);
    const from = fake.requests.length;
    await deferThenAnswer(p);
    await fake.waitFor((r) => r.method === 'DELETE' && r.path.includes(token), 5000, from);
    const calls = tokenRequests(from, token);
    expect(calls.map((c) => c.what)).toEqual(['POST /callback', 'PATCH /messages/@original', 'POST ', 'DELETE /messages/@original']);
    expect(calls[0]!.body).toEqual({ type: 5 });
    // The public message never shows the error, only a neutral line until it is deleted.
    expect(calls[1]!.body.embeds).toEqual([]);
    expect(JSON.stringify(calls[1]!.body)).not.toMatch(/Private problem/);
    // The error itself is private, in full.
    expect(calls[2]!.body.flags).toBe(64);
    expect(allText(asMessage(calls[2]!.body))).toMatch(/Private problem: your query was bad\./);
  });

  it('a deferred public answer that is not an error edits the public message, and nothing more is sent', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slow');
    const token = String(p['token']);
    const from = fake.requests.length;
    await deferThenAnswer(p);
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(token), 5000, from);
    expect(body(edit).embeds[0]!.description).toBe('Slow answer, page 1.');
    await tracking.handled(String(p['id']));
    expect(tokenRequests(from, token).map((c) => c.what)).toEqual(['POST /callback', 'PATCH /messages/@original']);
  });
});

describe('@Paperboy save / saved in a guild channel answer by DM', () => {
  const bob: FakeUser = { id: '100000000000000778', username: 'bob' };

  /** Mention the bot in the guild channel; resolve with the channel reply to it. */
  async function mention(text: string, author: FakeUser): Promise<{ from: number; reply: MessageBody }> {
    const id = snowflake();
    const from = fake.requests.length;
    fake.dispatch('MESSAGE_CREATE', messageCreatePayload(fake.world, { id, content: `<@${fake.world.bot.id}> ${text}`, author, mentions: [fake.world.bot] }));
    const req = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/channels/${fake.world.channelId}/messages` && body(r).message_reference?.message_id === id,
      5000,
      from,
    );
    return { from, reply: body(req) };
  }

  const dmPosts = (from: number, user: FakeUser) =>
    fake.requests.slice(from).filter((r) => r.method === 'POST' && r.path === `/channels/${dmChannelFor(user.id)}/messages`);

  it('the answer goes to the asker by DM; the channel only hears "Sent you a DM."', async () => {
    const saved = await mention('save snapkv', bob);
    expect(saved.reply).toMatchObject({ content: SENT_BY_DM, embeds: [], components: [] });
    expect(allText(asMessage(body(dmPosts(saved.from, bob)[0]!)))).toMatch(/Saved \*\*SnapKV\*\* to your reading list/);

    const list = await mention('saved', bob);
    expect(list.reply).toMatchObject({ content: SENT_BY_DM, embeds: [], components: [] });
    const open = fake.requests.slice(list.from).filter((r) => r.method === 'POST' && r.path === '/users/@me/channels');
    expect(open.map((r) => r.body)).toEqual([{ recipient_id: bob.id }]);
    const dm = dmPosts(list.from, bob);
    expect(dm).toHaveLength(1);
    expect(body(dm[0]!).embeds[0]!.title).toBe('Your reading list');
    expect(allText(asMessage(body(dm[0]!)))).toContain('SnapKV');
    expect(body(dm[0]!)).not.toHaveProperty('message_reference');
    // Nothing of the list went to the channel.
    const channelPosts = fake.requests.slice(list.from).filter((r) => r.method === 'POST' && r.path === `/channels/${fake.world.channelId}/messages`);
    expect(channelPosts).toHaveLength(1);
    expect(JSON.stringify(channelPosts[0]!.body)).not.toMatch(/SnapKV|reading list/i);
  });

  it('when the DM is refused (50007), the channel gets a pointer and none of the list', async () => {
    fake.fail('POST', new RegExp(`^/channels/${dmChannelFor(bob.id)}/messages$`), 403, 50007, 'Cannot send messages to this user');
    const list = await mention('saved', bob);
    expect(list.reply).toMatchObject({ content: DM_REFUSED, embeds: [], components: [], allowed_mentions: { parse: [] } });
    expect(list.reply.content).toMatch(/\/papers saved/);
    expect(JSON.stringify(list.reply)).not.toMatch(/SnapKV/);
    await eventually(() => expect(logLines.some((l) => l['code'] === 50007 && l['op'] === 'create message')).toBe(true));
  });

  it('when the DM channel cannot be opened, the channel gets the same pointer', async () => {
    fake.fail('POST', /^\/users\/@me\/channels$/, 403, 50007, 'Cannot send messages to this user');
    const list = await mention('saved', bob);
    expect(list.reply.content).toBe(DM_REFUSED);
    expect(dmPosts(list.from, bob)).toHaveLength(0);
  });

  it('other commands still answer in the channel; in a DM, saved answers there', async () => {
    const shown = await mention('show snapkv', bob);
    expect(shown.reply.embeds[0]!.author?.name).toBe('SnapKV');
    const id = snowflake();
    const dmChannel = '100000000000000556';
    const from = fake.requests.length;
    fake.dispatch('MESSAGE_CREATE', messageCreatePayload(fake.world, { id, content: 'saved', author: bob, dmChannelId: dmChannel }));
    const req = await fake.waitFor((r) => r.method === 'POST' && body(r).message_reference?.message_id === id, 5000, from);
    expect(req.path).toBe(`/channels/${dmChannel}/messages`);
    expect(body(req).embeds[0]!.title).toBe('Your reading list');
    expect(fake.requests.slice(from).some((r) => r.path === '/users/@me/channels')).toBe(false);
  });
});
