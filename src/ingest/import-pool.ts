/**
 * Where `paperboy import` builds its rows: worker threads (`import-worker.ts`), or this thread when
 * none can start (and for small files). Either way a chunk of lines goes in and its `ChunkResult`
 * comes out, from the same code (`prepareChunk`), so both store the same bytes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CategoryFilter } from '../sources/arxiv-snapshot.ts';
import { prepareChunk, reviveRecords, type ChunkResult, type LineChunk } from './import-lines.ts';
import type { WorkerAnswer } from './import-worker.ts';

/** A worker thread stopped or failed in the middle of an import. */
export class ImportWorkerError extends Error {
  override readonly name = 'ImportWorkerError';
}

export interface ChunkRunner {
  /** Worker threads building rows (0: this thread). */
  readonly threads: number;
  /** Chunks worth keeping in flight (the reader waits beyond this). */
  readonly capacity: number;
  /**
   * The chunk's result. Results may be awaited in any order; a failed worker rejects every chunk it
   * holds and every later one with `ImportWorkerError`. The promise never counts as unhandled.
   */
  run(chunk: LineChunk): Promise<ChunkResult>;
  /** Stop the workers (idempotent); chunks still in flight reject. */
  close(): Promise<void>;
}

/** The worker's module and data: `import-worker.mjs` beside the bundle in `dist/`, or the TypeScript source under tsx. */
export interface WorkerEntry {
  file: URL;
  workerData?: Record<string, unknown>;
}

export function defaultWorkerEntry(): WorkerEntry {
  if (import.meta.url.endsWith('.ts')) {
    return {
      file: new URL('../library/worker-bootstrap.mjs', import.meta.url),
      workerData: { entry: new URL('./import-worker.ts', import.meta.url).href },
    };
  }
  return { file: new URL('./import-worker.mjs', import.meta.url) };
}

/** Rows built in this thread, one chunk at a time as it is asked for. */
export function inThread(filter: CategoryFilter): ChunkRunner {
  return {
    threads: 0,
    capacity: 1,
    run(chunk) {
      try {
        return Promise.resolve(prepareChunk(chunk, filter));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    async close() {},
  };
}

/** How long a worker may take to load before the import goes on without it. */
const START_TIMEOUT_MS = 60_000;
/** Chunks queued per worker: enough that it never waits while the main thread writes a batch. */
const QUEUED_PER_WORKER = 4;

interface Pending {
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * `count` worker threads, once each has loaded; `undefined` (logged) when any cannot start, so the
 * import goes on in this thread.
 */
export async function startWorkers(
  count: number,
  filter: CategoryFilter,
  logger: Logger,
  entry: WorkerEntry = defaultWorkerEntry(),
): Promise<ChunkRunner | undefined> {
  if (entry.file.protocol === 'file:' && !existsSync(fileURLToPath(entry.file))) {
    logger.warn({ file: fileURLToPath(entry.file) }, 'import: no worker module; building papers in the main thread');
    return undefined;
  }
  const threads: Thread[] = [];
  let closing = false;
  let broken: ImportWorkerError | undefined;

  const breakDown = (why: string) => {
    if (closing || broken) return;
    broken = new ImportWorkerError(why);
    for (const t of threads) {
      for (const p of t.pending.values()) p.reject(broken);
      t.pending.clear();
    }
  };

  const start = (n: number) =>
    new Promise<Thread>((resolve, reject) => {
      const worker = new Worker(entry.file, { workerData: { ...entry.workerData, filter } });
      const thread: Thread = { worker, pending: new Map() };
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`worker ${n} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      timer.unref();
      worker.on('message', (answer: WorkerAnswer) => {
        if ('ready' in answer) {
          ready = true;
          clearTimeout(timer);
          resolve(thread);
          return;
        }
        if (!answer.ok) {
          breakDown(`an import worker failed: ${answer.error}`);
          return;
        }
        const p = thread.pending.get(answer.result.seq);
        thread.pending.delete(answer.result.seq);
        p?.resolve(reviveRecords(answer.result));
      });
      worker.on('error', (err) => {
        if (!ready) {
          clearTimeout(timer);
          reject(err);
        } else breakDown(`an import worker crashed: ${err.message}`);
      });
      worker.on('exit', (code) => {
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`worker ${n} exited with code ${code} while starting`));
        } else breakDown(`an import worker stopped unexpectedly (exit code ${code})`);
      });
    });

  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i + 1)));
  for (const s of started) if (s.status === 'fulfilled') threads.push(s.value);
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) {
    closing = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
    logger.warn({ err: failure.reason }, 'import: worker threads could not start; building papers in the main thread');
    return undefined;
  }

  return {
    threads: threads.length,
    capacity: threads.length * QUEUED_PER_WORKER,
    run(chunk) {
      let promise: Promise<ChunkResult>;
      if (broken || closing) promise = Promise.reject(broken ?? new ImportWorkerError('the import workers were stopped'));
      else {
        // The least busy worker (they answer in the order they were asked).
        const thread = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
        promise = new Promise<ChunkResult>((resolve, reject) => {
          thread.pending.set(chunk.seq, { resolve, reject });
          thread.worker.postMessage(chunk);
        });
      }
      promise.catch(() => {});
      return promise;
    },
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new ImportWorkerError('the import workers were stopped');
      for (const t of threads) {
        for (const p of t.pending.values()) p.reject(stopped);
        t.pending.clear();
      }
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
