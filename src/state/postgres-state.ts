import type { PgModuleMigrations } from '../db/postgres-migrate.ts';
import { migratePostgres } from '../db/postgres-migrate.ts';
import { openPostgres, postgresError, row, type PostgresOptions } from '../db/postgres.ts';
import { PAPER_PG_MIGRATIONS } from '../library/postgres-migrations.ts';
import { PostgresPaperStore } from '../library/postgres-store.ts';
import { READING_PG_MIGRATIONS } from '../reading/postgres-migrations.ts';
import { PostgresReadingListStore } from '../reading/postgres-store.ts';
import { SCHEDULE_PG_MIGRATIONS } from '../schedule/postgres-migrations.ts';
import { PostgresScheduleStore } from '../schedule/postgres-store.ts';
import { VOTE_PG_MIGRATIONS } from '../votes/postgres-migrations.ts';
import { PostgresVoteStore } from '../votes/postgres-store.ts';
import { WATCH_PG_MIGRATIONS } from '../watch/postgres-migrations.ts';
import { PostgresWatchStore } from '../watch/postgres-store.ts';
import { STATE_PG_MIGRATIONS } from './postgres-migrations.ts';
import { EPHEMERAL_PG_MIGRATIONS } from '../ephemeral/postgres-migrations.ts';
import { PostgresEphemeralStore } from '../ephemeral/postgres-store.ts';
import { INSTALLATION_PG_MIGRATIONS } from '../installations/postgres-migrations.ts';
import { PostgresInstallationStore } from '../installations/postgres-store.ts';
import { sealerFromOptions, type EncryptionKeyOptions } from '../installations/token-crypto.ts';
import type { State } from './state.ts';

/** Every module's PostgreSQL migrations, in the order they are run. */
export const POSTGRES_MIGRATIONS: readonly PgModuleMigrations[] = [
  STATE_PG_MIGRATIONS,
  PAPER_PG_MIGRATIONS,
  SCHEDULE_PG_MIGRATIONS,
  WATCH_PG_MIGRATIONS,
  VOTE_PG_MIGRATIONS,
  READING_PG_MIGRATIONS,
  EPHEMERAL_PG_MIGRATIONS,
  INSTALLATION_PG_MIGRATIONS,
];

export interface PostgresStateOptions extends PostgresOptions, EncryptionKeyOptions {
  /** Clock for the paper store's timestamps (tests). */
  now?: () => number;
}

/**
 * The state in the PostgreSQL database at `url`, shared by every process that names it: one pool
 * for every store, every module's migrations run first (under an advisory lock, so processes that
 * start together take turns). Throws `StateStoreError` with a message for the user (no password);
 * `TokenCryptoError` for a malformed encryption key (checked before connecting).
 */
export async function openPostgresState(url: string, opts: PostgresStateOptions = {}): Promise<State> {
  const sealer = sealerFromOptions(opts);
  const { pool, location } = await openPostgres(url, opts);
  let id: string;
  try {
    await migratePostgres(pool, location, POSTGRES_MIGRATIONS);
    id = (await row<{ value: string }>(pool, "SELECT value FROM state_meta WHERE key = 'id'"))!.value;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw postgresError(location, err);
  }
  let closed = false;
  return {
    id,
    papers: new PostgresPaperStore(pool, location, opts.now ? { now: opts.now } : {}),
    schedules: new PostgresScheduleStore(pool, location),
    watches: new PostgresWatchStore(pool, location),
    votes: new PostgresVoteStore(pool, location),
    reading: new PostgresReadingListStore(pool, location),
    ephemeral: new PostgresEphemeralStore(pool, location),
    installations: new PostgresInstallationStore(pool, location, sealer),
    location,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
