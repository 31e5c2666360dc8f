/** Reading and rewriting the bytes of an index cache file in tests (see index-codec.ts for the layout). */
import * as zlib from 'node:zlib';

/** The checksum field of a cache buffer recomputed, as a writer that wrote wrong bytes would have it. */
export function resealed(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  const { checked } = JSON.parse(out.subarray(32, 32 + out.readUInt32LE(12)).toString('utf8')) as { checked: number };
  const crc = (zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(out.subarray(32, checked));
  out.fill(0, 16, 32);
  out.writeUInt32LE(crc >>> 0, 16);
  return out;
}

/** Where a section of a cache buffer is (from its header). */
export function sectionOf(buf: Buffer, name: string): { offset: number; bytes: number } {
  const header = JSON.parse(buf.subarray(32, 32 + buf.readUInt32LE(12)).toString('utf8')) as { sections: { name: string; offset: number; bytes: number }[] };
  return header.sections.find((s) => s.name === name)!;
}
