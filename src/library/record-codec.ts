/**
 * How a paper record is kept in a store row (SQLite and PostgreSQL alike): its JSON text, deflated.
 *
 *   byte 0     RECORD_FORMAT (1)
 *   bytes 1..  deflateRaw(JSON as UTF-8), level 1, with RECORD_DICTIONARY as the preset dictionary
 *              (an 8 KB window: records are a few KB; any raw inflater reads it)
 *
 * The JSON is exactly `JSON.stringify(paper)`, so a record reads back as the same object with its
 * keys in the same order, and "nothing changed" stays a comparison of JSON text. No field is
 * dropped: what could be derived (the arXiv abstract and PDF links from the id, a summary that is a
 * sentence of the abstract) costs a few bytes once deflated, as back-references (measured: 1.7% of
 * the compressed size on the bench's records), not worth a second source of truth.
 *
 * Rows written before this format read too: JSON text (SQLite's TEXT, PostgreSQL's text) and JSON
 * as UTF-8 bytes (PostgreSQL's text column converted to bytea). Their first byte is `{`, never the
 * format byte. Measured on the bench's synthetic arXiv records (2.8 KB of JSON on average): 1.2 KB
 * stored, 0.43 of the JSON (level 6: 0.42 for ~25% more CPU; no dictionary: 0.47; brotli: 0.46 at
 * quality 5 for twice the CPU, 0.50 at quality 2). About 45 µs to encode, 20 µs to decode.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Paper } from '../papers/paper.ts';

/** The first byte of a compact record. Another encoding would take another byte (never `{`, 0x7b). */
export const RECORD_FORMAT = 1;

/**
 * The preset dictionary of format 1: the skeleton of a paper record (field names in the order
 * records have them, the links and sources every arXiv record has), which a single record is too
 * short to amortise. Part of the format: changing it means a new RECORD_FORMAT.
 */
const RECORD_DICTIONARY = Buffer.from(
  '{"id":"","title":"","name":"","aliases":[],"abstract":"","links":[{"url":"https://arxiv.org/abs/","kind":"arxiv"},' +
    '{"url":"https://arxiv.org/pdf/","kind":"pdf"},{"url":"https://huggingface.co/papers/","kind":"hf"},{"url":"https://github.com/","kind":"code"},' +
    '{"url":"https://","kind":"project"}],"highlights":[],"sources":[{"feed":"arxiv","date":"20"},{"feed":"hf","date":"20"}],"arxivId":"",' +
    '"authors":[],"published":"20","upvotes":,"comments":,"githubRepo":"https://github.com/","githubStars":,"projectPage":"https://",' +
    '"summary":"","keywords":[],"categories":["cs.LG","cs.CL","cs.CV","cs.AI"],"doi":"10.","formerIds":[]}',
  'utf8',
);

/**
 * Level 1 (level 6 saves 2% for ~25% more CPU). An 8 KB window and a small hash table: the same
 * size on records of a few KB, and each call allocates ~40 KB instead of ~400 KB, which in a
 * process holding a large library sets off full garbage collections (zlib's memory counts
 * against the heap). Encoding only: the format is raw deflate, whatever the window.
 */
const DEFLATE = { level: 1, windowBits: 13, memLevel: 6, dictionary: RECORD_DICTIONARY } as const;

const OPEN_BRACE = 0x7b;

/** A stored record that cannot be read back (a damaged row, or one no version of Paperboy wrote). */
export class RecordCodecError extends Error {
  override name = 'RecordCodecError';
}

/** A record's stored form: JSON text (as `JSON.stringify` wrote it) to the compact bytes. Pure. */
export function encodeRecordJson(json: string): Buffer {
  const body = deflateRawSync(Buffer.from(json, 'utf8'), DEFLATE);
  const out = Buffer.allocUnsafe(body.byteLength + 1);
  out[0] = RECORD_FORMAT;
  out.set(body, 1);
  return out;
}

/** A paper's stored form. */
export function encodeRecord(paper: Paper): Buffer {
  return encodeRecordJson(JSON.stringify(paper));
}

/** Whether a stored value is in the current compact form (false: an older row, rewritten when next stored). */
export function isCompactRecord(stored: unknown): boolean {
  return stored instanceof Uint8Array && stored.byteLength > 0 && stored[0] === RECORD_FORMAT;
}

/**
 * The JSON text of a stored record, whichever form it is in: compact bytes, JSON text, or JSON as
 * UTF-8 bytes. Throws `RecordCodecError` for anything else.
 */
export function recordJson(stored: unknown): string {
  if (typeof stored === 'string') return stored;
  if (!(stored instanceof Uint8Array) || stored.byteLength === 0) throw new RecordCodecError(`not a paper record (${describe(stored)})`);
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes[0] === OPEN_BRACE) return bytes.toString('utf8');
  if (bytes[0] !== RECORD_FORMAT) throw new RecordCodecError(`unknown record format ${bytes[0]}`);
  try {
    return inflateRawSync(bytes.subarray(1), { dictionary: RECORD_DICTIONARY }).toString('utf8');
  } catch (err) {
    throw new RecordCodecError(`damaged record: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Parse a record's JSON, with the checks a boundary needs and no more (every paper of a store is
 * read at start-up; the full schema was checked when it was written): an object with a string id,
 * title and abstract.
 */
export function parseRecordJson(json: string): Paper {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new RecordCodecError(`record is not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isRecordShaped(value)) throw new RecordCodecError('record is not a paper (no id, title or abstract)');
  return value as Paper;
}

/** A stored record (any form) as the paper it holds. */
export function decodeRecord(stored: unknown): Paper {
  return parseRecordJson(recordJson(stored));
}

function isRecordShaped(value: unknown): value is Record<'id' | 'title' | 'abstract', string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && typeof v['title'] === 'string' && typeof v['abstract'] === 'string';
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'empty bytes';
  return value === null ? 'null' : typeof value;
}
