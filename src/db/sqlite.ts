import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { retryWhileBusy } from './busy-retry.ts';
import { StateStoreError } from './errors.ts';
import { migrateModule, type ModuleMigrations } from './sqlite-migrate.ts';

/** File name of the state database inside `DATA_DIR` (schedules, papers, ingest runs). */
export const STATE_DB_FILE = 'state.db';
/** How long a connection waits for another process's write lock before failing. */
export const BUSY_TIMEOUT_MS = 5000;
/** Page size of a new state database (SQLite default 4 KB). */
const PAGE_SIZE = 16384;

export function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : '';
}

/** Create `path` readable and writable by its owner only, unless it exists (then it is left as it is). */
function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Whether `err`, or an error it was caused by, says the database file is damaged or not a database. */
export function isCorruption(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = sqliteCode(e);
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Turn an error met on the state database (opening it, or a query that found a damaged page) into
 * a message that names the file and the fix.
 */
export function stateStoreError(file: string, err: unknown): StateStoreError {
  if (err instanceof StateStoreError) return err;
  const code = sqliteCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (isCorruption(err)) {
    return new StateStoreError(
      `The state database ${file} is corrupt or not a Paperboy database (${reason}). ` +
        `Move it aside (e.g. rename it to ${file}.broken) and restart: schedules from the config file ` +
        'are recreated and papers can be ingested again, but what only this file held is lost: schedules made in chat, ' +
        'posted history, watches, votes and reading lists (restore them from a backup if you have one).',
      file,
      { cause: err },
    );
  }
  if (
    code === 'SQLITE_CANTOPEN' ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_AUTH' ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'ENOTDIR' ||
    code === 'EROFS'
  ) {
    return new StateStoreError(
      `Cannot write the state database ${file} (${code}: ${reason}). ` + 'Make sure DATA_DIR points to a directory this process can create and write files in.',
      file,
      { cause: err },
    );
  }
  return new StateStoreError(`Cannot open the state database ${file}: ${reason}`, file, { cause: err });
}

/**
 * Open (creating if needed) the state database and its directory in WAL mode with a busy timeout,
 * check it (`quick_check`, which reads the whole file: skip it with `integrityCheck: false` where
 * a damaged page would surface as a query error anyway), and run the given modules' migrations. Several processes may share the file. Throws
 * `StateStoreError` naming the file when it is corrupt, not a Paperboy database, newer, or not writable.
 */
export function openStateDatabase(
  file: string,
  modules: readonly ModuleMigrations[],
  opts: { integrityCheck?: boolean } = {},
): { db: Database.Database; path: string } {
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') {
    try {
      // Private to its owner: reading lists, user and channel ids are no one else's business.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = sqliteCode(err) || 'error';
      throw new StateStoreError(
        `Cannot write the state database ${path}: cannot create its directory ${dirname(path)} ` +
          `(${code}${code === 'EEXIST' || code === 'ENOTDIR' ? ': a file is in the way' : ''}). ` +
          'Make sure DATA_DIR points to a directory this process can create and write files in.',
        path,
        { cause: err },
      );
    }
  }
  let db: Database.Database | undefined;
  try {
    // A new database file is created private (0600); SQLite gives its -wal and -shm files the same mode.
    if (path !== ':memory:') createPrivateFile(path);
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // 16 KB pages for a new file (an existing one keeps its size): a stored paper is ~1.3 KB, and
    // three of them left a sixth of each 4 KB page empty.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    if (path !== ':memory:') {
      // Two processes opening a new file at once can get SQLITE_BUSY here without the busy
      // timeout being used (SQLite's deadlock rule): try again until the same timeout has passed.
      const conn = db;
      const mode = retryWhileBusy(() => conn.pragma('journal_mode = WAL', { simple: true }), { timeoutMs: BUSY_TIMEOUT_MS });
      if (String(mode).toLowerCase() !== 'wal') {
        throw new StateStoreError(`Cannot switch ${path} to WAL journal mode (got "${String(mode)}").`, path);
      }
    }
    db.pragma('synchronous = NORMAL');
    const check = opts.integrityCheck === false ? 'ok' : db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw Object.assign(new Error(`integrity check failed: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    }
    for (const m of modules) migrateModule(db, path, m);
    return { db, path };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Already failing; the original error is the one to report.
    }
    throw stateStoreError(path, err);
  }
}
