import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_USER_AGENT, backoffMs, fetchResponse, fetchText, networkReason, parseRetryAfter, type HttpOptions } from '../../src/sources/http.ts';
import { FakeHf, hfItem, refusedUrl } from '../fakes/hf/fake-hf.ts';
import { failure } from './helpers.ts';

const fake = new FakeHf();
let url = '';

beforeAll(async () => {
  await fake.start();
  fake.setDay('2024-11-04', [hfItem({ id: '2411.01234' })]);
  url = `${fake.url}/api/daily_papers?date=2024-11-04`;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** Options with a recording sleep (no real waiting) and a fixed jitter. */
function recorder(extra: HttpOptions = {}): { opts: HttpOptions; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    opts: {
      sleep: async (ms) => {
        slept.push(ms);
      },
      random: () => 0.5,
      ...extra,
    },
  };
}

describe('fetchText: success', () => {
  it('returns the body and sends the default User-Agent', async () => {
    const body = await fetchText(url, {});
    expect(JSON.parse(body)).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^Paperboy\/\S+ \(.+\)$/);
  });

  it('sends a custom User-Agent and extra headers', async () => {
    await fetchText(url, { userAgent: 'test-agent/1.0', headers: { accept: 'application/json', 'x-extra': 'yes' } });
    const headers = fake.requests[0]?.headers;
    expect(headers?.['user-agent']).toBe('test-agent/1.0');
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['x-extra']).toBe('yes');
  });

  it('fetchResponse returns an allowed error status with its body', async () => {
    fake.fail({ kind: 'raw', status: 400, body: 'why it failed' });
    const res = await fetchResponse(url, { acceptStatus: (s) => s === 400 });
    expect(res).toEqual({ status: 400, body: 'why it failed' });
    expect(fake.requests).toHaveLength(1);
  });

  it('fetchText ignores acceptStatus', async () => {
    fake.fail({ kind: 'raw', status: 400, body: 'why it failed' });
    const err = await failure(fetchText(url, { acceptStatus: () => true }));
    expect(err.reason).toBe('HTTP 400');
  });
});

describe('fetchText: HTTP errors', () => {
  it('does not retry a 404', async () => {
    fake.fail({ kind: 'status', status: 404 });
    const { opts, slept } = recorder();
    const err = await failure(fetchText(url, opts));
    expect(err.reason).toBe('HTTP 404');
    expect(err.status).toBe(404);
    expect(err.url).toBe(url);
    expect(err.message).toContain('HTTP 404');
    expect(fake.requests).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('retries a 5xx three times with exponential backoff, then says what happened', async () => {
    fake.fail({ kind: 'status', status: 503, times: 5 });
    const { opts, slept } = recorder({ random: () => 0.5 });
    const err = await failure(fetchText(url, opts));
    expect(err.reason).toBe('HTTP 503 after 3 tries');
    expect(err.status).toBe(503);
    expect(fake.requests).toHaveLength(3);
    // base 1000: retry 0 in [500, 1000), retry 1 in [1000, 2000); jitter 0.5 → the middle.
    expect(slept).toEqual([750, 1500]);
  });

  it('keeps the jitter within [half, full) of the exponential delay', async () => {
    for (const r of [0, 0.25, 0.999_999]) {
      fake.reset();
      fake.fail({ kind: 'status', status: 500, times: 4 });
      const { opts, slept } = recorder({ random: () => r, tries: 4, baseDelayMs: 100 });
      await failure(fetchText(url, opts));
      expect(slept).toHaveLength(3);
      slept.forEach((ms, i) => {
        const full = 100 * 2 ** i;
        expect(ms).toBeGreaterThanOrEqual(full / 2);
        expect(ms).toBeLessThan(full);
      });
    }
    // Different random draws give different delays (it is jitter, not a constant).
    expect(backoffMs(1, 1000, () => 0)).toBe(1000);
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1500);
    expect(backoffMs(3, 1000, () => 0)).toBe(4000);
  });

  it('succeeds when a 5xx is followed by a good answer', async () => {
    fake.fail({ kind: 'status', status: 502 });
    const { opts, slept } = recorder();
    const body = await fetchText(url, opts);
    expect(JSON.parse(body)).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    expect(slept).toHaveLength(1);
  });

  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '2' });
    const { opts, slept } = recorder();
    const body = await fetchText(url, opts);
    expect(JSON.parse(body)).toHaveLength(1);
    expect(slept).toEqual([2000]);
    expect(fake.requests).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2024-11-04T12:00:00Z');
    fake.fail({ kind: 'status', status: 429, retryAfter: 'Mon, 04 Nov 2024 12:00:05 GMT' });
    const { opts, slept } = recorder({ now: () => now });
    await fetchText(url, opts);
    expect(slept).toEqual([5000]);
  });

  it('backs off on a 429 without Retry-After', async () => {
    fake.fail({ kind: 'status', status: 429 });
    const { opts, slept } = recorder();
    await fetchText(url, opts);
    expect(slept).toEqual([750]);
  });

  it('fails at once when Retry-After is longer than maxRetryAfterMs', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '120' });
    const { opts, slept } = recorder();
    const err = await failure(fetchText(url, opts));
    expect(err.reason).toBe('HTTP 429: Retry-After 120 s exceeds the 60 s limit');
    expect(err.status).toBe(429);
    expect(slept).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('reports 429s that never stop', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '1', times: 3 });
    const { opts, slept } = recorder();
    const err = await failure(fetchText(url, opts));
    expect(err.reason).toBe('HTTP 429 after 3 tries');
    expect(slept).toEqual([1000, 1000]);
  });
});

