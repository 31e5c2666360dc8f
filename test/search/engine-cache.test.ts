import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { buildCorrectionKeys } from '../../src/search/correct.ts';
import { cacheFilePath, hashInputFiles, loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import { decodeIndex, encodeIndex, IndexCacheError } from '../../src/search/index-codec.ts';
import { buildIndex, INDEX_FORMAT_VERSION } from '../../src/search/inverted-index.ts';
import { paper } from './helpers.ts';

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
  it('round-trips index, typo keys and papers', () => {
    const index = buildIndex(papers);
    const keys = buildCorrectionKeys(index.terms, index.surfaces);
    const back = decodeIndex(encodeIndex(index, keys, 'h1', papers));
    expect(back.inputHash).toBe('h1');
    expect(back.index.terms).toEqual(index.terms);
    expect(back.index.surfaces).toEqual(index.surfaces);
    expect([...back.index.docs]).toEqual([...index.docs]);
    expect([...back.index.impacts]).toEqual([...index.impacts]);
    expect([...back.index.avgLens]).toEqual([...index.avgLens]);
    expect([...back.correctionKeys]).toEqual([...keys]);
    expect(back.papers).toEqual(papers);
  });

  it('rejects other versions, damage and garbage', () => {
    const index = buildIndex(papers);
    const buf = encodeIndex(index, buildCorrectionKeys(index.terms, index.surfaces), 'h');
    const bumped = Buffer.from(buf);
    bumped.writeUInt32LE(INDEX_FORMAT_VERSION + 1, 8);
    expect(() => decodeIndex(bumped)).toThrow(/index format/);
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 3]! ^= 0xff;
    expect(() => decodeIndex(flipped)).toThrow(IndexCacheError);
    expect(() => decodeIndex(buf.subarray(0, buf.length - 10))).toThrow(IndexCacheError);
    expect(() => decodeIndex(Buffer.from('hello'))).toThrow(IndexCacheError);
    expect(() => decodeIndex(new Uint8Array(0))).toThrow(IndexCacheError);
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
    expect(second.papers).toEqual(papers);
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
    expect(readdirSync(dir)).toEqual([`index-v${INDEX_FORMAT_VERSION}-two.bin`]);
  });

  it('rebuilds after a format version bump (old file ignored and removed)', async () => {
    const { logger } = capture();
    const old = join(dir, `index-v${INDEX_FORMAT_VERSION - 1}-h.bin`);
    writeFileSync(old, 'old format bytes');
    const r = await loadOrBuildEngine(papers, { cacheDir: dir, inputHash: 'h', logger });
    expect(r.cache).toBe('stale');
    expect(readdirSync(dir)).toEqual([`index-v${INDEX_FORMAT_VERSION}-h.bin`]);
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
