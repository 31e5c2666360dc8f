/**
 * A first start whose cache file, just written, cannot be opened again (a disk that lies, a file
 * replaced meanwhile): the papers are built again and served from memory, with a warning, never
 * a crash or an empty library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { loadOrBuildEngine } from '../../src/search/engine-cache.ts';
import { IndexCacheError, openIndexFile } from '../../src/search/index-codec.ts';
import { paper } from './helpers.ts';

vi.mock('../../src/search/index-codec.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/search/index-codec.ts')>();
  return { ...real, openIndexFile: vi.fn(real.openIndexFile) };
});

const papers: Paper[] = [
  paper({ name: 'SnapKV', title: 'SnapKV: LLM Knows What You are Looking for Before Generation', abstract: 'KV cache compression for long context.' }),
  paper({ title: 'ZipCache: Accurate KV Cache Quantization', abstract: 'Quantize the kv cache with salient tokens.' }),
  paper({ title: 'Medusa: Speculative Decoding with Multiple Heads', abstract: 'Decoding heads draft tokens.' }),
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-readback-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.mocked(openIndexFile).mockReset();
});

describe('a first start whose cache cannot be read back', () => {
  it('builds again and serves from memory, with a warning', async () => {
    const real = await vi.importActual<typeof import('../../src/search/index-codec.ts')>('../../src/search/index-codec.ts');
    let opens = 0;
    vi.mocked(openIndexFile).mockImplementation((file, options) => {
      opens++;
      // The first open finds no file; the second is the read-back of the file just written.
      if (opens === 2) throw new IndexCacheError('checksum mismatch (file is damaged)');
      return real.openIndexFile(file, options);
    });
    const out: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void out.push(s) });
    let parses = 0;
    const loaded = await loadOrBuildEngine(
      () => {
        parses++;
        return papers;
      },
      { cacheDir: dir, inputHash: 'h', logger },
    );
    expect(opens).toBe(2);
    expect(parses).toBe(2); // read again for the build served from memory
    expect(loaded.cache).toBe('miss');
    expect(loaded.papers.map((p) => p.id)).toEqual(papers.map((p) => p.id));
    expect(loaded.engine.search('kv cache quantization').hits[0]?.paper.id).toBe(papers[1]!.id);
    expect(loaded.engine.byId(papers[2]!.id)?.abstract).toBe('Decoding heads draft tokens.');
    const warnings = out.map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string }).filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual(['could not read back the index cache just written; building again']);
    expect(warnings[0]!.reason).toBe('checksum mismatch (file is damaged)');

    // The next start opens the file that was written (it was good; only the read-back failed).
    vi.mocked(openIndexFile).mockImplementation(real.openIndexFile);
    const again = await loadOrBuildEngine(
      () => {
        parses++;
        return papers;
      },
      { cacheDir: dir, inputHash: 'h', logger },
    );
    expect(again.cache).toBe('hit');
    expect(parses).toBe(2);
    expect(again.engine.search('kv cache quantization').hits[0]?.paper.id).toBe(papers[1]!.id);
  });
});
