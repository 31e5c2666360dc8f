import type { Sleep } from '../time/clock.ts';

/** How a failed post is retried: `attempts` tries in all, waiting base·2^(n-1) ms (capped) between them. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000 };

export type Delivery = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

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
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await send();
      return { ok: true, attempts: attempt };
    } catch (err) {
      last = errorReason(err);
      const permanent = isPermanent(err);
      const willRetry = attempt < tries && !permanent;
      onFailure?.(attempt, last, willRetry);
      if (!willRetry) return { ok: false, attempts: attempt, error: last };
      await sleep(backoffMs(policy, attempt));
    }
  }
  return { ok: false, attempts: tries, error: last };
}
