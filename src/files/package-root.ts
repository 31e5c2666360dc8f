import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of Paperboy's package.json, found by walking up from this module. The same from the
 * TypeScript sources (src/…) and from the bundle (dist/…), so shipped data files (`data/`) resolve
 * in both.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'data'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Paperboy package folder (package.json and data/)');
    dir = up;
  }
  return (root = dir);
}

/** A path inside the package folder (`data/daily-papers.txt`). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
