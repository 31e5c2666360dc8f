/**
 * "Seen before?" for ids that must be handled once however many processes serve the bot: Slack
 * event ids (Slack retries a delivery it thinks was lost) and request signatures (replays). In the
 * shared store when there is one (every process sees every id), else in this process's memory.
 */
import { MemoryEphemeralStore, type EphemeralStore } from '../../src/ephemeral/store.ts';

/** Whether `id` (of `kind`) was seen within its window; records it when it was not. */
export type SeenBefore = (kind: string, id: string) => Promise<boolean>;

/** Expired ids are swept after this many new ones. */
const PRUNE_EVERY = 1000;

/**
 * A `SeenBefore` over `store` (default: memory), remembering each id for `ttlMs`. When the store
 * cannot be reached the id counts as new (`onError` is told): answering twice beats never.
 */
export function seenBefore(opts: { store?: EphemeralStore; ttlMs: number; now?: () => number; onError?: (err: unknown) => void }): SeenBefore {
  const store = opts.store ?? new MemoryEphemeralStore();
  const now = opts.now ?? Date.now;
  let recorded = 0;
  return async (kind, id) => {
    const t = now();
    try {
      const isNew = await store.claim(kind, id, new Date(t + opts.ttlMs), new Date(t));
      if (isNew && ++recorded % PRUNE_EVERY === 0) await store.prune(new Date(t));
      return !isNew;
    } catch (err) {
      opts.onError?.(err);
      return false;
    }
  };
}
