/**
 * The work an adapter has acknowledged and not yet answered (a slash command that got its 200, a
 * mention being answered), so that stopping can wait for it: a command acknowledged before a
 * SIGTERM still gets its answer.
 */
export class InFlight {
  readonly #work = new Set<Promise<unknown>>();

  /** Track `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#work.add(work);
    work.then(
      () => this.#work.delete(work),
      () => this.#work.delete(work),
    );
    return work;
  }

  /** Pieces of work not yet settled. */
  get size(): number {
    return this.#work.size;
  }

  /**
   * Wait until every piece of work tracked so far, and any tracked meanwhile, has settled, or
   * `timeoutMs` has passed. Resolves with how many are still running (0: all done).
   */
  async drain(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      while (this.#work.size > 0) {
        if ((await Promise.race([Promise.allSettled([...this.#work]), gaveUp])) === 'timeout') break;
      }
    } finally {
      clearTimeout(timer);
    }
    return this.#work.size;
  }
}
