/**
 * Bolt's OAuth `StateStore` on Paperboy's installation store: the `state` parameter of each
 * authorize URL is random, signed with `SLACK_STATE_SECRET`, and recorded in the shared state
 * (SQLite or PostgreSQL) until it expires. On the redirect it is checked in that order: a state
 * whose signature does not verify is refused without asking the store (a forgery), and a signed
 * one is consumed there exactly once across every process (a replay, or one past its ten
 * minutes, is refused). Only then does Bolt exchange the code.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InstallURLOptions, StateStore } from '@slack/bolt';
import { z } from 'zod';
import type { InstallationStore } from '../../../src/installations/store.ts';

/** How long an install may take from the install page to Slack's redirect (Bolt's state cookie lives as long). */
export const STATE_TTL_MS = 10 * 60_000;

/** The error Bolt's failure page and log get for a refused state (its code is Bolt's own for this case). */
export class InstallStateError extends Error {
  readonly code = 'slack_oauth_invalid_state';
  constructor(readonly why: 'forged' | 'unknown' | 'expired') {
    super(
      why === 'forged'
        ? 'The install link was not made by this Paperboy.'
        : why === 'expired'
          ? 'The install link expired (it works for ten minutes). Start again.'
          : 'The install link was used already, or is unknown. Start again.',
    );
    this.name = 'InstallStateError';
  }
}

/** What rides with a state: the install options Bolt hands back on the redirect. */
const installOptionsSchema = z.looseObject({
  scopes: z.union([z.string(), z.array(z.string())]),
  teamId: z.string().optional(),
  redirectUri: z.string().optional(),
  userScopes: z.union([z.string(), z.array(z.string())]).optional(),
  metadata: z.string().optional(),
});

function signature(secret: string, nonce: string): Buffer {
  return createHmac('sha256', secret).update(`paperboy-install-state.${nonce}`).digest().subarray(0, 18);
}

/** Whether `state` is `<nonce>.<signature>` and the signature is this secret's. */
export function stateSigned(secret: string, state: string): boolean {
  const m = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{24})$/.exec(state);
  if (!m) return false;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = signature(secret, m[1]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A fresh signed state: 24 random bytes and their signature, URL-safe. */
export function newState(secret: string): string {
  const nonce = randomBytes(24).toString('base64url');
  return `${nonce}.${signature(secret, nonce).toString('base64url')}`;
}

export function installStateStore(store: InstallationStore, secret: string, ttlMs = STATE_TTL_MS): StateStore {
  return {
    async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
      for (;;) {
        const state = newState(secret);
        // A collision of 24 random bytes does not happen; the loop only keeps the store's promise honest.
        if (await store.issueState(state, new Date(now.getTime() + ttlMs), JSON.stringify(installOptions))) return state;
      }
    },
    async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
      if (!stateSigned(secret, state)) throw new InstallStateError('forged');
      const consumed = await store.consumeState(state, now);
      if (!consumed.ok) throw new InstallStateError(consumed.why);
      const parsed = installOptionsSchema.safeParse(consumed.metadata === undefined ? undefined : (JSON.parse(consumed.metadata) as unknown));
      // Issued by this code, so always readable; a damaged row still must not install with other scopes.
      if (!parsed.success) throw new InstallStateError('unknown');
      return parsed.data;
    },
  };
}
