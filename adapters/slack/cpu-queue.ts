/**
 * Starts CPU-bound jobs (a command, a rendering) one per turn of the event loop, in order, so
 * incoming requests are read and acknowledged between them. Without it, a burst of requests runs
 * all its work back to back and later acks wait behind it (Slack gives up after 3 s).
 *
 * Only the CPU is queued, not the waiting: a job that awaits I/O (a database round trip on a
 * shared PostgreSQL) lets the next job start meanwhile, so one user's round trip never holds up
 * every other user's request.
 */
export class CpuQueue {
  #tail: Promise<void> = Promise.resolve();

  run<T>(job: () => T | Promise<T>): Promise<T> {
    // Each job starts in its own turn, after the previous job's synchronous part has run.
    const start = this.#tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#tail = start;
    return start.then(job);
  }
}
