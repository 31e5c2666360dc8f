import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { PAPER_FIELDS, plainPaper } from '../../src/papers/plain.ts';
import { buildCorrectionKeys } from '../../src/search/correct.ts';
import { cacheFilePath, hashInputFiles, loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import {
  CACHE_FORMAT_VERSION,
  decodeIndex,
  encodeIndex,
  encodeIndexParts,
  IndexCacheError,
  openIndexFile,
  writeIndexFile,
} from '../../src/search/index-codec.ts';
import { buildIndex, INDEX_FORMAT_VERSION, postingsOf } from '../../src/search/inverted-index.ts';
import { StaleCacheError } from '../../src/search/cache-error.ts';
import { authorIndex, buildAuthorIndex } from '../../src/search/author-index.ts';
import {
  authorNames,
  CachedPapers,
  decodeText,
  encodeRecords,
  encodeText,
  hasLink,
  highlightCount,
  readFromFile,
  textKind,
} from '../../src/search/cached-papers.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { paper } from './helpers.ts';
import { resealed, sectionOf } from './cache-bytes.ts';

const papers: Paper[] = [
  paper({ title: 'SnapKV: Selecting KV Cache Positions', name: 'SnapKV', abstract: 'The KV cache is compressed by selecting positions per attention head.' }),
  paper({ title: 'Compact Gaussian Splatting', abstract: 'Gaussian splatting scenes stored in far less memory with codebooks.', code: true }),
  paper({ title: 'Über Café Résumé', abstract: 'Diacritics and E²GAN survive the round trip, as do emoji 🚀.' }),
];

function capture(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (s: string) => void out.push(s) });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('index codec', () => {
  it('writes a surface that is its term as nothing, and reads it back as the term (one term, none, many)', () => {
    for (const list of [[paper({ title: 'KV', abstract: '' })], [paper({ title: 'Cache', abstract: '' })], [paper({ title: 'the', abstract: '' })], papers]) {
      const index = buildIndex(list);
      const bytes = Buffer.from(encodeIndex(index, new Float64Array(0), 'h'));
      const back = decodeIndex(bytes).index;
      expect(back.surfaces).toEqual(index.surfaces);
      expect(back.terms).toEqual(index.terms);
      // Only the surfaces that differ from their terms, and a separator between each two.
      const differing = index.surfaces.filter((x, t) => x !== index.terms[t]);
      expect(sectionOf(bytes, 'surfaces').bytes).toBe(Buffer.byteLength(differing.join(''), 'utf8') + Math.max(0, index.terms.length - 1));
    }
    const ix = buildIndex([paper({ title: 'Caching cache', abstract: '' })]);
    expect(ix.terms.map((t, i) => [t, ix.surfaces[i]])).toEqual([['cach', 'caching']]);
  });

  it('round-trips index, typo keys and papers', () => {
    const index = buildIndex(papers);
    const keys = buildCorrectionKeys(index.terms, index.surfaces);
    const back = decodeIndex(encodeIndex(index, keys, 'h1', papers));
    expect(back.inputHash).toBe('h1');
    expect(back.index.terms).toEqual(index.terms);
    expect(back.index.surfaces).toEqual(index.surfaces);
    expect([...back.index.postings]).toEqual([...index.postings]);
    expect(back.index.impactBits).toBe(index.impactBits);
    expect([...back.index.avgLens]).toEqual([...index.avgLens]);
    expect([...back.correctionKeys()]).toEqual([...keys]);
    expect(back.papers!.map(plainPaper)).toEqual(papers);
  });

  it("stores the vocabulary's lookup table: a restart finds every term by it, and a table it could not read is a damaged cache", () => {
    const index = buildIndex(papers);
    const bytes = Buffer.from(encodeIndex(index, new Float64Array(0), 'h'));
    const back = decodeIndex(bytes).index;
    expect(back.termSlots).toBeDefined();
    const engine = createSearchEngine(papers, { index: back });
    const built = createSearchEngine(papers, { index });
    for (const q of ['kv cache', 'gaussian splatting codebooks', 'résumé café', 'e2gan', 'snapkv', 'nothing here at all']) {
      expect(
        engine.search(q).hits.map((h) => [h.paper.id, h.score]),
        q,
      ).toEqual(built.search(q).hits.map((h) => [h.paper.id, h.score]));
    }
    const at = sectionOf(bytes, 'termSlots');
    const bad = Buffer.from(bytes);
    bad.fill(0, at.offset, at.offset + at.bytes); // every slot full: no probe would end
    expect(() => decodeIndex(resealed(bad))).toThrow(/inconsistent index: term table/);
  });

  it('rejects other versions, damage and garbage', () => {
    const index = buildIndex(papers);
    const buf = encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h');
    const bumped = Buffer.from(buf);
    bumped.writeUInt32LE(CACHE_FORMAT_VERSION + 1, 8);
    expect(() => decodeIndex(bumped)).toThrow(/index format/);
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 3]! ^= 0xff;
    expect(() => decodeIndex(flipped)).toThrow(IndexCacheError);
    expect(() => decodeIndex(buf.subarray(0, buf.length - 10))).toThrow(IndexCacheError);
    expect(() => decodeIndex(Buffer.from('hello'))).toThrow(IndexCacheError);
    expect(() => decodeIndex(new Uint8Array(0))).toThrow(IndexCacheError);
  });
});

/** A feed paper with every text field, unicode and LaTeX left in, and a summary. */
const RICH: Paper = {
  ...paper({ title: 'E²GAN: Über-efficient GANs — 速い', name: 'E²GAN', abstract: 'Cost drops by 98.5\\% from $O(n^{2})$; résumé 🚀 and "quotes".' }),
  highlights: ['98.5% less cost'],
  summary: 'Cost drops by 98.5%.',
  authors: ['Paul Erdős', '李雷'],
  categories: ['cs.CV'],
  published: '2026-11-20',
};

/** The fields read from the file or made when read, in the order a decoded paper has them. */

