import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/posting/map-limit.ts';

describe('mapLimit', () => {
  it('runs at most `limit` at a time and keeps the items’ order', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const done = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => gates.push(r));
      running -= 1;
      return n * 10;
    });
    // Release one at a time, each only once the next has started (no clock involved).
    for (let released = 0; released < 7; released++) {
      await expect.poll(() => gates.length).toBeGreaterThan(released);
      gates[released]!();
    }
    expect(await done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('handles no items and a limit larger than the list', async () => {
    expect(await mapLimit([], 4, async (n: number) => n)).toEqual([]);
    expect(await mapLimit([1, 2], 10, async (n) => n + 1)).toEqual([2, 3]);
  });
});
