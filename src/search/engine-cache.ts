/**
 * Load a search engine from the on-disk index cache, or build it and write the cache.
 *
 * The cache file is keyed by a hash of the input files (names and contents) and the cache
 * format version (the index format and the papers' layout); either changing means a rebuild,
 * unless the caller takes a file for older inputs it can bring up to date itself (`acceptBehind`:
 * the same store some papers ago). After a rebuild the engine served is read back from the file
 * written, as a restart would (the records it was built from are let go). A damaged or unreadable
 * cache file is logged as a warning and rebuilt, never fatal. A paper text found damaged only when
 * read (after the file was accepted) fails that read, and the file is removed with a warning, so
 * the next start rebuilds it. Writes are atomic (temp file + rename).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import type { Paper } from '../papers/paper.ts';
import { buildCorrectionKeys } from './correct.ts';
import { createSearchEngine, type PaperboyEngine } from './engine.ts';
import { authorIndex, storedAuthorIndex } from './author-index.ts';
import { StaleCacheError } from './cache-error.ts';
import { CACHE_FORMAT_VERSION, encodeIndexParts, IndexCacheError, openIndexFile, peekInputHash, writeIndexFile, type CachedIndex } from './index-codec.ts';
import { buildIndex } from './inverted-index.ts';
import type { StoredTexts } from './cached-papers.ts';

/** A hash of input files (base names and contents, in the given order). SHA-1: change detection, not security. */
export function hashInputFiles(files: readonly string[]): string {
  const h = createHash('sha1');
  for (const f of files) {
    h.update(basename(f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export interface EngineCacheOptions {
  cacheDir: string;
  /** Hash of the inputs (see hashInputFiles). */
  inputHash: string;
  logger: Logger;
  /**
   * Whether a cache file for other inputs (`fileHash`) will do because the caller brings what it
   * loads up to date itself (the same store at an earlier revision, a few changes behind: the
   * library takes those in as it takes in papers arriving). Not given: only `inputHash` will do.
   */
  acceptBehind?: (fileHash: string) => boolean | Promise<boolean>;
  /**
   * The store's texts, when it can read them at once (SQLite): a file written with this leaves the
   * text of every paper `holds` says the store keeps as it is (its record, unchanged) to the store,
   * and reads it back with `read`; without it, every text is in the file, and a file that left
   * texts to a store is rebuilt.
   */
  storedTexts?: { read: StoredTexts; holds: (p: Paper) => boolean };
}

/**
 * `hit`: the cache file for these inputs; `behind`: a file `acceptBehind` took (the engine is for
 * `LoadedEngine.inputHash`, the caller catches up); else built: `miss` (no file), `stale` (a file
 * for other inputs), `corrupt` (a damaged file).
 */
export type CacheOutcome = 'hit' | 'behind' | 'miss' | 'stale' | 'corrupt';

export interface LoadedEngine {
  engine: PaperboyEngine;
  papers: readonly Paper[];
  cache: CacheOutcome;
  /** The inputs the engine is for: the options' `inputHash`, or the older file's when `cache` is `behind`. */
  inputHash: string;
}

/**
 * A cache file for other inputs that `acceptBehind` takes: the file for these inputs' name first
 * (the name keeps only the start of the input hash), then any other file of this format in the
 * folder. Undefined when there is none to take, or the file for these very inputs is there.
 */
async function behindFile(file: string, options: EngineCacheOptions): Promise<{ file: string; hash: string } | undefined> {
  const { acceptBehind, cacheDir, inputHash } = options;
  if (!acceptBehind) return undefined;
  const prefix = `index-v${CACHE_FORMAT_VERSION}-`;
  let others: string[] = [];
  try {
    others = readdirSync(cacheDir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.bin'))
      .map((f) => join(cacheDir, f))
      .filter((f) => f !== file);
  } catch {
    /* no cache dir yet */
  }
  for (const candidate of [file, ...others]) {
    let hash: string;
    try {
      hash = peekInputHash(candidate);
    } catch {
      // Not there, or not a good file: the exact one is opened (and judged) below; others are left.
      continue;
    }
    if (hash === inputHash) return undefined;
    if (await acceptBehind(hash)) return { file: candidate, hash };
  }
  return undefined;
}

/** The cache file for an input hash (format version in the name). */
export function cacheFilePath(cacheDir: string, inputHash: string): string {
  return join(cacheDir, `index-v${CACHE_FORMAT_VERSION}-${inputHash.slice(0, 32)}.bin`);
}

/** What to do when a paper text of an accepted cache file turns out damaged: warn, and remove the file. */
function discardOnDamage(file: string, logger: Logger): (err: IndexCacheError) => void {
  let discarded = false;
  return (err) => {
    if (discarded) return;
    discarded = true;
    logger.warn({ file, reason: err.message }, 'index cache is damaged; removed, the next start rebuilds it');
    try {
      rmSync(file, { force: true });
    } catch (rmErr) {
      logger.warn({ err: rmErr, file }, 'could not remove the damaged index cache');
    }
  };
}

function sameIds(a: readonly Paper[], b: readonly Paper[]): boolean {
  return a.length === b.length && a.every((p, i) => p.id === b[i]!.id);
}

/**
 * Get an engine for the inputs identified by `inputHash`. `source` is either the papers (already
 * parsed) or a function that parses them; with a function, a cache hit skips parsing entirely
 * (papers are stored in the cache too).
 */
export async function loadOrBuildEngine(
  source: readonly Paper[] | (() => readonly Paper[] | Promise<readonly Paper[]>),
  options: EngineCacheOptions,
): Promise<LoadedEngine> {
  const { cacheDir, inputHash, logger } = options;
  const behind = await behindFile(cacheFilePath(cacheDir, inputHash), options);
  const file = behind?.file ?? cacheFilePath(cacheDir, inputHash);
  const wanted = behind?.hash ?? inputHash;
  let outcome: CacheOutcome = 'miss';
  let cached: CachedIndex | undefined;
  let damaged: IndexCacheError | undefined;
  try {
    cached = openIndexFile(file, { onDamaged: discardOnDamage(file, logger), inputHash: wanted, ...storedTextsOf(options) });
  } catch (err) {
    if (err instanceof StaleCacheError) outcome = 'stale';
    else if (err instanceof IndexCacheError) damaged = err;
    else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err, file }, 'index cache unreadable; rebuilding');
  }
  if (cached || damaged) {
    try {
      if (!cached) throw damaged ?? new IndexCacheError('not read');
      if (cached.inputHash !== wanted) throw new IndexCacheError('input hash differs');
      const { engine, papers } = engineOf(cached, typeof source === 'function' ? undefined : source);
      logger.debug({ file, papers: papers.length, behind: behind !== undefined }, 'index cache hit');
      return { engine, papers, cache: behind ? 'behind' : 'hit', inputHash: wanted };
    } catch (err) {
      outcome = 'corrupt';
      logger.warn({ file, reason: err instanceof Error ? err.message : String(err) }, 'index cache is damaged or does not match; rebuilding');
    }
    // Not held while the papers are read and indexed again: at a million papers that is gigabytes.
    cached = undefined;
  } else {
    try {
      if (readdirSync(cacheDir).some((f) => f.startsWith('index-') && f.endsWith('.bin'))) outcome = 'stale';
    } catch {
      /* no cache dir yet */
    }
  }

  if (typeof source !== 'function') {
    const index = buildIndex(source);
    const engine = createSearchEngine(source, { index, correctionKeys: buildCorrectionKeys(index.terms, index.surfaces) });
    saveEngineCache(engine, options);
    return { engine, papers: source, cache: outcome, inputHash };
  }
  // Built from every record, texts included (at a million papers, gigabytes of heap), written to
  // the cache, then let go: the engine served is the file's, as after a restart, which keeps the
  // texts on disk. Held on, the built one would keep every abstract in memory for the process's life.
  let built: PaperboyEngine | undefined = buildFrom(await source());
  const written = saveEngineCache(built, options, built.papers);
  if (!written) return { engine: built, papers: built.papers, cache: outcome, inputHash };
  built = undefined;
  const target = cacheFilePath(cacheDir, inputHash);
  try {
    const { engine, papers } = engineOf(openIndexFile(target, { onDamaged: discardOnDamage(target, logger), inputHash, ...storedTextsOf(options) }));
    return { engine, papers, cache: outcome, inputHash };
  } catch (err) {
    // Just written, so only the disk can be at fault: built again, served from memory this time.
    logger.warn({ file: target, reason: err instanceof Error ? err.message : String(err) }, 'could not read back the index cache just written; building again');
    const engine = buildFrom(await source());
    return { engine, papers: engine.papers, cache: outcome, inputHash };
  }
}

function storedTextsOf(options: EngineCacheOptions): { storedTexts?: StoredTexts } {
  return options.storedTexts ? { storedTexts: options.storedTexts.read } : {};
}

function buildFrom(papers: readonly Paper[]): PaperboyEngine {
  const index = buildIndex(papers);
  return createSearchEngine(papers, { index, correctionKeys: buildCorrectionKeys(index.terms, index.surfaces) });
}

/**
 * The engine over an opened cache file: over the papers it holds (with its stored author index),
 * or over `papers` given (the caller's, which must be the file's).
 */
function engineOf(cached: CachedIndex, given?: readonly Paper[]): { engine: PaperboyEngine; papers: readonly Paper[] } {
  let papers: readonly Paper[];
  if (!given) {
    if (!cached.papers) throw new IndexCacheError('cache has no papers');
    papers = cached.papers;
    const stored = cached.authors;
    if (stored) {
      storedAuthorIndex(papers, () => {
        try {
          return stored();
        } catch (err) {
          // Told to discardOnDamage (the file goes); the index is built from the papers instead.
          if (err instanceof IndexCacheError) return undefined;
          throw err;
        }
      });
    }
  } else {
    papers = given;
    if (cached.papers && !sameIds(cached.papers, papers)) throw new IndexCacheError('papers differ from the cached ones');
    if (cached.index.n !== papers.length) throw new IndexCacheError('paper count differs');
  }
  const engine = createSearchEngine(papers, {
    index: cached.index,
    correctionKeys: cached.correctionKeys,
    ...(cached.paperTerms ? { paperTerms: cached.paperTerms } : {}),
    // The file's own papers: their ids' table is the file's too.
    ...(!given && cached.names ? { names: cached.names } : {}),
  });
  return { engine, papers };
}

/**
 * Write an engine's index (and, when given, its papers) to the cache, atomically, removing cache
 * files of other inputs or versions. Failures are logged as warnings, never thrown. Returns
 * whether the file was written.
 */
export function saveEngineCache(engine: PaperboyEngine, options: EngineCacheOptions, papers?: readonly Paper[]): boolean {
  const { cacheDir, inputHash, logger } = options;
  const file = cacheFilePath(cacheDir, inputHash);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const all = papers ? engine.allPaperTerms() : undefined;
    const terms = all ? (doc: number) => all(doc) : undefined;
    // The author index too (built now, and kept for this run's first `--author`), so a restart reads it.
    const authors = papers ? authorIndex(papers).data : undefined;
    const storeTexts = papers ? options.storedTexts?.holds : undefined;
    writeIndexFile(tmp, encodeIndexParts(engine.index, engine.correctionKeys(), inputHash, papers, terms, authors, storeTexts));
    renameSync(tmp, file);
    for (const f of readdirSync(cacheDir)) {
      if (f.startsWith('index-') && f.endsWith('.bin') && join(cacheDir, f) !== file) rmSync(join(cacheDir, f), { force: true });
    }
    logger.info({ file, papers: engine.papers.length }, 'index cache written');
    return true;
  } catch (err) {
    logger.warn({ err, file }, 'could not write the index cache; continuing without it');
    return false;
  }
}