describe('index codec: papers', () => {
  const all = [...papers, RICH];
  const encoded = (list: readonly Paper[] = all): Buffer => {
    const index = buildIndex(list);
    return encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list);
  };

  it('round-trips every field, with and without a summary or highlights; JSON and plainPaper see every field, a spread none', () => {
    const back = decodeIndex(encoded()).papers!;
    expect(back.map(plainPaper)).toEqual(all);
    for (const [i, p] of back.entries()) for (const field of PAPER_FIELDS) expect(p[field], field).toEqual(all[i]![field]);
    expect(JSON.parse(JSON.stringify(back))).toEqual(all);
    // plainPaper writes the fields in the schema's order, leaving out those without a value.
    expect(Object.keys(plainPaper(back[3]!))).toEqual(PAPER_FIELDS.filter((f) => RICH[f] !== undefined));
    expect(back[0]!.summary).toBeUndefined();
    expect(back[3]!.summary).toBe(RICH.summary);
    expect(structuredClone(plainPaper(back[3]!))).toEqual(RICH);
    // The fields are the file's class's, not the paper's own: a spread or a clone copies none of them.
    expect({ ...back[3] }).toEqual({});
    expect(Object.keys(back[3]!)).toEqual([]);
  });

  it('stores the texts compressed and inflates them only when read', () => {
    const big = Array.from({ length: 40 }, (_, i) =>
      paper({ title: `Paper number ${i}`, abstract: `The model compresses the key-value cache of language models, again and again, ${i} times. `.repeat(8) }),
    );
    const buf = encoded(big);
    expect(sectionOf(buf, 'texts').bytes).toBeLessThan(big.reduce((n, p) => n + Buffer.byteLength(p.abstract), 0) / 3);
    const back = decodeIndex(buf).papers!;
    const lazy = (p: Paper, f: keyof Paper) => readFromFile(p, f);
    expect(lazy(back[5]!, 'abstract') && lazy(back[5]!, 'highlights')).toBe(true);
    expect(back[5]!.title).toBe('Paper number 5');
    expect(lazy(back[5]!, 'abstract')).toBe(true);
    expect(back[5]!.highlights).toEqual([]);
    expect(lazy(back[5]!, 'abstract')).toBe(true); // read from the file each time (recent ones kept decoded), never kept on the paper
    expect(back[5]!.abstract).toBe(big[5]!.abstract);
    expect(plainPaper(back[5]!)).toEqual(big[5]!);
    expect(lazy(back[6]!, 'abstract')).toBe(true);
  });

  it('a text field assigned before it is read keeps the new value', () => {
    const back = decodeIndex(encoded()).papers!;
    back[3]!.summary = 'Changed.';
    expect(back[3]!.abstract).toBe(RICH.abstract);
    expect(back[3]!.summary).toBe('Changed.');
  });

  it('counts highlights and finds links of a kind without reading a text or making links; assigned values count instead', () => {
    const many: Paper = {
      ...paper({ title: 'Many highlights', abstract: 'A paper with a long list.' }),
      highlights: Array.from({ length: 130 }, (_, i) => `Point ${i}.`),
    };
    const list = [...all, many];
    const index = buildIndex(list);
    const buf = encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list);
    const back = decodeIndex(buf).papers!;
    const lazy = (p: Paper) => readFromFile(p, 'highlights');
    expect(back.map(highlightCount)).toEqual(list.map((p) => p.highlights.length));
    for (const kind of ['code', 'project', 'arxiv', 'pdf', 'hf', 'other'] as const) {
      expect(back.map((p) => hasLink(p, kind))).toEqual(list.map((p) => p.links.some((l) => l.kind === kind)));
    }
    // 127 or more is read from the text; fewer never is.
    expect(back.slice(0, -1).every(lazy)).toBe(true);
    expect(highlightCount(back[3]!)).toBe(RICH.highlights.length);
    back[3]!.highlights = ['Only one.'];
    back[3]!.links = [{ url: 'https://github.com/a/b', kind: 'code' }];
    expect(highlightCount(back[3]!)).toBe(1);
    expect(hasLink(back[3]!, 'code')).toBe(true);
    expect(hasLink(back[3]!, 'arxiv')).toBe(false);
  });

  it('a text whose highlights are not as many as its kind says is a damaged text', () => {
    const kinds = [0, 1, 2, 3].map((n) => textKind({ highlights: Array.from({ length: n }, () => 'x'), summary: undefined }));
    const bytes = encodeText({ ...paper({ title: 'Two', abstract: 'Two points.' }), highlights: ['a', 'b'] });
    expect(decodeText(bytes, kinds[2]!, 0).highlights).toEqual(['a', 'b']);
    expect(() => decodeText(bytes, kinds[1]!, 0)).toThrow(IndexCacheError);
    expect(() => decodeText(bytes, kinds[3]!, 0)).toThrow(IndexCacheError);
    expect(() => decodeText(bytes, kinds[2]! | 1, 0)).toThrow(IndexCacheError);
  });

  it('keeps arXiv links as letters and shares what papers have alike; what is read can be changed without touching another paper', () => {
    const arxiv = (id: string, extra: Paper['links'] = []): Paper => ({
      ...paper({ title: `Arxiv paper ${id}`, abstract: `Abstract of ${id}.` }),
      id,
      arxivId: id,
      links: [
        ...extra,
        { url: `https://arxiv.org/abs/${id}`, kind: 'arxiv' },
        { url: `https://arxiv.org/pdf/${id}`, kind: 'pdf' },
        { url: `https://huggingface.co/papers/${id}`, kind: 'hf' },
      ],
      sources: [{ feed: 'arxiv', date: '2026-11-20' }],
      published: '2026-11-20',
      categories: ['cs.CL', 'cs.LG'],
    });
    const list = [
      arxiv('2411.00001'),
      arxiv('2411.00002', [{ url: 'https://github.com/a/b', kind: 'code' }]),
      arxiv('2411.00003'),
      // A PDF link that is not the one the id makes stays as it was.
      { ...arxiv('2411.00004'), links: [{ url: 'https://arxiv.org/pdf/2411.00004v2', kind: 'pdf' as const }] },
      // Not an arXiv paper: its links are kept whole.
      { ...paper({ title: 'A page paper', abstract: 'Nothing from arXiv.' }), links: [{ url: 'https://arxiv.org/abs/2411.00009', kind: 'arxiv' as const }] },
    ];
    const back = decodeIndex(encoded(list)).papers!;
    expect(back.map(plainPaper)).toEqual(list);
    expect(JSON.parse(JSON.stringify(back))).toEqual(list);
    // Letters only, and one list of them for every paper that has it: far smaller than the links themselves.
    const many = Array.from({ length: 50 }, (_, i) => arxiv(`2411.1${String(i).padStart(4, '0')}`));
    const size = (l: Paper[]) => sectionOf(encoded(l), 'recordRest').bytes + sectionOf(encoded(l), 'sharedValues').bytes;
    expect(size(many) - size(many.map((p) => ({ ...p, links: [] })))).toBeLessThan(many.length * 2);
    // Shared: one sources list, one category list; frozen, so a change cannot leak to other papers.
    expect(back[0]!.sources).toBe(back[2]!.sources);
    expect(back[0]!.categories).toBe(back[1]!.categories);
    expect(() => back[0]!.categories!.push('cs.AI')).toThrow(TypeError);
    expect(back[2]!.categories).toEqual(['cs.CL', 'cs.LG']);
    // Links are made anew on every read; assigning them makes them a plain value.
    const links = back[0]!.links;
    links.push({ url: 'https://example.org', kind: 'other' });
    links[0]!.url = 'https://changed.example';
    expect(back[0]!.links).toEqual(list[0]!.links);
    expect(back[2]!.links).toEqual(list[2]!.links);
    back[1]!.links = [];
    expect(back[1]!.links).toEqual([]);
    expect(back[0]!.links).toHaveLength(3);
  });

  it('stores ids, names and titles as UTF-8 and the shared values as ASCII JSON (read back by a byte copy); every character restored', () => {
    const buf = encoded();
    const at = sectionOf(buf, 'sharedValues');
    const json = buf.subarray(at.offset, at.offset + at.bytes);
    expect(json.every((byte) => byte < 0x80)).toBe(true);
    const back = decodeIndex(buf).papers!;
    expect(back[2]!.title).toBe('Über Café Résumé');
    expect(back[3]!.authors).toEqual(['Paul Erdős', '李雷']);
    expect(back[3]!.title).toBe(RICH.title);
    expect(back[3]!.name).toBe('E²GAN');
  });

  describe('record columns not as written (a file written wrongly: the checksum cannot see it)', () => {
    const arxivPaper = (id: string): Paper => ({
      ...paper({ title: `Arxiv paper ${id}`, abstract: `Abstract of ${id}.` }),
      id,
      arxivId: id,
      links: [{ url: `https://arxiv.org/abs/${id}`, kind: 'arxiv' }],
      sources: [{ feed: 'arxiv', date: '2026-11-20' }],
      authors: ['Ada Lovelace'],
    });
    const list = (): Paper[] => [
      arxivPaper('2411.00001'),
      { ...paper({ title: 'A page paper', abstract: 'Text.' }), aliases: ['PagePaper'], upvotes: 3 },
      { ...paper({ title: 'Another page paper', abstract: 'More text.' }), arxivId: '2411.09999', formerIds: [], keywords: [] },
    ];
    /** The list's columns, changed by `change`, opened as a file would open them. */
    const open = (change: (c: Record<string, Uint8Array>, shared: { json: string }) => void, onDamaged?: (err: IndexCacheError) => void) => {
      const papers = list();
      const names = authorNames(papers);
      const { columns, shared } = encodeRecords(papers, names);
      // Copies on buffers of their own (aligned for the typed views).
      const c = Object.fromEntries(columns.map((x) => [x.name, new Uint8Array(x.data)]));
      const json = { json: Buffer.from(shared.data).toString('latin1') };
      change(c, json);
      const u32 = (name: string) => new Uint32Array(c[name]!.buffer, 0, c[name]!.byteLength / 4);
      const i32 = (name: string) => new Int32Array(c[name]!.buffer, 0, c[name]!.byteLength / 4);
      const buf = (name: string) => Buffer.from(c[name]!.buffer, 0, c[name]!.byteLength);
      const texts = papers.map(encodeText);
      const kinds = Uint8Array.from(papers, textKind);
      return new CachedPapers(
        {
          ids: buf('paperIds'),
          idOffsets: u32('paperIdOffsets'),
          idSlots: i32('paperIdSlots'),
          names: buf('paperNames'),
          nameOffsets: u32('paperNameOffsets'),
          nameSlots: i32('paperNameSlots'),
          nameNext: i32('paperNameNext'),
          titles: buf('titles'),
          titleOffsets: u32('titleOffsets'),
          authorPlaces: u32('paperAuthorPlaces'),
          authorOffsets: u32('paperAuthorOffsets'),
          shared: u32('recordShared'),
          flags: c['recordFlags']!,
          rest: buf('recordRest'),
          restOffsets: u32('recordRestOffsets'),
        },
        names.names,
        Buffer.from(json.json, 'latin1'),
        kinds,
        (i) => texts[i]!,
        onDamaged,
      );
    };
    const setU32 = (c: Record<string, Uint8Array>, name: string, i: number, v: number) => new DataView(c[name]!.buffer).setUint32(i * 4, v, true);

    it('as written: every field reads back', () => {
      expect(
        open(() => {})
          .papers()
          .map(plainPaper),
      ).toEqual(list());
    });

    it('a rest that holds what its flags say it does not (or not what they say) is a damaged record when read', () => {
      const damaged: IndexCacheError[] = [];
      const papers = open(
        (c) => (c['recordFlags']![1]! &= ~4),
        (err) => damaged.push(err),
      ).papers();
      expect(papers[1]!.aliases).toEqual([]); // the flags say none: not read
      expect(() => papers[1]!.upvotes).toThrow(/the record of paper 1 is damaged: aliases not as its flags say/);
      const others = open((c) => (c['recordFlags']![2]! &= ~8)).papers();
      expect(() => others[2]!.doi).toThrow(/formerIds not as its flags say/);
      expect(damaged).toHaveLength(1);
    });

    it.each<[string, (c: Record<string, Uint8Array>, shared: { json: string }) => void, RegExp]>([
      ['an author not in the name table', (c) => setU32(c, 'paperAuthorPlaces', 0, 1), /not in the name table/],
      ['authors on a paper without an author list', (c) => (c['recordFlags']![0] = 1), /paper record 0 is malformed/],
      ['an unknown flag', (c) => (c['recordFlags']![1]! |= 64), /paper record 1 is malformed/],
      ['an arXiv id both the id and in the rest', (c) => (c['recordFlags']![0]! |= 16), /paper record 0 is malformed/],
      ['no sources', (c) => setU32(c, 'recordShared', 2, 0), /paper record 0 is malformed/],
      ['a shared place past the table', (c) => setU32(c, 'recordShared', 2, 999), /paper record 0 is malformed/],
      [
        'sources that are not sources',
        (c, shared) => (shared.json = shared.json.replace('"feed":"arxiv"', '"feed":"nope!"')),
        /shared paper values are malformed/,
      ],
      ['the shared values not JSON', (c, shared) => (shared.json = shared.json.slice(1)), /shared paper values are malformed/],
      ['arXiv links on a paper whose arXiv id is not its id', (c) => (c['recordFlags']![0] = 2), /paper record 0 is malformed/],
      ['titles out of order', (c) => setU32(c, 'titleOffsets', 1, 0), /paper titles offsets are not in order/],
      ['ids that do not end where the column does', (c) => setU32(c, 'paperIdOffsets', 3, 999), /paper ids do not match the index/],
      ['an id table pointing past the papers', (c) => setU32(c, 'paperIdSlots', c['paperIdSlots']!.indexOf(255) / 4, 3), /paper id table is malformed/],
      ['an id table with no empty slot left', (c) => c['paperIdSlots']!.fill(0), /paper id table is malformed/],
      ['an id table of 12 slots', (c) => (c['paperIdSlots'] = c['paperIdSlots']!.slice(0, 48)), /paper id table is malformed/],
      ['a name chain that runs back (it would never end)', (c) => setU32(c, 'paperNameNext', 2, 1), /paper name table is malformed/],
      ['a name chain past the papers', (c) => setU32(c, 'paperNameNext', 0, 3), /paper name table is malformed/],
      ['a name table pointing past the papers', (c) => setU32(c, 'paperNameSlots', 0, 7), /paper name table is malformed/],
    ])('refused at open: %s', (_, change, message) => {
      expect(() => open(change)).toThrow(IndexCacheError);
      expect(() => open(change)).toThrow(message);
    });

    it.each<[string, string]>([
      ['an unknown field', '{"aliases":["PagePaper"],"upvotes":3,"zzzzz":[]}'],
      ['a field of the wrong type', '{"aliases":["PagePaper"],"upvotes":-3}'],
      ['no links', '{"aliases":["PagePaper"],"upvotes":3}'],
      ['not JSON', '{"aliases":["PagePaper"],"upvotes":3,"links":[]'],
    ])('a rest with %s is a damaged record when read: told to onDamaged, the read throws', (_, json) => {
      const damaged: IndexCacheError[] = [];
      const papers = open(
        (c) => {
          const rest = Buffer.from(c['recordRest']!).toString('utf8');
          const at = rest.indexOf('{"aliases"');
          const changed = rest.slice(0, at) + json.padEnd(rest.length - at, ' ');
          expect(Buffer.byteLength(changed)).toBe(c['recordRest']!.byteLength);
          c['recordRest']!.set(Buffer.from(changed));
        },
        (err) => damaged.push(err),
      ).papers();
      expect(papers[0]!.title).toBe('Arxiv paper 2411.00001');
      expect(() => papers[1]!.aliases).toThrow(/the record of paper 1 is damaged/);
      expect(damaged).toHaveLength(1);
    });
  });

  it('keeps each author name once: papers with the same author share one string, and a malformed name table is refused', () => {
    const list = [
      paper({ title: 'First paper', abstract: 'One.' }),
      paper({ title: 'Second paper', abstract: 'Two.' }),
      paper({ title: 'Third paper', abstract: 'Three.' }),
    ];
    list[0]!.authors = ['Grace Hopper', 'Alan Turing'];
    list[1]!.authors = ['Alan Turing', 'Paul Erdős', 'Name\u0000With a NUL'];
    const buf = Buffer.from(encoded(list));
    const back = decodeIndex(buf).papers!;
    expect(back.map((p) => p.authors)).toEqual([['Grace Hopper', 'Alan Turing'], ['Alan Turing', 'Paul Erdős', 'Name\u0000With a NUL'], undefined]);
    expect(back[0]!.authors![1]).toBe(back[1]!.authors![0]); // one string
    const at = sectionOf(buf, 'authorNames');
    expect(JSON.parse(buf.subarray(at.offset, at.offset + at.bytes).toString('utf8'))).toEqual([
      'Grace Hopper',
      'Alan Turing',
      'Paul Erdős',
      'Name\u0000With a NUL',
    ]);
    // The table damaged in ways the checksum does not see (a file written wrongly, its checksum made to match): refused.
    const checked = (JSON.parse(buf.subarray(32, 32 + buf.readUInt32LE(12)).toString('utf8')) as { checked: number }).checked;
    for (const [from, to] of [
      ['"Grace Hopper"', '{"Grace Hopp"}'],
      ['"Grace Hopper"', '""            '],
      ['"Grace Hopper"', '17            '],
    ] as const) {
      const bad = Buffer.from(buf);
      const text = bad
        .subarray(at.offset, at.offset + at.bytes)
        .toString('utf8')
        .replace(from, to);
      bad.write(text, at.offset, 'utf8');
      bad.writeUInt32LE(zlib.crc32(bad.subarray(32, checked)), 16);
      expect(() => decodeIndex(bad), to).toThrow(/author names are malformed/);
    }
  });

  it('round-trips no papers, and many', () => {
    expect(decodeIndex(encoded([])).papers).toEqual([]);
    const many = Array.from({ length: 4100 }, (_, i) => paper({ title: `Many paper ${i}`, abstract: `Abstract ${i}.` }));
    const back = decodeIndex(encoded(many)).papers!;
    expect(back).toHaveLength(4100);
    expect(back.map(plainPaper)).toEqual(many);
  });

  it('a damaged record or compressed section is a damaged cache, even with its checksum fixed up', () => {
    const buf = encoded();
    for (const name of ['recordShared', 'sharedValues', 'texts']) {
      const bad = Buffer.from(buf);
      const at = sectionOf(bad, name);
      for (let i = at.offset; i < at.offset + Math.min(at.bytes, 24); i++) bad[i]! ^= 0xa5;
      expect(() => decodeIndex(bad)).toThrow(IndexCacheError); // the checksum
      expect(() => decodeIndex(resealed(bad))).toThrow(IndexCacheError); // the records, or the probe of the first text
    }
  });

  it('a text damaged past the probe fails its read with IndexCacheError and tells onDamaged', () => {
    const buf = encoded();
    const texts = sectionOf(buf, 'texts');
    const offsets = new Uint32Array(
      buf.buffer.slice(
        buf.byteOffset + sectionOf(buf, 'textOffsets').offset,
        buf.byteOffset + sectionOf(buf, 'textOffsets').offset + sectionOf(buf, 'textOffsets').bytes,
      ),
    );
    const bad = Buffer.from(buf);
    for (let i = texts.offset + offsets[1]!; i < texts.offset + offsets[2]!; i++) bad[i] = 0xff; // paper 1 (the probe reads 0 and the last)
    const damaged: IndexCacheError[] = [];
    const back = decodeIndex(resealed(bad), { onDamaged: (e) => damaged.push(e) }).papers!;
    expect(back[0]!.abstract).toBe(all[0]!.abstract);
    expect(() => back[1]!.abstract).toThrow(IndexCacheError);
    expect(damaged).toHaveLength(1);
    expect(damaged[0]!.message).toMatch(/paper 1/);
  });

  it("a restart's name index reads the file's id table: every id, former id, arXiv id and name finds what it found before (the first paper for a key given twice)", () => {
    const base = (title: string, extra: Partial<Paper>): Paper => ({ ...paper({ title, abstract: `About ${title}.` }), ...extra });
    const list: Paper[] = [
      base('Page paper later on arXiv', { id: 'page-paper', arxivId: '2411.00001', formerIds: ['page-paper-draft', 'shared-key'] }),
      base('An arXiv paper', { id: '2411.00002', arxivId: '2411.00002', name: 'ArxNet', aliases: ['ArxNet-S'] }),
      // Its id is an earlier paper's former id: the earlier paper keeps the key.
      base('Holds a former id', { id: 'shared-key' }),
      // Its former id is a later paper's id: it comes first, so it keeps the key.
      base('Claims a later id', { id: 'claims', formerIds: ['2411.00009'] }),
      base('The later id', { id: '2411.00009', arxivId: '2411.00009' }),
      // The same id twice (a file written from a store that held both): the first is found.
      base('Twice, first', { id: 'twice' }),
      base('Twice, second', { id: 'twice' }),
      // Two papers whose names fold alike, and a version of that name.
      base('Arx Net Strikes Back', { id: 'arx-net-2', name: 'Arx-Net' }),
      base('Arx Net, the sequel', { id: 'arxnet-2', name: 'ArxNet-2' }),
      base('Only a version', { id: 'solo-3', name: 'Solo-3' }),
      ...Array.from({ length: 40 }, (_, i) =>
        base(`Filler paper ${i}`, { id: `2412.${String(i).padStart(5, '0')}`, arxivId: `2412.${String(i).padStart(5, '0')}` }),
      ),
    ];
    const index = buildIndex(list);
    const back = decodeIndex(encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list));
    expect(back.names!.others).toEqual([0, 1, 3]);
    const fromFile = createSearchEngine(back.papers!, { index: back.index, names: back.names! });
    const built = createSearchEngine(list, { index });
    const keys = [
      ...list.flatMap((p) => [p.id, ...(p.formerIds ?? []), ...(p.arxivId ? [p.arxivId] : [])]),
      'page-paper-draft',
      '2411.00001v2',
      'https://arxiv.org/abs/2411.00002',
      'arxnet',
      'ArxNet-S',
      'arx net',
      'arxnet-2',
      'solo',
      'Solo-3',
      'no-such-paper',
      '2499.99999',
    ];
    for (const key of keys) {
      expect(fromFile.byId(key)?.title, key).toBe(built.byId(key)?.title);
      const a = fromFile.resolve(key);
      const b = built.resolve(key);
      expect(a.kind === 'found' ? a.paper.title : a.kind, key).toBe(b.kind === 'found' ? b.paper.title : b.kind);
    }
    expect(fromFile.byId('shared-key')!.title).toBe('Page paper later on arXiv');
    expect(fromFile.byId('2411.00009')!.title).toBe('Claims a later id');
    expect(fromFile.byId('twice')!.title).toBe('Twice, first');
    expect(fromFile.byId('2412.00039')!.title).toBe('Filler paper 39');
    const both = fromFile.resolve('ARXNET');
    expect(both.kind === 'ambiguous' && both.candidates.map((p) => p.id)).toEqual(['2411.00002', 'arx-net-2', 'arxnet-2']);
    const version = fromFile.resolve('solo');
    expect(version.kind === 'found' && [version.paper.id, version.via]).toEqual(['solo-3', 'version']);
  });

  it('rejects a file of the previous papers layout (same index format) as another version', () => {
    const old = Buffer.from(encoded());
    old.writeUInt32LE(INDEX_FORMAT_VERSION, 8);
    expect(() => decodeIndex(resealed(old))).toThrow(/index format/);
  });
});

