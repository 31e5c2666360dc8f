/**
 * Discord rate-limits a reply (429 with `retry_after` and the `X-RateLimit-*` headers): the real
 * discord.js client behind the adapter waits what Discord asked, sends the same body again, and
 * the answer arrives, on every path: a mention's reply (a per-route limit), an interaction
 * callback, the edit of a deferred answer (a shared, per-resource limit) and a scheduled post
 * (the global limit). Waits are checked as lower bounds only (a slow machine just waits longer).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { span } from '../../src/reply/reply.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { DeferSwitch, eventually, Gate, rejectsNothing } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
const defer = new DeferSwitch();
const gate = new Gate();
const logLines: Record<string, unknown>[] = [];
rejectsNothing(() => fake);

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  paperboy = await newTestPaperboy();
  paperboy.register({
    name: 'held',
    summary: 'Answer when the test says (test only)',
    usage: '',
    examples: ['held'],
    args: 'none',
    flags: [],
    async run() {
      await gate.wait();
      return { tone: 'ok', summary: 'held', blocks: [{ kind: 'paragraph', text: [span.text('The held answer.')] }] };
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: pino({ level: 'info' }, sink),
    deferWait: defer.wait,
    restRetries: 0,
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

/** The two tries of one request: the 429, then the same body again, answered; and the time between them (ms). */
function twoTries(sent: RecordedRequest[]): { statuses: (number | undefined)[]; sameBody: boolean; waitedMs: number } {
  return {
    statuses: sent.map((r) => r.status),
    sameBody: sent.length === 2 && JSON.stringify(sent[0]!.body) === JSON.stringify(sent[1]!.body),
    waitedMs: sent.length === 2 ? sent[1]!.at - sent[0]!.at : Number.NaN,
  };
}

describe('a rate-limited reply is sent again after the wait Discord asked for, and arrives', () => {
  it('a mention’s reply under a per-route limit (bucket used up): discord.js waits retry_after, reports it, resends; the reply arrives', async () => {
    const channelPosts = new RegExp(`^/channels/${fake.world.channelId}/messages$`);
    fake.rateLimit('POST', channelPosts, { retryAfter: 0.3 });
    const id = snowflake();
    const from = fake.requests.length;
    fake.dispatch(
      'MESSAGE_CREATE',
      messageCreatePayload(fake.world, { id, content: `<@${fake.world.bot.id}> search kv cache`, author: alice, mentions: [fake.world.bot] }),
    );
    const reply = await fake.waitFor((r) => r.status === 200 && (r.body as MessageBody).message_reference?.message_id === id, 10_000, from);
    expect((reply.body as MessageBody).embeds[0]!.title).toBe('Results for “kv cache”');
    const tries = twoTries(fake.requests.slice(from).filter((r) => r.method === 'POST' && channelPosts.test(r.path)));
    expect(tries).toMatchObject({ statuses: [429, 200], sameBody: true });
    expect(tries.waitedMs).toBeGreaterThanOrEqual(300);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'discord rate limit hit', method: 'POST', global: false, limit: 5 }));
  });

  it('an interaction callback under a limit: resent after Retry-After (whole seconds), and the user gets the answer (callback 4)', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'search', { query: 'kv cache' });
    const callback = new RegExp(`^/interactions/${String(p['id'])}/`);
    fake.rateLimit('POST', callback, { retryAfter: 0.2 });
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    const answered = await fake.waitFor((r) => callback.test(r.path) && r.status === 204, 10_000, from);
    expect(answered.body).toMatchObject({ type: 4, data: { embeds: expect.arrayContaining([expect.objectContaining({ title: 'Results for “kv cache”' })]) } });
    const tries = twoTries(fake.requests.slice(from).filter((r) => callback.test(r.path)));
    expect(tries).toMatchObject({ statuses: [429, 204], sameBody: true });
    // Retry-After is retry_after rounded up to a whole second, as Discord sends it.
    expect(tries.waitedMs).toBeGreaterThanOrEqual(1000);
  });

  it('the edit of a deferred answer under a shared (per-resource) limit: resent after the wait, and the answer replaces "thinking…"', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'held');
    const token = String(p['token']);
    const edit = new RegExp(`^/webhooks/${fake.world.applicationId}/${token}/messages/@original$`);
    fake.rateLimit('PATCH', edit, { retryAfter: 0.2, scope: 'shared' });
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    await eventually(() => expect([defer.waiting, gate.waiting]).toEqual([1, 1]));
    defer.deferAll();
    await fake.waitFor((r) => r.path.includes(token) && r.status === 204, 10_000, from);
    gate.open();
    const edited = await fake.waitFor((r) => edit.test(r.path) && r.status === 200, 10_000, from);
    expect((edited.body as MessageBody).embeds[0]!.description).toBe('The held answer.');
    const tries = twoTries(fake.requests.slice(from).filter((r) => edit.test(r.path)));
    expect(tries).toMatchObject({ statuses: [429, 200], sameBody: true });
    expect(tries.waitedMs).toBeGreaterThanOrEqual(1000);
  });

  it('a scheduled post under the global limit: post() waits it out and resolves once the message is created', async () => {
    const channelPosts = new RegExp(`^/channels/${fake.world.channelId}/messages$`);
    fake.rateLimit('POST', channelPosts, { retryAfter: 0.2, scope: 'global' });
    const reply = await paperboy.run('digest 3', { platform: 'discord' });
    const from = fake.requests.length;
    await adapter.post({ channelId: fake.world.channelId }, reply);
    const tries = twoTries(fake.requests.slice(from).filter((r) => channelPosts.test(r.path)));
    expect(tries).toMatchObject({ statuses: [429, 200], sameBody: true });
    expect(tries.waitedMs).toBeGreaterThanOrEqual(1000);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'discord rate limit hit', global: true }));
  });
});
