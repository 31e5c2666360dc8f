import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackDeliveryError, isRetryableSlackError } from '../../adapters/slack/delivery-error.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { deliverWithRetry } from '../../src/posting/deliver.ts';
import type { Failure } from '../fakes/slack/web-api.ts';
import { expectNoRejections, startHttp, type HttpHarness } from './harness.ts';

/**
 * `post()` failures tell the scheduler whether retrying can help: errors about the channel, the
 * token or the message are permanent (`retryable: false`, one attempt); rate limits, 5xx and
 * network errors are retried with backoff.
 */

const reply: Reply = { tone: 'ok', summary: 'Paper of the day', blocks: [{ kind: 'paragraph', text: [{ kind: 'text', text: 'hello' }] }] };
const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 };
const noSleep = async () => {};

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp();
});
afterAll(async () => {
  await h.stop();
});
expectNoRejections(() => h.api);

async function postError(failure: Failure): Promise<SlackDeliveryError> {
  h.api.failNext('chat.postMessage', failure);
  const err = await h.adapter.post({ channelId: 'C0123ML4RD' }, reply).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlackDeliveryError);
  return err as SlackDeliveryError;
}

describe('Slack post() errors and the scheduler retry policy', () => {
  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'missing_scope', 'invalid_blocks'])(
    '%s is permanent: retryable false, delivered once',
    async (error) => {
      const err = await postError({ kind: 'platform', error });
      expect(err.retryable).toBe(false);
      expect(err.reason).toBe(error);

      const before = h.api.callsTo('chat.postMessage').length;
      h.api.failNext('chat.postMessage', { kind: 'platform', error });
      const result = await deliverWithRetry(() => h.adapter.post({ channelId: 'C0123ML4RD' }, reply), policy, noSleep);
      expect(result).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining(error) });
      expect(h.api.callsTo('chat.postMessage').length - before).toBe(1);
    },
  );

  it('5xx responses and Slack internal errors stay retryable, and a later attempt succeeds', async () => {
    expect((await postError({ kind: 'http', status: 503 })).retryable).toBe(true);
    expect((await postError({ kind: 'platform', error: 'internal_error' })).retryable).toBe(true);

    const before = h.api.callsTo('chat.postMessage').length;
    h.api.failNext('chat.postMessage', { kind: 'http', status: 500 });
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'service_unavailable' });
    const result = await deliverWithRetry(() => h.adapter.post({ channelId: 'C0123ML4RD' }, reply), policy, noSleep);
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(h.api.callsTo('chat.postMessage').length - before).toBe(3);
  });

  it('classifies rate limits and network errors as retryable, 4xx HTTP answers as permanent', () => {
    expect(isRetryableSlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 })).toBe(true);
    expect(isRetryableSlackError({ code: 'slack_webapi_request_error', original: new Error('ECONNRESET') })).toBe(true);
    expect(isRetryableSlackError(new Error('socket hang up'))).toBe(true);
    expect(isRetryableSlackError({ code: 'slack_webapi_http_error', statusCode: 429 })).toBe(true);
    expect(isRetryableSlackError({ code: 'slack_webapi_http_error', statusCode: 404 })).toBe(false);
    expect(isRetryableSlackError({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'ratelimited' } })).toBe(true);
    expect(isRetryableSlackError({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'msg_too_long' } })).toBe(false);
  });

  it('a network failure (API unreachable) is retryable', async () => {
    const down = await startHttp();
    await down.api.stop();
    const err = await down.adapter.post({ channelId: 'C0123ML4RD' }, reply).then(
      () => undefined,
      (e: unknown) => e,
    );
    await down.adapter.stop();
    expect(err).toBeInstanceOf(SlackDeliveryError);
    expect((err as SlackDeliveryError).retryable).toBe(true);
  });
});
