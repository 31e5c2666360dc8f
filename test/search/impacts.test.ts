import { describe, expect, it } from 'vitest';
import { buildIndex, impactUnits, quantizeImpacts } from '../../src/search/inverted-index.ts';
import { paper } from './helpers.ts';

describe('impacts in 16-bit steps', () => {
  it('rounds each impact to the nearest step of its term, never to 0, the largest to exactly 65,535', () => {
    const raw = Float32Array.from([0.5, 2, 1.999, 1e-9, 7, 3.5, 0.25]);
    const offsets = Uint32Array.from([0, 4, 7]);
    const max = Float32Array.from([2, 7]);
    const unit = impactUnits(max);
    const q = quantizeImpacts(raw, offsets, unit);
    expect(q[1]).toBe(65535);
    expect(q[4]).toBe(65535);
    expect(q[3]).toBe(1); // tiny, but it is there
    for (let t = 0; t < 2; t++) {
      for (let p = offsets[t]!; p < offsets[t + 1]!; p++) {
        if (p !== 3) expect(Math.abs(q[p]! * unit[t]! - raw[p]!)).toBeLessThanOrEqual(unit[t]! / 2 + 1e-12);
      }
    }
  });

  it("an index keeps every term's best posting at the top step and its bound at maxImpact", () => {
    const ix = buildIndex([
      paper({ title: 'KV cache compression', abstract: 'We compress the kv cache of long context models, cache by cache.' }),
      paper({ title: 'Cache eviction', abstract: 'Evicting entries from a cache.' }),
      paper({ title: 'Speculative decoding', abstract: 'Draft and verify tokens.' }),
    ]);
    for (let t = 0; t < ix.terms.length; t++) {
      let top = 0;
      for (let p = ix.offsets[t]!; p < ix.offsets[t + 1]!; p++) {
        expect(ix.impacts[p]!).toBeGreaterThan(0);
        top = Math.max(top, ix.impacts[p]!);
      }
      expect(top).toBe(65535);
      expect(top * ix.impactUnit[t]!).toBeCloseTo(ix.maxImpact[t]!, 5);
    }
  });
});
