/**
 * The installation store's tests open the state with encryption keys (as `openState` does with
 * `PAPERBOY_ENCRYPTION_KEY`), on a database made by `eachBackend`, and look at its rows directly
 * (as an attacker with a copy of the database would).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach } from 'vitest';
import { STATE_DB_FILE } from '../../src/db/sqlite.ts';
import type { EncryptionKeyOptions } from '../../src/installations/token-crypto.ts';
import { openPostgresState } from '../../src/state/postgres-state.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { TEST_DATABASE_URL, type TestBackend, type TestDatabase } from '../helpers/backends.ts';

/** Keys as 64 hex characters. */
export const KEY_A = 'a1'.repeat(32);
export const KEY_B = '0b'.repeat(32);
export const KEY_C = 'c3'.repeat(32);

/**
 * Call once per suite: returns `open(backend, db, keys)`, which opens the state on `db` with those
 * keys (a new connection or pool each time: another process). Everything opened is closed after
 * each test, before `eachBackend` removes the database.
 */
export function useKeyedStates(): (backend: TestBackend, db: TestDatabase, keys?: EncryptionKeyOptions) => Promise<State> {
  const opened: State[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  });
  return async (backend, db, keys = {}) => {
    const state =
      backend.name === 'SQLite' ? openSqliteState(db.where, keys) : await openPostgresState(TEST_DATABASE_URL!, { schema: db.where, max: 4, ...keys });
    opened.push(state);
    return state;
  };
}

/** Run `sql` on the test database directly, outside any store (SQLite `?` or PostgreSQL `$n` placeholders, as the backend wants). */
export async function rawQuery<T>(backend: TestBackend['name'], where: string, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  if (backend === 'SQLite') {
    const db = new Database(join(where, STATE_DB_FILE));
    try {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as T[]) : (stmt.run(...params), []);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${where}` });
  await client.connect();
  try {
    return (await client.query(sql, params as unknown[])).rows as T[];
  } finally {
    await client.end();
  }
}
