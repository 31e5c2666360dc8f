import type { Platform } from '../reply/context.ts';
import { realSleep, systemClock, type Clock, type Sleep } from '../time/clock.ts';

/**
 * Outgoing pace for posts the bot makes on its own (scheduled posts, watch alerts): at most one
 * message per `channelIntervalMs` to a channel (Slack allows about one a second per channel, and
 * Discord five per five seconds), and sends to one workspace at least `workspaceIntervalMs` apart
 * (Slack's workspace-wide limit for posting is a few hundred a minute). A 429 the client gave up
 * on holds the whole workspace back for its `Retry-After` (`holdOff`).
 *
 * Each send reserves its slot synchronously before it waits, so concurrent callers (a fan-out
 * under `mapLimit`) get distinct slots without a lock. One pacer is shared by everything that posts
 * in a process; it keeps only future reservations, so its memory stays bounded by what is queued.
 */
export interface Pacer {
  /** Wait for `target`'s next free slot, then run `send`. */
  run<T>(target: PaceTarget, send: () => Promise<T>): Promise<T>;
  /** A 429 said to wait `ms`: nothing more goes to `target`'s workspace before then. */
  holdOff(target: PaceTarget, ms: number): void;
}

/** What the pace is kept per: a channel, in a workspace (unknown for old rows), on a platform. */
export interface PaceTarget {
  platform: Platform;
  channelId: string;
  workspaceId?: string;
}

export interface PaceOptions {
  /** Least time between two sends to one channel. Default 1 s. */
  channelIntervalMs?: number;
  /** Least time between two sends to one workspace. Default 200 ms (300 a minute). */
  workspaceIntervalMs?: number;
  clock?: Clock;
  sleep?: Sleep;
}

export const DEFAULT_CHANNEL_INTERVAL_MS = 1_000;
export const DEFAULT_WORKSPACE_INTERVAL_MS = 200;

/** Channels of an unknown workspace are paced together, per platform (the cautious reading). */
const workspaceKey = (t: PaceTarget): string => `${t.platform}\u0000${t.workspaceId ?? ''}`;
const channelKey = (t: PaceTarget): string => `${t.platform}\u0000${t.workspaceId ?? ''}\u0000${t.channelId}`;

/**
 * The earliest instant at or after `from` that is at least `gap` away from every time in `taken`
 * (sorted ascending), so sends to one workspace keep their distance whatever order they reserve in.
 */
export function firstGap(taken: readonly number[], from: number, gap: number): number {
  let at = from;
  for (const t of taken) {
    if (t + gap <= at) continue;
    if (at + gap <= t) break;
    at = t + gap;
  }
  return at;
}

/** Create a pacer (see `Pacer`). */
export function createPacer(opts: PaceOptions = {}): Pacer {
  const channelGap = opts.channelIntervalMs ?? DEFAULT_CHANNEL_INTERVAL_MS;
  const workspaceGap = opts.workspaceIntervalMs ?? DEFAULT_WORKSPACE_INTERVAL_MS;
  const clock = opts.clock ?? systemClock;
  const sleep = opts.sleep ?? realSleep;
  /** Per channel: the earliest time its next send may start. */
  const channelNext = new Map<string, number>();
  /** Per workspace: the start times reserved from now on, ascending. */
  const workspaceTaken = new Map<string, number[]>();
  /** Per workspace: nothing starts before this (a 429's Retry-After). */
  const heldUntil = new Map<string, number>();

  /** Forget what is in the past, so the maps hold only what is queued. */
  function sweep(now: number): void {
    for (const [k, t] of channelNext) if (t <= now) channelNext.delete(k);
    for (const [k, t] of heldUntil) if (t <= now) heldUntil.delete(k);
    for (const [k, times] of workspaceTaken) {
      const kept = times.filter((t) => t + workspaceGap > now);
      if (kept.length === 0) workspaceTaken.delete(k);
      else workspaceTaken.set(k, kept);
    }
  }

  /** Reserve the next slot for `target` and return when it starts. */
  function reserve(target: PaceTarget, now: number): number {
    sweep(now);
    const ws = workspaceKey(target);
    const ch = channelKey(target);
    const from = Math.max(now, channelNext.get(ch) ?? now, heldUntil.get(ws) ?? now);
    const taken = workspaceTaken.get(ws) ?? [];
    const at = firstGap(taken, from, workspaceGap);
    channelNext.set(ch, at + channelGap);
    const i = taken.findIndex((t) => t > at);
    taken.splice(i === -1 ? taken.length : i, 0, at);
    workspaceTaken.set(ws, taken);
    return at;
  }

  return {
    async run(target, send) {
      const now = clock.now().getTime();
      const at = reserve(target, now);
      if (at > now) await sleep(at - now);
      return send();
    },
    holdOff(target, ms) {
      if (!(ms > 0)) return;
      const ws = workspaceKey(target);
      const until = clock.now().getTime() + ms;
      heldUntil.set(ws, Math.max(heldUntil.get(ws) ?? 0, until));
      // The channel itself, too: its next send comes after the wait and then keeps its interval.
      const ch = channelKey(target);
      channelNext.set(ch, Math.max(channelNext.get(ch) ?? 0, until));
    },
  };
}
