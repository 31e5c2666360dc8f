import type { Paper } from '../papers/paper.ts';
import { titleKey } from '../papers/title-key.ts';
import { encodeRecordJson } from './record-codec.ts';

export type FeedName = 'hf' | 'arxiv';

/** What one batch did to the store. Ids are the stored (stable) ids. */
export interface UpsertOutcome {
  added: string[];
  /** Papers that existed and changed (upvotes, a longer abstract, a new source, ...). */
  updated: string[];
  /** Papers seen again with nothing new. */
  unchanged: string[];
}

/** One ingest run of a source, for `stats` ("last succeeded"). */
export interface IngestRun {
  source: FeedName;
  ok: boolean;
  at: Date;
  added: number;
  updated: number;
  skipped: number;
  /** Why it failed (or partly failed). */
  detail?: string;
}

export interface SourceStatus {
  source: FeedName;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastError?: string;
}

/**
 * Persistent papers from the live feeds (HF Daily Papers, arXiv). Page-file papers are not stored:
 * they are read from their files at start-up and combined with these by the library.
 *
 * Implementations: SQLite (`sqlite-store.ts`) and PostgreSQL (`postgres-store.ts`); every method is
 * async for the latter. Several processes may share one store. Both keep each record compactly
 * (`record-codec.ts`: deflated JSON) and read rows older versions wrote (JSON text) the same.
 */
export interface PaperStore {
  /** Where the papers live (file path or database name), for messages. */
  readonly location: string;
  /**
   * Insert or merge one unit of papers (an HF day, an arXiv page) in one transaction: all of it is
   * stored or none. A paper matches a stored one by arXiv id, or by normalised title when either
   * side has no arXiv id; matches are merged (`mergePaper`, the stored record first). Concurrent
   * batches from several processes never create duplicates.
   */
  upsertBatch(papers: readonly Paper[], opts?: UpsertOptions): Promise<UpsertOutcome>;
  /**
   * `upsertBatch` for papers already validated and encoded (`preparePaper`, in a worker thread
   * during `paperboy import`): the same matching, merging, outcome and stored bytes, without
   * checking the schema again or encoding a paper that is added.
   */
  upsertPrepared(papers: readonly PreparedPaper[], opts?: UpsertOptions): Promise<UpsertOutcome>;
  /** Every stored paper, newest first (by published date, then first seen). */
  all(): Promise<Paper[]>;
  /**
   * Optional: one stored paper by its stored id, read at once (no promise), or `undefined` when
   * none has that id. A store that can read synchronously (SQLite) has it, and the index cache then
   * leaves the texts of stored papers to the store instead of keeping a second copy (a gigabyte at
   * a million papers); a store that cannot (PostgreSQL, over the network) has not, and the cache
   * keeps the texts.
   */
  recordNow?(id: string): Paper | undefined;
  /** A number that grows whenever stored papers change, in any process. Cheap to call. */
  revision(): Promise<number>;
  /** Every stored paper with the revision they make up (one consistent read), newest first. */
  snapshot(): Promise<{ revision: number; papers: Paper[] }>;
  /**
   * Papers added or changed after `revision`, oldest change first, the ids of papers removed after
   * it (`removePapers`), and the current revision (one consistent read).
   */
  changedSince(revision: number): Promise<{ revision: number; papers: Paper[]; removed: string[] }>;
  /**
   * How many papers `changedSince(revision)` would list (changed and removed), without reading
   * them: whether catching up from that revision is worth it.
   */
  countChangedSince(revision: number): Promise<number>;
  /**
   * Remove papers by arXiv id (records arXiv deleted, as OAI-PMH reports them), in one transaction:
   * gone from the store and, at their next refresh, from every running library. Returns the stored
   * ids removed (unknown ids are ignored).
   */
  removePapers(arxivIds: readonly string[]): Promise<string[]>;
  /** Where a harvesting source (`oai:cs`) got to, as it saved it (opaque text), or `undefined`. */
  harvestPosition(source: string): Promise<string | undefined>;
  saveHarvestPosition(source: string, position: string, at: Date): Promise<void>;
  /** How many papers are stored. */
  count(): Promise<number>;
  /**
   * Papers changed after `revision` that were first stored after `since`, oldest arrival first,
   * each with when it was first stored, and the current revision (one consistent read). Watches
   * use it to find what arrived.
   */
  arrivals(revision: number, since: Date): Promise<{ revision: number; papers: { paper: Paper; firstSeen: Date }[] }>;
  /** How many ingest runs have been recorded (grows when an ingest ends, in any process). Cheap to call. */
  runsRecorded(): Promise<number>;
  recordRun(run: IngestRun): Promise<void>;
  /** The last success and failure of each source that has run. */
  sourceStatus(): Promise<SourceStatus[]>;
  /**
   * Claim a scheduled job's slot (`hf`, `2026-11-29T06:30:00.000Z`) for this process. True for
   * exactly one caller across processes; false when already claimed.
   */
  claimSlot(job: string, slot: string, now: Date): Promise<boolean>;
  /**
   * Retention: delete ingest runs recorded before `before`, except each source's newest success
   * and newest failure (what `sourceStatus`, and so `stats`, shows: it reads the same after a
   * prune) and the newest run of all; and job slots claimed before `before` (a slot is claimed
   * at its own time only, never later). Papers are kept.
   */
  prune(before: Date): Promise<PaperPruneResult>;
  /** How far the import of a file got (`ImportProgress.key`), or `undefined` when it never started. */
  importProgress(key: string): Promise<ImportProgress | undefined>;
  /** Record how far an import got, after the batches up to there are stored (replaces the key's record). */
  saveImportProgress(progress: ImportProgress): Promise<void>;
  close(): Promise<void>;
}

/**
 * A paper made ready to store: everything a row needs, computed where the paper was built (off the
 * thread that writes). Only `preparePaper` makes one; it holds no `Paper` object (a worker sends it
 * as it is: strings and bytes), and the paper is parsed from `json` only when a stored one matches.
 */
export interface PreparedPaper {
  id: string;
  arxivId: string | undefined;
  /** `titleKey(title)`. */
  titleKey: string;
  published: string | undefined;
  /** `JSON.stringify` of the paper as `PaperSchema` returned it (validated). */
  json: string;
  /** `encodeRecordJson(json)`: the row's record when the paper is added. */
  record: Uint8Array;
}

/** A paper `PaperSchema` returned (validated: `paperFromFeed`'s output) as a row ready to store. Pure. */
export function preparePaper(paper: Paper): PreparedPaper {
  const json = JSON.stringify(paper);
  return { id: paper.id, arxivId: paper.arxivId, titleKey: titleKey(paper.title), published: paper.published, json, record: encodeRecordJson(json) };
}

/** How a batch combines an incoming paper with the stored record of the same paper. */
export interface UpsertOptions {
  /** `(stored, incoming) => record`. Default `mergePaper`: a sighting adds to what is known. */
  merge?: (stored: Paper, incoming: Paper) => Paper;
}

/**
 * One bulk import of a file (`paperboy import`): which file and categories (`key`), how many of its
 * lines are stored, whether it finished, and what it did so far. Resuming skips `lines` lines.
 */
export interface ImportProgress {
  /** The file's identity and the categories asked for: a changed file or filter is a new import. */
  key: string;
  lines: number;
  done: boolean;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  at: Date;
}

/** What `prune` deleted. */
export interface PaperPruneResult {
  ingestRuns: number;
  jobSlots: number;
}