describe('fetchText: network failures', () => {
  it('times out a request that never answers: its own timer of timeoutMs fires and ends it', async () => {
    fake.fail({ kind: 'hang' });
    // Which timers fired, by the delay they were armed with (instead of timing the call).
    const fired: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      realSetTimeout(() => {
        fired.push(ms ?? 0);
        fn(...args);
      }, ms)) as unknown as typeof setTimeout);
    try {
      const err = await failure(fetchText(url, { timeoutMs: 200, tries: 1 }));
      expect(err.reason).toBe('timed out after 0.2 s');
      expect(err.status).toBeUndefined();
      expect(fired).toContain(200);
    } finally {
      spy.mockRestore();
    }
  });

  it('retries timeouts and counts them', async () => {
    fake.fail({ kind: 'hang', times: 2 });
    const { opts, slept } = recorder({ timeoutMs: 150, tries: 2 });
    const err = await failure(fetchText(url, opts));
    expect(err.reason).toBe('timed out after 0.15 s (2 tries)');
    expect(fake.requests).toHaveLength(2);
    expect(slept).toHaveLength(1);
  });

  it('recovers from a timeout when the next try answers', async () => {
    fake.fail({ kind: 'hang' });
    const { opts } = recorder({ timeoutMs: 150 });
    expect(JSON.parse(await fetchText(url, opts))).toHaveLength(1);
  });

  it('says "connection refused" when nothing listens', async () => {
    const dead = await refusedUrl();
    const single = await failure(fetchText(`${dead}/x`, { tries: 1 }));
    expect(single.reason).toBe('connection refused');
    const { opts, slept } = recorder();
    const err = await failure(fetchText(`${dead}/x`, opts));
    expect(err.reason).toBe('connection refused after 3 tries');
    expect(slept).toEqual([750, 1500]);
  });

  it('says "connection reset" when the socket is destroyed', async () => {
    fake.fail({ kind: 'reset' });
    const err = await failure(fetchText(url, { tries: 1 }));
    expect(err.reason).toBe('connection reset');
  });

  it('retries after a reset', async () => {
    fake.fail({ kind: 'reset' });
    const { opts } = recorder();
    expect(JSON.parse(await fetchText(url, opts))).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('turns a body cut short into a SourceError', async () => {
    fake.fail({ kind: 'truncate' });
    const err = await failure(fetchText(url, { tries: 1 }));
    expect(err.reason).toMatch(/^could not read the response body/);
  });

  it('stops when the caller aborts', async () => {
    fake.fail({ kind: 'hang' });
    const controller = new AbortController();
    const pending = failure(fetchText(url, { signal: controller.signal, timeoutMs: 5000 }));
    // Abort once the request is in flight (the fake has it), not after a guessed delay.
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1), { timeout: 10_000 });
    controller.abort();
    const err = await pending;
    expect(err.reason).toBe('aborted');
    expect(fake.requests).toHaveLength(1);
  });

  it('maps error codes to short reasons', () => {
    const wrap = (code: string): Error => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(networkReason(wrap('ECONNREFUSED'))).toBe('connection refused');
    expect(networkReason(wrap('ECONNRESET'))).toBe('connection reset');
    expect(networkReason(wrap('ENOTFOUND'))).toBe('host not found (DNS)');
    expect(networkReason(wrap('EAI_AGAIN'))).toBe('host not found (DNS)');
    expect(networkReason(wrap('ETIMEDOUT'))).toBe('connection timed out');
    expect(networkReason(wrap('EHOSTUNREACH'))).toBe('network unreachable');
    expect(networkReason(wrap('CERT_HAS_EXPIRED'))).toBe('TLS error (CERT_HAS_EXPIRED)');
    const aggregate = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
    });
    expect(networkReason(aggregate)).toBe('connection refused');
    expect(networkReason(new Error('odd'))).toBe('network error: odd');
  });
});

describe('fetchText: logging', () => {
  it('logs each retry with url and reason, never headers', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    fake.fail({ kind: 'status', status: 500 });
    const { opts } = recorder({ logger, headers: { authorization: 'Bearer secret-token' } });
    await fetchText(url, opts);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const warn = records.filter((r) => r.level === 40);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ url, reason: 'HTTP 500', attempt: 1, tries: 3 });
    expect(lines.join('\n')).not.toContain('secret-token');
    expect(lines.join('\n')).not.toContain('user-agent');
    expect(records.filter((r) => r.level === 20)).toHaveLength(2);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, and ignores junk', () => {
    const now = () => Date.parse('2024-11-04T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Mon, 04 Nov 2024 12:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 04 Nov 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
