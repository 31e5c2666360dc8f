/**
 * Texts left to the store: an index cache file written with `storeTexts` keeps no copy of the
 * texts of the papers the store holds (an empty span each) and reads them from the store when
 * asked for; the others' (page papers, merged papers) stay in the file. A file that left texts to
 * a store is refused without one, and a paper the store no longer has reads as an empty text, not
 * a crash (the library hides it when it takes in the store's changes).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { plainPaper } from '../../src/papers/plain.ts';
import { type PaperText, readFromFile, type StoredTexts } from '../../src/search/cached-papers.ts';
import { buildCorrectionKeys } from '../../src/search/correct.ts';
import { loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import { decodeIndex, encodeIndexParts, IndexCacheError, openIndexFile, writeIndexFile } from '../../src/search/index-codec.ts';
import { buildIndex } from '../../src/search/inverted-index.ts';
import { paper } from './helpers.ts';

const RICH: Paper = {
  ...paper({ title: 'Medusa: Speculative Decoding with Multiple Heads', abstract: 'Extra decoding heads draft several tokens. A tree verifies them at once.' }),
  highlights: ['2.3x faster decoding', 'no draft model'],
  summary: 'Extra decoding heads draft several tokens.',
};
const papers: Paper[] = [
  paper({ title: 'SnapKV: Selecting KV Cache Positions', name: 'SnapKV', abstract: 'The KV cache is compressed by selecting positions per attention head.' }),
  RICH,
  paper({ title: 'Über Café Résumé', abstract: 'Diacritics and E²GAN survive the round trip, as do emoji 🚀.' }),
  paper({ title: 'Compact Gaussian Splatting', abstract: 'Gaussian splatting scenes stored in far less memory with codebooks.', code: true }),
];

/** A store of some of the papers (by id), counting its reads. */
function storeOf(list: readonly Paper[]): { read: StoredTexts; reads: string[]; byId: Map<string, Paper> } {
  const byId = new Map(list.map((p) => [p.id, p]));
  const reads: string[] = [];
  return {
    byId,
    reads,
    read: (id) => {
      reads.push(id);
      return byId.get(id);
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-stored-texts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(list: readonly Paper[], stored?: ReadonlySet<Paper>): string {
  const index = buildIndex(list);
  const file = join(dir, `index-${stored?.size ?? 0}.bin`);
  const keep = stored ? (p: Paper) => stored.has(p) : undefined;
  writeIndexFile(file, encodeIndexParts(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list, undefined, undefined, keep));
  return file;
}

describe('an index cache file that leaves texts to the store', () => {
  it('keeps no copy of those texts, reads them from the store, and the others from the file', () => {
    const inStore = new Set([papers[0]!, papers[1]!, papers[3]!]);
    const all = write(papers);
    const lean = write(papers, inStore);
    expect(statSync(lean).size).toBeLessThan(statSync(all).size);

    const store = storeOf([...inStore]);
    const opened = openIndexFile(lean, { storedTexts: store.read });
    // Nothing read from the store at open: the probe reads only texts the file holds.
    expect(store.reads).toEqual([]);
    const back = opened.papers!;
    expect(back.map(plainPaper)).toEqual(papers);
    expect(new Set(store.reads)).toEqual(new Set([papers[0]!.id, papers[1]!.id, papers[3]!.id]));
    // Still read when asked for, not held on the paper.
    expect(readFromFile(back[1]!, 'abstract')).toBe(true);
    expect(back[1]!.summary).toBe(RICH.summary);
    expect(back[1]!.highlights).toEqual(RICH.highlights);
  });

  it('reads the same from one buffer (decodeIndex) as from the file', () => {
    const inStore = new Set(papers.slice(0, 2));
    const index = buildIndex(papers);
    const keep = (p: Paper) => inStore.has(p);
    const bytes = Buffer.concat(encodeIndexParts(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', papers, undefined, undefined, keep));
    expect(decodeIndex(bytes, { storedTexts: storeOf(papers).read }).papers!.map(plainPaper)).toEqual(papers);
    expect(() => decodeIndex(bytes)).toThrow(IndexCacheError);
  });

  it('is refused without a store to read them from, with the count in the message', () => {
    const lean = write(papers, new Set(papers.slice(1, 3)));
    expect(() => openIndexFile(lean)).toThrow(/texts of 2 papers are kept by the store, which is not open/);
    // A file with every text in it needs no store.
    expect(openIndexFile(write(papers)).papers!.map(plainPaper)).toEqual(papers);
  });

  it('reads the text the store has now (a record changed since the file was written)', () => {
    const lean = write(papers, new Set(papers));
    const changed: Paper = { ...papers[0]!, abstract: 'A revised abstract.', highlights: ['new'], summary: 'A revised abstract.' };
    const store = storeOf([changed, ...papers.slice(1)]);
    const back = openIndexFile(lean, { storedTexts: store.read }).papers!;
    expect(back[0]!.abstract).toBe('A revised abstract.');
    expect(back[0]!.highlights).toEqual(['new']);
    expect(back[1]!.abstract).toBe(RICH.abstract);
  });

  it('reads a paper the store no longer has as an empty text, and the rest of its record as the file has it', () => {
    const lean = write(papers, new Set(papers));
    const store = storeOf(papers.slice(1));
    const back = openIndexFile(lean, { storedTexts: store.read }).papers!;
    expect(back[0]!.abstract).toBe('');
    expect(back[0]!.highlights).toEqual([]);
    expect(back[0]!.title).toBe(papers[0]!.title);
    expect(back[2]!.abstract).toBe(papers[2]!.abstract);
  });

  it('passes a store error on (the file is not blamed) and keeps no failed read', () => {
    const lean = write(papers, new Set(papers));
    let fail = true;
    const damaged: string[] = [];
    const read: StoredTexts = (id): PaperText | undefined => {
      if (fail) throw new Error(`the stored paper ${id} cannot be read`);
      return papers.find((p) => p.id === id);
    };
    const back = openIndexFile(lean, { storedTexts: read, onDamaged: (e) => damaged.push(e.message) }).papers!;
    expect(() => back[3]!.abstract).toThrow(/cannot be read/);
    expect(damaged).toEqual([]);
    fail = false;
    expect(back[3]!.abstract).toBe(papers[3]!.abstract);
  });
});

describe('loadOrBuildEngine with the store’s texts', () => {
  const logger = pino({ level: 'silent' });

  it('writes a file without the texts the store holds, serves from it, and a restart without the store rebuilds', async () => {
    const inStore = new Set(papers.slice(0, 3));
    const store = storeOf([...inStore]);
    const storedTexts = { read: store.read, holds: (p: Paper) => inStore.has(p) };
    const first = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'h', logger, storedTexts });
    expect(first.cache).toBe('miss');
    expect(first.engine.search('speculative decoding heads').hits[0]?.paper.id).toBe(RICH.id);
    expect(first.papers.map(plainPaper)).toEqual(papers);
    expect(store.reads.length).toBeGreaterThan(0);

    const again = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'h', logger, storedTexts });
    expect(again.cache).toBe('hit');
    expect(again.papers.map(plainPaper)).toEqual(papers);

    // The same file opened by a process without the store: refused as damaged for it, and built again with every text in it.
    const lines: string[] = [];
    const told = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
    const without = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'h', logger: told });
    expect(without.cache).toBe('corrupt');
    expect(lines.join('')).toMatch(/kept by the store, which is not open/);
    expect(without.papers.map(plainPaper)).toEqual(papers);
    const reopened = await loadOrBuildEngine(() => papers, { cacheDir: dir, inputHash: 'h', logger });
    expect(reopened.cache).toBe('hit');
    expect(reopened.papers.map(plainPaper)).toEqual(papers);
  });
});
