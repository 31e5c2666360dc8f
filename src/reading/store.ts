import { z } from 'zod';
import { PAPER_ID } from '../papers/paper.ts';

/**
 * Reading lists: one per person per platform (`save`, `unsave`, `saved`). The interface is async
 * and knows no SQL, so a PostgreSQL implementation fills it the same way the SQLite one does.
 */

/** Most papers one person may keep in their list. */
export const MAX_SAVED_PAPERS = 1000;

/** Whose list: a platform user (`local` in the shell and CLI). */
export const ReaderSchema = z.object({
  platform: z.enum(['shell', 'slack', 'discord']),
  userId: z.string().min(1).max(128),
});
export type Reader = z.infer<typeof ReaderSchema>;

/** A paper id as stored: a slug or an arXiv id (`PAPER_ID`), at most 300 characters. */
export const SavedPaperIdSchema = z.string().max(300).regex(PAPER_ID);

export interface SavedPaper {
  paperId: string;
  savedAt: Date;
}

export type SaveResult =
  /** Added; `total` is the list's size after it. */
  | { kind: 'saved'; savedAt: Date; total: number }
  /** Already in the list (under `paperId`: the id given, or one of its `sameAs` ids). */
  | { kind: 'already'; paperId: string; savedAt: Date }
  /** The list holds `max` papers already; nothing was added. */
  | { kind: 'full'; max: number };

export interface SaveRequest {
  /** Other ids of the same paper (its former ids): saved under any of them counts as saved. */
  sameAs?: readonly string[];
  now: Date;
  /** Refuse to grow the list past this many papers. */
  max: number;
}

export interface ReadingListStore {
  /** Where the lists live (file path), for messages. */
  readonly location: string;
  /** Add a paper to the reader's list, atomically: at most once, never past `max`. */
  save(reader: Reader, paperId: string, req: SaveRequest): Promise<SaveResult>;
  /** Remove the paper saved under any of `paperIds`; how many rows went (0: it was not saved). */
  unsave(reader: Reader, paperIds: readonly string[]): Promise<number>;
  /** One page of the list, newest saved first, with the list's size. */
  list(reader: Reader, page: { offset: number; limit: number }): Promise<{ total: number; items: SavedPaper[] }>;
  /** The whole list, oldest saved first (exports: citation keys stay put as the list grows). */
  all(reader: Reader): Promise<SavedPaper[]>;
  close(): Promise<void>;
}
