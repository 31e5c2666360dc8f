/**
 * An import worker thread (`paperboy import`): snapshot lines in, rows ready to store out
 * (`prepareChunk`: parsed, built, validated, encoded), so the thread that writes only writes.
 * Started by `import-pool.ts` with the category filter as `workerData.filter`; says `ready` once
 * loaded, then answers each `LineChunk` with a `WorkerAnswer`, the records' bytes transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CategoryFilter } from '../sources/arxiv-snapshot.ts';
import { packRecords, prepareChunk, type ChunkResult, type LineChunk } from './import-lines.ts';

export type WorkerAnswer = { ready: true } | { ok: true; result: ChunkResult } | { ok: false; seq: number; error: string };

const { filter } = workerData as { filter: CategoryFilter };

parentPort?.on('message', (chunk: LineChunk) => {
  let answer: WorkerAnswer;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = prepareChunk(chunk, filter);
    transfer = [packRecords(result)];
    answer = { ok: true, result };
  } catch (err) {
    answer = { ok: false, seq: chunk.seq, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(answer, transfer);
});
parentPort?.postMessage({ ready: true } satisfies WorkerAnswer);
