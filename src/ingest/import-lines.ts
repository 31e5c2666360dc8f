/**
 * The work of `paperboy import` that does not touch the store: snapshot lines to rows ready to
 * write. Pure, so the import worker threads (`import-worker.ts`) and the single-thread fallback run
 * the very same code and produce the same rows.
 */
import { preparePaper, type PreparedPaper } from '../library/store.ts';
import { parseSnapshotLine, type CategoryFilter } from '../sources/arxiv-snapshot.ts';
import { paperFromFeed } from '../sources/from-feed.ts';

/** Consecutive lines of the file, the first of them line `first` (1-based). */
export interface LineChunk {
  /** The chunk's place in the file's order (0, 1, 2, ...): results are written in this order. */
  seq: number;
  first: number;
  lines: string[];
}

/** What one line of a wanted category came to: a row to store, or why it was skipped. */
export type LineResult = { line: number; row: PreparedPaper } | { line: number; skip: { id: string | undefined; reason: string } };

/** A chunk's lines of the wanted categories, in order (lines of other categories are left out). */
export interface ChunkResult {
  seq: number;
  /** The chunk's last line number. */
  last: number;
  results: LineResult[];
}

/** Parse, build, validate and encode a chunk of snapshot lines. Throws only on a bug (a bad line is a `skip`). */
export function prepareChunk(chunk: LineChunk, filter: CategoryFilter): ChunkResult {
  const results: LineResult[] = [];
  for (let i = 0; i < chunk.lines.length; i++) {
    const line = chunk.first + i;
    const parsed = parseSnapshotLine(chunk.lines[i]!, filter);
    if (parsed.kind === 'other') continue;
    if (parsed.kind === 'skipped') {
      results.push({ line, skip: { id: parsed.id, reason: parsed.reason } });
      continue;
    }
    const built = paperFromFeed(parsed.paper, 'arxiv');
    if (built.ok) results.push({ line, row: preparePaper(built.paper) });
    else results.push({ line, skip: { id: parsed.paper.arxivId, reason: built.message } });
  }
  return { seq: chunk.seq, last: chunk.first + chunk.lines.length - 1, results };
}

/**
 * The chunk's records moved into one buffer of their own (returned, to be transferred rather than
 * copied: a record alone may be a view into Node's shared buffer pool, which a message would copy
 * whole). The rows' `record`s become views of it.
 */
export function packRecords(result: ChunkResult): ArrayBuffer {
  let total = 0;
  for (const r of result.results) if ('row' in r) total += r.row.record.byteLength;
  const buffer = new ArrayBuffer(total);
  let at = 0;
  for (const r of result.results) {
    if (!('row' in r)) continue;
    const view = new Uint8Array(buffer, at, r.row.record.byteLength);
    view.set(r.row.record);
    r.row.record = view;
    at += view.byteLength;
  }
  return buffer;
}

/** After a message: each row's record as a `Buffer` (what the stores bind), over the same bytes. */
export function reviveRecords(result: ChunkResult): ChunkResult {
  for (const r of result.results) if ('row' in r) r.row.record = Buffer.from(r.row.record.buffer, r.row.record.byteOffset, r.row.record.byteLength);
  return result;
}
