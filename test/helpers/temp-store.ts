import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { tempDirs } from './temp-dir.ts';

/**
 * Temporary state databases for a test file: `tempDir()` makes a fresh folder, `tempDb()` names a
 * fresh file in one, `openStore(file)` opens a paper store on it; `cleanups` run in reverse after
 * each test, then the folders are removed. Call once at the top level of a test file.
 */
export function useTempStores(prefix = 'paperboy-') {
  const dirs = tempDirs(prefix);
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    dirs.removeAll();
  });
  const tempDir = (): string => dirs.make();
  const tempDb = (): string => join(tempDir(), 'state.db');
  const openStore = (file: string): SqlitePaperStore => {
    const s = SqlitePaperStore.open(file);
    cleanups.push(() => s.close());
    return s;
  };
  return { tempDir, tempDb, openStore, cleanups };
}