describe('index cache files: texts stay on disk', () => {
  const all = [...papers, RICH];
  const write = (list: readonly Paper[] = all): string => {
    const index = buildIndex(list);
    const file = join(dir, 'index.bin');
    writeIndexFile(file, encodeIndexParts(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list));
    return file;
  };
  /** Byte range of paper i's text in the file. */
  const textRange = (file: string, i: number): [number, number] => {
    const bytes = readFileSync(file);
    const at = sectionOf(bytes, 'textOffsets');
    const offsets = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + at.offset, bytes.byteOffset + at.offset + at.bytes));
    const texts = sectionOf(bytes, 'texts');
    return [texts.offset + offsets[i]!, texts.offset + offsets[i + 1]!];
  };

  it('writes the same bytes as the one-buffer encoder, and opens to the same papers', () => {
    const file = write();
    const index = buildIndex(all);
    expect(readFileSync(file).equals(encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', all))).toBe(true);
    const opened = openIndexFile(file);
    expect(opened.papers!.map(plainPaper)).toEqual(all);
    expect(opened.index.n).toBe(all.length);
  });

  it('reads the typo keys when first asked for; the checksum still covers them and everything read once', () => {
    const file = write();
    const index = buildIndex(all);
    const keys = buildCorrectionKeys(index.terms, index.surfaces);
    const header = JSON.parse(
      readFileSync(file)
        .subarray(32, 32 + readFileSync(file).readUInt32LE(12))
        .toString('utf8'),
    ) as { kept: number; once: number; checked: number };
    const at = sectionOf(readFileSync(file), 'correctionKeys');
    expect(at.offset).toBe(header.kept);
    expect(at.offset + at.bytes).toBeLessThanOrEqual(header.once);
    expect(sectionOf(readFileSync(file), 'sharedValues').offset).toBeGreaterThanOrEqual(header.once);
    // The postings after the typo keys: checked with everything at open, read per term when needed.
    expect(sectionOf(readFileSync(file), 'postings').offset).toBeGreaterThanOrEqual(header.kept);
    expect(sectionOf(readFileSync(file), 'postings').offset + sectionOf(readFileSync(file), 'postings').bytes).toBeLessThanOrEqual(header.once);
    const opened = openIndexFile(file);
    expect([...opened.correctionKeys()]).toEqual([...keys]);
    expect(opened.correctionKeys()).toBe(opened.correctionKeys()); // read once
    // A typo found through keys read after the open.
    const engine = createSearchEngine(opened.papers!, { index: opened.index, correctionKeys: opened.correctionKeys });
    expect(engine.search('snapkb').hits[0]?.paper.title).toBe(all[0]!.title);
    // Damage in what is kept, read once or read when first needed (the typo keys) fails the checksum at open.
    for (const name of ['correctionKeys', 'postings', 'sharedValues', 'terms', 'titles']) {
      const s = sectionOf(readFileSync(file), name);
      const bad = join(dir, `bad-${name}.bin`);
      const bytes = Buffer.from(readFileSync(file));
      bytes[s.offset + Math.floor(s.bytes / 2)]! ^= 0x5a;
      writeFileSync(bad, bytes);
      expect(() => openIndexFile(bad)).toThrow(/checksum mismatch/);
    }
  });

  it('a header whose spans are out of order is a damaged cache, found before anything is read by them', () => {
    const file = write();
    const good = readFileSync(file);
    const headerLen = good.readUInt32LE(12);
    const header = JSON.parse(good.subarray(32, 32 + headerLen).toString('utf8')) as { kept: number; once: number; checked: number };
    // No longer than written (the header's size fixes where sections start), padded with spaces.
    const variants = [
      { ...header, once: header.checked + 8 }, // past the checked part: a negative read length before
      { ...header, kept: header.once + 8, once: header.once }, // typo keys ending before they start
    ];
    for (const v of variants) {
      const json = Buffer.from(JSON.stringify(v), 'utf8');
      const padded = Buffer.concat([json, Buffer.alloc(Math.max(0, headerLen - json.length), 0x20)]);
      expect(padded.length).toBe(headerLen);
      const bytes = Buffer.from(good);
      padded.copy(bytes, 32);
      const bad = join(dir, 'bad-spans.bin');
      writeFileSync(bad, resealed(bytes));
      expect(() => openIndexFile(bad)).toThrow(/sections out of order/);
      expect(() => decodeIndex(resealed(bytes))).toThrow(/sections out of order/);
    }
  });

  it('reads a text from the file when it is first read, not at open', () => {
    const file = write();
    const opened = openIndexFile(file).papers!;
    // Damage paper 1's text on disk after the open: the damage shows only when that text is read.
    const [from, to] = textRange(file, 1);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(to - from, 0xff), 0, to - from, from);
    closeSync(fd);
    expect(opened[0]!.abstract).toBe(all[0]!.abstract);
    expect(() => opened[1]!.abstract).toThrow(IndexCacheError);
  });

  it('keeps only the recently read texts decoded: an old one is read from the file again', () => {
    const list = Array.from({ length: 1100 }, (_, i) => paper({ title: `Paper number ${i}`, abstract: `Abstract number ${i} about caches.` }));
    const file = write(list);
    const opened = openIndexFile(file).papers!;
    expect(opened[1]!.abstract).toBe(list[1]!.abstract);
    const [from, to] = textRange(file, 1);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(to - from, 0xff), 0, to - from, from);
    closeSync(fd);
    expect(opened[1]!.abstract).toBe(list[1]!.abstract); // still decoded
    for (let i = 2; i < list.length; i++) expect(opened[i]!.abstract).toBe(list[i]!.abstract);
    expect(() => opened[1]!.abstract).toThrow(IndexCacheError); // read again, from the damaged file
  });

  it('still reads the texts of a file removed after it was opened', () => {
    const file = write();
    const opened = openIndexFile(file).papers!;
    rmSync(file);
    expect(opened.map((p) => p.abstract)).toEqual(all.map((p) => p.abstract));
  });

  it('a file cut short, in its texts or before them, is a damaged cache', () => {
    const file = write();
    const [, end] = textRange(file, all.length - 2);
    truncateSync(file, end);
    expect(() => openIndexFile(file)).toThrow(IndexCacheError);
    truncateSync(file, 100);
    expect(() => openIndexFile(file)).toThrow(IndexCacheError);
  });

  it('a file without papers opens too', () => {
    const index = buildIndex(papers);
    const file = join(dir, 'bare.bin');
    writeIndexFile(file, encodeIndexParts(index, new Float64Array(0), 'h'));
    const opened = openIndexFile(file);
    expect(opened.papers).toBeUndefined();
    expect(opened.index.readPostings).toBeDefined();
    for (let t = 0; t < index.terms.length; t++) expect([...postingsOf(opened.index, t)]).toEqual([...postingsOf(index, t)]);
  });

  it('an index opened from a file (postings read per term) writes the same file again', () => {
    const index = buildIndex(all);
    const keys = buildCorrectionKeys(index.terms, index.surfaces);
    const file = join(dir, 'first.bin');
    writeIndexFile(file, encodeIndexParts(index, keys, 'h'));
    const opened = openIndexFile(file);
    expect(opened.index.readPostings).toBeDefined();
    const again = join(dir, 'again.bin');
    writeIndexFile(again, encodeIndexParts(opened.index, opened.correctionKeys(), 'h'));
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });

  it("reads a term's postings from the file when first asked for, checked: damage the checksum cannot see fails that read and tells onDamaged", () => {
    const index = buildIndex(all);
    const file = join(dir, 'lists.bin');
    writeIndexFile(file, encodeIndexParts(index, new Float64Array(0), 'h'));
    const bytes = readFileSync(file);
    const at = sectionOf(bytes, 'postings');
    const t = index.terms.indexOf('snapkv');
    expect(t).toBeGreaterThanOrEqual(0);
    // Its first posting made the paper after the last: out of range.
    bytes.writeUInt32LE((index.n << index.impactBits) | 1, at.offset + index.offsets[t]! * 4);
    writeFileSync(file, resealed(bytes));
    const damaged: IndexCacheError[] = [];
    const opened = openIndexFile(file, { onDamaged: (err) => damaged.push(err) });
    // Another term reads well; the damaged one fails its read, every time.
    const other = index.terms.findIndex((x, i) => i !== t && index.df[i]! > 1);
    expect(other).toBeGreaterThanOrEqual(0);
    expect([...postingsOf(opened.index, other)]).toEqual([...postingsOf(index, other)]);
    expect(damaged).toEqual([]);
    expect(() => postingsOf(opened.index, t)).toThrow(/inconsistent index: postings of term/);
    expect(() => postingsOf(opened.index, t)).toThrow(IndexCacheError);
    expect(damaged).toHaveLength(2);
    // The one-buffer decoder, holding every posting, checks them all at once.
    expect(() => decodeIndex(resealed(bytes))).toThrow(/inconsistent index: postings of term/);
  });

  it.each<[string, (list: Uint32Array, n: number, bits: number) => void]>([
    ['its last paper past the papers', (list, n, bits) => (list[list.length - 1] = (n << bits) | 1)],
    ['two papers out of order', (list) => ([list[0], list[1]] = [list[1]!, list[0]!])],
    ['a paper twice', (list) => (list[1] = list[0]!)],
    ['an impact of nothing', (list, _, bits) => (list[1] = (list[1]! >>> bits) << bits)],
  ])("a term's postings with %s fail that term's read", (_, change) => {
    const index = buildIndex(Array.from({ length: 6 }, (_, i) => paper({ title: `Model paper ${i}`, abstract: `A model, number ${i}.` })));
    const t = index.terms.findIndex((_, i) => index.df[i]! >= 3);
    expect(t).toBeGreaterThanOrEqual(0);
    const file = join(dir, 'lists.bin');
    writeIndexFile(file, encodeIndexParts(index, new Float64Array(0), 'h'));
    const bytes = readFileSync(file);
    const at = sectionOf(bytes, 'postings').offset + index.offsets[t]! * 4;
    const list = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + index.df[t]! * 4));
    change(list, index.n, index.impactBits);
    Buffer.from(list.buffer).copy(bytes, at);
    writeFileSync(file, resealed(bytes));
    const opened = openIndexFile(file);
    expect(() => postingsOf(opened.index, t)).toThrow(/inconsistent index: postings of term/);
  });
});

