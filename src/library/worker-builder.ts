import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Paper } from '../papers/paper.ts';
import { plainPaper } from '../papers/plain.ts';
import { createSearchEngine, type PaperboyEngine } from '../search/engine.ts';
import { statsOf } from '../search/segments.ts';
import type { BuildRequest, BuildResponse, RegisterRequest, SegmentStats } from './build-worker.ts';

/** Builds a search engine over papers; with `basis`, as a segment added beside those engines. */
export type EngineBuilder = (papers: readonly Paper[], basis: readonly PaperboyEngine[]) => Promise<PaperboyEngine>;

/** Builds in this thread (small sets, tests, and the fallback when no worker can be started). */
export const buildInThread: EngineBuilder = async (papers, basis) => createSearchEngine(papers, basis.length ? { global: statsOf(basis) } : {});

export interface WorkerBuilder {
  build: EngineBuilder;
  /**
   * Start the worker and hand it these segments' statistics now (at start-up, before requests
   * arrive), so the first build does not pay for it while the bot is answering.
   */
  prepare(segments: readonly PaperboyEngine[]): void;
  /** Stop the worker (idempotent). Builds after this run in this thread. */
  close: () => Promise<void>;
}

/**
 * Where the worker module is: `build-worker.mjs` beside the bundle in `dist/`, or the TypeScript
 * source started through a small bootstrap that registers tsx's loader.
 */
function workerEntry(): { file: URL; workerData?: { entry: string } } {
  if (import.meta.url.endsWith('.ts')) {
    return { file: new URL('./worker-bootstrap.mjs', import.meta.url), workerData: { entry: new URL('./build-worker.ts', import.meta.url).href } };
  }
  return { file: new URL('./build-worker.mjs', import.meta.url) };
}

/**
 * An engine builder that indexes in a worker thread, so a new segment (or a compaction) never
 * blocks the requests the main thread is answering. The papers are sent once (structured clone)
 * and the index comes back as transferred typed arrays; only the engine's small lookup tables are
 * built here. The worker keeps each segment's term statistics, so adding a segment does not ship
 * the vocabulary of the large one again. If the worker cannot start or dies, builds fall back to
 * this thread (logged once).
 */
export function createWorkerBuilder(logger: Logger): WorkerBuilder {
  let worker: Worker | undefined;
  let failed = false;
  let closed = false;
  let nextJob = 1;
  let nextSegment = 1;
  const segmentIds = new WeakMap<PaperboyEngine, number>();
  /** Segments whose statistics the current worker has. */
  let knownToWorker = new WeakSet<PaperboyEngine>();
  const pending = new Map<number, { resolve: (r: BuildResponse) => void; reject: (e: Error) => void }>();

  const fail = (why: unknown) => {
    if (!failed) logger.warn({ err: why }, 'index build worker unavailable; building in the main thread');
    failed = true;
    worker = undefined;
    for (const p of pending.values()) p.reject(why instanceof Error ? why : new Error(String(why)));
    pending.clear();
  };

  const start = (): Worker | undefined => {
    if (worker || failed || closed) return worker;
    try {
      const entry = workerEntry();
      const w = new Worker(entry.file, entry.workerData ? { workerData: entry.workerData } : {});
      w.unref();
      w.on('message', (r: BuildResponse) => {
        const p = pending.get(r.job);
        pending.delete(r.job);
        p?.resolve(r);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!closed && worker === w) fail(new Error(`build worker exited with code ${code}`));
      });
      knownToWorker = new WeakSet();
      worker = w;
    } catch (err) {
      fail(err);
    }
    return worker;
  };

  const idOf = (e: PaperboyEngine): number => {
    let id = segmentIds.get(e);
    if (id === undefined) segmentIds.set(e, (id = nextSegment++));
    return id;
  };

  const unknown = (segments: readonly PaperboyEngine[]): SegmentStats[] =>
    segments
      .filter((e) => !knownToWorker.has(e))
      .map((e) => ({ id: idOf(e), n: e.index.n, avgLens: [...e.index.avgLens], terms: e.index.terms, df: e.index.df }));

  const prepare = (segments: readonly PaperboyEngine[]): void => {
    const w = start();
    if (!w) return;
    const request: RegisterRequest = { register: unknown(segments) };
    w.postMessage(request);
    for (const e of segments) knownToWorker.add(e);
  };

  const build: EngineBuilder = async (papers, basis) => {
    const w = start();
    if (!w) return buildInThread(papers, basis);
    const register = unknown(basis);
    const job = nextJob++;
    const segment = nextSegment++;
    // Copied as plain objects: a paper of an index cache file keeps its fields on its prototype, which a structured clone does not see.
    const request: BuildRequest = { job, segment, papers: papers.map(plainPaper), basis: basis.map(idOf), register };
    let response: BuildResponse;
    try {
      response = await new Promise<BuildResponse>((resolve, reject) => {
        pending.set(job, { resolve, reject });
        w.postMessage(request);
      });
    } catch {
      return buildInThread(papers, basis);
    }
    if (!response.ok) throw new Error(`index build failed: ${response.error}`);
    for (const e of basis) knownToWorker.add(e);
    const engine = createSearchEngine(papers, { index: response.index });
    segmentIds.set(engine, segment);
    knownToWorker.add(engine);
    return engine;
  };

  return {
    build,
    prepare,
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      for (const p of pending.values()) p.reject(new Error('build worker closed'));
      pending.clear();
      await w?.terminate();
    },
  };
}
