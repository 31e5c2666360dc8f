/**
 * `paperboy import FILE --category cs`: arXiv's bulk metadata snapshot (JSON Lines, plain or gzip)
 * into the paper store, streamed a line at a time, never read whole. Stored in batches, each one
 * transaction; after each, how far the import got is recorded, so an interrupted import continues
 * where it stopped and importing the same file again adds nothing. A record arXiv revised later in
 * the file (or in a newer snapshot) replaces the stored one's arXiv fields.
 */
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { ImportProgress, PaperStore, PreparedPaper } from '../library/store.ts';
import { reviseFromArxiv } from '../papers/merge.ts';
import { describeFilter, type CategoryFilter } from '../sources/arxiv-snapshot.ts';
import type { ChunkResult } from './import-lines.ts';
import { inThread, startWorkers, type ChunkRunner, type WorkerEntry } from './import-pool.ts';

/** Papers per transaction: large enough to amortise the commit, small enough to lose little on a crash. */
export const IMPORT_BATCH = 2000;
/** Lines handed to a worker at a time. */
const CHUNK_LINES = 256;
/** Below this size (~1,500 snapshot lines) the import builds papers in this thread: starting workers costs more. */
const MIN_WORKER_BYTES = 4 * 1024 * 1024;
/** Worker threads at most (the main thread's writing bounds what more would gain). */
const MAX_WORKERS = 4;
/** Skipped lines logged one by one; beyond this only counted (a broken file would flood the log). */
const MAX_LOGGED_SKIPS = 1000;

