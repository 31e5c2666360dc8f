/**
 * SQLite waits on another connection's lock through its busy handler, except where waiting could
 * deadlock: a connection that already holds a read lock and needs the write lock another one holds
 * gets SQLITE_BUSY at once. Two processes opening a new state file at the same moment meet exactly
 * that on `PRAGMA journal_mode = WAL` (each reads the header, then needs the file to itself). The
 * cure is to let go of the statement and try it again a moment later, which is what this does.
 */

/** Whether `err` is SQLite's "database is locked" (SQLITE_BUSY or one of its extended codes). */
export function isBusy(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    typeof err.code === 'string' &&
    (err.code === 'SQLITE_BUSY' || err.code.startsWith('SQLITE_BUSY_'))
  );
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread for `ms` (the open is synchronous, as better-sqlite3 is). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export interface RetryOptions {
  /** Give up (rethrow the last SQLITE_BUSY) once this long has passed since the first try. */
  timeoutMs: number;
  /** How to wait between tries; a test passes its own. */
  sleep?: (ms: number) => void;
  /** The clock, in ms; a test passes its own. */
  now?: () => number;
  /** 0 ≤ x < 1, spreads the waits so two openers do not retry in step. */
  random?: () => number;
}

/**
 * Run `step`; while it throws SQLITE_BUSY, wait a few milliseconds (doubling from 2 ms, at most
 * 50 ms, jittered) and run it again, until `timeoutMs` has passed. Any other error is thrown at once.
 */
export function retryWhileBusy<T>(step: () => T, opts: RetryOptions): T {
  const sleep = opts.sleep ?? sleepSync;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const deadline = now() + opts.timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 64)) {
    try {
      return step();
    } catch (err) {
      const left = deadline - now();
      if (!isBusy(err) || left <= 0) throw err;
      sleep(Math.max(1, Math.min(left, 50, Math.round(wait * (0.5 + random())))));
    }
  }
}
