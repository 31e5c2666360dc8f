/**
 * `npm run corpus -- --papers N --seed S [--out DIR] [--per-file K]`: write a deterministic
 * synthetic Daily Papers corpus (page files) for scale tests. Default out: `.corpus/<N>-<seed>/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateCorpus } from '../src/corpus/generate.ts';

const Args = z.object({
  papers: z.coerce.number().int().min(1).max(5_000_000),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  perFile: z.coerce.number().int().min(1).max(100_000),
});

function main(): void {
  const { values } = parseArgs({
    options: {
      papers: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      'per-file': { type: 'string', default: '250' },
    },
  });
  const parsed = Args.safeParse({ papers: values.papers, seed: values.seed, perFile: values['per-file'] });
  if (!parsed.success) {
    console.error(`corpus: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`);
    console.error('usage: npm run corpus -- --papers N --seed S [--out DIR] [--per-file K]');
    process.exitCode = 2;
    return;
  }
  const { papers, seed, perFile } = parsed.data;
  const out = resolve(values.out ?? join('.corpus', `${papers}-${seed}`));
  const t0 = performance.now();
  const files = generateCorpus({ papers, seed, perFile });
  mkdirSync(out, { recursive: true });
  let bytes = 0;
  for (const f of files) {
    writeFileSync(join(out, f.name), f.text);
    bytes += Buffer.byteLength(f.text);
  }
  console.log(
    `wrote ${papers} papers in ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

main();
