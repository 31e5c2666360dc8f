/**
 * Remembers delivery ids (Events API `event_id`) for a while, so that Slack's retried deliveries
 * of the same event produce no second answer. Bounded in size and time.
 */
export class RecentIds {
  readonly #seen = new Map<string, number>();

  /** `ttlMs`: how long an id is remembered (Slack retries for up to ~5 minutes). */
  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `id` was seen within the TTL; otherwise records it and returns false. */
  checkAndAdd(id: string): boolean {
    const t = this.now();
    const at = this.#seen.get(id);
    if (at !== undefined && t - at < this.ttlMs) return true;
    this.#seen.delete(id);
    this.#seen.set(id, t);
    // Map keeps insertion order: the oldest entries come first.
    for (const [key, when] of this.#seen) {
      if (this.#seen.size <= this.max && t - when < this.ttlMs) break;
      this.#seen.delete(key);
    }
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }
}
