/**
 * Exact top-k with MaxScore pruning and an exact match count from clause bitsets.
 *
 * Semantics are those of `Ranker.rankExhaustive` (see rank.ts): score = sum of unit impacts x
 * (clauses satisfied / clauses), papers need `requiredClauses` clauses, ties go to the lower
 * paper index. Because candidates are visited in ascending paper order, a paper whose upper
 * bound does not exceed the current k-th score can never enter the heap and is skipped.
 */
import { postingsOf, type IndexData } from './inverted-index.ts';
import { neededClauses, type QueryPlan } from './query.ts';
import { lowerBound, topStep } from './postings.ts';
import { popcount, type Ranked } from './rank.ts';
import { TopK } from './top-k.ts';

/**
 * A posting list being walked: a term's packed postings (see postings.ts), or the papers of a
 * conjunction with their summed impacts.
 */
interface List {
  /** Packed postings (paper << shift | impact steps), or a conjunction's papers (shift 0). */
  post: Uint32Array;
  /** Impact bits of a posting: its paper is `post[p] >>> shift`. */
  shift: number;
  /** `2^shift`: a paper's smallest posting value is `paper * scale`. */
  scale: number;
  /** `2^shift - 1`: a term's posting's steps are `post[p] & mask`. */
  mask: number;
  /** A conjunction's summed impacts by position; absent for a term's list. */
  sums: Float32Array | undefined;
  pos: number;
  end: number;
  weight: number;
  covers: number;
  ub: number;
  /** Term id when the list is one term's postings (bitset cache key), else -1. */
  term: number;
}

/** Whether paper `d` is in bitset `bits`. */
function has(bits: Uint32Array, d: number): boolean {
  return ((bits[d >>> 5]! >>> (d & 31)) & 1) === 1;
}

/** Impact at position `p` of a list: steps (times `weight`, which includes the step) or a conjunction's sum. */
function impactAt(l: List, p: number): number {
  return l.sums === undefined ? l.post[p]! & l.mask : l.sums[p]!;
}

/** A term's postings as a list. */
function termList(ix: IndexData, t: number, weight: number, covers: number): List {
  const post = postingsOf(ix, t);
  const shift = ix.impactBits;
  const scale = 2 ** shift;
  return {
    post,
    shift,
    scale,
    mask: topStep(shift),
    sums: undefined,
    pos: 0,
    end: post.length,
    weight,
    covers,
    ub: weight * topStep(shift),
    term: t,
  };
}

/** A list's best papers by impact, and the most any other paper of the list has. */
interface Champions {
  docs: Uint32Array;
  floor: number;
}

