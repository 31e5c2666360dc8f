/**
 * Items written back to back into one growing buffer, with each item's end as an offset: how an
 * index cache file holds its columns of text (ids, titles, records' rests) and its packed parts
 * (each paper's deflated text, its terms). The buffer doubles as it fills; offsets are 32-bit, so
 * a column holds at most 4 GB.
 */
export class ByteColumn {
  #data = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  #count = 0;
  /** Item i is `data[offsets[i] .. offsets[i + 1])`; `offsets[0]` is 0. */
  readonly offsets: Uint32Array;
  readonly #what: string;

  /** Room for `count` items; `what` names the column in the error when it outgrows 4 GB. */
  constructor(count: number, what: string) {
    this.offsets = new Uint32Array(count + 1);
    this.#what = what;
  }

  /** Append a text as UTF-8. */
  pushText(text: string): void {
    this.#room(text.length * 3);
    this.#end(this.#used + this.#data.write(text, this.#used, 'utf8'));
  }

  /** Append bytes. */
  push(bytes: Uint8Array): void {
    this.#room(bytes.byteLength);
    this.#data.set(bytes, this.#used);
    this.#end(this.#used + bytes.byteLength);
  }

  /** The bytes written so far (a view). */
  get data(): Buffer {
    return this.#data.subarray(0, this.#used);
  }

  #room(most: number): void {
    if (this.#used + most <= this.#data.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#data.length * 2, this.#used + most));
    this.#data.copy(grown, 0, 0, this.#used);
    this.#data = grown;
  }

  #end(used: number): void {
    if (used > 0xffffffff) throw new RangeError(`${this.#what} too large for an index cache (over 4 GB)`);
    this.#used = used;
    this.offsets[++this.#count] = used;
  }
}

/** A typed array's bytes: a view on the same memory, no copy. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
