import type { Logger } from 'pino';
import type { CommandDeps } from '../commands/command.ts';
import { helpCommand } from '../commands/help.ts';
import { CORE_COMMANDS } from '../commands/index.ts';
import { stat } from 'node:fs/promises';
import { BUILTIN_PAPERS_PATH, listPageFiles, loadPageFiles } from '../sources/page-files.ts';
import type { ParseProblem } from '../parse/problem.ts';
import { PARSER_VERSION } from '../parse/version.ts';
import { Paperboy } from '../core/paperboy.ts';
import { Library } from '../library/library.ts';
import type { EphemeralStore } from '../ephemeral/store.ts';
import type { PaperStore } from '../library/store.ts';
import { combinePapers } from '../library/combine.ts';
import { isPageSource, type Paper } from '../papers/paper.ts';
import { hashInputFiles, loadOrBuildEngine } from '../search/engine-cache.ts';
import { cacheKeyHash, canCatchUp, parseCacheKey, type CacheKey } from './cache-key.ts';
import { BUILTIN_TOPICS_PATH, loadTopics } from '../library/topics.ts';

export interface BootOptions {
  /** A page file or a folder of page files; default: the built-in page. */
  papersPath?: string;
  /** Topics file; default: the shipped `data/topics.json`. */
  topicsPath?: string;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
  /**
   * Where to keep the built index between runs. Used only for paper sets of at least
   * `CACHE_MIN_BYTES` of page text (small sets build faster than a cache would save).
   */
  cacheDir?: string;
  /** Stored feed papers (HF, arXiv), combined with the page papers. Absent: page papers only. */
  store?: PaperStore;
  /**
   * The identity of the database behind `store` (`State.id`): part of the index cache's key, so a
   * cache is never taken for another database's papers (two databases can be at the same revision).
   */
  storeId?: string;
  /** Where the state is (`State.location`), shown by `stats` in the shell and the CLI. */
  dataLocation?: string;
  /** Where conversations' last lists are kept (the state's ephemeral store); default: this process's memory. */
  conversations?: EphemeralStore;
  /**
   * Index new papers in a worker thread (the long-running bot, which must keep answering while
   * papers arrive). One-shot commands build in this thread and skip starting a worker.
   */
  workerBuilds?: boolean;
}

/** Page text below this size (~2,500 papers) is always parsed and indexed afresh. */
export const CACHE_MIN_BYTES = 5 * 1024 * 1024;

export interface Booted {
  paperboy: Paperboy;
  library: Library;
  /** Chunks that were reported and skipped while loading (the rest loaded). */
  problems: ParseProblem[];
  files: string[];
}

/**
 * Load the paper set and topics, build the search engine and register the core commands.
 * Throws `PapersLoadError` / `TopicsLoadError` with a clear message when the data cannot be used.
 */
export async function createPaperboy(opts: BootOptions): Promise<Booted> {
  const [files, topics] = await Promise.all([listPageFiles(opts.papersPath ?? BUILTIN_PAPERS_PATH), loadTopics(opts.topicsPath ?? BUILTIN_TOPICS_PATH)]);
  const { library, problems, stored } = await openLibrary(files, opts);
  for (const p of problems) opts.logger.warn({ file: p.file, line: p.line }, `skipped: ${p.message}`);
  const deps: CommandDeps = {
    library,
    get engine() {
      return library.engine;
    },
    get papers() {
      return library.papers;
    },
    topics,
    logger: opts.logger,
    now: opts.now ?? (() => new Date()),
    random: opts.random ?? Math.random,
    ...(opts.dataLocation ? { dataLocation: opts.dataLocation } : {}),
  };
  const paperboy = new Paperboy(deps, [...CORE_COMMANDS], opts.conversations ? { conversations: opts.conversations } : {});
  paperboy.register(helpCommand(() => paperboy.commands));
  opts.logger.info({ papers: library.papers.length, stored, files: files.length, topics: topics.length }, 'paper set loaded');
  return { paperboy, library, problems, files };
}

