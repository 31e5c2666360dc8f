import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectWords } from '../../src/search/analyze.ts';
import { WordTable } from '../../src/search/word-table.ts';

/** The words the table visits, mapped back through the memo. */
function viaTable(table: WordTable, text: string, names: string[]): string[] {
  const out: string[] = [];
  table.scan(
    text,
    (w) => {
      names.push(w);
      return names.length - 1;
    },
    (v) => out.push(names[v]!),
  );
  return out;
}

describe('WordTable', () => {
  it('visits exactly the words and compounds collectWords finds on ascii text', () => {
    const table = new WordTable();
    const names: string[] = [];
    const alphabet = fc.constantFrom(...'abcxyz019- .,-'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        const expected: string[] = [];
        collectWords(text, expected, true);
        expect(viaTable(table, text, names)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('gives joined compounds to their own visitor when asked (words alone to the first)', () => {
    const table = new WordTable();
    const names: string[] = [];
    const alphabet = fc.constantFrom(...'abcxyz019- .,-'.split(''));
    const resolve = (w: string): number => {
      names.push(w);
      return names.length - 1;
    };
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        const words: string[] = [];
        const joined: string[] = [];
        collectWords(text, words, true, joined);
        const seenWords: string[] = [];
        const seenJoined: string[] = [];
        table.scan(
          text,
          resolve,
          (v) => seenWords.push(names[v]!),
          (v) => seenJoined.push(names[v]!),
        );
        expect(seenWords).toEqual(words);
        expect(seenJoined).toEqual(joined);
      }),
      { numRuns: 500 },
    );
  });

  it('memoises: a word is resolved once however often it occurs, across growth', () => {
    const table = new WordTable();
    let resolved = 0;
    const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
    for (let round = 0; round < 3; round++)
      table.scan(
        words.join(' '),
        () => resolved++,
        () => {},
      );
    expect(resolved).toBe(5000);
    expect(table.size).toBe(5000);
    table.scan(
      'kv-cache kv cache kvcache',
      () => resolved++,
      () => {},
    );
    expect(table.size).toBe(5003); // kv, cache, kvcache (the compound and the plain word share an entry)
  });
});
