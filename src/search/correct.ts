/**
 * Typo correction against the index vocabulary with a deletion neighbourhood (symmetric delete):
 * every vocabulary term (and its unstemmed surface form) is keyed under each of its
 * one-character deletions. A query word meets a term when they share a key, which covers one
 * insertion, deletion, substitution or adjacent transposition (and some two-edit pairs);
 * candidates are verified with a real edit distance.
 *
 * The keys are 31-bit hashes packed with the term id into one sorted Float64Array
 * (`hash * 2^22 + id`), so the structure is compact, binary-searchable and can be cached on
 * disk as-is. A lookup is O(word length * log keys), independent of corpus size.
 */
import { editDistance } from '../text/distance.ts';

/** Edits allowed for a word of this length (short words are not corrected). */
export function maxEdits(length: number): number {
  if (length < 4) return 0;
  return length < 7 ? 1 : 2;
}

const WORDLIKE = /^[a-z][a-z0-9]{2,23}$/;
const ID_SPACE = 2 ** 22;
/** Most candidates examined for one key (keeps pathological keys bounded). */
const MAX_PER_KEY = 64;

function hash31(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** hash31 of `word` with the character at `skip` removed (-1: nothing removed), without building the string. */
function hashSkipping(word: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    if (i === skip) continue;
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

/** Build the sorted key array for a vocabulary (see module doc). Allocates no per-key strings. */
export function buildCorrectionKeys(terms: readonly string[], surfaces: readonly string[]): Float64Array {
  if (terms.length >= ID_SPACE) throw new Error(`vocabulary too large for the typo index (${terms.length} terms)`);
  let total = 0;
  for (let id = 0; id < terms.length; id++) {
    const t = terms[id]!;
    const s = surfaces[id] ?? t;
    if (WORDLIKE.test(t)) total += t.length + 1;
    if (s !== t && WORDLIKE.test(s)) total += s.length + 1;
  }
  const keys = new Float64Array(total);
  let n = 0;
  for (let id = 0; id < terms.length; id++) {
    const t = terms[id]!;
    const s = surfaces[id] ?? t;
    for (const w of s !== t ? [t, s] : [t]) {
      if (!WORDLIKE.test(w)) continue;
      for (let skip = -1; skip < w.length; skip++) keys[n++] = hashSkipping(w, skip) * ID_SPACE + id;
    }
  }
  keys.sort();
  // Drop repeats (a word with a doubled letter has two equal deletions).
  let out = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[out - 1]) keys[out++] = keys[i]!;
  return keys.slice(0, out);
}

export class Corrector {
  readonly #terms: readonly string[];
  readonly #surfaces: readonly string[];
  readonly #df: ArrayLike<number>;
  readonly #keys: Float64Array;

  /** `keys` from buildCorrectionKeys(terms, surfaces) (built here when absent). */
  constructor(terms: readonly string[], surfaces: readonly string[], df: ArrayLike<number>, keys?: Float64Array) {
    this.#terms = terms;
    this.#surfaces = surfaces;
    this.#df = df;
    this.#keys = keys ?? buildCorrectionKeys(terms, surfaces);
  }

  get keys(): Float64Array {
    return this.#keys;
  }

  #lookup(key: string, into: Set<number>): void {
    const h = hash31(key);
    const lo0 = h * ID_SPACE;
    const hi0 = lo0 + ID_SPACE;
    const keys = this.#keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < lo0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, c = 0; i < keys.length && keys[i]! < hi0 && c < MAX_PER_KEY; i++, c++) into.add(keys[i]! - lo0);
  }

  /**
   * The best vocabulary term within the allowed edits of the folded `word` (or its stem):
   * fewest edits, then most frequent, then alphabetical. Never the word itself. Undefined if none.
   */
  correct(word: string, stemmed: string = word): number | undefined {
    const max = maxEdits(word.length);
    if (max === 0 || !WORDLIKE.test(word)) return undefined;
    const cands = new Set<number>();
    for (const w of new Set([word, stemmed])) {
      this.#lookup(w, cands);
      for (const del of deletions(w)) this.#lookup(del, cands);
    }
    let best: number | undefined;
    let bestD = max + 1;
    for (const id of cands) {
      const t = this.#terms[id];
      if (t === undefined || t === word || t === stemmed) continue;
      const d = Math.min(editDistance(stemmed, t, max), editDistance(word, this.#surfaces[id] ?? t, max));
      if (d > max) continue;
      const better =
        best === undefined || d < bestD || (d === bestD && (this.#df[id]! > this.#df[best]! || (this.#df[id] === this.#df[best] && t < this.#terms[best]!)));
      if (better) {
        best = id;
        bestD = d;
      }
    }
    return best;
  }
}
