/**
 * Short-lived facts that every process serving the same bot must share (a second host answers
 * `show 2` after the first host's search; a retried Slack event arrives at another process):
 * values under a key until they expire. Kinds keep uses apart: `conversation`, `post`,
 * `discord-action`, `slack-event`, `slack-signature`. Kinds, keys and values are text without NUL
 * (PostgreSQL text cannot hold it).
 */
export interface EphemeralStore {
  /** Where they live, for messages. */
  readonly location: string;
  /** Keep `value` under (kind, key) until `expiresAt`, replacing what was there. */
  put(kind: string, key: string, value: string, expiresAt: Date): Promise<void>;
  /** The value under (kind, key), unless it has expired by `now`. */
  get(kind: string, key: string, now: Date): Promise<string | undefined>;
  /**
   * Record (kind, key) until `expiresAt` if no live entry has it: true when this call recorded it,
   * false when it was there already (seen before). Atomic across processes.
   */
  claim(kind: string, key: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Delete what expired before `now`; how many went. */
  prune(now: Date): Promise<number>;
  close(): Promise<void>;
}

/** One process's memory (a state without a database: tests, one-shot tools): the same contract, nothing shared. */
export class MemoryEphemeralStore implements EphemeralStore {
  readonly location = 'memory';
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();

  async put(kind: string, key: string, value: string, expiresAt: Date): Promise<void> {
    this.#entries.set(`${kind}\u0000${key}`, { value, expiresAt: expiresAt.getTime() });
  }

  async get(kind: string, key: string, now: Date): Promise<string | undefined> {
    const e = this.#entries.get(`${kind}\u0000${key}`);
    return e && e.expiresAt > now.getTime() ? e.value : undefined;
  }

  async claim(kind: string, key: string, expiresAt: Date, now: Date): Promise<boolean> {
    if ((await this.get(kind, key, now)) !== undefined) return false;
    await this.put(kind, key, '', expiresAt);
    return true;
  }

  async prune(now: Date): Promise<number> {
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (e.expiresAt <= now.getTime()) {
        this.#entries.delete(k);
        n += 1;
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}
