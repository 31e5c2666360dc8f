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

  constructor(terms: readonly string[], df: ArrayLike<number>, ids: ReadonlyMap<string, number>) {
    this.#terms = terms;
    this.#df = df;
    this.#ids = ids;
    for (let id = 0; id < terms.length; id++) {
      const t = terms[id]!;
      if (!WORDLIKE.test(t)) continue;
      for (const key of new Set(deletions(t))) {
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
  correct(word: string): number | undefined {
    const max = maxEdits(word.length);
    if (max === 0 || !WORDLIKE.test(word)) return undefined;
    const cands = new Set<number>();
    const add = (v: number | number[] | undefined): void => {
      if (v === undefined) return;
      if (typeof v === 'number') cands.add(v);
      else for (const id of v) cands.add(id);
    };
    add(this.#byDeletion.get(word));
    for (const del of deletions(word)) {
      add(this.#byDeletion.get(del));
      add(this.#ids.get(del));
    }
    let best: number | undefined;
    let bestD = max + 1;
    for (const id of cands) {
      const t = this.#terms[id]!;
      if (t === word) continue;
      const d = editDistance(word, t, max);
      if (d > max) continue;
      if (d < bestD || (d === bestD && best !== undefined && (this.#df[id]! > this.#df[best]! || (this.#df[id] === this.#df[best] && t < this.#terms[best]!)))) {
        best = id;
        bestD = d;
      }
    }
    return best;
  }
}
