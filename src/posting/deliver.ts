import type { Platform } from '../reply/context.ts';
import type { Reply } from '../reply/reply.ts';
import type { Sleep } from '../time/clock.ts';
import type { Posters } from './poster.ts';

/** How a failed post is retried: `attempts` tries in all, waiting base·2^(n-1) ms (capped) between them. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000 };

/** How a delivery went; a failure says why in one line and keeps the last error (`cause`: a platform's error object). */
export type Delivery = { ok: true; attempts: number } | { ok: false; attempts: number; error: string; cause?: unknown };

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

/**
 * Call `send` until it resolves, at most `policy.attempts` times, sleeping with exponential backoff
 * in between. Never throws: the result says how it went and why it failed.
 */
export async function deliverWithRetry(
  send: () => Promise<void>,
  policy: RetryPolicy,
  sleep: Sleep,
  onFailure?: (attempt: number, reason: string, willRetry: boolean) => void,
): Promise<Delivery> {
  const tries = Math.max(1, Math.floor(policy.attempts));
  let last = 'unknown error';
  let cause: unknown;
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await send();
      return { ok: true, attempts: attempt };
    } catch (err) {
      last = errorReason(err);
      cause = err;
      const permanent = isPermanent(err);
      const willRetry = attempt < tries && !permanent;
      onFailure?.(attempt, last, willRetry);
      if (!willRetry) return { ok: false, attempts: attempt, error: last, cause };
      await sleep(backoffMs(policy, attempt));
    }
  }
  return { ok: false, attempts: tries, error: last, cause };
}

/** Where a post goes: a platform and one of its channels (a schedule's, a watch's). */
export interface PostTarget {
  platform: Platform;
  channelId: string;
}

/**
 * Post `reply` to `target` through this process's poster for its platform, retrying as `policy`
 * says; `onFailure` hears of each failed attempt. A platform this process does not serve is a
 * failure with no attempt. Never throws.
 */
export function deliverTo(
  posters: Posters,
  target: PostTarget,
  reply: Reply,
  opts: { policy: RetryPolicy; sleep: Sleep; onFailure?: (attempt: number, reason: string, willRetry: boolean) => void },
): Promise<Delivery> {
  const poster = posters[target.platform];
  if (!poster) {
    return Promise.resolve({ ok: false, attempts: 0, error: `no poster for platform "${target.platform}" (is its adapter configured and running?)` });
  }
  return deliverWithRetry(() => poster(target.channelId, reply), opts.policy, opts.sleep, opts.onFailure);
}

/** The platforms `posters` can post to: a process claims the slots and alerts of these only. */
export function servedPlatforms(posters: Posters): Platform[] {
  return (Object.keys(posters) as Platform[]).filter((p) => posters[p] !== undefined);
}
