import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Command } from '../commands/command.ts';
import type { Paperboy } from '../core/paperboy.ts';
import { STATE_DB_FILE } from '../store/sqlite/open.ts';
import { citeCommand } from './cite-command.ts';
import { LazyReadingListStore } from './lazy-store.ts';
import { createSaveCommand, createUnsaveCommand } from './save-commands.ts';
import { createSavedCommand } from './saved-command.ts';
import { SqliteReadingListStore } from './sqlite-store.ts';
import type { ReadingListStore } from './store.ts';

export { bibtexEntries, bibtexEntry, citationKey, type BibtexEntry } from './bibtex.ts';
export { SqliteReadingListStore } from './sqlite-store.ts';
export { LazyReadingListStore } from './lazy-store.ts';
export { MAX_SAVED_PAPERS, type Reader, type ReadingListStore, type SavedPaper, type SaveResult } from './store.ts';

/** The reading-list commands over one store, in help order: save, unsave, saved, cite. */
export function readingCommands(store: ReadingListStore): Command[] {
  return [createSaveCommand(store), createUnsaveCommand(store), createSavedCommand(store), citeCommand];
}

export interface StartReadingOptions {
  config: { dataDir: string };
  paperboy: Paperboy;
  logger: Logger;
  /** Use this store (tests); default: `<DATA_DIR>/state.db`, opened on first use. */
  store?: ReadingListStore;
}

export interface Reading {
  store: ReadingListStore;
  /** Close the store (when it was opened). */
  close(): Promise<void>;
}

/**
 * Register `save`, `unsave`, `saved` and `cite` on the Paperboy, over the reading lists in
 * `<DATA_DIR>/state.db`. The database is opened when a command first needs it, so every entry
 * point can register the commands at no cost; a database that cannot be used is reported by the
 * command that needed it.
 */
export function startReading(opts: StartReadingOptions): Reading {
  const file = join(opts.config.dataDir, STATE_DB_FILE);
  const store =
    opts.store ??
    new LazyReadingListStore(file, () => {
      const opened = SqliteReadingListStore.open(file);
      opts.logger.debug({ db: opened.location }, 'reading lists ready');
      return opened;
    });
  for (const c of readingCommands(store)) opts.paperboy.register(c);
  return { store, close: () => store.close() };
}
