import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

export interface TempDirs {
  /** A fresh folder under the system's temp directory. */
  make(): string;
  /** Remove every folder made so far. */
  removeAll(): void;
}

/** Temporary folders named `<prefix>XXXXXX`, removed (recursively) by `removeAll`. */
export function tempDirs(prefix = 'paperboy-'): TempDirs {
  const dirs: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    removeAll() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/**
 * Temporary folders for a test file, removed after each test (`'test'`, the default) or once after
 * the file's tests (`'file'`: for folders made in `beforeAll` or shared by the tests). Call once at
 * the top level of a test file (or of a `describe`); returns the function that makes a folder.
 */
export function useTempDirs(prefix = 'paperboy-', removeAfter: 'test' | 'file' = 'test'): () => string {
  const dirs = tempDirs(prefix);
  if (removeAfter === 'test') afterEach(() => dirs.removeAll());
  else afterAll(() => dirs.removeAll());
  return () => dirs.make();
}