/** Where an import is, for a progress line. */
export interface ImportStatus {
  /** Lines read so far (including those skipped on resuming). */
  lines: number;
  /** Bytes of the file read so far, and its size: the share done (compressed bytes for `.gz`). */
  bytesRead: number;
  totalBytes: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface ImportReport extends ImportStatus {
  file: string;
  /** The `--category` values, as one line (`cs, stat.ML`). */
  categories: string;
  /** Records of those categories found (stored, unchanged or skipped). */
  matched: number;
  /** Lines an earlier, interrupted run of the same import had stored (0 for a fresh import). */
  resumedAt: number;
  /** The same file and categories were fully imported before: nothing was read. */
  alreadyImported: boolean;
  /** When that earlier import finished (with `alreadyImported`). */
  importedAt?: Date;
}

export interface ImportOptions {
  file: string;
  filter: CategoryFilter;
  store: PaperStore;
  logger: Logger;
  /** Called now and then while importing (at least at every batch). */
  onProgress?: (status: ImportStatus) => void;
  batchSize?: number;
  now?: () => Date;
  /** Stops the import after the current batch (its progress is stored: a rerun continues). */
  signal?: AbortSignal;
  /**
   * Worker threads building the papers (0: this thread). Default: one per core for files of 4 MB
   * or more, none below. The stored records and counts are the same either way.
   */
  workers?: number;
  /** The worker module (tests: one that fails); default `import-worker`. */
  workerEntry?: WorkerEntry;
}

/** The file could not be read (missing, unreadable, not gzip though named so). */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/** Import the file's records of the filter's categories. Throws `ImportError` when the file cannot be read. */
export async function importSnapshot(opts: ImportOptions): Promise<ImportReport> {
  const now = opts.now ?? (() => new Date());
  const batchSize = opts.batchSize ?? IMPORT_BATCH;
  const { path, size, key } = await identify(opts.file, opts.filter);
  const earlier = await opts.store.importProgress(key);
  const report: ImportReport = {
    file: path,
    categories: describeFilter(opts.filter),
    lines: 0,
    bytesRead: 0,
    totalBytes: size,
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    matched: 0,
    resumedAt: earlier?.done ? 0 : (earlier?.lines ?? 0),
    alreadyImported: earlier?.done ?? false,
  };
  if (earlier?.done) {
    opts.logger.info({ file: path, categories: report.categories, at: earlier.at }, 'import: this file was imported before; nothing to do');
    return { ...report, lines: earlier.lines, bytesRead: size, importedAt: earlier.at };
  }
  if (earlier) opts.logger.info({ file: path, lines: earlier.lines }, 'import: continuing an interrupted import');
  // Counts of the earlier run carry on, so the final figures cover the whole import.
  const totals = { added: earlier?.added ?? 0, updated: earlier?.updated ?? 0, unchanged: earlier?.unchanged ?? 0, skipped: earlier?.skipped ?? 0 };

  // Workers start before the file is read: readline emits lines as soon as it exists.
  const runner = await chunkRunner(opts, size);
  const raw = createReadStream(path);
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (err) {
    raw.destroy();
    await runner.close();
    throw err;
  }
  const input: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  const failed = new Promise<never>((_, reject) => {
    const fail = (err: Error) => reject(new ImportError(`could not read ${path}: ${err.message}`));
    raw.once('error', fail);
    if (input !== raw) input.once('error', fail);
  });
  failed.catch(() => {});
  const lines = createInterface({ input, crlfDelay: Infinity });

  let batch: PreparedPaper[] = [];
  const progress = (): ImportStatus => ({ ...report, bytesRead: raw.bytesRead, ...sum(report, totals, earlier) });
  const flush = async (done: boolean) => {
    if (batch.length) {
      const outcome = await opts.store.upsertPrepared(batch, { merge: reviseFromArxiv });
      report.added += outcome.added.length;
      report.updated += outcome.updated.length;
      report.unchanged += outcome.unchanged.length;
      batch = [];
    }
    const p = progress();
    const saved: ImportProgress = {
      key,
      lines: report.lines,
      done,
      added: p.added,
      updated: p.updated,
      unchanged: p.unchanged,
      skipped: p.skipped,
      at: now(),
    };
    await opts.store.saveImportProgress(saved);
    opts.onProgress?.(p);
  };

  let loggedSkips = 0;
  /** Lines read from the file (ahead of `report.lines`, the lines whose rows are stored or batched). */
  let read = 0;
  /** A chunk's rows into the batch, in the file's order, storing each full batch; false when aborted. */
  const take = async (result: ChunkResult): Promise<boolean> => {
    for (const r of result.results) {
      report.lines = r.line;
      report.matched++;
      if ('row' in r) batch.push(r.row);
      else {
        report.skipped++;
        const { id, reason } = r.skip;
        if (loggedSkips++ < MAX_LOGGED_SKIPS) opts.logger.warn({ file: path, line: r.line, id, reason }, 'import: line skipped');
        else if (loggedSkips === MAX_LOGGED_SKIPS + 1)
          opts.logger.warn({ file: path }, `import: more than ${MAX_LOGGED_SKIPS} lines skipped; the rest are only counted`);
      }
      if (batch.length >= batchSize) {
        await flush(false);
        if (opts.signal?.aborted) return false;
      }
    }
    report.lines = result.last;
    return true;
  };

  const reading = (async () => {
    /** Chunks handed out, oldest first: taken strictly in this order, so stored positions stay correct. */
    const inFlight: Promise<ChunkResult>[] = [];
    let chunk: string[] = [];
    let seq = 0;
    const handOut = () => {
      if (!chunk.length) return;
      inFlight.push(runner.run({ seq: seq++, first: read - chunk.length + 1, lines: chunk }));
      chunk = [];
    };
    for await (const line of lines) {
      read++;
      if (read <= report.resumedAt) {
        report.lines = read;
        continue;
      }
      chunk.push(line);
      if (chunk.length < CHUNK_LINES) continue;
      handOut();
      while (inFlight.length >= runner.capacity) if (!(await take(await inFlight.shift()!))) return false;
    }
    handOut();
    while (inFlight.length) if (!(await take(await inFlight.shift()!))) return false;
    report.lines = read;
    return true;
  })();
  reading.catch(() => {});
  let finished: boolean;
  try {
    finished = await Promise.race([reading, failed]);
  } finally {
    lines.close();
    raw.destroy();
    await runner.close();
  }
  await flush(finished);
  const final = progress();
  opts.logger.info({ ...final, file: path, finished }, finished ? 'import finished' : 'import stopped; run it again to continue');
  return { ...report, ...final, bytesRead: finished ? size : raw.bytesRead };
}

/**
 * Worker threads for a file large enough to repay starting them (`opts.workers` decides in tests),
 * else, or when they cannot start, this thread: the same rows either way.
 */
async function chunkRunner(opts: ImportOptions, size: number): Promise<ChunkRunner> {
  const count = opts.workers ?? (size >= MIN_WORKER_BYTES ? defaultWorkerCount() : 0);
  const workers = count > 0 ? await startWorkers(count, opts.filter, opts.logger, opts.workerEntry) : undefined;
  return workers ?? inThread(opts.filter);
}

/** One worker per core: with the main thread writing, two cores run three threads, none idle. */
function defaultWorkerCount(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/** This run's counts plus those of the interrupted run it continues. */
function sum(report: ImportStatus, totals: Pick<ImportStatus, 'added' | 'updated' | 'unchanged' | 'skipped'>, earlier: ImportProgress | undefined) {
  if (!earlier) return {};
  return {
    added: report.added + totals.added,
    updated: report.updated + totals.updated,
    unchanged: report.unchanged + totals.unchanged,
    skipped: report.skipped + totals.skipped,
  };
}

/** The file's real path, size, and the import's key: the same file (path, size, modification time) and the same categories. */
async function identify(file: string, filter: CategoryFilter): Promise<{ path: string; size: number; key: string }> {
  let path: string;
  let size: number;
  let mtime: number;
  try {
    path = await realpath(file);
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
    mtime = Math.floor(s.mtimeMs);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err);
    throw new ImportError(`cannot import ${file}: ${why}`);
  }
  const categories = [...filter.archives, ...filter.categories].sort().join(',');
  return { path, size, key: `snapshot:${path}:${size}:${mtime}:${categories}` };
}

/** Whether the file starts with gzip's magic bytes (whatever its name says). */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
