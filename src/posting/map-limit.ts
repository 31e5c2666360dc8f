/** How many posts a pass sends at once (a digest fan-out to many channels, alerts to many watches). */
export const DEFAULT_POST_CONCURRENCY = 8;

/**
 * `work` for every item, at most `limit` at a time, results in the items' order. A rejection is
 * returned as it is (the caller maps failures to results first, as the passes do).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
