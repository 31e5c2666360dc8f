/**
 * Runs CPU-bound jobs (command + rendering) one at a time, each in its own turn of the event loop,
 * so incoming requests are read and acknowledged between jobs. Without it, a burst of requests
 * runs all its work back to back and later acks wait behind it (Slack gives up after 3 s).
 * A job that takes longer than `stallMs` stops holding up the ones behind it.
 */
export class CpuQueue {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly stallMs = 10_000) {}

  run<T>(job: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(job);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tail = Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, this.stallMs).unref())]);
    return result;
  }
}
