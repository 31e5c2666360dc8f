/**
 * The indexer's fast path for ascii text: scans words and hyphen groups by char code and looks
 * them up in an open-addressing table keyed by an FNV-1a hash computed while scanning, so the
 * hot loop allocates no strings for words it has seen before (a string is made only for a new
 * word). Semantics match `collectWords` on lowercased ascii text: runs of [a-z0-9]; a hyphen
 * group yields its parts and then the joined compound.
 */

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export class WordTable {
  /** Entry -> value. */
  values: number[] = [];
  /** Entry -> offset of its characters in `pool` (length in `lengths`). */
  offsets = new Int32Array(1 << 12);
  lengths = new Uint8Array(1 << 12);
  pool = new Uint8Array(1 << 16);
  poolUsed = 0;
  /** Open addressing: slot pairs [hash, entry + 1] (0 = empty), so a probe reads one cache line. */
  slots = new Int32Array(1 << 14);
  mask = (1 << 13) - 1;

  get size(): number {
    return this.values.length;
  }

  /** Entry index of the word `text[start..end)` (hyphens skipped) of `length` characters, or -1. */
  find(text: string, start: number, end: number, hash: number, length: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const e1 = slots[2 * slot + 1]!;
      if (e1 === 0) return -1;
      if (slots[2 * slot] === hash) {
        const e = e1 - 1;
        if (this.lengths[e] === length) {
          const pool = this.pool;
          let k = this.offsets[e]!;
          let i = start;
          for (; i < end; i++) {
            const c = text.charCodeAt(i);
            if (c === 45) continue;
            if (pool[k++] !== c) break;
          }
          if (i === end) return e;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  insert(word: string, hash: number, value: number): number {
    const e = this.values.length;
    if (e >= this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const l = new Uint8Array(this.lengths.length * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    // Words longer than 255 characters are not pooled (never found again; their value is recomputed).
    const len = Math.min(255, word.length);
    while (this.poolUsed + len > this.pool.length) {
      const p = new Uint8Array(this.pool.length * 2);
      p.set(this.pool);
      this.pool = p;
    }
    this.offsets[e] = this.poolUsed;
    this.lengths[e] = word.length > 255 ? 0 : len;
    for (let i = 0; i < len; i++) this.pool[this.poolUsed + i] = word.charCodeAt(i);
    this.poolUsed += len;
    this.values.push(value);
    if ((e + 1) * 2 > this.mask + 1) {
      const size = (this.mask + 1) * 2;
      const old = this.slots;
      this.slots = new Int32Array(2 * size);
      this.mask = size - 1;
      for (let s = 0; s < old.length; s += 2) {
        if (old[s + 1] === 0) continue;
        let slot = old[s]! & this.mask;
        while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
        this.slots[2 * slot] = old[s]!;
        this.slots[2 * slot + 1] = old[s + 1]!;
      }
    }
    let slot = hash & this.mask;
    while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = e + 1;
    return e;
  }

  /**
   * Visit the value of every word of lowercased ascii `text`, and give each hyphen group's joined
   * compound's value to `visitJoined` (by default `visit` too, right after the group's parts).
   * `resolve(word)` computes the value of a word not seen before
   * (memoised here).
   */
  scan(text: string, resolve: (word: string) => number, visit: (value: number) => void, visitJoined: (value: number) => void = visit): void {
    const n = text.length;
    const values = this.values;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
        i++;
        continue;
      }
      const groupStart = i;
      let groupHash = FNV_OFFSET;
      let groupLen = 0;
      let parts = 0;
      for (;;) {
        const partStart = i;
        let h = FNV_OFFSET;
        while (i < n) {
          c = text.charCodeAt(i);
          if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
          h = Math.imul(h ^ c, FNV_PRIME);
          groupHash = Math.imul(groupHash ^ c, FNV_PRIME);
          i++;
        }
        parts++;
        groupLen += i - partStart;
        let e = this.find(text, partStart, i, h, i - partStart);
        if (e < 0) e = this.insert(text.slice(partStart, i), h, resolve(text.slice(partStart, i)));
        visit(values[e]!);
        if (i + 1 < n && c === 45) {
          const d = text.charCodeAt(i + 1);
          if ((d >= 97 && d <= 122) || (d >= 48 && d <= 57)) {
            i++;
            continue;
          }
        }
        break;
      }
      if (parts > 1) {
        let e = this.find(text, groupStart, i, groupHash, groupLen);
        if (e < 0) {
          const joined = text.slice(groupStart, i).replaceAll('-', '');
          e = this.insert(joined, groupHash, resolve(joined));
        }
        visitJoined(values[e]!);
      }
    }
  }
}
