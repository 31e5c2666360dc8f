import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildIndex, impactSteps, impactUnits, packImpacts } from '../../src/search/inverted-index.ts';
import { findPosting, impactBitsFit, impactBitsFor, MAX_INDEX_PAPERS, packPosting, topStep } from '../../src/search/postings.ts';
import { decodeIndex, encodeIndex, IndexCacheError } from '../../src/search/index-codec.ts';
import { paper } from './helpers.ts';

const papers = [
  paper({ title: 'KV cache compression', abstract: 'We compress the kv cache of long context models, cache by cache.' }),
  paper({ title: 'Cache eviction', abstract: 'Evicting entries from a cache.' }),
  paper({ title: 'Speculative decoding', abstract: 'Draft and verify tokens.' }),
];

describe('impact bits of a posting', () => {
  it('16 up to 65,536 papers, then as many as the paper index leaves', () => {
    expect(impactBitsFor(0)).toBe(16);
    expect(impactBitsFor(1)).toBe(16);
    expect(impactBitsFor(65_536)).toBe(16); // indexes 0..65,535 take 16 bits
    expect(impactBitsFor(65_537)).toBe(15);
    expect(impactBitsFor(1_000_000)).toBe(12);
    expect(impactBitsFor(1_048_576)).toBe(12);
    expect(impactBitsFor(1_048_577)).toBe(11);
    expect(impactBitsFor(MAX_INDEX_PAPERS)).toBe(8);
    expect(() => impactBitsFor(MAX_INDEX_PAPERS + 1)).toThrow(/at most 16,777,216 papers/);
  });

  it('a width fits when the largest paper index and the steps share 32 bits, from 8 to 16', () => {
    expect(impactBitsFit(1_000_000, 12)).toBe(true);
    expect(impactBitsFit(1_000_000, 13)).toBe(false);
    expect(impactBitsFit(100, 8)).toBe(true);
    expect(impactBitsFit(100, 7)).toBe(false);
    expect(impactBitsFit(100, 17)).toBe(false);
    expect(impactBitsFit(100, 12.5)).toBe(false);
  });

  it('packs the paper above the steps, so packed values sort by paper and the largest index still fits', () => {
    for (const bits of [8, 12, 16]) {
      const last = 2 ** (32 - bits) - 1;
      const values = Uint32Array.from([
        packPosting(0, 1, bits),
        packPosting(7, topStep(bits), bits),
        packPosting(8, 1, bits),
        packPosting(last, topStep(bits), bits),
      ]);
      expect(values[3]).toBe(0xffffffff);
      expect([...values].map((v) => v >>> bits)).toEqual([0, 7, 8, last]);
      expect([...values].map((v) => v & topStep(bits))).toEqual([1, topStep(bits), 1, topStep(bits)]);
      expect(findPosting(values, 0, 4, 7, bits)).toBe(1);
      expect(findPosting(values, 0, 4, 8, bits)).toBe(2);
      expect(findPosting(values, 0, 4, last, bits)).toBe(3);
      expect(findPosting(values, 0, 4, 5, bits)).toBe(-1);
      expect(findPosting(values, 2, 4, 7, bits)).toBe(-1); // outside the range asked about
    }
  });
});

describe('impacts in steps of their term', () => {
  it('rounds each impact to the nearest step, never to 0, the largest to exactly the top step', () => {
    for (const bits of [16, 12, 8]) {
      const top = topStep(bits);
      const raw = Float32Array.from([0.5, 2, 1.999, 1e-9, 7, 3.5, 0.25]);
      const offsets = Uint32Array.from([0, 4, 7]);
      const unit = impactUnits(Float32Array.from([2, 7]), bits);
      const postings = Uint32Array.from([0, 1, 2, 3, 0, 2, 3]);
      packImpacts(postings, raw, offsets, unit, bits);
      const steps = [...postings].map((v) => v & top);
      expect([...postings].map((v) => v >>> bits)).toEqual([0, 1, 2, 3, 0, 2, 3]);
      expect(steps[1]).toBe(top);
      expect(steps[4]).toBe(top);
      expect(steps[3]).toBe(1); // tiny, but it is there
      for (let t = 0; t < 2; t++) {
        for (let p = offsets[t]!; p < offsets[t + 1]!; p++) {
          if (p !== 3) expect(Math.abs(steps[p]! * unit[t]! - raw[p]!)).toBeLessThanOrEqual(unit[t]! / 2 + 1e-12);
        }
      }
    }
    expect(impactSteps(5, 0, 255)).toBe(1); // a term whose impacts are all 0 still counts its postings
    expect(impactSteps(1e9, 1, 255)).toBe(255);
  });

  for (const bits of [16, 12, 8]) {
    it(`an index at ${bits} bits keeps every term's best posting at the top step and its bound at maxImpact`, () => {
      const ix = buildIndex(papers, undefined, bits === 16 ? {} : { impactBits: bits });
      expect(ix.impactBits).toBe(bits);
      const top = topStep(bits);
      for (let t = 0; t < ix.terms.length; t++) {
        let best = 0;
        let prev = -1;
        for (let p = ix.offsets[t]!; p < ix.offsets[t + 1]!; p++) {
          const steps = ix.postings[p]! & top;
          expect(steps).toBeGreaterThan(0);
          expect(ix.postings[p]! >>> bits).toBeGreaterThan(prev);
          prev = ix.postings[p]! >>> bits;
          best = Math.max(best, steps);
        }
        expect(best).toBe(top);
        expect(best * ix.impactUnit[t]!).toBeCloseTo(ix.maxImpact[t]!, 5);
      }
    });
  }

  it('refuses a width the library does not fit, with the widest that does', () => {
    expect(() => buildIndex(papers, undefined, { impactBits: 7 })).toThrow(/7 impact bits do not fit postings of 3 papers \(at most 16\)/);
    expect(() => buildIndex(papers, undefined, { impactBits: 17 })).toThrow(RangeError);
  });

  it('the width travels with a cached index, and a width that cannot be is refused at open', () => {
    const ix = buildIndex(papers, undefined, { impactBits: 10 });
    const bytes = encodeIndex(ix, new Float64Array(0), 'h');
    const back = decodeIndex(bytes);
    expect(back.index.impactBits).toBe(10);
    expect([...back.index.impactUnit]).toEqual([...ix.impactUnit]);
    expect([...back.index.postings]).toEqual([...ix.postings]);
    // The same bytes with the header's width changed (same length, so the layout holds) and the checksum made to match.
    const headerLen = Buffer.from(bytes).readUInt32LE(12);
    const header = Buffer.from(bytes)
      .subarray(32, 32 + headerLen)
      .toString('utf8');
    expect(header).toContain('"impactBits":10');
    const forged = Buffer.from(bytes);
    for (const [bits, problem] of [
      [17, /17 impact bits for 3 papers/],
      [10, null],
    ] as const) {
      forged.write(header.replace('"impactBits":10', `"impactBits":${bits}`), 32, 'utf8');
      forged.writeUInt32LE(crc32(forged.subarray(32)), 16); // no papers: the checksum covers the rest of the file
      if (problem) expect(() => decodeIndex(forged)).toThrow(problem);
      else expect(decodeIndex(forged).index.impactBits).toBe(10);
    }
    expect(() => decodeIndex(Buffer.concat([forged.subarray(0, 16), Buffer.alloc(4), forged.subarray(20)]))).toThrow(IndexCacheError);
  });
});
