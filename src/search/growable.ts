/** Append-only typed-array buffers (amortised doubling), for building postings without boxed numbers. */

type TypedCtor<T> = { new (length: number): T };

export class Growable<T extends Uint32Array | Uint16Array | Float32Array> {
  #data: T;
  #ctor: TypedCtor<T>;
  length = 0;

  constructor(ctor: TypedCtor<T>, initial = 1024) {
    this.#ctor = ctor;
    this.#data = new ctor(initial);
  }

  push(v: number): void {
    if (this.length === this.#data.length) {
      const next = new this.#ctor(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = v;
  }

  get(i: number): number {
    return this.#data[i]!;
  }

  /** The filled part (a view: do not push afterwards if you keep it). */
  view(): T {
    return this.#data.subarray(0, this.length) as T;
  }
}
