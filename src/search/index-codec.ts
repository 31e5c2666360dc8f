/**
 * Binary codec for a built index (plus the typo keys and, optionally, the papers), so a restart
 * does not pay the build again. Layout (little-endian):
 *
 *   0  "PBIDX\0\0\0"         magic
 *   8  u32 format version    CACHE_FORMAT_VERSION
 *  12  u32 header length H
 *  16  checksum of bytes 32 to `checked` (CRC-32 in 4 bytes, zero padded)
 *  32  header JSON (counts, average field lengths, input hash, section table, `checked`)
 *  ..  sections, each 8-byte aligned: typed arrays as raw bytes, strings as UTF-8
 *
 * Sections come in spans: up to `kept`, what a running engine uses (per-paper arrays, each term's
 * place in the postings), read into one buffer that stays (with the papers' record columns); then
 * the typo keys, read again only when a query first needs a correction (a million papers' are
 * 173 MB), and the postings, each term's read when a query first needs them (a million papers'
 * are 647 MB; kept once read, see `postingsReader`); from `once`, the
 * vocabulary text, the author names and the shared record values, read into a buffer dropped once
 * decoded. The checksum covers all three.
 *
 * The papers' texts and terms (what the second stage reads, see paper-terms.ts) and their author
 * index (author-index.ts) are the last sections and lie outside the checksum: `openIndexFile`
 * reads the file up to them and leaves them on disk, reading one paper's text or terms when asked
 * for (a million papers' are ~1.5 GB that a restart neither reads nor holds), the author index
 * when a query first filters by author. Each is checked as it is read instead (deflate's own
 * consistency and the text's shape; the terms' structure and range; the author index's own CRC,
 * kept in the header, and its structure).
 *
 * Papers are two parts:
 * - the records without their text, as columns (`encodeRecords` in cached-papers.ts): ids, short
 *   names and titles as text with offsets, the authors as places in `authorNames` (a JSON array of
 *   every author's name, once), each paper's places in `sharedValues` (its date, categories,
 *   sources and arXiv links, each distinct value once) and the rest of each record as a small JSON
 *   object of its own. Kept as they are read: a restart makes one small object a paper.
 * - `texts`: each paper's text (abstract, highlights, summary) deflated on its own, at
 *   `textOffsets`; inflated when one of those fields is first read (most never are after a
 *   restart). `textKinds` says which papers have a summary and how many highlights (see
 *   `textKind` in cached-papers.ts: `stats` counts them without reading the texts). Measured on the
 *   bench's synthetic arXiv papers: 2.25 KB of text to ~1.03 KB. A paper whose text the store
 *   keeps (`storeTexts` when written: a store that reads at once, SQLite) has none here (an empty
 *   span) and is read from the store (`OpenOptions.storedTexts`; a file with such papers is
 *   refused without it): the store holds every stored paper's text anyway, and at a million papers
 *   the second copy was a gigabyte, a quarter of the state on disk.
 *
 * Decoding validates magic, version, checksum, file size and structure, checks the
 * record columns and a probe of the texts and records' rests, and throws `IndexCacheError` on any mismatch; typed arrays
 * are zero-copy views on the buffer read. Texts damaged in a way the checksum cannot see (a file
 * written wrongly) are found when read: `onDamaged` is told, and the read throws `IndexCacheError`.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { z } from 'zod';
import type { Paper } from '../papers/paper.ts';
import { IndexCacheError, StaleCacheError } from './cache-error.ts';
import { checkAuthorIndex, type AuthorIndexData } from './author-index.ts';
import { bytesOf, ByteColumn } from './byte-column.ts';
import { slotsFit, slotsOver } from './key-table.ts';
import { authorNames, CachedPapers, decodeText, encodeRecords, encodeText, textKind, type StoredTexts } from './cached-papers.ts';
import { impactUnits, INDEX_FORMAT_VERSION, postingsOf, type IndexData } from './inverted-index.ts';
import { impactBitsFit, topStep } from './postings.ts';
import { decodePaperTerms, encodePaperTerms, PaperTermsError, placesOf, termOrder, type PaperTerms } from './paper-terms.ts';
import type { StoredNames } from './name-index.ts';

/**
 * How papers are laid out in the file: 1, JSON and plain abstracts; 2, deflated records and texts;
 * 3, the same with the texts last and outside the checksum (read from disk when needed);
 * 4, with each paper's terms for the second stage after them; 5, links compact and apart;
 * 6, the records' JSON in ASCII; 7, sections kept, read when needed and read once apart;
 * 8, each paper's highlight count in its text kind (see `textKind`); 9, the author index after
 * the terms (with a CRC of its own in the header); 10, the authors' names in a table of their
 * own (`authorNames`), records holding places in it; 11, the records as columns kept in memory
 * (see cached-papers.ts) instead of JSON chunks parsed at open, and the postings after the typo
 * keys, read per term when needed; 12, the lookup tables of ids and short names stored
 * (`paperIdSlots`, `paperNameSlots`), so a restart does not build them from every paper; 13, the
 * texts of stored papers left to the store (an empty span in `texts`); 14, each paper's terms
 * written by the term's place in `termOrder` (most frequent first), which the file keeps.
 */
