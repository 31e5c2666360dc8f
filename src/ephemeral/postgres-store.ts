import type pg from 'pg';
import { changes, row } from '../db/postgres.ts';
import type { EphemeralStore } from './store.ts';

/** Short-lived shared facts in PostgreSQL (shared by every process on every host). */
export class PostgresEphemeralStore implements EphemeralStore {
  readonly location: string;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async put(kind: string, key: string, value: string, expiresAt: Date): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ephemeral (kind, key, value, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [kind, key, value, expiresAt.getTime()],
    );
  }

  async get(kind: string, key: string, now: Date): Promise<string | undefined> {
    return (
      await row<{ value: string }>(this.#pool, 'SELECT value FROM ephemeral WHERE kind = $1 AND key = $2 AND expires_at > $3', [kind, key, now.getTime()])
    )?.value;
  }

  async claim(kind: string, key: string, expiresAt: Date, now: Date): Promise<boolean> {
    // One statement, atomic under concurrency: the row lock of ON CONFLICT decides the winner.
    const n = await changes(
      this.#pool,
      `INSERT INTO ephemeral (kind, key, value, expires_at) VALUES ($1, $2, '', $3)
       ON CONFLICT (kind, key) DO UPDATE SET value = '', expires_at = EXCLUDED.expires_at WHERE ephemeral.expires_at <= $4`,
      [kind, key, expiresAt.getTime(), now.getTime()],
    );
    return n > 0;
  }

  async prune(now: Date): Promise<number> {
    return changes(this.#pool, 'DELETE FROM ephemeral WHERE expires_at <= $1', [now.getTime()]);
  }

  async close(): Promise<void> {}
}
