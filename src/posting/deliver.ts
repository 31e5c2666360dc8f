import type { Platform } from '../reply/context.ts';
import type { Reply } from '../reply/reply.ts';
import type { Sleep } from '../time/clock.ts';
import type { Pacer } from './pace.ts';
import type { Posters } from './poster.ts';
import { rateLimitWaitMs } from './rate-limit.ts';

/**
 * How a failed post is retried: `attempts` tries in all, waiting base·2^(n-1) ms (capped) between
 * them. A rate limit (429) is not a failed try: its `Retry-After` is waited out and the post sent
 * again, up to `rateLimitWaits` times (default 10), each wait at most `maxRetryAfterMs` (default
 * 5 minutes; a longer one fails the delivery, naming the wait).
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  rateLimitWaits?: number;
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000 };
export const DEFAULT_RATE_LIMIT_WAITS = 10;
export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * How a delivery went; a failure says why in one line and keeps the last error (`cause`: a
 * platform's error object). `attempts` counts failed tries and the successful one, never a rate
 * limit; `rateLimited` how many 429s were waited out (absent: none).
 */
export type Delivery =
  { ok: true; attempts: number; rateLimited?: number } | { ok: false; attempts: number; error: string; cause?: unknown; rateLimited?: number };

/** A one-line reason for an error (adapters' errors may carry a platform `code`). */
export function errorReason(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err && (typeof err.code === 'string' || typeof err.code === 'number') ? `${err.code}: ` : '';
    return `${code}${err.message}`.replace(/\s+/g, ' ').slice(0, 500);
  }
  return String(err).slice(0, 500);
}

/** An error an adapter marks as permanent (`retryable: false`, e.g. channel not found) is not retried. */
function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'retryable' in err && err.retryable === false;
}

/** The wait before attempt `n + 1` after `n` failed attempts. */
export function backoffMs(policy: RetryPolicy, failed: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failed - 1));
}

/** What a delivery tells its caller along the way: each failed try, each rate limit waited out. */
export interface DeliveryEvents {
  onFailure?: (attempt: number, reason: string, willRetry: boolean) => void;
  onRateLimited?: (waitMs: number, reason: string) => void;
}

/**
 * Call `send` until it resolves, at most `policy.attempts` times, sleeping with exponential backoff
 * in between; a rate limit (see `RetryPolicy`) is waited out (`waitOut`, default `sleep`) and does
 * not use up a try. Never throws: the result says how it went and why it failed.
 */
export async function deliverWithRetry(
  send: () => Promise<void>,
  policy: RetryPolicy,
  sleep: Sleep,
  events: DeliveryEvents & { waitOut?: (ms: number) => Promise<void> } = {},
): Promise<Delivery> {
  const { onFailure, onRateLimited } = events;
  const waitOut = events.waitOut ?? sleep;
  const tries = Math.max(1, Math.floor(policy.attempts));
  const waitsAllowed = Math.max(0, Math.floor(policy.rateLimitWaits ?? DEFAULT_RATE_LIMIT_WAITS));
  const longestWait = policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  let last = 'unknown error';
  let cause: unknown;
  let rateLimited = 0;
  const counted = () => (rateLimited > 0 ? { rateLimited } : {});
  let attempt = 1;
  while (attempt <= tries) {
    try {
      await send();
      return { ok: true, attempts: attempt, ...counted() };
    } catch (err) {
      last = errorReason(err);
      cause = err;
      const wait = rateLimitWaitMs(err);
      if (wait !== undefined && rateLimited < waitsAllowed && wait <= longestWait) {
        rateLimited++;
        onRateLimited?.(wait, last);
        await waitOut(wait);
        continue;
      }
      if (wait !== undefined && wait > longestWait) last = `${last} (rate limited: the wait asked for, ${Math.ceil(wait / 1000)} s, is too long)`;
      const permanent = isPermanent(err);
      const willRetry = attempt < tries && !permanent;
      onFailure?.(attempt, last, willRetry);
      if (!willRetry) return { ok: false, attempts: attempt, error: last, cause, ...counted() };
      await sleep(backoffMs(policy, attempt));
      attempt++;
    }
  }
  return { ok: false, attempts: tries, error: last, cause, ...counted() };
}

/** Where a post goes: a platform, one of its channels and that channel's workspace (a schedule's, a watch's). */
export interface DeliveryTarget {
  platform: Platform;
  channelId: string;
  workspaceId?: string;
}

/**
 * Post `reply` to `target` through this process's poster for its platform, retrying as `policy`
 * says, each try at the pace `pacer` keeps (none without one); `onFailure` hears of each failed
 * attempt, `onRateLimited` of each 429 waited out (with a pacer, by holding the workspace back
 * there). A platform this process does not serve is a failure with no attempt. Never throws.
 */
export function deliverTo(
  posters: Posters,
  target: DeliveryTarget,
  reply: Reply,
  opts: { policy: RetryPolicy; sleep: Sleep; pacer?: Pacer } & DeliveryEvents,
): Promise<Delivery> {
  const poster = posters[target.platform];
  if (!poster) {
    return Promise.resolve({ ok: false, attempts: 0, error: `no poster for platform "${target.platform}" (is its adapter configured and running?)` });
  }
  // Only the target's own fields: the poster never sees the schedule or watch it came from.
  const where = { channelId: target.channelId, ...(target.workspaceId !== undefined ? { workspaceId: target.workspaceId } : {}) };
  const paced = { platform: target.platform, ...where };
  const { pacer } = opts;
  const send = pacer ? () => pacer.run(paced, () => poster(where, reply)) : () => poster(where, reply);
  return deliverWithRetry(send, opts.policy, opts.sleep, {
    ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
    ...(opts.onRateLimited ? { onRateLimited: opts.onRateLimited } : {}),
    // With a pacer the wait is its to keep: the workspace is held back, and the next try waits in `run`.
    ...(pacer ? { waitOut: async (ms: number) => pacer.holdOff(paced, ms) } : {}),
  });
}

/** The platforms `posters` can post to: a process claims the slots and alerts of these only. */
export function servedPlatforms(posters: Posters): Platform[] {
  return (Object.keys(posters) as Platform[]).filter((p) => posters[p] !== undefined);
}
