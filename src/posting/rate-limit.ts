/**
 * Recognising a platform's "slow down" (HTTP 429 with `Retry-After`) in a failed post, so the
 * delivery waits as asked instead of counting it as a failed attempt.
 *
 * The clients already honour most 429s themselves: discord.js queues per route and waits out every
 * 429 without limit (it never surfaces one), and Slack's WebClient waits `Retry-After` and retries
 * (up to the adapter's `retries`) before it gives up with "A rate limit was exceeded (… retry-after:
 * N)". What reaches this module is a 429 the client gave up on; it is recognised by:
 * - `retryAfterMs` (a number of ms) on the error or its `cause`: the convention for adapters;
 * - Slack's `slack_webapi_rate_limited_error` (`retryAfter` in seconds);
 * - discord.js's `RateLimitError` (`retryAfter` in ms), thrown only with `rejectOnRateLimit`;
 * - a message that says it was rate limited and names the wait (`retry-after: 30`, `retry after 30 s`),
 *   as the Slack adapter's `SlackDeliveryError` and WebClient's request errors do;
 * - `status`/`statusCode` 429 with no wait named: `DEFAULT_RATE_LIMIT_WAIT_MS`.
 */

/** The wait after a 429 that named none. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

function field(o: object, key: string): unknown {
  return (o as Record<string, unknown>)[key];
}

function positive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/** `retry-after: 30`, `retry after 30 s`, `Retry-After 2.5` in a rate-limit message, as ms. */
function fromMessage(text: string): number | undefined {
  if (!/rate[ _-]?limit/i.test(text)) return undefined;
  const m = /retry[ _-]?after[:=\s]+(\d+(?:\.\d+)?)/i.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : DEFAULT_RATE_LIMIT_WAIT_MS;
}

/**
 * How long to wait before posting again, when `err` is a rate limit (429); undefined for any other
 * failure. Looks at the error, then its `cause` (at most a few levels).
 */
export function rateLimitWaitMs(err: unknown, depth = 0): number | undefined {
  if (err === null || typeof err !== 'object' || depth > 4) return undefined;
  const own = field(err, 'retryAfterMs');
  if (positive(own)) return Math.round(own);
  const code = field(err, 'code');
  const retryAfter = field(err, 'retryAfter');
  if (code === 'slack_webapi_rate_limited_error' && positive(retryAfter)) return Math.round(retryAfter * 1000);
  if (field(err, 'name') === 'RateLimitError' && positive(retryAfter)) return Math.round(retryAfter);
  for (const key of ['reason', 'message']) {
    const text = field(err, key);
    if (typeof text === 'string') {
      const ms = fromMessage(text);
      if (ms !== undefined) return ms;
    }
  }
  const fromCause = rateLimitWaitMs(field(err, 'cause'), depth + 1);
  if (fromCause !== undefined) return fromCause;
  const status = field(err, 'status') ?? field(err, 'statusCode');
  return status === 429 ? DEFAULT_RATE_LIMIT_WAIT_MS : undefined;
}
