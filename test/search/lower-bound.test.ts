import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/search/postings.ts';

/** The reference: the first position in [from, to) holding a value >= doc, else `to`. */
function linear(docs: Uint32Array, from: number, to: number, doc: number): number {
  for (let i = from; i < to; i++) if (docs[i]! >= doc) return i;
  return to;
}

/** Ascending ids from gaps: even, clustered (runs of 1 with rare huge jumps) or growing. */
const lists = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 400 }),
  fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.constant(1), fc.integer({ min: 1_000, max: 1_000_000 })), { maxLength: 400 }),
  fc.integer({ min: 0, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => 1 + i * i)),
);

describe('lowerBound (interpolation, then bisection)', () => {
  it('gives the first position >= the value, like a linear scan, on any ascending list and range (property)', () => {
    fc.assert(
      fc.property(lists, fc.nat(), fc.nat(), fc.nat(), (gaps, a, b, pick) => {
        const docs = new Uint32Array(gaps.length);
        let v = 0;
        gaps.forEach((g, i) => (docs[i] = v += g));
        const from = gaps.length === 0 ? 0 : a % (gaps.length + 1);
        const to = from + (gaps.length - from === 0 ? 0 : b % (gaps.length - from + 1));
        // Values present, absent between, below and above the range.
        const probes = [0, 1, v + 1, 0xffffffff];
        if (gaps.length > 0) {
          const i = pick % gaps.length;
          probes.push(docs[i]!, docs[i]! + 1, Math.max(0, docs[i]! - 1), docs[from] ?? 0, docs[Math.max(from, to - 1)] ?? 0);
        }
        for (const doc of probes) expect(lowerBound(docs, from, to, doc)).toBe(linear(docs, from, to, doc));
      }),
      { numRuns: 2000 },
    );
  });

  it('on a long even list, and at its ends', () => {
    const docs = Uint32Array.from({ length: 100_000 }, (_, i) => 3 * i + 7);
    for (const doc of [0, 7, 8, 9, 10, 150_000, 150_001, 299_998, 299_999, 300_004, 300_005]) {
      expect(lowerBound(docs, 0, docs.length, doc), String(doc)).toBe(linear(docs, 0, docs.length, doc));
      expect(lowerBound(docs, 500, 90_000, doc), String(doc)).toBe(linear(docs, 500, 90_000, doc));
    }
  });
});
