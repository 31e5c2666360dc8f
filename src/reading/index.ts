import type { Logger } from 'pino';
import type { Command } from '../commands/command.ts';
import type { Paperboy } from '../core/paperboy.ts';
import { citeCommand } from './cite-command.ts';
import { createSaveCommand, createUnsaveCommand } from './save-commands.ts';
import { createSavedCommand } from './saved-command.ts';
import type { ReadingListStore } from './store.ts';

export { bibtexEntries, bibtexEntry, citationKey, type BibtexEntry } from './bibtex.ts';
export { SqliteReadingListStore } from './sqlite-store.ts';
export { MAX_SAVED_PAPERS, type Reader, type ReadingListStore, type SavedPaper, type SaveResult } from './store.ts';

/** The reading-list commands over one store, in help order: save, unsave, saved, cite. */
export function readingCommands(store: ReadingListStore): Command[] {
  return [createSaveCommand(store), createUnsaveCommand(store), createSavedCommand(store), citeCommand];
}

export interface StartReadingOptions {
  paperboy: Paperboy;
  logger: Logger;
  /** The reading lists' store (the state root's). */
  store: ReadingListStore;
}

export interface Reading {
  store: ReadingListStore;
}

/** Register `save`, `unsave`, `saved` and `cite` on the Paperboy, over the reading lists in `store`. */
export function startReading(opts: StartReadingOptions): Reading {
  for (const c of readingCommands(opts.store)) opts.paperboy.register(c);
  return { store: opts.store };
}
