import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { generateCorpus } from '../../src/corpus/generate.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('pb-boot-');

describe('boot with an index cache', () => {
  it('writes the cache for a large set, answers the same from it, and skips small sets', async () => {
    const pages = tempDir();
    for (const f of generateCorpus({ papers: 3000, seed: 7 })) writeFileSync(join(pages, f.name), f.text);
    const cacheDir = join(tempDir(), 'index-cache');

    const first = await createPaperboy({ papersPath: pages, cacheDir, logger: silentLogger() });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const second = await createPaperboy({ papersPath: pages, cacheDir, logger: silentLogger() });
    expect(second.paperboy.deps.papers.length).toBe(first.paperboy.deps.papers.length);
    for (const q of ['search attention quantization --limit 10', 'stats']) {
      const a = await first.paperboy.run(q, SHELL_CONTEXT);
      const b = await second.paperboy.run(q, SHELL_CONTEXT);
      expect(b.data).toEqual(a.data);
    }

    const smallCache = join(tempDir(), 'index-cache');
    await createPaperboy({ cacheDir: smallCache, logger: silentLogger() });
    expect(() => readdirSync(smallCache)).toThrow();
  }, 60_000);
});
