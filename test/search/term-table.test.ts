import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TermTable } from '../../src/search/term-table.ts';

describe('TermTable', () => {
  it('finds every term of the vocabulary by its text, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 50 }),
        (terms, probes) => {
          const table = new TermTable(terms);
          terms.forEach((t, id) => expect(table.get(t)).toBe(id));
          const known = new Map(terms.map((t, i) => [t, i]));
          for (const p of probes) expect(table.get(p)).toBe(known.get(p));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles an empty vocabulary, a full run of neighbours and a term listed twice (first id wins)', () => {
    expect(new TermTable([]).get('kv')).toBeUndefined();
    const many = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    const table = new TermTable(many);
    expect(table.get('t4999')).toBe(4999);
    expect(table.get('t5000')).toBeUndefined();
    const twice = new TermTable(['cache', 'kv', 'cache']);
    expect(twice.get('cache')).toBe(0);
    expect(twice.get('kv')).toBe(1);
    expect(twice.get('')).toBeUndefined();
  });
});