/** Move `l.pos` to the first posting with paper >= `d` (galloping search). */
function advance(l: List, d: number): void {
  const post = l.post;
  const key = d * l.scale;
  let lo = l.pos;
  if (lo >= l.end || post[lo]! >= key) return;
  let step = 1;
  let hi = lo + 1;
  while (hi < l.end && post[hi]! < key) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > l.end) hi = l.end;
  // post[lo] < key, answer in (lo, hi]
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (post[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  l.pos = lo;
}

/**
 * Highest-impact papers taken from each list to seed the top-k heap. Besides raising the threshold
 * early, they bound every other paper: the 64th impact of a list is far below its best (impacts
 * have long tails), so the walk can skip far more. 32-128 measured alike at 100,000 papers; 16 and
 * 256 were slower (weaker bounds; more seeds to score).
 */
const SEEDS_PER_LIST = 64;

/**
 * Bitsets kept for the most recently counted common terms: n / 8 bytes each (125 KB at a million
 * papers), so a long-running bot asked about every common word does not keep them all.
 */
const DENSE_CACHED = 128;
/** Long lists whose best papers are kept (a few dozen bytes each). */
const TOP_CACHED = 4096;

/** Papers with at least this many postings get a cached bitset for match counting. */
function denseThreshold(n: number): number {
  return Math.max(256, n >>> 5);
}

/**
 * Papers in at least `need` of 2-4 clause bitsets (2 <= need <= bits.length), and with a code link
 * when `code` is given, into `qualified`; returns how many. The general count (bit-sliced counters
 * over any number of clauses) as one formula a case: a query of a few words is most queries.
 */
export function atLeast(bits: readonly Uint32Array[], need: number, words: number, code: Uint32Array | undefined, qualified: Uint32Array): number {
  const [a, b] = bits as [Uint32Array, Uint32Array];
  const c = bits[2] ?? a;
  const d = bits[3] ?? a;
  const kind = bits.length * 8 + need;
  let total = 0;
  for (let w = 0; w < words; w++) {
    const x0 = a[w]!;
    const x1 = b[w]!;
    let x: number;
    if (kind === 18) x = x0 & x1;
    else if (kind === 26) x = (x0 & x1) | (c[w]! & (x0 | x1));
    else if (kind === 27) x = x0 & x1 & c[w]!;
    else {
      const x2 = c[w]!;
      const x3 = d[w]!;
      if (kind === 34) x = (x0 & x1) | (x2 & x3) | ((x0 | x1) & (x2 | x3));
      else if (kind === 35) x = (x0 & x1 & (x2 | x3)) | (x2 & x3 & (x0 | x1));
      else x = x0 & x1 & x2 & x3;
    }
    if (code) x &= code[w]!;
    qualified[w] = x;
    total += popcount(x);
  }
  return total;
}

export class MaxScoreRanker {
  readonly #ix: IndexData;
  readonly #words: number;
  readonly #dense = new Map<number, Uint32Array>();
  readonly #top = new Map<number, Champions>();
  /** Bitset of papers with a code link. */
  readonly #code: Uint32Array;
  #clauseBits: Uint32Array[] = [];
  /** The papers `#count` counted (bit per paper): they meet the clause requirement and the code filter. */
  readonly #qualified: Uint32Array;

  constructor(ix: IndexData) {
    this.#ix = ix;
    this.#words = (ix.n + 31) >>> 5;
    this.#code = new Uint32Array(this.#words);
    this.#qualified = new Uint32Array(this.#words);
    for (let d = 0; d < ix.n; d++) if (ix.hasCode[d]) this.#code[d >>> 5]! |= 1 << (d & 31);
  }

  #denseBits(t: number): Uint32Array | undefined {
    const ix = this.#ix;
    if (ix.df[t]! < denseThreshold(ix.n)) return undefined;
    let bits = this.#dense.get(t);
    if (bits) {
      // Most recently used last: the first is the one to drop.
      this.#dense.delete(t);
    } else {
      bits = new Uint32Array(this.#words);
      const postings = postingsOf(ix, t);
      const impactBits = ix.impactBits;
      for (let p = 0; p < postings.length; p++) {
        const d = postings[p]! >>> impactBits;
        bits[d >>> 5]! |= 1 << (d & 31);
      }
      if (this.#dense.size >= DENSE_CACHED) this.#dense.delete(this.#dense.keys().next().value!);
    }
    this.#dense.set(t, bits);
    return bits;
  }

  /**
   * The `count` highest-impact papers of a list, and a bound on the impact of every paper left
   * out (0 when none is). Cached for long single-term lists.
   */
  #topDocs(l: List, count: number): Champions {
    const long = l.term >= 0 && l.end - l.pos >= denseThreshold(this.#ix.n);
    const cached = long ? this.#top.get(l.term) : undefined;
    if (cached) return cached;
    const heap = new TopK(count);
    for (let p = l.pos; p < l.end; p++) {
      const w = impactAt(l, p);
      if (heap.size < count || w > heap.threshold) heap.push(w, l.post[p]! >>> l.shift);
    }
    const champions = { docs: Uint32Array.from(heap.sorted(), (h) => h.doc), floor: l.end - l.pos > count ? heap.threshold : 0 };
    if (long) {
      if (this.#top.size >= TOP_CACHED) this.#top.clear();
      this.#top.set(l.term, champions);
    }
    return champions;
  }

  /** Materialise the units of a plan as posting lists (conjunctions are intersected). */
  #lists(plan: QueryPlan): List[] {
    const ix = this.#ix;
    const lists: List[] = [];
    for (const u of plan.units) {
      if (u.terms.length === 1) {
        const t = u.terms[0]!;
        const l = termList(ix, t, u.weight * ix.impactUnit[t]!, u.covers);
        if (l.end > l.pos) lists.push(l);
        continue;
      }
      const parts: List[] = u.terms.map((t) => termList(ix, t, ix.impactUnit[t]!, 0)).sort((a, b) => a.end - a.pos - (b.end - b.pos));
      const shift = ix.impactBits;
      const lead = parts[0]!;
      const outDocs: number[] = [];
      const outImps: number[] = [];
      let best = 0;
      // The other lists' papers as bitsets where they are long (kept for counting anyway): a lead
      // paper missing from one is passed by with a bit test, and the lists are galloped to the
      // papers in all of them. Otherwise galloping pays off when the other lists are much longer
      // than the lead; else step linearly.
      const members = parts.map((l, j) => (j > 0 ? this.#denseBits(l.term) : undefined));
      const gallop = parts.map((l, j) => members[j] !== undefined || l.end - l.pos > 8 * (lead.end - lead.pos));
      outer: for (let p = lead.pos; p < lead.end; p++) {
        const d = lead.post[p]! >>> shift;
        for (let j = 1; j < parts.length; j++) {
          const m = members[j];
          if (m !== undefined && !has(m, d)) continue outer;
        }
        let sum = lead.weight * impactAt(lead, p);
        for (let j = 1; j < parts.length; j++) {
          const l = parts[j]!;
          if (gallop[j]) advance(l, d);
          else while (l.pos < l.end && l.post[l.pos]! >>> shift < d) l.pos++;
          if (l.pos >= l.end) break outer;
          if (l.post[l.pos]! >>> shift !== d) continue outer;
          sum += l.weight * impactAt(l, l.pos);
        }
        outDocs.push(d);
        outImps.push(sum);
        if (sum > best) best = sum;
      }
      if (outDocs.length > 0) {
        lists.push({
          post: Uint32Array.from(outDocs),
          shift: 0,
          scale: 1,
          mask: 0,
          sums: Float32Array.from(outImps),
          pos: 0,
          end: outDocs.length,
          weight: u.weight,
          covers: u.covers,
          ub: u.weight * best,
          term: -1,
        });
      }
    }
    return lists;
  }

  /** Exact number of papers meeting the clause requirement (and the code filter); they are left in `#qualified`. */
  #count(lists: readonly List[], plan: QueryPlan, need: number, codeOnly: boolean): number {
    const words = this.#words;
    const clauses: number[] = [];
    for (let c = 0; c < 32; c++) if ((plan.matchable >>> c) & 1) clauses.push(c);
    while (this.#clauseBits.length < clauses.length) this.#clauseBits.push(new Uint32Array(words));
    const dense = lists.map((l) => (l.term >= 0 ? this.#denseBits(l.term) : undefined));
    // A clause's papers: the bitset of its one list when that list has one (read, never written;
    // at a million papers copying it cost more than the count), else the union of its lists.
    const bits = clauses.map((c, i): Uint32Array => {
      let only = -1;
      let count = 0;
      for (let j = 0; j < lists.length; j++) {
        if (((lists[j]!.covers >>> c) & 1) === 0) continue;
        only = j;
        count++;
      }
      const one = count === 1 ? dense[only] : undefined;
      if (one) return one;
      const b = this.#clauseBits[i]!.fill(0);
      lists.forEach((l, j) => {
        if (((l.covers >>> c) & 1) === 0) return;
        const d = dense[j];
        if (d) for (let w = 0; w < words; w++) b[w]! |= d[w]!;
        else
          for (let p = l.pos; p < l.end; p++) {
            const doc = l.post[p]! >>> l.shift;
            b[doc >>> 5]! |= 1 << (doc & 31);
          }
      });
      return b;
    });
    const code = this.#code;
    const qualified = this.#qualified;
    let total = 0;
    if (need >= 2 && need <= bits.length && bits.length <= 4) return atLeast(bits, need, words, codeOnly ? code : undefined, qualified);
    if (need <= 1) {
      for (let w = 0; w < words; w++) {
        let x = 0;
        for (const b of bits) x |= b[w]!;
        if (codeOnly) x &= code[w]!;
        qualified[w] = x;
        total += popcount(x);
      }
      return total;
    }
    // Bit-sliced counters (5 bits: up to 31 clauses) held in locals, then "count >= need" per bit.
    const nb = bits.length;
    const n0 = need & 1;
    const n1 = (need >>> 1) & 1;
    const n2 = (need >>> 2) & 1;
    const n3 = (need >>> 3) & 1;
    const n4 = (need >>> 4) & 1;
    for (let w = 0; w < words; w++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      for (let i = 0; i < nb; i++) {
        let c = bits[i]![w]!;
        if (c === 0) continue;
        let t = s0 & c;
        s0 ^= c;
        c = t;
        t = s1 & c;
        s1 ^= c;
        c = t;
        t = s2 & c;
        s2 ^= c;
        c = t;
        t = s3 & c;
        s3 ^= c;
        s4 ^= t;
      }
      if ((s0 | s1 | s2 | s3 | s4) === 0) {
        qualified[w] = 0;
        continue;
      }
      // From the top bit down: greater so far, or equal so far.
      let gt = 0;
      let eq = -1;
      if (n4) eq &= s4;
      else {
        gt |= eq & s4;
        eq &= ~s4;
      }
      if (n3) eq &= s3;
      else {
        gt |= eq & s3;
        eq &= ~s3;
      }
      if (n2) eq &= s2;
      else {
        gt |= eq & s2;
        eq &= ~s2;
      }
      if (n1) eq &= s1;
      else {
        gt |= eq & s1;
        eq &= ~s1;
      }
      if (n0) eq &= s0;
      else {
        gt |= eq & s0;
        eq &= ~s0;
      }
      let x = gt | eq;
      if (codeOnly) x &= code[w]!;
      qualified[w] = x;
      total += popcount(x);
    }
    return total;
  }

  rank(plan: QueryPlan, k: number, codeOnly: boolean): Ranked {
    const lists = this.#lists(plan);
    const need = neededClauses(plan);
    if (lists.length === 0 || plan.clauses === 0) return { top: [], total: 0 };
    const total = this.#count(lists, plan, need, codeOnly);
    const heap = new TopK(k);
    if (k === 0 || total === 0) return { top: [], total };

    // Papers that meet the clause requirement and the code filter, from the count: a paper of the
    // walk that does not is passed by at the cost of one bit, before any other list is read for it
    // (at a million papers, most of a three-word query's candidates lack a second word).
    const qualified = this.#qualified;
    const matchable = plan.matchable;
    const n = plan.clauses;
    // Seed the heap with the papers that score highest on each list, scored exactly, so the
    // threshold starts near its final value and the walk below can skip most papers at once.
    const seedSet = new Set<number>();
    // The most a paper outside every list's seeds can score.
    let unseen = 0;
    for (const l of lists) {
      const champions = this.#topDocs(l, SEEDS_PER_LIST);
      for (const d of champions.docs) seedSet.add(d);
      // Seeds are scored here and skipped below: every other paper's impact in this list is at
      // most the floor, a far tighter bound than the list's best (impacts have long tails).
      l.ub = l.weight * champions.floor;
      unseen += l.ub;
    }
    lists.sort((a, b) => a.ub - b.ub);
    const m = lists.length;
    // The long lists' papers as bitsets (built for the count): a paper missing from a list is told
    // by one bit, without searching the list for it.
    const member = lists.map((l) => (l.term >= 0 ? this.#denseBits(l.term) : undefined));
    const cum = new Float64Array(m);
    let run = 0;
    for (let i = 0; i < m; i++) cum[i] = run += lists[i]!.ub;
    // Ascending, with a sentinel: the walk checks membership with a moving pointer.
    const seeds = Uint32Array.from([...seedSet, 0xffffffff]).sort();
    let si = 0;
    for (const d of seedSet) {
      if (!has(qualified, d)) continue;
      let acc = 0;
      let mask = 0;
      for (let i = 0; i < m; i++) {
        const l = lists[i]!;
        const bits = member[i];
        if (bits !== undefined && !has(bits, d)) continue;
        const at = lowerBound(l.post, l.pos, l.end, d * l.scale);
        if (at < l.end && l.post[at]! >>> l.shift === d) {
          acc += l.weight * impactAt(l, at);
          mask |= l.covers;
        }
      }
      const cov = popcount(mask & matchable);
      if (cov >= need) heap.push((acc * cov) / n, d);
    }
    let theta = heap.threshold;
    // Done when no other paper can reach the k-th score (a margin for the sums' rounding).
    if (unseen * (1 + 1e-9) < theta) return { top: heap.sorted(), total };
    let firstEss = 0;

    /**
     * Complete paper `d`'s score from the non-essential lists (strongest bound first), giving up as
     * soon as it cannot reach the threshold; push it when it makes the top k. Seeds were scored
     * already. Returns whether the heap (and so the threshold) changed.
     */
    const finish = (d: number, acc: number, mask: number): boolean => {
      while (seeds[si]! < d) si++;
      if (seeds[si] === d) return false;
      for (let i = firstEss - 1; i >= 0; i--) {
        if (acc + cum[i]! < theta) return false;
        const bits = member[i];
        if (bits !== undefined && !has(bits, d)) continue;
        const l = lists[i]!;
        advance(l, d);
        if (l.pos < l.end && l.post[l.pos]! >>> l.shift === d) {
          acc += l.weight * impactAt(l, l.pos);
          mask |= l.covers;
        }
      }
      const cov = popcount(mask & matchable);
      if (cov < need) return false;
      const score = (acc * cov) / n;
      if (score < theta) return false;
      heap.push(score, d);
      theta = heap.threshold;
      return true;
    };

    for (;;) {
      while (firstEss < m && cum[firstEss]! < theta) firstEss++;
      if (firstEss >= m) break;
      if (firstEss === m - 1) {
        // One essential list (the usual steady state): walk it directly.
        const e = lists[m - 1]!;
        const below = firstEss > 0 ? cum[firstEss - 1]! : 0;
        let raised = false;
        while (e.pos < e.end) {
          const d = e.post[e.pos]! >>> e.shift;
          const acc = e.weight * impactAt(e, e.pos);
          const mask = e.covers;
          e.pos++;
          if (acc + below < theta || !has(qualified, d)) continue;
          if (finish(d, acc, mask) && cum[firstEss]! < theta) {
            raised = true;
            break;
          }
        }
        if (raised) continue;
        break;
      }
      // Next candidate: smallest current doc among the essential lists.
      let d = 0xffffffff;
      for (let i = firstEss; i < m; i++) {
        const l = lists[i]!;
        if (l.pos < l.end && l.post[l.pos]! >>> l.shift < d) d = l.post[l.pos]! >>> l.shift;
      }
      if (d === 0xffffffff) break;
      let acc = 0;
      let mask = 0;
      for (let i = firstEss; i < m; i++) {
        const l = lists[i]!;
        if (l.pos < l.end && l.post[l.pos]! >>> l.shift === d) {
          acc += l.weight * impactAt(l, l.pos);
          mask |= l.covers;
          l.pos++;
        }
      }
      if (!has(qualified, d)) continue;
      finish(d, acc, mask);
    }
    return { top: heap.sorted(), total };
  }
}
