import type Database from 'better-sqlite3';
import type { EphemeralStore } from './store.ts';

/** Short-lived shared facts in the SQLite state database (shared by the processes on one host). */
export class SqliteEphemeralStore implements EphemeralStore {
  readonly location: string;
  readonly #db: Database.Database;

  /** A store over the state root's open connection (it has run the migrations). */
  constructor(db: Database.Database, location: string) {
    this.#db = db;
    this.location = location;
  }

  async put(kind: string, key: string, value: string, expiresAt: Date): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO ephemeral (kind, key, value, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      )
      .run(kind, key, value, expiresAt.getTime());
  }

  async get(kind: string, key: string, now: Date): Promise<string | undefined> {
    const r = this.#db.prepare('SELECT value FROM ephemeral WHERE kind = ? AND key = ? AND expires_at > ?').get(kind, key, now.getTime()) as
      { value: string } | undefined;
    return r?.value;
  }

  async claim(kind: string, key: string, expiresAt: Date, now: Date): Promise<boolean> {
    // One statement: an expired entry is taken over, a live one is left alone.
    const info = this.#db
      .prepare(
        `INSERT INTO ephemeral (kind, key, value, expires_at) VALUES (?, ?, '', ?)
         ON CONFLICT (kind, key) DO UPDATE SET value = '', expires_at = excluded.expires_at WHERE ephemeral.expires_at <= ?`,
      )
      .run(kind, key, expiresAt.getTime(), now.getTime());
    return info.changes > 0;
  }

  async prune(now: Date): Promise<number> {
    return this.#db.prepare('DELETE FROM ephemeral WHERE expires_at <= ?').run(now.getTime()).changes;
  }

  async close(): Promise<void> {}
}
