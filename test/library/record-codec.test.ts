/**
 * The stored form of a paper record (`record-codec.ts`): compact bytes that read back as the same
 * object (keys in the same order), older rows (JSON text, JSON bytes) that read the same, and
 * damage reported as `RecordCodecError`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { decodeRecord, encodeRecord, encodeRecordJson, isCompactRecord, RECORD_FORMAT, RecordCodecError, recordJson } from '../../src/library/record-codec.ts';

/** Every optional field set, with text that is not ASCII or has LaTeX left in. */
const FULL: Paper = {
  id: '2411.01234',
  title: 'E²GAN: Über-efficient GANs — 速い生成 with $O(n^2)$ cost',
  name: 'E²GAN',
  aliases: ['E2GAN', 'MiKV'],
  abstract:
    'We cut the cost by 98.5\\% (from $\\mathcal{O}(n^{2})$ to $O(n)$) while keeping quality — résumé, naïve, 🚀. ' +
    'Backslashes \\alpha and "quotes" and a tab\there survive; so do lone surrogates’ neighbours like 𝔼[x].',
  links: [
    { url: 'https://github.com/a/b', kind: 'code' },
    { url: 'https://arxiv.org/abs/2411.01234', kind: 'arxiv' },
    { url: 'https://arxiv.org/pdf/2411.01234', kind: 'pdf' },
  ],
  highlights: ['98.5% less cost', '3× faster'],
  sources: [
    { feed: 'arxiv', date: '2024-11-02' },
    { file: 'pages/2024-11-03.txt', line: 7, date: 'Nov 3' },
  ],
  arxivId: '2411.01234',
  authors: ['Paul Erdős', 'Ada Lovelace', '李雷'],
  published: '2024-11-02',
  upvotes: 42,
  comments: 0,
  githubRepo: 'https://github.com/a/b',
  githubStars: 1200,
  projectPage: 'https://example.org/e2gan',
  summary: 'We cut the cost by 98.5% while keeping quality.',
  keywords: ['gan', 'efficiency'],
  categories: ['cs.CV', 'cs.LG'],
  doi: '10.1145/3580305.3599572',
  formerIds: ['e2gan-uber-efficient-gans'],
};

/** Only what every record has: empty lists, no optional field. */
const BARE: Paper = {
  id: 'a-page-paper',
  title: 'A Page Paper',
  aliases: [],
  abstract: 'x',
  links: [],
  highlights: [],
  sources: [{ file: 'p.txt', line: 1 }],
};

describe('record codec', () => {
  it('round-trips records with unicode, LaTeX and every optional field, keys in the same order', () => {
    for (const p of [FULL, BARE]) {
      const stored = encodeRecord(p);
      expect(isCompactRecord(stored)).toBe(true);
      expect(stored[0]).toBe(RECORD_FORMAT);
      const back = decodeRecord(stored);
      expect(back).toEqual(p);
      expect(JSON.stringify(back)).toBe(JSON.stringify(p));
      expect(recordJson(stored)).toBe(JSON.stringify(p));
    }
  });

  it('leaves out nothing: an empty optional list or a missing field reads back as it was', () => {
    const sparse: Paper = { ...BARE, authors: [], keywords: [] };
    const back = decodeRecord(encodeRecord(sparse));
    expect(back).toEqual(sparse);
    expect('summary' in back).toBe(false);
    expect(back.authors).toEqual([]);
  });

  it('reads rows written before the compact form: JSON text, and JSON as UTF-8 bytes', () => {
    const json = JSON.stringify(FULL);
    expect(decodeRecord(json)).toEqual(FULL);
    expect(decodeRecord(Buffer.from(json, 'utf8'))).toEqual(FULL);
    expect(decodeRecord(new Uint8Array(Buffer.from(json, 'utf8')))).toEqual(FULL);
    expect(isCompactRecord(json)).toBe(false);
    expect(isCompactRecord(Buffer.from(json, 'utf8'))).toBe(false);
  });

  it('is much smaller than the JSON for a typical abstract', () => {
    const abstract = Array.from({ length: 12 }, (_, i) => `Sentence ${i} says that the model compresses the cache of large language models.`).join(' ');
    const p: Paper = { ...FULL, abstract };
    expect(encodeRecord(p).byteLength).toBeLessThan(Buffer.byteLength(JSON.stringify(p)) * 0.5);
  });

  it('encodeRecordJson stores exactly the JSON text it is given', () => {
    const json = JSON.stringify(BARE);
    expect(recordJson(encodeRecordJson(json))).toBe(json);
  });

  it('reports damage and foreign values as RecordCodecError', () => {
    const good = encodeRecord(FULL);
    const unknownFormat = Buffer.from(good);
    unknownFormat[0] = 9;
    expect(() => decodeRecord(unknownFormat)).toThrow(/unknown record format 9/);
    expect(() => decodeRecord(good.subarray(0, good.length >> 1))).toThrow(RecordCodecError);
    const flipped = Buffer.from(good);
    for (let i = 1; i < flipped.length; i += 7) flipped[i]! ^= 0x5a;
    expect(() => decodeRecord(flipped)).toThrow(RecordCodecError);
    expect(() => decodeRecord(Buffer.alloc(0))).toThrow(/not a paper record/);
    expect(() => decodeRecord(null)).toThrow(RecordCodecError);
    expect(() => decodeRecord(42)).toThrow(RecordCodecError);
    expect(() => decodeRecord('{"id": 1}')).toThrow(/not a paper/);
    expect(() => decodeRecord('[1, 2]')).toThrow(/not a paper/);
    expect(() => decodeRecord('{not json')).toThrow(/not JSON/);
    expect(() => decodeRecord(encodeRecordJson('{"title": "t", "abstract": "a"}'))).toThrow(/not a paper/);
  });

  it('round-trips any text in any field (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.array(fc.string({ unit: 'binary', minLength: 1 })),
        (title, abstract, highlights) => {
          const p: Paper = { ...BARE, title, abstract, highlights };
          expect(JSON.stringify(decodeRecord(encodeRecord(p)))).toBe(JSON.stringify(p));
        },
      ),
    );
  });
});
