/**
 * Packed postings: a posting is one u32, the paper index in its high bits and the impact (in
 * steps of the term's unit, see `IndexData.impactUnit`) in its low `impactBits` bits.
 *
 * A library of n papers leaves `32 - bits(n - 1)` bits for the impact, of which it takes at most
 * 16: up to 65,536 papers every impact has 16 bits (65,535 steps to a term's best posting), at a
 * million 12 (4,095 steps). Four bytes a posting instead of six (paper u32 + impact u16), one
 * array read per posting, and packed values sort as their papers do: a search for paper `d` is a
 * search for the first value >= `d * 2^impactBits`.
 */

/** At most this many impact bits (65,535 steps). */
export const MAX_IMPACT_BITS = 16;
/** At least this many (255 steps): the ranking quality below it is not measured. */
export const MIN_IMPACT_BITS = 8;

/** Bits a paper index of a library of `n` papers needs. */
function docBits(n: number): number {
  return n <= 1 ? 1 : 32 - Math.clz32(n - 1);
}

/** The most papers one index can hold (its paper indexes leave `MIN_IMPACT_BITS` for the impact). */
export const MAX_INDEX_PAPERS = 2 ** (32 - MIN_IMPACT_BITS);

/** Impact bits a posting gets in an index of `n` papers. Throws past `MAX_INDEX_PAPERS`. */
export function impactBitsFor(n: number): number {
  if (n > MAX_INDEX_PAPERS)
    throw new RangeError(`one index holds at most ${MAX_INDEX_PAPERS.toLocaleString('en-US')} papers (${n.toLocaleString('en-US')} given)`);
  return Math.min(MAX_IMPACT_BITS, 32 - docBits(n));
}

/** Whether `bits` is a usable impact width for `n` papers (the widest is `impactBitsFor(n)`). */
export function impactBitsFit(n: number, bits: number): boolean {
  return Number.isInteger(bits) && bits >= MIN_IMPACT_BITS && bits <= MAX_IMPACT_BITS && n <= MAX_INDEX_PAPERS && bits <= 32 - docBits(n);
}

/** The largest impact step a posting can hold (a term's best posting has exactly this). */
export function topStep(bits: number): number {
  return 2 ** bits - 1;
}

/** The posting of paper `doc` with `steps` impact steps. */
export function packPosting(doc: number, steps: number, bits: number): number {
  return doc * 2 ** bits + steps;
}

/** Position of paper `doc` in the postings `postings[from..to)`, or -1 when it is not there. */
export function findPosting(postings: Uint32Array, from: number, to: number, doc: number, bits: number): number {
  const at = lowerBound(postings, from, to, doc * 2 ** bits);
  return at < to && postings[at]! >>> bits === doc ? at : -1;
}

/** Ranges at most this long are finished by bisection. */
const BISECT = 16;
/** Interpolation rounds before falling back to bisection (bounds the cost on uneven lists). */
const GUESSES = 3;

/**
 * First position in `values[from..to)` (ascending) holding a value >= `value`; `to` when none does.
 *
 * A posting list's papers (packed or not) are spread fairly evenly over the ids, so the position
 * is guessed from the value (interpolation) and bracketed with a short step either side: two or
 * three reads of a long list instead of ~20 scattered ones (each a cache miss at a million
 * papers). After a few guesses, or on a short range, plain bisection finishes; on any order of
 * values the answer is the bisection's.
 */
export function lowerBound(values: Uint32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  // The answer is in [lo, hi]: values[i] < value for i < lo, and values[i] >= value for i >= hi.
  for (let round = 0; round < GUESSES && hi - lo > BISECT; round++) {
    const first = values[lo]!;
    if (first >= value) return lo;
    const last = values[hi - 1]!;
    if (last < value) return hi;
    // first < value <= last: the answer is in (lo, hi - 1].
    const span = hi - 1 - lo;
    let g = lo + Math.ceil(((value - first) / (last - first)) * span);
    if (g <= lo) g = lo + 1;
    else if (g > hi - 1) g = hi - 1;
    const step = BISECT >>> 1;
    if (values[g]! < value) {
      lo = g + 1;
      const probe = g + step;
      if (probe < hi) {
        if (values[probe]! >= value) hi = probe;
        else lo = probe + 1;
      }
    } else {
      hi = g;
      const probe = g - step;
      if (probe > lo) {
        if (values[probe]! < value) lo = probe + 1;
        else hi = probe;
      }
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
