/**
 * A 429 is not a failed delivery: `rateLimitWaitMs` recognises the shapes the clients and adapters
 * give up with, and `deliverWithRetry` waits as asked without using up a try — within limits (a
 * wait too long, or too many of them, fails with the reason). `deliverTo` passes the target's
 * workspace to the poster and, with a pacer, lets the pacer keep the wait.
 */
import { describe, expect, it } from 'vitest';
import { deliverTo, deliverWithRetry, type RetryPolicy } from '../../src/posting/deliver.ts';
import { createPacer } from '../../src/posting/pace.ts';
import type { PostTarget } from '../../src/posting/poster.ts';
import { DEFAULT_RATE_LIMIT_WAIT_MS, rateLimitWaitMs } from '../../src/posting/rate-limit.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { VirtualTime } from './virtual-time.ts';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 2000, maxDelayMs: 30_000 };
const reply: Reply = { tone: 'ok', summary: 'hi', blocks: [] };

/** A `send` that throws the given errors in turn, then succeeds. */
function flaky(errors: unknown[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    send: async () => {
      calls++;
      const err = errors.shift();
      if (err !== undefined) throw err as Error;
    },
  };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('rateLimitWaitMs', () => {
  it('reads the wait from every shape a rate limit comes in', () => {
    expect(rateLimitWaitMs(Object.assign(new Error('x'), { retryAfterMs: 1500 }))).toBe(1500);
    expect(rateLimitWaitMs(Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 30 }))).toBe(30_000);
    expect(rateLimitWaitMs(Object.assign(new Error('limited'), { name: 'RateLimitError', retryAfter: 250 }))).toBe(250);
    // The Slack adapter's refusal, and WebClient's request error after its own retries.
    expect(rateLimitWaitMs(new Error('Slack refused the message to C1: rate_limited (retry after 3 s)'))).toBe(3000);
    expect(rateLimitWaitMs(new Error('A request error occurred: A rate limit was exceeded (url: chat.postMessage, retry-after: 2)'))).toBe(2000);
    expect(rateLimitWaitMs(Object.assign(new Error('Slack refused the message to C1: ratelimited'), { reason: 'ratelimited' }))).toBe(
      DEFAULT_RATE_LIMIT_WAIT_MS,
    );
    expect(rateLimitWaitMs(Object.assign(new Error('Too Many Requests'), { status: 429 }))).toBe(DEFAULT_RATE_LIMIT_WAIT_MS);
    expect(rateLimitWaitMs(new Error('wrapped', { cause: Object.assign(new Error('x'), { retryAfterMs: 700 }) }))).toBe(700);
  });

  it('is undefined for every other failure', () => {
    expect(rateLimitWaitMs(new Error('upstream returned 503'))).toBeUndefined();
    expect(rateLimitWaitMs(Object.assign(new Error('Missing Access'), { status: 403 }))).toBeUndefined();
    expect(rateLimitWaitMs('rate limit')).toBeUndefined();
    expect(rateLimitWaitMs(null)).toBeUndefined();
  });
});

describe('deliverWithRetry and rate limits', () => {
  it('waits out 429s without counting them as failed tries', async () => {
    const { waits, sleep } = recordingSleep();
    const limited = Object.assign(new Error('limited'), { retryAfterMs: 3000 });
    const s = flaky([limited, limited, new Error('upstream returned 503'), limited]);
    const heard: number[] = [];
    const failures: number[] = [];
    const result = await deliverWithRetry(s.send, policy, sleep, { onRateLimited: (ms) => heard.push(ms), onFailure: (n) => failures.push(n) });
    expect(result).toEqual({ ok: true, attempts: 2, rateLimited: 3 });
    expect(waits).toEqual([3000, 3000, 2000, 3000]);
    expect(heard).toEqual([3000, 3000, 3000]);
    expect(failures).toEqual([1]);
    expect(s.calls).toBe(5);
  });

  it('a wait longer than allowed fails the delivery, saying why', async () => {
    const { waits, sleep } = recordingSleep();
    const s = flaky([Object.assign(new Error('Slack refused the message to C1: rate_limited (retry after 900 s)'), { retryable: true })]);
    const result = await deliverWithRetry(s.send, { ...policy, attempts: 1 }, sleep);
    expect(result).toMatchObject({ ok: false, attempts: 1, error: expect.stringMatching(/rate limited: the wait asked for, 900 s, is too long/) });
    expect(waits).toEqual([]);
  });

  it('after `rateLimitWaits` waits a 429 counts as a failed try', async () => {
    const { sleep } = recordingSleep();
    const limited = () => Object.assign(new Error('limited'), { retryAfterMs: 10 });
    const s = flaky(Array.from({ length: 10 }, limited));
    const result = await deliverWithRetry(s.send, { ...policy, attempts: 2, rateLimitWaits: 3 }, sleep);
    expect(result).toMatchObject({ ok: false, attempts: 2, rateLimited: 3 });
    expect(s.calls).toBe(5);
  });
});

describe('deliverTo', () => {
  it('gives the poster the channel and workspace only, and lets the pacer keep a 429’s wait', async () => {
    const vt = new VirtualTime('2026-11-26T09:00:00Z');
    const start = vt.ms;
    const pacer = createPacer({ clock: vt.clock, sleep: vt.sleep, channelIntervalMs: 1000, workspaceIntervalMs: 100 });
    const seen: { target: PostTarget; at: number }[] = [];
    let limitedOnce = false;
    const poster = async (target: PostTarget) => {
      seen.push({ target, at: vt.ms - start });
      if (!limitedOnce) {
        limitedOnce = true;
        throw Object.assign(new Error('limited'), { retryAfterMs: 4000 });
      }
    };
    const sleeps: number[] = [];
    const target = { platform: 'slack' as const, workspaceId: 'T1', channelId: 'C1', id: 's-1', cron: '0 9 * * *' };
    const result = await vt.run(deliverTo({ slack: poster }, target, reply, { policy, sleep: async (ms) => void sleeps.push(ms), pacer }));
    expect(result).toEqual({ ok: true, attempts: 1, rateLimited: 1 });
    expect(seen).toEqual([
      { target: { channelId: 'C1', workspaceId: 'T1' }, at: 0 },
      { target: { channelId: 'C1', workspaceId: 'T1' }, at: 4000 },
    ]);
    // The wait was the pacer's, not a sleep of the delivery's.
    expect(sleeps).toEqual([]);
  });

  it('a target without a workspace reaches the poster without one', async () => {
    const seen: PostTarget[] = [];
    await deliverTo({ discord: async (t) => void seen.push(t) }, { platform: 'discord', channelId: 'D1' }, reply, { policy, sleep: async () => {} });
    expect(seen).toEqual([{ channelId: 'D1' }]);
  });
});
