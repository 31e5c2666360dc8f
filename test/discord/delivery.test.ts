import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordApi, DiscordRestError, isRetryableFailure, messageBody } from '../../adapters/discord/discord-api.ts';
import { renderDiscord } from '../../adapters/discord/render.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { deliverWithRetry } from '../../src/posting/deliver.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';

/**
 * Scheduled posts go through `DiscordApi.createMessageOrThrow` (the adapter's `post`). Its errors
 * tell the scheduler whether retrying can help: 403/404 and the unknown-channel / missing-access /
 * missing-permissions codes are permanent; 5xx, 429 and network failures are retried.
 */

const body = messageBody(renderDiscord({ tone: 'ok', summary: 'Paper of the day', blocks: [{ kind: 'paragraph', text: [{ kind: 'text', text: 'hi' }] }] }));
const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 };
const noSleep = async () => {};

let fake: FakeDiscord;
let api: DiscordApi;
beforeAll(async () => {
  fake = await FakeDiscord.start();
  api = new DiscordApi(new REST({ api: fake.apiUrl.replace(/\/+$/, ''), retries: 0 }).setToken(fake.token), silentLogger());
});
afterAll(async () => {
  await fake.close();
});

const path = () => new RegExp(`^/channels/${fake.world.channelId}/messages$`);
const posts = () => fake.find('POST', path()).length;

async function failure(status: number, code: number, message: string): Promise<DiscordRestError> {
  fake.fail('POST', path(), status, code, message);
  const err = await api.createMessageOrThrow(fake.world.channelId, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordRestError);
  return err as DiscordRestError;
}

describe('Discord post errors and the scheduler retry policy', () => {
  it.each([
    [403, 50013, 'Missing Permissions'],
    [403, 50001, 'Missing Access'],
    [404, 10003, 'Unknown Channel'],
    [400, 50035, 'Invalid Form Body'],
  ])('%i / %i is permanent: retryable false, sent once', async (status, code, message) => {
    const err = await failure(status, code, message);
    expect(err.retryable).toBe(false);
    expect(err.failure).toMatchObject({ status, code });

    const before = posts();
    fake.fail('POST', path(), status, code, message);
    const result = await deliverWithRetry(async () => void (await api.createMessageOrThrow(fake.world.channelId, body)), policy, noSleep);
    expect(result).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining(String(code)) });
    expect(posts() - before).toBe(1);
  });

  it('a 5xx answer stays retryable, and the scheduler succeeds on a later attempt', async () => {
    expect((await failure(502, 0, 'Bad Gateway')).retryable).toBe(true);
    const before = posts();
    fake.fail('POST', path(), 500, 0, 'Internal Server Error', 2);
    const result = await deliverWithRetry(async () => void (await api.createMessageOrThrow(fake.world.channelId, body)), policy, noSleep);
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(posts() - before).toBe(3);
  });

  it('classifies 429, timeouts and network failures as retryable; any 4xx or a permanent code as not', () => {
    expect(isRetryableFailure({ status: 429, reason: 'rate limited' })).toBe(true);
    expect(isRetryableFailure({ status: 408, reason: 'timeout' })).toBe(true);
    expect(isRetryableFailure({ code: 'ECONNREFUSED', reason: 'connect ECONNREFUSED' })).toBe(true);
    expect(isRetryableFailure({ reason: 'This operation was aborted' })).toBe(true);
    expect(isRetryableFailure({ status: 401, code: 0, reason: '401: Unauthorized' })).toBe(false);
    expect(isRetryableFailure({ status: 404, reason: 'Not Found' })).toBe(false);
    expect(isRetryableFailure({ code: 50013, reason: 'Missing Permissions' })).toBe(false);
  });

  it('a network failure (Discord unreachable) is retryable', async () => {
    const dead = new DiscordApi(new REST({ api: 'http://127.0.0.1:9/api', retries: 0, timeout: 2000 }).setToken(fake.token), silentLogger());
    const err = await dead.createMessageOrThrow(fake.world.channelId, body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DiscordRestError);
    expect((err as DiscordRestError).retryable).toBe(true);
  });
});
