/**
 * A bounded min-heap keeping the k best (score, doc) pairs. Ties prefer the lower doc index, so
 * results are deterministic.
 */
export class TopK {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #docs: Uint32Array;
  size = 0;

  constructor(k: number) {
    this.#k = Math.max(0, k);
    this.#scores = new Float64Array(this.#k);
    this.#docs = new Uint32Array(this.#k);
  }

  /** True when (a, da) ranks below (b, db). */
  static #worse(a: number, da: number, b: number, db: number): boolean {
    return a < b || (a === b && da > db);
  }

  /** The score a new entry must beat to get in (-Infinity while not full). */
  get threshold(): number {
    return this.size < this.#k ? -Infinity : this.#scores[0]!;
  }

  push(score: number, doc: number): void {
    const k = this.#k;
    if (k === 0) return;
    const s = this.#scores;
    const d = this.#docs;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!TopK.#worse(score, doc, s[parent]!, d[parent]!)) break;
        s[i] = s[parent]!;
        d[i] = d[parent]!;
        i = parent;
      }
      s[i] = score;
      d[i] = doc;
      return;
    }
    if (!TopK.#worse(s[0]!, d[0]!, score, doc)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= k) break;
      const r = l + 1;
      let c = l;
      if (r < k && TopK.#worse(s[r]!, d[r]!, s[l]!, d[l]!)) c = r;
      if (!TopK.#worse(s[c]!, d[c]!, score, doc)) break;
      s[i] = s[c]!;
      d[i] = d[c]!;
      i = c;
    }
    s[i] = score;
    d[i] = doc;
  }

  /** Entries best first. */
  sorted(): Array<{ doc: number; score: number }> {
    const out: Array<{ doc: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.#docs[i]!, score: this.#scores[i]! });
    out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return out;
  }
}
