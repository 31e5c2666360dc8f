/**
 * The state database (`DATA_DIR/state.db`: schedules, papers) cannot be used (corrupt, unwritable, from a newer version).
 * The message names the file and says what to do; `main` prints it and exits.
 */
export class StateStoreError extends Error {
  override name = 'StateStoreError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLite results that mean the database could not be used, not that the request was wrong. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM|AUTH)/;
/** Node and PostgreSQL codes for a database that cannot be reached or is going away. */
const CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);

/**
 * Whether `err` says the state database is not available (unreachable, locked, full, read-only,
 * damaged), as opposed to a bug: the request can be told "try again in a moment".
 */
export function isStateUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++, e = (e as { cause?: unknown }).cause) {
    if (e instanceof StateStoreError) return true;
    const code = 'code' in e ? String(e.code) : '';
    if (SQLITE_UNAVAILABLE.test(code) || CONNECTION.has(code)) return true;
  }
  return false;
}