const PAPERS_LAYOUT = 14;

/**
 * The version written at byte 8 and in the file name: the index format and the papers layout
 * (`INDEX_FORMAT_VERSION * 100 + PAPERS_LAYOUT`), so a change to either makes old files stale.
 */
export const CACHE_FORMAT_VERSION = INDEX_FORMAT_VERSION * 100 + PAPERS_LAYOUT;

const MAGIC = Buffer.from('PBIDX\0\0\0', 'latin1');

/** CRC-32 of parts in turn (zlib's native crc32, Node >= 20.15; a table-driven fallback otherwise). */
function checksum(parts: readonly Uint8Array[]): Buffer {
  let crc = 0;
  for (const part of parts) crc = crcUpdate(crc, part);
  return seal(crc);
}

/** The CRC-32 so far extended over `part`. */
function crcUpdate(crc: number, part: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  // Skipped when empty: Node 20's crc32 returns 0 for an empty view of an empty ArrayBuffer.
  if (part.byteLength === 0) return crc;
  if (native) return native(part, crc);
  crc = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < part.length; i++) crc = CRC_TABLE[(crc ^ part[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum field: the CRC-32 in 4 bytes, zero padded to 16. */
function seal(crc: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32LE(crc >>> 0, 0);
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const PREFIX = 32;

export { IndexCacheError };

type ArrayKind = 'u8' | 'u16' | 'u32' | 'i32' | 'f32' | 'f64' | 'utf8';

const SectionSchema = z.object({
  name: z.string(),
  kind: z.enum(['u8', 'u16', 'u32', 'i32', 'f32', 'f64', 'utf8']),
  offset: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
const HeaderSchema = z.object({
  n: z.number().int().min(0),
  inputHash: z.string(),
  avgLens: z.array(z.number()).length(3),
  /** Impact bits of a posting (see postings.ts). */
  impactBits: z.number().int(),
  hasPapers: z.boolean(),
  /** End of the checksummed bytes (the start of the texts with papers, else the end of the file); the sections after it are read when needed. */
  checked: z.number().int().min(PREFIX),
  /** End of the sections a restart keeps in memory (postings, per-paper arrays); the typo keys start here. */
  kept: z.number().int().min(PREFIX),
  /** Start of the sections read once at open (vocabulary text, records), after the typo keys. */
  once: z.number().int().min(PREFIX),
  /** CRC-32 of the author index sections (with papers), which lie past the checksummed bytes. */
  authorsCrc: z.number().int().min(0).optional(),
  sections: z.array(SectionSchema),
});
type Header = z.infer<typeof HeaderSchema>;

export interface CachedIndex {
  index: IndexData;
  /** The typo keys, read from the file when first asked for (most runs never need them). */
  correctionKeys: () => Float64Array;
  inputHash: string;
  /** Present when the cache was written with papers. */
  papers?: Paper[];
  /** With papers: what their name index reads from the file (the tables of ids and short names). */
  names?: StoredNames;
  /** Each paper's terms for the second stage, read from the file (present when written with them). */
  paperTerms?: (doc: number) => PaperTerms;
  /** The papers' author index (see author-index.ts), read from the file and checked when called; throws IndexCacheError. */
  authors?: () => AuthorIndexData;
}

/** A section to write. */
interface Part {
  name: string;
  kind: ArrayKind;
  data: Uint8Array;
}

const SEP = '\u0000';

/**
 * Serialise an index (and optionally its papers) as the file's bytes in order: the parts are
 * written one after another (`writeIndexFile`), never joined, so a file past 2 GB (a million
 * papers) is no problem and the writer needs no second copy.
 */
export function encodeIndexParts(
  index: IndexData,
  correctionKeys: Float64Array,
  inputHash: string,
  papers?: readonly Paper[],
  /** Each paper's terms (see paper-terms.ts); stored with the papers, each term by its place in `termOrder`. */
  paperTerms?: (doc: number) => PaperTerms,
  /** The papers' author index; stored with the papers. */
  authors?: AuthorIndexData,
  /** Whether a paper's text is left to the store (read with `OpenOptions.storedTexts`); default: none is. */
  storeTexts?: (p: Paper) => boolean,
): Uint8Array[] {
  // In three spans: what a restart keeps (the postings and per-paper arrays), the typo keys (read
  // again when a query first needs them), and what it reads once (vocabulary text, the records).
  const kept: Part[] = [
    { name: 'df', kind: 'u32', data: bytesOf(index.df) },
    { name: 'offsets', kind: 'u32', data: bytesOf(index.offsets) },
    { name: 'maxImpact', kind: 'f32', data: bytesOf(index.maxImpact) },
    { name: 'norms', kind: 'f32', data: bytesOf(index.norms) },
    { name: 'fieldLens', kind: 'u16', data: bytesOf(index.fieldLens) },
    { name: 'hasCode', kind: 'u8', data: bytesOf(index.hasCode) },
    // The vocabulary's lookup table: a restart reads it instead of hashing every term.
    { name: 'termSlots', kind: 'i32', data: bytesOf(index.termSlots ?? slotsOver(index.terms.length, (t) => index.terms[t]!)) },
  ];
  const once: Part[] = [
    { name: 'terms', kind: 'utf8', data: Buffer.from(index.terms.join(SEP), 'utf8') },
    // A surface the same as its term (most are: ~70% at a million papers) is written empty and read as the term.
    { name: 'surfaces', kind: 'utf8', data: Buffer.from(index.surfaces.map((x, t) => (x === index.terms[t] ? '' : x)).join(SEP), 'utf8') },
  ];
  const last: Part[] = [];
  const authorSections = papers && authors ? authorParts(authors) : [];
  if (papers) {
    const names = authorNames(papers);
    const records = encodeRecords(papers, names);
    // The records' columns stay in memory; the names and shared values are read once into the heap.
    kept.push(...records.columns);
    // JSON, not joined by a separator: a name is any text.
    once.push({ name: 'authorNames', kind: 'utf8', data: Buffer.from(JSON.stringify(names.names), 'utf8') });
    once.push(records.shared);
    // Each paper's text (and terms) on its own, so a restart reads one only when it is needed; last, outside the checksum.
    const texts = packed(papers, 1, (i) => (storeTexts?.(papers[i]!) ? NO_TEXT : encodeText(papers[i]!)));
    const order = paperTerms ? termOrder(index.df) : undefined;
    const place = order ? placesOf(order) : undefined;
    const terms = paperTerms ? packed(papers, 1, (i) => encodePaperTerms(paperTerms(i), place)) : undefined;
    kept.push({ name: 'textOffsets', kind: 'u32', data: bytesOf(texts.offsets) });
    kept.push({ name: 'textKinds', kind: 'u8', data: Uint8Array.from(papers, textKind) });
    if (terms) kept.push({ name: 'paperTermOffsets', kind: 'u32', data: bytesOf(terms.offsets) });
    if (order) kept.push({ name: 'termOrder', kind: 'u32', data: bytesOf(order) });
    last.push({ name: 'texts', kind: 'u8', data: texts.data });
    if (terms) last.push({ name: 'paperTerms', kind: 'u8', data: terms.data });
    if (authors) last.push(...authorSections);
  }
  // After the typo keys, before what is read once: a restart checks them with the rest, then reads one term's when a query needs it.
  const postings: Part = { name: 'postings', kind: 'u32', data: bytesOf(allPostings(index)) };
  const parts: Part[] = [...kept, { name: 'correctionKeys', kind: 'f64', data: bytesOf(correctionKeys) }, postings, ...once, ...last];
  // A reader finds a section by its name: two of one name would read the first twice.
  const named = new Set(parts.map((p) => p.name));
  if (named.size !== parts.length) throw new Error('index cache sections must have distinct names');
  // Lay out sections after a header whose size we only know once offsets are known: iterate.
  let headerLen = 0;
  let header: Header;
  let json: Buffer;
  for (;;) {
    let at = PREFIX + headerLen;
    const sections = parts.map((p) => {
      at = Math.ceil(at / 8) * 8;
      const s = { name: p.name, kind: p.kind, offset: at, bytes: p.data.byteLength };
      at += p.data.byteLength;
      return s;
    });
    const checked = papers ? sections.find((x) => x.name === 'texts')!.offset : at;
    const keyAt = sections.find((x) => x.name === 'correctionKeys')!;
    const postingsAt = sections.find((x) => x.name === 'postings')!;
    header = {
      n: index.n,
      inputHash,
      avgLens: [...index.avgLens],
      impactBits: index.impactBits,
      hasPapers: papers !== undefined,
      checked,
      kept: keyAt.offset,
      once: Math.ceil((postingsAt.offset + postingsAt.bytes) / 8) * 8,
      ...(papers && authors ? { authorsCrc: authorsCrc(authorSections.map((x) => x.data)) } : {}),
      sections,
    };
    json = Buffer.from(JSON.stringify(header), 'utf8');
    if (json.length === headerLen) break;
    headerLen = json.length;
  }
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(CACHE_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  const out: Uint8Array[] = [prefix, json];
  let at = PREFIX + json.length;
  const checkedParts: Uint8Array[] = [json];
  header.sections.forEach((s, i) => {
    if (s.offset > at) {
      const pad = new Uint8Array(s.offset - at);
      out.push(pad);
      if (s.offset <= header.checked) checkedParts.push(pad);
    }
    out.push(parts[i]!.data);
    if (s.offset < header.checked) checkedParts.push(parts[i]!.data);
    at = s.offset + s.bytes;
  });
  checksum(checkedParts).copy(prefix, 16);
  return out;
}

/** Serialise an index (and optionally its papers) to one buffer (small indexes; files go through `writeIndexFile`). */
export function encodeIndex(
  index: IndexData,
  correctionKeys: Float64Array,
  inputHash: string,
  papers?: readonly Paper[],
  paperTerms?: (doc: number) => PaperTerms,
): Buffer {
  return Buffer.concat(encodeIndexParts(index, correctionKeys, inputHash, papers, paperTerms));
}

/** Largest single read or write: Node's file calls take at most 2 GB at a time. */
const IO_STEP = 1 << 30;

/** Write an encoded index to `file` (created or truncated), part by part. */
export function writeIndexFile(file: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const part of parts) {
      for (let at = 0; at < part.byteLength;) {
        at += writeSync(fd, part, at, Math.min(IO_STEP, part.byteLength - at));
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Read `length` bytes at `position` of an open file into `into` at `offset`; short only at the end of the file. */
function readFully(fd: number, into: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, into, offset + done, Math.min(IO_STEP, length - done), position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

/**
 * Open a cache file: read and check everything but the papers' texts, which stay on disk and are
 * read one paper at a time when first asked for (the file stays open while its papers live; a
 * file removed or replaced meanwhile is still read as it was). Throws IndexCacheError when the
 * file is not a good cache file, and the file system's error when it cannot be read.
 */
export function openIndexFile(file: string, options: OpenOptions = {}): CachedIndex {
  const fd = openSync(file, 'r');
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    const header = readHeader(fd, size);
    // Another input's file (the same store at an older revision has the same name): known from its
    // header, before gigabytes are read and decoded only to be dropped.
    if (options.inputHash !== undefined && header.inputHash !== options.inputHash) throw new StaleCacheError('the file is for other inputs');
    const { kept, once, checked } = header;
    if (checked > size) throw new IndexCacheError('file is truncated');
    const read = (into: Buffer, length: number, position: number): void => {
      if (readFully(fd, into, 0, length, position) < length) throw new IndexCacheError('file is truncated');
    };
    // What stays in memory, and apart what is read once (dropped after decoding: ~10% of the file).
    const keptBytes = Buffer.allocUnsafeSlow(kept);
    read(keptBytes, kept, 0);
    let onceBytes: Buffer | undefined = Buffer.allocUnsafeSlow(checked - once);
    read(onceBytes, checked - once, once);
    // The checksum covers every byte up to `checked`: the typo keys pass through a small buffer.
    let crc = crcUpdate(0, keptBytes.subarray(PREFIX));
    const scratch = Buffer.allocUnsafe(Math.min(SCRATCH, once - kept));
    for (let at = kept; at < once; at += scratch.length) {
      const length = Math.min(scratch.length, once - at);
      read(scratch, length, at);
      crc = crcUpdate(crc, scratch.subarray(0, length));
    }
    if (!seal(crcUpdate(crc, onceBytes)).equals(keptBytes.subarray(16, PREFIX))) throw new IndexCacheError('checksum mismatch (file is damaged)');
    const bytes: ByteRange = (offset, length) => {
      if (offset + length <= kept) return keptBytes.subarray(offset, offset + length);
      if (onceBytes && offset >= once && offset + length <= checked) return onceBytes.subarray(offset - once, offset - once + length);
      return undefined;
    };
    const tail: Tail = {
      size,
      read(start, end) {
        const out = Buffer.allocUnsafe(end - start);
        if (readFully(fd, out, 0, end - start, start) < end - start) throw new IndexCacheError('file is truncated');
        return out;
      },
      readInto(into, position) {
        if (readFully(fd, into, 0, into.byteLength, position) < into.byteLength) throw new IndexCacheError('file is truncated');
      },
    };
    const keys = (offset: number, length: number): Float64Array => {
      const raw = tail.read(offset, offset + length);
      const aligned = raw.byteOffset % 8 === 0 ? raw : new Uint8Array(raw);
      return new Float64Array(aligned.buffer, aligned.byteOffset, length / 8);
    };
    const decoded = decodeFrom(bytes, header, tail, options, keys);
    // Decoded: let what was read once go. The closures made while decoding (the typo keys', the
    // terms' reader) share a scope with `bytes`, which would otherwise keep it for the file's life
    // (~140 MB at a million papers).
    onceBytes = undefined;
    keepOpen = true;
    // Everything that reads the file later (texts, terms, typo keys) reads through `tail`: the file
    // is closed once none of them can be called (not when one paper, which may be dropped first, goes).
    CLOSE_WHEN_GONE.register(tail, fd);
    return decoded;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/** The prefix and header of an open cache file of `size` bytes. Throws IndexCacheError when it is not one of this version. */
function readHeader(fd: number, size: number): Header {
  const head = Buffer.alloc(PREFIX);
  if (readFully(fd, head, 0, PREFIX, 0) < PREFIX || !head.subarray(0, 8).equals(MAGIC)) throw new IndexCacheError('not an index cache file');
  checkVersion(head);
  const headerLen = head.readUInt32LE(12);
  if (PREFIX + headerLen > size) throw new IndexCacheError('file is truncated');
  const headerBytes = Buffer.alloc(headerLen);
  readFully(fd, headerBytes, 0, headerLen, PREFIX);
  return parseHeader(headerBytes);
}

/**
 * The inputs a cache file is for (see `hashInputFiles`), read from its header alone. Throws
 * IndexCacheError when the file is not a cache file of this version, and the file system's error
 * when it cannot be read (ENOENT: there is none).
 */
export function peekInputHash(file: string): string {
  const fd = openSync(file, 'r');
  try {
    return readHeader(fd, fstatSync(fd).size).inputHash;
  } finally {
    closeSync(fd);
  }
}

/** Bytes read at a time for the checksum of what is not kept. */
const SCRATCH = 16 << 20;

/** Closes a cache file once nothing can read it any more (no paper, engine or reader holds its `tail`). */
const CLOSE_WHEN_GONE = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
});

/** The format version stored in a cache buffer, or undefined when it is not one. */
export function peekVersion(buf: Uint8Array): number | undefined {
  if (buf.byteLength < PREFIX || !Buffer.from(buf.buffer, buf.byteOffset, 8).equals(MAGIC)) return undefined;
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(8);
}

export interface OpenOptions extends DecodeOptions {
  /** The inputs the file must be for (see `hashInputFiles`): another's is refused after its header is read. */
  inputHash?: string;
}

export interface DecodeOptions {
  /**
   * Told when a paper's text turns out damaged as it is read, after the file was accepted (the
   * read then throws `IndexCacheError`): the file should not be used again.
   */
  onDamaged?: (err: IndexCacheError) => void;
  /** Where the texts the file leaves to the store are read (see `StoredTexts`); without it such a file is refused. */
  storedTexts?: StoredTexts;
}

/** Decode and validate a whole cache buffer (texts included). Throws IndexCacheError when anything is off. */
export function decodeIndex(input: Uint8Array, options: DecodeOptions = {}): CachedIndex {
  // Typed views need 8-byte alignment of the underlying buffer.
  const buf = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREFIX || !b.subarray(0, 8).equals(MAGIC)) throw new IndexCacheError('not an index cache file');
  checkVersion(b);
  const headerLen = b.readUInt32LE(12);
  if (PREFIX + headerLen > b.length) throw new IndexCacheError('file is truncated');
  const header = parseHeader(b.subarray(PREFIX, PREFIX + headerLen));
  if (header.checked > b.length) throw new IndexCacheError('file is truncated');
  if (!checksum([b.subarray(PREFIX, header.checked)]).equals(b.subarray(16, PREFIX))) throw new IndexCacheError('checksum mismatch (file is damaged)');
  const tail: Tail = {
    size: b.length,
    read: (start, end) => b.subarray(start, end),
    readInto: (into, position) => into.set(b.subarray(position, position + into.byteLength)),
  };
  const bytes: ByteRange = (offset, length) => (offset + length <= header.checked ? b.subarray(offset, offset + length) : undefined);
  return decodeFrom(bytes, header, tail, options, (offset, length) => new Float64Array(b.buffer, b.byteOffset + offset, length / 8));
}

function checkVersion(b: Buffer): void {
  const version = b.readUInt32LE(8);
  if (version !== CACHE_FORMAT_VERSION) throw new IndexCacheError(`index format ${version}, expected ${CACHE_FORMAT_VERSION}`);
}

/** The header (`bytes`, read at PREFIX), its spans in order after it: checked before anything is read by them. */
function parseHeader(bytes: Buffer): Header {
  let header: Header;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new IndexCacheError(`bad header: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { kept, once, checked } = header;
  if (!(PREFIX + bytes.length <= kept && kept <= once && once <= checked)) throw new IndexCacheError('bad header: sections out of order');
  return header;
}

/** The file past its checksummed part (texts, terms), read when needed: `size` is the file's, offsets are the file's. */
interface Tail {
  size: number;
  read(start: number, end: number): Uint8Array;
  /** Fill `into` with the file's bytes from `position`. */
  readInto(into: Uint8Array, position: number): void;
}

/** Bytes `offset` to `offset + length` of the file, when they are at hand (else undefined). */
type ByteRange = (offset: number, length: number) => Buffer | undefined;

/**
 * Decode a cache file whose checksum was checked: `bytes` gives its sections up to
 * `header.checked` but the typo keys, which `keys(offset, length)` reads when first needed.
 */
function decodeFrom(bytes: ByteRange, header: Header, tail: Tail, options: DecodeOptions, keys: (offset: number, length: number) => Float64Array): CachedIndex {
  const head = bytes(0, PREFIX);
  if (!head) throw new IndexCacheError('file is truncated');
  const headerLen = head.readUInt32LE(12);
  const { kept, once, checked } = header;
  const section = (name: string): { offset: number; bytes: number } => {
    const s = header.sections.find((x) => x.name === name);
    const fits = s && s.offset >= PREFIX + headerLen && (s.offset < checked ? s.offset + s.bytes <= checked : s.offset + s.bytes <= tail.size);
    if (!s || !fits) throw new IndexCacheError(`section ${name} missing or out of bounds`);
    return s;
  };
  const has = (name: string): boolean => header.sections.some((x) => x.name === name);
  const at = (name: string): Buffer => {
    const s = section(name);
    const out = s.offset + s.bytes <= checked ? bytes(s.offset, s.bytes) : undefined;
    if (!out) throw new IndexCacheError(`section ${name} is not where it should be`);
    return out;
  };
  const view = <T>(name: string, ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }): T => {
    const raw = at(name);
    if (raw.byteOffset % 8 !== 0 || raw.byteLength % ctor.BYTES_PER_ELEMENT !== 0) throw new IndexCacheError(`section ${name} misaligned`);
    return new ctor(raw.buffer, raw.byteOffset, raw.byteLength / ctor.BYTES_PER_ELEMENT);
  };
  const text = (name: string): string => at(name).toString('utf8');
  // The typo keys: between what is kept and what is read once, read when a query first needs them.
  const keyAt = section('correctionKeys');
  const postingsAt = section('postings');
  if (postingsAt.offset < kept || postingsAt.offset + postingsAt.bytes > once || postingsAt.offset % 8 !== 0 || postingsAt.bytes % 4 !== 0)
    throw new IndexCacheError('section postings misplaced');
  if (keyAt.offset !== kept || keyAt.offset + keyAt.bytes > once || keyAt.offset % 8 !== 0 || keyAt.bytes % 8 !== 0)
    throw new IndexCacheError('section correctionKeys misplaced');
  let correctionKeys: Float64Array | undefined;
  const n = header.n;
  const termsText = text('terms');
  const terms = termsText.length === 0 ? [] : termsText.split(SEP);
  const surfacesText = text('surfaces');
  // Read as many as there are terms (one empty surface is an empty text); an empty one is its term's, the same string.
  const surfaces = terms.length === 0 && surfacesText.length === 0 ? [] : surfacesText.split(SEP);
  for (let t = 0; t < surfaces.length && t < terms.length; t++) if (surfaces[t] === '') surfaces[t] = terms[t]!;
  const maxImpact = view('maxImpact', Float32Array);
  const index: IndexData = {
    n,
    terms,
    surfaces,
    df: view('df', Uint32Array),
    offsets: view('offsets', Uint32Array),
    postings: EMPTY_POSTINGS,
    impactBits: header.impactBits,
    maxImpact,
    impactUnit: impactUnits(maxImpact, header.impactBits),
    norms: view('norms', Float32Array),
    fieldLens: view('fieldLens', Uint16Array),
    avgLens: Float64Array.from(header.avgLens),
    hasCode: view('hasCode', Uint8Array),
    termSlots: view('termSlots', Int32Array),
  };
  validateShape(index, postingsAt.bytes / 4);
  // Postings at hand (a whole buffer decoded) are checked now and viewed; from a file, each term's are read and checked when asked for.
  const held = bytes(postingsAt.offset, postingsAt.bytes);
  if (held) {
    index.postings = view('postings', Uint32Array);
    for (let t = 0; t < terms.length; t++) validateList(postingsOf(index, t), index, t);
  } else {
    index.readPostings = postingsReader(index, postingsAt.offset, tail, options.onDamaged);
  }
  const out: CachedIndex = { index, correctionKeys: () => (correctionKeys ??= keys(keyAt.offset, keyAt.bytes)), inputHash: header.inputHash };
  if (header.hasPapers) {
    const cached = decodePapers(n, at, section, view, tail, options);
    out.papers = cached.papers();
    out.names = cached.storedNames();
  }
  if (header.hasPapers && has('paperTermOffsets')) out.paperTerms = storedTerms(n, terms.length, section, view, tail, options.onDamaged);
  if (header.hasPapers && has('authorDocs') && header.authorsCrc !== undefined)
    out.authors = storedAuthors(n, header.authorsCrc, section, tail, options.onDamaged);
  return out;
}

/** The CRC-32 of the author index's sections (its words, offsets and papers, in that order). */
function authorsCrc(sections: readonly Uint8Array[]): number {
  let crc = 0;
  for (const part of sections) crc = crcUpdate(crc, part);
  return crc >>> 0;
}

/** An author index as three sections: its words (joined by spaces: a folded word has none), offsets and papers. */
function authorParts(a: AuthorIndexData): Part[] {
  return [
    { name: 'authorWords', kind: 'utf8', data: Buffer.from(a.words.join(' '), 'utf8') },
    { name: 'authorOffsets', kind: 'u32', data: bytesOf(a.offsets) },
    { name: 'authorDocs', kind: 'u32', data: bytesOf(a.docs) },
  ];
}

/** The stored author index, read when called: its CRC and structure checked (damage is told to `onDamaged` and throws). */
function storedAuthors(n: number, crc: number, section: SectionAt, tail: Tail, onDamaged?: (err: IndexCacheError) => void): () => AuthorIndexData {
  const at = ['authorWords', 'authorOffsets', 'authorDocs'].map((name) => section(name));
  return () => {
    // Copied out of the read buffer: typed views need aligned memory of their own.
    const [words, offsets, docs] = at.map((s) => new Uint8Array(tail.read(s.offset, s.offset + s.bytes))) as [Uint8Array, Uint8Array, Uint8Array];
    try {
      if (authorsCrc([words, offsets, docs]) !== crc) throw new Error('checksum mismatch');
      if (offsets.byteLength % 4 !== 0 || docs.byteLength % 4 !== 0) throw new Error('sections misaligned');
      const text = Buffer.from(words.buffer, words.byteOffset, words.byteLength).toString('utf8');
      const data: AuthorIndexData = {
        words: text === '' ? [] : text.split(' '),
        offsets: new Uint32Array(offsets.buffer, 0, offsets.byteLength / 4),
        docs: new Uint32Array(docs.buffer, 0, docs.byteLength / 4),
      };
      checkAuthorIndex(data, n);
      return data;
    } catch (err) {
      const damaged = new IndexCacheError(`the author index is damaged: ${err instanceof Error ? err.message : String(err)}`);
      onDamaged?.(damaged);
      throw damaged;
    }
  };
}

/** One section's byte range in the file. */
type SectionAt = (name: string) => { offset: number; bytes: number };
type ViewOf = <T>(name: string, ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }) => T;

/** The papers of a cache file: record columns checked now, each paper's rest and text (checked by a probe) when read. */
function decodePapers(n: number, at: (name: string) => Buffer, section: SectionAt, view: ViewOf, tail: Tail, options: DecodeOptions): CachedPapers {
  const { onDamaged, storedTexts } = options;
  const texts = packedParts(section('texts'), view('textOffsets', Uint32Array), n, 'paper texts', true);
  if (texts.empty > 0 && !storedTexts) throw new IndexCacheError(`the texts of ${texts.empty} papers are kept by the store, which is not open`);
  const kinds = view('textKinds', Uint8Array);
  if (kinds.length !== n) throw new IndexCacheError('paper text kinds do not match the index');
  const textOf = (i: number): Uint8Array => tail.read(texts.start(i), texts.end(i));
  const columns = {
    ids: at('paperIds'),
    idOffsets: view('paperIdOffsets', Uint32Array),
    idSlots: view('paperIdSlots', Int32Array),
    names: at('paperNames'),
    nameOffsets: view('paperNameOffsets', Uint32Array),
    nameSlots: view('paperNameSlots', Int32Array),
    nameNext: view('paperNameNext', Int32Array),
    titles: at('titles'),
    titleOffsets: view('titleOffsets', Uint32Array),
    authorPlaces: view('paperAuthorPlaces', Uint32Array),
    authorOffsets: view('paperAuthorOffsets', Uint32Array),
    shared: view('recordShared', Uint32Array),
    flags: view('recordFlags', Uint8Array),
    rest: at('recordRest'),
    restOffsets: view('recordRestOffsets', Uint32Array),
  };
  const cached = new CachedPapers(columns, authorNamesOf(at('authorNames')), at('sharedValues'), kinds, textOf, onDamaged, storedTexts);
  // A probe: the first and last texts inflate and fit their records (those in the file), and their rests parse (damage the checksum cannot see).
  for (const i of n > 0 ? [0, n - 1] : []) {
    if (texts.end(i) > texts.start(i)) decodeText(textOf(i), kinds[i]!, i);
    cached.probe(i);
  }
  return cached;
}

/** The file's table of author names (see `authorNames`): a JSON array of non-empty strings. */
function authorNamesOf(bytes: Buffer): string[] {
  let names: unknown;
  try {
    names = JSON.parse(bytes.toString('utf8'));
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || !names.every((x) => typeof x === 'string' && x.length > 0)) throw new IndexCacheError('author names are malformed');
  return names as string[];
}

/** Each paper's second-stage terms, read from the file when asked for (first and last checked now). */
function storedTerms(
  n: number,
  vocabulary: number,
  section: SectionAt,
  view: ViewOf,
  tail: Tail,
  onDamaged?: (err: IndexCacheError) => void,
): (doc: number) => PaperTerms {
  const parts = packedParts(section('paperTerms'), view('paperTermOffsets', Uint32Array), n, 'paper terms');
  const order = view('termOrder', Uint32Array);
  if (order.length !== vocabulary) throw new IndexCacheError('the term order does not match the vocabulary');
  const seen = new Uint8Array(vocabulary);
  for (const t of order) {
    if (t >= vocabulary || seen[t] === 1) throw new IndexCacheError('the term order is not an order of the vocabulary');
    seen[t] = 1;
  }
  const read = (doc: number): PaperTerms => {
    try {
      return decodePaperTerms(tail.read(parts.start(doc), parts.end(doc)), vocabulary, order);
    } catch (err) {
      if (!(err instanceof PaperTermsError)) throw err;
      const damaged = new IndexCacheError(`the terms of paper ${doc} are damaged: ${err.message}`);
      onDamaged?.(damaged);
      throw damaged;
    }
  };
  for (const doc of n > 0 ? [0, n - 1] : []) read(doc);
  return read;
}

/** Parts laid back to back in a section, at `offsets` (count + 1, from 0 to the section's size, increasing). */
function packedParts(
  at: { offset: number; bytes: number },
  offsets: Uint32Array,
  count: number,
  what: string,
  /** Whether a part may be empty (a text the store keeps); else each has bytes. */
  emptyParts = false,
): { count: number; empty: number; start(i: number): number; end(i: number): number } {
  if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== at.bytes) throw new IndexCacheError(`${what} do not match the index`);
  let empty = 0;
  for (let i = 0; i < count; i++) {
    if (offsets[i]! < offsets[i + 1]!) continue;
    if (!emptyParts || offsets[i] !== offsets[i + 1]) throw new IndexCacheError(`${what} offsets are not in order`);
    empty++;
  }
  return { count, empty, start: (i) => at.offset + offsets[i]!, end: (i) => at.offset + offsets[i + 1]! };
}

/**
 * Items packed back to back (`group` items to a part, each part encoded by `encode(from, to)`),
 * with their byte offsets. Each part is copied out at once: zlib's output is a view on a 16 KB
 * buffer, which a list of a hundred thousand parts would otherwise keep alive.
 */
function packed(items: readonly unknown[], group: number, encode: (from: number, to: number) => Uint8Array): { offsets: Uint32Array; data: Buffer } {
  const count = Math.ceil(items.length / group);
  const column = new ByteColumn(count, 'papers');
  for (let i = 0; i < count; i++) column.push(encode(i * group, Math.min(items.length, (i + 1) * group)));
  return { offsets: column.offsets, data: column.data };
}

const EMPTY_POSTINGS = new Uint32Array(0);
/** A paper's text in the file when the store keeps it. */
const NO_TEXT = new Uint8Array(0);

/** Every term's postings back to back, as the file holds them. */
function allPostings(ix: IndexData): Uint32Array {
  if (!ix.readPostings) return ix.postings;
  const out = new Uint32Array(ix.offsets[ix.terms.length]!);
  for (let t = 0; t < ix.terms.length; t++) out.set(postingsOf(ix, t), ix.offsets[t]);
  return out;
}

/**
 * Each term's postings read from the file at `at` when first asked for, checked (damage is told
 * to `onDamaged` and throws IndexCacheError), and kept: a restart reads only the terms queries ask
 * for, and holds at most what holding every posting from the start did. Not dropped again: the
 * bench's 20 queries touch 4,009 terms (their words, corrections, expansions and the second
 * stage's feedback terms; 287 MB at a million papers), and with 128 MB kept, first read first
 * dropped, every query read its lists again (p50 38 ms instead of 6; fresh memory costs ~3-5 s a
 * GB on this machine).
 */
function postingsReader(ix: IndexData, at: number, tail: Tail, onDamaged?: (err: IndexCacheError) => void): (t: number) => Uint32Array {
  const kept = new Map<number, Uint32Array>();
  return (t) => {
    const hit = kept.get(t);
    if (hit) return hit;
    const from = ix.offsets[t]!;
    const count = ix.offsets[t + 1]! - from;
    // Not zeroed first (every byte is read into it), and not from the shared pool: kept for the run.
    const bytes = Buffer.allocUnsafeSlow(count * 4);
    const list = new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    tail.readInto(bytes, at + from * 4);
    try {
      validateList(list, ix, t);
    } catch (err) {
      if (err instanceof IndexCacheError) onDamaged?.(err);
      throw err;
    }
    kept.set(t, list);
    return list;
  };
}

/** Structural checks but the postings themselves: sizes agree, offsets are monotone and end at the `postings` held. */
function validateShape(ix: IndexData, postings: number): void {
  const v = ix.terms.length;
  const fail = (what: string): never => {
    throw new IndexCacheError(`inconsistent index: ${what}`);
  };
  if (ix.surfaces.length !== v || ix.df.length !== v || ix.maxImpact.length !== v || ix.offsets.length !== v + 1) fail('vocabulary sizes');
  if (ix.norms.length !== ix.n || ix.hasCode.length !== ix.n || ix.fieldLens.length !== ix.n * 3) fail('paper sizes');
  if (!impactBitsFit(ix.n, ix.impactBits)) fail(`${ix.impactBits} impact bits for ${ix.n} papers`);
  if (ix.offsets[0] !== 0 || ix.offsets[v] !== postings) fail('postings size');
  if (ix.termSlots && !slotsFit(ix.termSlots, v)) fail('term table');
  for (let t = 0; t < v; t++) {
    const from = ix.offsets[t]!;
    const to = ix.offsets[t + 1]!;
    if (to < from || to - from !== ix.df[t]) fail(`offsets of term ${t}`);
  }
}

/**
 * One term's postings: papers in range and ascending, impacts never 0. Without a branch a posting
 * (faults gathered, told once at the end): a query's first read of its lists checks millions at a
 * million papers, ~1.7 ns each this way against ~3 with a test per posting.
 */
function validateList(list: Uint32Array, ix: IndexData, t: number): void {
  const bits = ix.impactBits;
  const steps = topStep(bits);
  const length = list.length;
  let prev = -1;
  let bad = 0;
  for (let p = 0; p < length; p++) {
    const posting = list[p]!;
    const d = posting >>> bits;
    bad |= (d <= prev ? 1 : 0) | ((posting & steps) === 0 ? 1 : 0);
    prev = d;
  }
  // Ascending, so the last paper is the largest.
  if (bad !== 0 || prev >= ix.n) throw new IndexCacheError(`inconsistent index: postings of term ${t}`);
}
