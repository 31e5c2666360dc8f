/**
 * Typo correction against the index vocabulary with a deletion neighbourhood (symmetric delete):
 * every vocabulary term is stored under each of its one-character deletions. A query word meets a
 * term when they share a key, which covers one insertion, deletion, substitution or adjacent
 * transposition, and some two-edit pairs; candidates are verified with a real edit distance.
 * Lookups cost O(word length) map probes, independent of vocabulary size.
 */
import { editDistance } from '../text/distance.ts';

/** Edits allowed for a word of this length (short words are not corrected). */
export function maxEdits(length: number): number {
  if (length < 4) return 0;
  return length < 7 ? 1 : 2;
}

const WORDLIKE = /^[a-z][a-z0-9]{2,23}$/;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export class Corrector {
  readonly #terms: readonly string[];
  readonly #df: ArrayLike<number>;
  readonly #ids: ReadonlyMap<string, number>;
  readonly #byDeletion = new Map<string, number | number[]>();

  readonly #surfaces: readonly string[];

  /**
   * `terms` are the (stemmed) index terms, `surfaces` one unstemmed form of each: both are keyed,
   * so a typo is caught whether the stemmer treats it like the word (`cahces`) or not (`quantizaton`).
   */
  constructor(terms: readonly string[], surfaces: readonly string[], df: ArrayLike<number>, ids: ReadonlyMap<string, number>) {
    this.#terms = terms;
    this.#surfaces = surfaces;
    this.#df = df;
    this.#ids = ids;
    for (let id = 0; id < terms.length; id++) {
      const t = terms[id]!;
      const s = surfaces[id] ?? t;
      const keys = new Set<string>();
      if (WORDLIKE.test(t)) for (const k of deletions(t)) keys.add(k);
      if (s !== t && WORDLIKE.test(s)) {
        keys.add(s);
        for (const k of deletions(s)) keys.add(k);
      }
      for (const key of keys) {
        const prev = this.#byDeletion.get(key);
        if (prev === undefined) this.#byDeletion.set(key, id);
        else if (typeof prev === 'number') this.#byDeletion.set(key, [prev, id]);
        else if (prev.length < 64) prev.push(id);
      }
    }
  }

  /**
   * The best vocabulary term within the allowed edits of `word` (fewest edits, then most
   * frequent), or undefined. `word` itself is never returned.
   */
  correct(word: string, stemmed: string = word): number | undefined {
    const max = maxEdits(word.length);
    if (max === 0 || !WORDLIKE.test(word)) return undefined;
    const cands = new Set<number>();
    const add = (v: number | number[] | undefined): void => {
      if (v === undefined) return;
      if (typeof v === 'number') cands.add(v);
      else for (const id of v) cands.add(id);
    };
    for (const w of new Set([word, stemmed])) {
      add(this.#byDeletion.get(w));
      for (const del of deletions(w)) {
        add(this.#byDeletion.get(del));
        add(this.#ids.get(del));
      }
    }
    let best: number | undefined;
    let bestD = max + 1;
    for (const id of cands) {
      const t = this.#terms[id]!;
      if (t === word || t === stemmed) continue;
      const d = Math.min(editDistance(stemmed, t, max), editDistance(word, this.#surfaces[id] ?? t, max));
      if (d > max) continue;
      if (d < bestD || (d === bestD && best !== undefined && (this.#df[id]! > this.#df[best]! || (this.#df[id] === this.#df[best] && t < this.#terms[best]!)))) {
        best = id;
        bestD = d;
      }
    }
    return best;
  }
}
