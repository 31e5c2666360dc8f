import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqlitePaperStore } from '../../src/store/sqlite/paper-store.ts';

/**
 * Temporary state databases for a test file: `tempDir()` makes a fresh folder, `tempDb()` names a
 * fresh file in one,
 * `openStore(file)` opens a paper store on it; `cleanups` run in reverse after each test, then the
 * folders are removed. Call once at the top level of a test file.
 */
export function useTempStores(prefix = 'paperboy-') {
  const dirs: string[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const tempDb = (): string => join(tempDir(), 'state.db');
  const openStore = (file: string): SqlitePaperStore => {
    const s = SqlitePaperStore.open(file);
    cleanups.push(() => s.close());
    return s;
  };
  return { tempDir, tempDb, openStore, cleanups };
}
