/** The open-loop latency probe of `npm run bench:ingest` (searches while the library refreshes). */

export interface ProbeResult {
  /** Per query: from when it was due to when it returned (ms). */
  latencies: number[];
  /**
   * The longest time the probe waited for the thread beyond what it asked for (ms): a timer or
   * `setImmediate` callback that ran this late. Not counting the probe's own queries.
   */
  maxStallMs: number;
}

/**
 * Queries due every `intervalMs` from now on, each timed from when it was due to when it returned,
 * so time spent waiting for a busy thread counts. An open loop: a query that falls due while the
 * thread is busy waits, and so do the ones after it. One query per event-loop turn (the loop yields
 * between queries, so I/O and promise continuations such as a refresh in flight keep running).
 * Timers wake at most 1 ms early and the rest is waited out with `setImmediate`, so timer
 * granularity adds little. Stops when `stop()` says so or after `maxMs` (the queries already due
 * then still run), or after `maxQueries`.
 */
export function probe(opts: {
  intervalMs: number;
  maxMs: number;
  maxQueries: number;
  query: (i: number) => void;
  /** Called each time the loop wakes, before the query then due. */
  onWake?: () => void;
  stop: () => boolean;
}): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    const start = performance.now();
    let due = start;
    let i = 0;
    let stopAt = Infinity;
    let maxStallMs = 0;
    /** When the next wake was asked for (the earliest it could run). */
    let wakeAt = start;
    const next = (delayMs: number): void => {
      wakeAt = performance.now() + delayMs;
      if (delayMs > 0) setTimeout(step, delayMs);
      else setImmediate(step);
    };
    const step = (): void => {
      maxStallMs = Math.max(maxStallMs, performance.now() - wakeAt);
      opts.onWake?.();
      const now = performance.now();
      // Queries that fell due before the stop (while the thread was busy) still run, late.
      if (stopAt === Infinity && (opts.stop() || now - start > opts.maxMs)) stopAt = now;
      if (due > stopAt || i >= opts.maxQueries) {
        resolve({ latencies, maxStallMs });
        return;
      }
      if (due <= now) {
        opts.query(i++);
        latencies.push(performance.now() - due);
        due += opts.intervalMs;
        next(0);
      } else {
        next(due - now >= 1 ? Math.floor(due - now) : 0);
      }
    };
    step();
  });
}
