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
  keys: string[] = [];
  values: number[] = [];
  hashes = new Int32Array(1 << 12);
  slots = new Int32Array(1 << 13).fill(-1);
  mask = (1 << 13) - 1;

  get size(): number {
    return this.keys.length;
  }

  /** Entry index of the word `text[start..end)` (hyphens skipped when `hyphens`), or -1. */
  find(text: string, start: number, end: number, hash: number, length: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const hashes = this.hashes;
    const keys = this.keys;
    let slot = hash & mask;
    for (;;) {
      const e = slots[slot]!;
      if (e < 0) return -1;
      if (hashes[e] === hash) {
        const key = keys[e]!;
        if (key.length === length) {
          let k = 0;
          let i = start;
          for (; i < end; i++) {
            const c = text.charCodeAt(i);
            if (c === 45) continue;
            if (key.charCodeAt(k++) !== c) break;
          }
          if (i === end) return e;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  insert(word: string, hash: number, value: number): number {
    const e = this.keys.length;
    if (e >= this.hashes.length) {
      const next = new Int32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    if ((e + 1) * 2 > this.slots.length) {
      const size = this.slots.length * 2;
      this.slots = new Int32Array(size).fill(-1);
      this.mask = size - 1;
      for (let k = 0; k < e; k++) {
        let s = this.hashes[k]! & this.mask;
        while (this.slots[s]! >= 0) s = (s + 1) & this.mask;
        this.slots[s] = k;
      }
    }
    this.keys.push(word);
    this.values.push(value);
    this.hashes[e] = hash;
    let slot = hash & this.mask;
    while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = e;
    return e;
  }

  /**
   * Visit the value of every word and hyphen-group compound of lowercased ascii `text`.
   * `resolve(word)` computes the value of a word not seen before (memoised here).
   */
  scan(text: string, resolve: (word: string) => number, visit: (value: number) => void): void {
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
        visit(values[e]!);
      }
    }
  }
}
