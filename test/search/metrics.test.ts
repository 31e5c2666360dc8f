import { describe, expect, it } from 'vitest';
import { dcg, meanScores, ndcgAt, recallAt, reciprocalRank } from '../../src/eval/metrics.ts';

describe('metrics', () => {
  const j = { a: 3, b: 2, c: 1 };
  it('dcg uses exponential gain and log2 discount', () => {
    expect(dcg([3, 2], 10)).toBeCloseTo(7 + 3 / Math.log2(3), 10);
    expect(dcg([3, 2], 1)).toBe(7);
  });
  it('nDCG is 1 for the ideal order and lower otherwise', () => {
    expect(ndcgAt(['a', 'b', 'c'], j)).toBeCloseTo(1, 10);
    const swapped = ndcgAt(['b', 'a', 'c'], j);
    const ideal = 7 + 3 / Math.log2(3) + 1 / 2;
    expect(swapped).toBeCloseTo((3 + 7 / Math.log2(3) + 1 / 2) / ideal, 10);
    expect(ndcgAt(['x', 'y'], j)).toBe(0);
    expect(ndcgAt(['a'], {})).toBe(0);
  });
  it('nDCG does not reward a duplicated relevant id', () => {
    expect(ndcgAt(['a', 'a', 'a'], j)).toBeLessThan(ndcgAt(['a', 'b', 'c'], j));
  });
  it('reciprocal rank counts grade >= 2 by default', () => {
    expect(reciprocalRank(['c', 'x', 'b'], j)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRank(['c'], j, 1)).toBe(1);
    expect(reciprocalRank([], j)).toBe(0);
  });
  it('recall@k counts grade >= 2 papers in the top k', () => {
    expect(recallAt(['a', 'x'], j, 10)).toBe(0.5);
    expect(recallAt(['x', 'a', 'b'], j, 2)).toBe(0.5);
    expect(recallAt(['a'], { z: 1 })).toBe(0);
  });
  it('means over queries', () => {
    const m = meanScores([['a'], ['x']], [{ a: 3 }, { a: 3 }]);
    expect(m).toEqual({ ndcg10: 0.5, mrr: 0.5, recall10: 0.5 });
    expect(() => meanScores([['a']], [])).toThrow();
  });
});