/**
 * Most changes a restart takes in on top of an older index cache (the rest of the time it is
 * rebuilt): a tenth of the stored papers, at least 1,000. Taken in like papers arriving (a new
 * segment, folded in when segments pile up), far cheaper than reading and indexing every paper.
 */
export function catchUpLimit(stored: number): number {
  return Math.max(1000, Math.floor(stored / 10));
}

/** Stored papers from this many on, the combined set goes through the index cache. */
export const CACHE_MIN_STORED = 2500;

/**
 * The library over the page files and the store. Large sets go through the on-disk index cache,
 * keyed by the page files, the store revision and the parser and index versions: a restart with
 * nothing new skips parsing and indexing.
 */
async function openLibrary(files: string[], opts: BootOptions): Promise<{ library: Library; problems: ParseProblem[]; stored: number }> {
  const { store, logger } = opts;
  let problems: ParseProblem[] = [];
  const parsePages = async (): Promise<Paper[]> => {
    const loaded = await loadPageFiles(files);
    problems = loaded.problems;
    return loaded.papers;
  };
  const stored = store ? await store.count() : 0;
  const base = { logger, worker: store !== undefined && opts.workerBuilds === true, ...(store ? { store } : {}) };
  let cached = false;
  if (opts.cacheDir) {
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    cached = sizes.reduce((a, b) => a + b, 0) >= CACHE_MIN_BYTES || stored >= CACHE_MIN_STORED;
  }
  if (!cached || !opts.cacheDir) return { library: await Library.open({ ...base, pagePapers: await parsePages() }), problems, stored };

  const revision = store ? await store.revision() : -1;
  const key: CacheKey = { parser: PARSER_VERSION, store: opts.storeId ?? 'none', revision, pages: hashInputFiles(files) };
  let pagePapers: Paper[] | undefined;
  let snapshotRevision = revision;
  // The stored papers as read, unchanged by a page paper: a store that reads at once keeps their texts for the cache.
  let asStored: WeakSet<Paper> | undefined;
  const readNow = store?.recordNow?.bind(store);
  const storedTexts = readNow && { read: readNow, holds: (p: Paper) => asStored?.has(p) === true };
  // A cache of the same store some papers ago (a restart after an ingest): opened, and the store's
  // changes since taken in below as papers arriving are, instead of reading and indexing every paper.
  const acceptBehind = async (fileHash: string): Promise<boolean> => {
    const older = parseCacheKey(fileHash);
    if (!store || !older || !canCatchUp(older, key)) return false;
    return (await store.countChangedSince(older.revision)) <= catchUpLimit(stored);
  };
  const { engine, cache, inputHash } = await loadOrBuildEngine(
    async () => {
      pagePapers = await parsePages();
      const snap = store ? await store.snapshot() : { revision: -1, papers: [] };
      snapshotRevision = snap.revision;
      if (storedTexts) asStored = new WeakSet(snap.papers);
      return combinePapers(snap.papers, pagePapers);
    },
    { cacheDir: opts.cacheDir, inputHash: cacheKeyHash(key), logger, acceptBehind, ...(storedTexts ? { storedTexts } : {}) },
  );
  asStored = undefined;
  if (cache === 'behind') snapshotRevision = parseCacheKey(inputHash)!.revision;
  logger.info({ cache, files: files.length, stored, ...(cache === 'behind' ? { cacheRevision: snapshotRevision, revision } : {}) }, `index cache ${cache}`);
  // A cache hit has no separate page papers: the combined records that came from pages stand in.
  const pages = pagePapers ?? engine.papers.filter((p) => p.sources.some(isPageSource));
  const library = await Library.open({ ...base, pagePapers: pages, initial: { engine, revision: snapshotRevision } });
  // Anything stored between the revision read and the snapshot is picked up now.
  if (store) await library.refresh();
  return { library, problems, stored };
}
