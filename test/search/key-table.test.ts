import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainedSlotsOver, chainFits, ChainedSlotTable, hashString, KeyTable, SlotTable, slotCount, slotsFit, slotsOver } from '../../src/search/key-table.ts';

describe('KeyTable', () => {
  it('answers as a Map that keeps the first value of a key would, through any growth (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.nat()), { maxLength: 400 }),
        fc.nat({ max: 500 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 40 }),
        (entries, expected, probes) => {
          const table = new KeyTable(expected);
          const map = new Map<string, number>();
          for (const [key, value] of entries) {
            expect(table.add(key, value)).toBe(!map.has(key));
            if (!map.has(key)) map.set(key, value);
          }
          expect(table.size).toBe(map.size);
          for (const [key, value] of map) expect(table.get(key)).toBe(value);
          for (const p of probes) expect(table.get(p)).toBe(map.get(p));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grows from nothing to 20,000 keys', () => {
    const table = new KeyTable();
    for (let i = 0; i < 20_000; i++) table.add(`2401.${i}`, i);
    expect(table.size).toBe(20_000);
    expect(table.get('2401.0')).toBe(0);
    expect(table.get('2401.19999')).toBe(19_999);
    expect(table.get('2401.20000')).toBeUndefined();
  });

  it('over a list: finds every key by its text at its place, and nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 50 }),
        (terms, probes) => {
          const table = KeyTable.over(terms);
          expect(table.size).toBe(terms.length);
          terms.forEach((t, id) => expect(table.get(t)).toBe(id));
          const known = new Map(terms.map((t, i) => [t, i]));
          for (const p of probes) expect(table.get(p)).toBe(known.get(p));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('over a list: empty, 5,000 neighbours, a key listed twice (its first place wins), and no keys added', () => {
    expect(KeyTable.over([]).get('kv')).toBeUndefined();
    const many = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    const table = KeyTable.over(many);
    expect(table.get('t4999')).toBe(4999);
    expect(table.get('t5000')).toBeUndefined();
    const twice = KeyTable.over(['cache', 'kv', 'cache']);
    expect(twice.get('cache')).toBe(0);
    expect(twice.get('kv')).toBe(1);
    expect(twice.get('')).toBeUndefined();
    expect(twice.size).toBe(2);
    expect(() => twice.add('new', 3)).toThrow(/takes no more keys/);
    expect(twice.get('new')).toBeUndefined();
  });

  it('hashes as FNV-1a and sizes its slots at most half full', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c); // FNV-1a 32 of "a"
    expect(slotCount(0)).toBe(16);
    expect(slotCount(1_000_000)).toBe(2_097_152);
    expect(slotCount(1_048_576)).toBe(4_194_304);
  });
});

describe('SlotTable (a table stored as its slots)', () => {
  it('answers as the table over the same list does, keys with duplicates, read through keyAt (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 50 }),
        (keys, probes) => {
          const slots = slotsOver(keys.length, (i) => keys[i]!);
          expect(slotsFit(slots, keys.length)).toBe(true);
          const stored = new SlotTable(Int32Array.from(slots), (i) => keys[i]!);
          const built = KeyTable.over(keys);
          for (const k of [...keys, ...probes]) expect(stored.get(k)).toBe(built.get(k));
          for (const k of keys) expect(stored.get(k)).toBe(keys.indexOf(k)); // the first place of a key given twice
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses slots it could not read: not a power of two, too few, a place past the keys, too full to end a probe', () => {
    const keys = ['a', 'b', 'c'];
    const slots = slotsOver(3, (i) => keys[i]!);
    expect(slots.length).toBe(16);
    expect(slotsFit(slots, 3)).toBe(true);
    expect(slotsFit(slots, 2)).toBe(false); // a place (2) past two keys
    expect(slotsFit(slots.subarray(0, 12), 3)).toBe(false);
    expect(slotsFit(new Int32Array(24).fill(-1), 3)).toBe(false);
    expect(slotsFit(new Int32Array(16).fill(0), 3)).toBe(false);
    expect(
      slotsFit(
        Int32Array.from(slots, (e) => (e === -1 ? -2 : e)),
        3,
      ),
    ).toBe(false);
    const half = new Int32Array(16).fill(-1);
    half.fill(0, 0, 8);
    expect(slotsFit(half, 9)).toBe(true);
    half[8] = 0;
    expect(slotsFit(half, 9)).toBe(false);
  });
});

describe('ChainedSlotTable (every place of a key, stored)', () => {
  it('answers every place of each key in order, as a map of lists would; an empty key is no key (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('', 'a', 'b', 'kv', 'snapkv', 'é', 'x y'), { maxLength: 200 }), (keys) => {
        const { slots, next } = chainedSlotsOver(keys.length, (i) => keys[i]!);
        expect(slotsFit(slots, keys.length) && chainFits(next, keys.length)).toBe(true);
        const table = new ChainedSlotTable(slots, next, (i) => keys[i]!);
        const map = new Map<string, number[]>();
        keys.forEach((k, i) => k && map.set(k, [...(map.get(k) ?? []), i]));
        for (const k of ['', 'a', 'b', 'kv', 'snapkv', 'é', 'x y', 'zz']) expect(table.get(k), k).toEqual(map.get(k) ?? []);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses chains that would not end or leave the places', () => {
    expect(chainFits(Int32Array.from([2, -1, -1]), 3)).toBe(true);
    expect(chainFits(Int32Array.from([0, -1, -1]), 3)).toBe(false);
    expect(chainFits(Int32Array.from([2, -1, 1]), 3)).toBe(false);
    expect(chainFits(Int32Array.from([3, -1, -1]), 3)).toBe(false);
    expect(chainFits(Int32Array.from([-1, -1]), 3)).toBe(false);
  });
});
