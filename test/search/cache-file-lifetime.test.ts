import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/papers/paper.ts';
import { buildCorrectionKeys } from '../../src/search/correct.ts';
import { encodeIndexParts, openIndexFile, writeIndexFile, type CachedIndex } from '../../src/search/index-codec.ts';
import { buildIndex } from '../../src/search/inverted-index.ts';
import { paper } from './helpers.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('index cache file lifetime', () => {
  it('stays open while any paper of it can still read its text, whichever papers were dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-fd-'));
    try {
      const list: Paper[] = Array.from({ length: 20 }, (_, i) => paper({ title: `Lifetime paper ${i}`, abstract: `The abstract of paper ${i}, read late.` }));
      const file = join(dir, 'index.bin');
      const index = buildIndex(list);
      writeIndexFile(file, encodeIndexParts(index, buildCorrectionKeys(index.terms, index.surfaces), 'h', list));
      let opened: CachedIndex | undefined = openIndexFile(file);
      const kept = opened.papers![7]!;
      opened = undefined;
      for (let i = 0; i < 6; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Other files opened now would take a closed descriptor's number.
      writeFileSync(join(dir, 'other.bin'), Buffer.alloc(4096, 0x41));
      const others = Array.from({ length: 4 }, () => openSync(join(dir, 'other.bin'), 'r'));
      expect(kept.abstract).toBe(list[7]!.abstract);
      others.forEach((fd) => closeSync(fd));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
