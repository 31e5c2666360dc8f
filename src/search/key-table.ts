/**
 * String-keyed tables by open addressing, for the large lookups an engine builds at start (a
 * million papers' ids, a vocabulary of over a million terms): one typed array of slots and no
 * rehashing as they fill, where a `Map` of as many strings costs about three times the time and
 * the memory.
 */

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Slots for `count` keys: a power of two, at most half full. */
export function slotCount(count: number): number {
  return 2 ** Math.max(4, Math.ceil(Math.log2(count * 2 + 1)));
}

/** String -> number (a paper index), the first value given for a key kept. */
export class KeyTable {
  #keys: string[] = [];
  #values: number[] = [];
  /** Entry per slot (its place in `#keys`), -1 when empty. */
  #slots: Int32Array;

  /** `expected`: about how many keys it will hold (it grows past that). */
  constructor(expected = 0) {
    this.#slots = new Int32Array(slotCount(expected)).fill(-1);
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Add `key` with `value` unless it is there already; whether it was added. */
  add(key: string, value: number): boolean {
    const mask = this.#slots.length - 1;
    let at = hashString(key) & mask;
    for (;;) {
      const e = this.#slots[at]!;
      if (e === -1) break;
      if (this.#keys[e] === key) return false;
      at = (at + 1) & mask;
    }
    this.#slots[at] = this.#keys.length;
    this.#keys.push(key);
    this.#values.push(value);
    if (this.#keys.length * 2 > this.#slots.length) this.#grow();
    return true;
  }

  get(key: string): number | undefined {
    const mask = this.#slots.length - 1;
    let at = hashString(key) & mask;
    for (;;) {
      const e = this.#slots[at]!;
      if (e === -1) return undefined;
      if (this.#keys[e] === key) return this.#values[e];
      at = (at + 1) & mask;
    }
  }

  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    this.#keys.forEach((key, e) => {
      let at = hashString(key) & mask;
      while (slots[at] !== -1) at = (at + 1) & mask;
      slots[at] = e;
    });
    this.#slots = slots;
  }
}
