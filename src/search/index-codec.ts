/**
 * Binary codec for a built index (plus the typo keys and, optionally, the papers), so a restart
 * does not pay the build again. Layout (little-endian):
 *
 *   0  "PBIDX\0\0\0"         magic
 *   8  u32 format version    INDEX_FORMAT_VERSION
 *  12  u32 header length H
 *  16  checksum of everything from byte 32 on (CRC-32 in 4 bytes, zero padded)
 *  32  header JSON (counts, average field lengths, input hash, section table)
 *  ..  sections, each 8-byte aligned: typed arrays as raw bytes, strings as UTF-8
 *
 * Decoding validates magic, version, checksum and structure and throws `IndexCacheError` on any
 * mismatch; typed arrays are zero-copy views on the file buffer.
 */
import * as zlib from 'node:zlib';
import { z } from 'zod';
import type { Paper } from '../papers/paper.ts';
import { INDEX_FORMAT_VERSION, type IndexData } from './inverted-index.ts';

const MAGIC = Buffer.from('PBIDX\0\0\0', 'latin1');

/** CRC-32 of the body (zlib's native crc32, Node >= 20.15; a table-driven fallback otherwise). */
function checksum(body: Uint8Array): Buffer {
  const native = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  let crc: number;
  if (native) crc = native(body);
  else {
    crc = 0xffffffff;
    for (let i = 0; i < body.length; i++) crc = CRC_TABLE[(crc ^ body[i]!) & 0xff]! ^ (crc >>> 8);
    crc = (crc ^ 0xffffffff) >>> 0;
  }
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

export class IndexCacheError extends Error {
  override name = 'IndexCacheError';
}

type ArrayKind = 'u8' | 'u16' | 'u32' | 'f32' | 'f64' | 'utf8';

const SectionSchema = z.object({
  name: z.string(),
  kind: z.enum(['u8', 'u16', 'u32', 'f32', 'f64', 'utf8']),
  offset: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
const HeaderSchema = z.object({
  n: z.number().int().min(0),
  inputHash: z.string(),
  avgLens: z.array(z.number()).length(3),
  hasPapers: z.boolean(),
  sections: z.array(SectionSchema),
});
type Header = z.infer<typeof HeaderSchema>;

export interface CachedIndex {
  index: IndexData;
  correctionKeys: Float64Array;
  inputHash: string;
  /** Present when the cache was written with papers. */
  papers?: Paper[];
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const SEP = '\u0000';

/** Serialise an index (and optionally its papers) to one buffer. */
export function encodeIndex(index: IndexData, correctionKeys: Float64Array, inputHash: string, papers?: readonly Paper[]): Buffer {
  const parts: Array<{ name: string; kind: ArrayKind; data: Uint8Array }> = [
    { name: 'df', kind: 'u32', data: bytesOf(index.df) },
    { name: 'offsets', kind: 'u32', data: bytesOf(index.offsets) },
    { name: 'docs', kind: 'u32', data: bytesOf(index.docs) },
    { name: 'impacts', kind: 'f32', data: bytesOf(index.impacts) },
    { name: 'maxImpact', kind: 'f32', data: bytesOf(index.maxImpact) },
    { name: 'norms', kind: 'f32', data: bytesOf(index.norms) },
    { name: 'fieldLens', kind: 'u16', data: bytesOf(index.fieldLens) },
    { name: 'hasCode', kind: 'u8', data: bytesOf(index.hasCode) },
    { name: 'correctionKeys', kind: 'f64', data: bytesOf(correctionKeys) },
    { name: 'terms', kind: 'utf8', data: Buffer.from(index.terms.join(SEP), 'utf8') },
    { name: 'surfaces', kind: 'utf8', data: Buffer.from(index.surfaces.join(SEP), 'utf8') },
  ];
  if (papers) {
    const meta = papers.map(({ abstract: _a, ...rest }) => rest);
    parts.push({ name: 'papers', kind: 'utf8', data: Buffer.from(JSON.stringify(meta), 'utf8') });
    // Abstracts back to back with their byte offsets, so a restart decodes one only when it is shown.
    const abstracts = papers.map((p) => Buffer.from(p.abstract, 'utf8'));
    const offsets = new Uint32Array(papers.length + 1);
    abstracts.forEach((a, i) => (offsets[i + 1] = offsets[i]! + a.byteLength));
    parts.push({ name: 'abstractOffsets', kind: 'u32', data: bytesOf(offsets) });
    parts.push({ name: 'abstracts', kind: 'utf8', data: Buffer.concat(abstracts) });
  }
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
    header = { n: index.n, inputHash, avgLens: [...index.avgLens], hasPapers: papers !== undefined, sections };
    json = Buffer.from(JSON.stringify(header), 'utf8');
    if (json.length === headerLen) break;
    headerLen = json.length;
  }
  const last = header.sections[header.sections.length - 1]!;
  const out = Buffer.alloc(last.offset + last.bytes);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(INDEX_FORMAT_VERSION, 8);
  out.writeUInt32LE(json.length, 12);
  json.copy(out, PREFIX);
  header.sections.forEach((s, i) => out.set(parts[i]!.data, s.offset));
  checksum(out.subarray(PREFIX)).copy(out, 16);
  return out;
}

/** The format version stored in a cache buffer, or undefined when it is not one. */
export function peekVersion(buf: Uint8Array): number | undefined {
  if (buf.byteLength < PREFIX || !Buffer.from(buf.buffer, buf.byteOffset, 8).equals(MAGIC)) return undefined;
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(8);
}

/** Decode and validate a cache buffer. Throws IndexCacheError when anything is off. */
export function decodeIndex(input: Uint8Array): CachedIndex {
  // Typed views need 8-byte alignment of the underlying buffer.
  const buf = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREFIX || !b.subarray(0, 8).equals(MAGIC)) throw new IndexCacheError('not an index cache file');
  const version = b.readUInt32LE(8);
  if (version !== INDEX_FORMAT_VERSION) throw new IndexCacheError(`index format ${version}, expected ${INDEX_FORMAT_VERSION}`);
  const digest = checksum(b.subarray(PREFIX));
  if (!digest.equals(b.subarray(16, 32))) throw new IndexCacheError('checksum mismatch (file is damaged)');
  const headerLen = b.readUInt32LE(12);
  let header: Header;
  try {
    header = HeaderSchema.parse(JSON.parse(b.subarray(PREFIX, PREFIX + headerLen).toString('utf8')));
  } catch (err) {
    throw new IndexCacheError(`bad header: ${err instanceof Error ? err.message : String(err)}`);
  }
  const section = (name: string): { offset: number; bytes: number } => {
    const s = header.sections.find((x) => x.name === name);
    if (!s || s.offset + s.bytes > b.length || s.offset < PREFIX + headerLen) throw new IndexCacheError(`section ${name} missing or out of bounds`);
    return s;
  };
  const view = <T>(name: string, ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }): T => {
    const s = section(name);
    if (s.offset % 8 !== 0 || s.bytes % ctor.BYTES_PER_ELEMENT !== 0) throw new IndexCacheError(`section ${name} misaligned`);
    return new ctor(buf.buffer, buf.byteOffset + s.offset, s.bytes / ctor.BYTES_PER_ELEMENT);
  };
  const text = (name: string): string => {
    const s = section(name);
    return b.toString('utf8', s.offset, s.offset + s.bytes);
  };
  const n = header.n;
  const termsText = text('terms');
  const terms = termsText.length === 0 ? [] : termsText.split(SEP);
  const surfacesText = text('surfaces');
  const surfaces = surfacesText.length === 0 ? [] : surfacesText.split(SEP);
  const index: IndexData = {
    n,
    terms,
    surfaces,
    df: view('df', Uint32Array),
    offsets: view('offsets', Uint32Array),
    docs: view('docs', Uint32Array),
    impacts: view('impacts', Float32Array),
    maxImpact: view('maxImpact', Float32Array),
    norms: view('norms', Float32Array),
    fieldLens: view('fieldLens', Uint16Array),
    avgLens: Float64Array.from(header.avgLens),
    hasCode: view('hasCode', Uint8Array),
  };
  validate(index);
  const out: CachedIndex = { index, correctionKeys: view('correctionKeys', Float64Array), inputHash: header.inputHash };
  if (header.hasPapers) {
    const meta: unknown = JSON.parse(text('papers'));
    const offsets = view('abstractOffsets', Uint32Array);
    const at = section('abstracts');
    if (!Array.isArray(meta) || meta.length !== n || offsets.length !== n + 1 || offsets[n] !== at.bytes) {
      throw new IndexCacheError('paper records do not match the index');
    }
    for (let i = 0; i < n; i++) if (offsets[i]! > offsets[i + 1]!) throw new IndexCacheError('abstract offsets are not in order');
    out.papers = (meta as Paper[]).map((m, i) => withLazyAbstract(m, b, at.offset + offsets[i]!, at.offset + offsets[i + 1]!));
  }
  return out;
}

/**
 * A paper record whose abstract is decoded from the cache buffer on first read (an own,
 * enumerable accessor, so spreading, `JSON.stringify` and structured cloning still see it), then
 * kept as a plain value. Most papers' abstracts are never read after a restart.
 */
function withLazyAbstract(paper: Paper, b: Buffer, start: number, end: number): Paper {
  Object.defineProperty(paper, 'abstract', {
    enumerable: true,
    configurable: true,
    get(this: Paper): string {
      const value = b.toString('utf8', start, end);
      Object.defineProperty(this, 'abstract', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
  return paper;
}

/** Structural checks: sizes agree, offsets are monotone, doc ids are in range and sorted per term. */
function validate(ix: IndexData): void {
  const v = ix.terms.length;
  const fail = (what: string): never => {
    throw new IndexCacheError(`inconsistent index: ${what}`);
  };
  if (ix.surfaces.length !== v || ix.df.length !== v || ix.maxImpact.length !== v || ix.offsets.length !== v + 1) fail('vocabulary sizes');
  if (ix.norms.length !== ix.n || ix.hasCode.length !== ix.n || ix.fieldLens.length !== ix.n * 3) fail('paper sizes');
  if (ix.offsets[0] !== 0 || ix.offsets[v] !== ix.docs.length || ix.docs.length !== ix.impacts.length) fail('postings size');
  for (let t = 0; t < v; t++) {
    const from = ix.offsets[t]!;
    const to = ix.offsets[t + 1]!;
    if (to < from || to - from !== ix.df[t]) fail(`offsets of term ${t}`);
    let prev = -1;
    for (let p = from; p < to; p++) {
      const d = ix.docs[p]!;
      if (d <= prev || d >= ix.n) fail(`postings of term ${t}`);
      prev = d;
    }
  }
}