describe('loadOrBuildEngine', () => {
  it('misses, writes, then hits without parsing again', async () => {
    const { logger } = capture();
    let parses = 0;
    const load = (): Paper[] => {
      parses++;
      return papers;
    };
    const first = await loadOrBuildEngine(load, { cacheDir: dir, inputHash: 'abc', logger });
    expect(first.cache).toBe('miss');
    expect(parses).toBe(1);
    const second = await loadOrBuildEngine(load, { cacheDir: dir, inputHash: 'abc', logger });
    expect(second.cache).toBe('hit');
    expect(parses).toBe(1);
    expect(second.papers.map(plainPaper)).toEqual(papers);
    const q = (e: typeof first.engine): string[] => e.search('kv cache').hits.map((h) => h.paper.id);
    expect(q(second.engine)).toEqual(q(first.engine));
    expect(second.engine.search('snpakv').suggestion).toBe('snapkv');
    expect(second.engine.resolve('e2gan').kind).not.toBe('found'); // only an abstract mention
    expect(second.engine.search('cafe').hits[0]!.paper.title).toBe('Über Café Résumé');
  });

  it('hits with papers passed in', async () => {
    const { logger } = capture();
    await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'p', logger });
    const again = await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'p', logger });
    expect(again.cache).toBe('hit');
    expect(again.engine.search('gaussian').total).toBe(1);
  });

  it('rebuilds when the inputs change and drops the old file', async () => {
    const { logger } = capture();
    await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'one', logger });
    const changed = await loadOrBuildEngine(papers.slice(0, 2), { cacheDir: dir, inputHash: 'two', logger });
    expect(changed.cache).toBe('stale');
    expect(changed.engine.papers).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([`index-v${CACHE_FORMAT_VERSION}-two.bin`]);
  });

  it('stores the author index with the papers: a restart reads it (checked) instead of folding every name', async () => {
    const { logger, lines } = capture();
    const list = [...papers, RICH, { ...paper({ title: 'Two Authors', abstract: 'Written by two.' }), authors: ['Ada Lovelace', 'Charles Babbage'] }];
    const built = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'au', logger });
    const file = cacheFilePath(dir, 'au');
    const opened = openIndexFile(file);
    expect(opened.authors!()).toEqual(buildAuthorIndex(list));
    expect(authorIndex(built.papers).data).toEqual(buildAuthorIndex(list));
    const hit = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'au', logger });
    expect(hit.cache).toBe('hit');
    expect(
      authorIndex(hit.papers)
        .papersBy('erdos', () => false)
        .map((p) => p.id),
    ).toEqual([RICH.id]);
    expect(
      authorIndex(hit.papers)
        .papersBy('ada lov', (a) => a?.includes('Ada Lovelace') ?? false)
        .map((p) => p.id),
    ).toEqual(['two-authors']);

    // Damaged: the read fails and tells onDamaged (the file goes); the index is built from the papers.
    const bytes = readFileSync(file);
    const docs = sectionOf(bytes, 'authorDocs');
    bytes[docs.offset]! ^= 0x01;
    writeFileSync(file, bytes);
    let told: IndexCacheError | undefined;
    expect(() => openIndexFile(file, { onDamaged: (err) => (told = err) }).authors!()).toThrow(/author index is damaged/);
    expect(told).toBeInstanceOf(IndexCacheError);
    const again = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'au', logger });
    expect(again.cache).toBe('hit');
    expect(authorIndex(again.papers).data).toEqual(buildAuthorIndex(list));
    expect(existsSync(file)).toBe(false);
    expect(lines().some((l) => l.level === 40 && String(l.reason).includes('author index'))).toBe(true);
  });

  it('a file of the same store at another revision (same name) is stale: refused from its header, papers never decoded', async () => {
    const { logger, lines } = capture();
    const list = [...papers, RICH];
    // Names keep the hash's first 32 characters: the store id, not its revision.
    const at = (revision: number) => `p2-d0123456789abcdef0123456789abcdef-s${revision}-pages`;
    expect(cacheFilePath(dir, at(1))).toBe(cacheFilePath(dir, at(2)));
    await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: at(1), logger });
    // Its records damaged (checksum fixed up): decoding them would be a damaged cache, not a stale one.
    const file = cacheFilePath(dir, at(1));
    const bytes = readFileSync(file);
    const records = sectionOf(bytes, 'recordShared');
    for (let i = records.offset; i < records.offset + records.bytes; i += 3) bytes[i]! ^= 0x3c;
    writeFileSync(file, resealed(bytes));
    expect(() => openIndexFile(file, { inputHash: at(2) })).toThrow(StaleCacheError);
    const r = await loadOrBuildEngine(() => list.slice(0, 2), { cacheDir: dir, inputHash: at(2), logger });
    expect(r.cache).toBe('stale');
    expect(r.papers).toHaveLength(2);
    expect(lines().filter((l) => l.level === 40)).toEqual([]);
    expect((await loadOrBuildEngine(() => list.slice(0, 2), { cacheDir: dir, inputHash: at(2), logger })).cache).toBe('hit');
  });

  it('rebuilds after a format version bump (old file ignored and removed)', async () => {
    const { logger } = capture();
    const old = join(dir, `index-v${INDEX_FORMAT_VERSION}-h.bin`);
    writeFileSync(old, 'old format bytes');
    const r = await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'h', logger });
    expect(r.cache).toBe('stale');
    expect(readdirSync(dir)).toEqual([`index-v${CACHE_FORMAT_VERSION}-h.bin`]);
  });

  it('treats a corrupt cache file as a miss, with a warning, never a crash', async () => {
    const { logger, lines } = capture();
    await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'c', logger });
    const file = cacheFilePath(dir, 'c');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 0x55;
    writeFileSync(file, bytes);
    const r = await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'c', logger });
    expect(r.cache).toBe('corrupt');
    expect(r.engine.search('kv cache').total).toBe(1);
    expect(lines().some((l) => l.level === 40 && String(l.msg).includes('rebuilding'))).toBe(true);
    // The rebuilt file is good again.
    expect((await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'c', logger })).cache).toBe('hit');
    writeFileSync(file, 'garbage');
    expect((await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'c', logger })).cache).toBe('corrupt');
  });

  it('a damaged compressed section (checksum fixed up) is reported as a damaged cache and rebuilt', async () => {
    const { logger, lines } = capture();
    const list = [...papers, RICH];
    await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'z', logger });
    const file = cacheFilePath(dir, 'z');
    const bytes = readFileSync(file);
    const records = sectionOf(bytes, 'recordShared');
    for (let i = records.offset; i < records.offset + records.bytes; i += 3) bytes[i]! ^= 0x3c;
    writeFileSync(file, resealed(bytes));
    const r = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'z', logger });
    expect(r.cache).toBe('corrupt');
    expect(r.papers.map(plainPaper)).toEqual(list);
    expect(lines().some((l) => l.level === 40 && String(l.reason).includes('paper record'))).toBe(true);
    expect((await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'z', logger })).cache).toBe('hit');
  });

  it('a paper text found damaged when read removes the file: the next start rebuilds it', async () => {
    const { logger, lines } = capture();
    const list = [...papers, RICH];
    await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'd', logger });
    const file = cacheFilePath(dir, 'd');
    const bytes = readFileSync(file);
    const texts = sectionOf(bytes, 'texts');
    const at = sectionOf(bytes, 'textOffsets');
    const offsets = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + at.offset, bytes.byteOffset + at.offset + at.bytes));
    for (let i = texts.offset + offsets[1]!; i < texts.offset + offsets[2]!; i++) bytes[i] = 0xff;
    writeFileSync(file, resealed(bytes));
    const hit = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'd', logger });
    expect(hit.cache).toBe('hit');
    expect(() => hit.papers[1]!.abstract).toThrow(IndexCacheError);
    expect(existsSync(file)).toBe(false);
    expect(lines().some((l) => l.level === 40 && String(l.msg).includes('next start rebuilds'))).toBe(true);
    const next = await loadOrBuildEngine(() => list, { cacheDir: dir, inputHash: 'd', logger });
    expect(next.cache).toBe('miss');
    expect(next.papers[1]!.abstract).toBe(list[1]!.abstract);
  });

  it('a cache file of the previous layout (same index format, old name) is stale: rebuilt, and removed', async () => {
    const { logger } = capture();
    writeFileSync(join(dir, `index-v${INDEX_FORMAT_VERSION}-l.bin`), encodeIndex(buildIndex(papers), new Float64Array(0), 'l'));
    const r = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'l', logger });
    expect(r.cache).toBe('stale');
    expect(r.papers.map(plainPaper)).toEqual(papers);
    expect(readdirSync(dir)).toEqual([`index-v${CACHE_FORMAT_VERSION}-l.bin`]);
  });

  it('still works when the cache dir cannot be written', async () => {
    const { logger, lines } = capture();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const r = await loadOrBuildEngine(papers, { cacheDir: join(blocker, 'sub'), inputHash: 'w', logger });
    expect(r.engine.search('kv').total).toBe(1);
    expect(lines().some((l) => l.level === 40)).toBe(true);
  });

  it('hashes input file names and contents', () => {
    const a = join(dir, 'a.txt');
    writeFileSync(a, 'one');
    const h1 = hashInputFiles([a]);
    writeFileSync(a, 'two');
    expect(hashInputFiles([a])).not.toBe(h1);
    const b = join(dir, 'b.txt');
    writeFileSync(b, 'two');
    expect(hashInputFiles([b])).not.toBe(hashInputFiles([a]));
  });
});
