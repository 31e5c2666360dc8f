/**
 * The gateway connection breaks, and the real discord.js client behind the adapter comes back the
 * way Discord expects: it RESUMEs the session READY gave it (op 6 with that session id and the
 * last sequence number it saw; the fake answers RESUMED) rather than identifying again, and then
 * answers what is sent afterwards. Events dispatched while it was away are replayed on RESUME.
 * Only when the gateway no longer knows the session (op 9) does it identify anew.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { DeferSwitch, eventually, rejectsNothing } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };

let fake: FakeDiscord;
let adapter: DiscordAdapter;
const logLines: Record<string, unknown>[] = [];
rejectsNothing(() => fake);

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy: await newTestPaperboy(),
    logger: pino({ level: 'info' }, sink),
    deferWait: new DeferSwitch().wait,
    restRetries: 0,
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

/** Dispatch a mention; resolve with the bot's reply to it. */
async function mention(text: string): Promise<RecordedRequest> {
  const id = snowflake();
  const from = fake.requests.length;
  fake.dispatch(
    'MESSAGE_CREATE',
    messageCreatePayload(fake.world, { id, content: `<@${fake.world.bot.id}> ${text}`, author: alice, mentions: [fake.world.bot] }),
  );
  return fake.waitFor((r) => r.method === 'POST' && (r.body as MessageBody).message_reference?.message_id === id, 10_000, from);
}

/** Wait until the client has resumed `n` times in all and is connected again. */
async function resumed(n: number): Promise<void> {
  await eventually(() => expect([fake.resumes.length, fake.connections]).toEqual([n, 1]));
}

describe('the gateway connection breaks; the client resumes and keeps answering', () => {
  it('starts with one IDENTIFY and one session', () => {
    expect([fake.identifies.length, fake.sessionIds.length, fake.connections]).toEqual([1, 1, 1]);
  });

  it('a dropped connection (no close frame): the client sends RESUME with the READY session id, gets RESUMED, and answers a mention sent afterwards', async () => {
    expect(fake.dropConnections()).toBe(1);
    await resumed(1);
    expect(fake.resumes[0]).toEqual({ token: fake.token, session_id: fake.sessionIds[0], seq: expect.any(Number), accepted: true });
    const reply = await mention('search kv cache');
    expect(reply.status).toBe(200);
    expect((reply.body as MessageBody).embeds[0]!.title).toBe('Results for “kv cache”');
    // Resumed, not identified again.
    expect(fake.identifies).toHaveLength(1);
    expect(logLines.some((l) => l['msg'] === 'discord gateway reconnecting')).toBe(true);
    expect(logLines.some((l) => l['msg'] === 'discord gateway closed and will not reconnect')).toBe(false);
  });

  it('op 7 Reconnect: the client closes, resumes the same session, and answers a slash command sent afterwards', async () => {
    expect(fake.requestReconnect()).toBe(1);
    await resumed(2);
    expect(fake.resumes[1]).toMatchObject({ session_id: fake.sessionIds[0], accepted: true });
    const p = slashPayload(fake.world, { user: alice }, 'search', { query: 'kv cache' });
    const from = fake.requests.length;
    fake.dispatch('INTERACTION_CREATE', p);
    const callback = await fake.waitFor(
      (r) => r.method === 'POST' && r.path === `/interactions/${String(p['id'])}/${String(p['token'])}/callback`,
      10_000,
      from,
    );
    expect(callback.status).toBe(204);
    expect(callback.body).toMatchObject({ type: 4, data: { embeds: expect.arrayContaining([expect.objectContaining({ title: 'Results for “kv cache”' })]) } });
    expect(fake.identifies).toHaveLength(1);
  });

  it('a mention sent while the connection is down is replayed on RESUME (after the sequence number the client had) and answered', async () => {
    expect(fake.dropConnections()).toBe(1);
    // Sent while no connection is up: only the session's log has it.
    const reply = mention('show snapkv');
    expect(fake.connections).toBe(0);
    await resumed(3);
    expect(fake.resumes[2]).toMatchObject({ session_id: fake.sessionIds[0], accepted: true });
    expect(((await reply).body as MessageBody).embeds[0]!.author?.name).toBe('SnapKV');
    expect(fake.identifies).toHaveLength(1);
  });

  it('a session the gateway no longer knows: RESUME gets op 9, the client identifies again (a new session) and answers afterwards', async () => {
    fake.invalidateSessions();
    expect(fake.dropConnections()).toBe(1);
    // discord.js spaces identifies 5 s apart (plus jitter): a generous wait, for liveness only.
    await vi.waitFor(() => expect([fake.identifies.length, fake.connections]).toEqual([2, 1]), { timeout: 20_000, interval: 50 });
    expect(fake.resumes[3]).toMatchObject({ session_id: fake.sessionIds[0], accepted: false });
    expect(fake.sessionIds).toHaveLength(2);
    const reply = await mention('search kv cache');
    expect(reply.status).toBe(200);
  }, 30_000);
});
