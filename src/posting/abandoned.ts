import type { Logger } from 'pino';

/** A claim still `pending` this long after it was made belonged to a process that stopped. */
export const DEFAULT_ABANDON_MS = 15 * 60_000;

/** A store of claims (schedule runs, watch alerts) that can fail the ones left pending. */
export interface ClaimStore {
  /** Mark claims made before `before` and still pending as failed; how many there were. */
  failAbandoned(before: Date, now: Date): Promise<number>;
}

/**
 * Fail the claims a stopped process left pending for longer than `abandonMs`, so they are
 * reported (and, where their work allows, retried) instead of blocking forever. Logs how many.
 */
export async function failAbandonedClaims(store: ClaimStore, now: Date, abandonMs: number, logger: Logger, what: string): Promise<number> {
  const abandoned = await store.failAbandoned(new Date(now.getTime() - abandonMs), now);
  if (abandoned > 0) logger.warn({ [what]: abandoned }, `marked ${what} abandoned by a stopped process as failed`);
  return abandoned;
}
