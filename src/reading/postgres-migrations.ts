import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/**
 * The reading module's PostgreSQL migrations (append only; the same table as in SQLite,
 * `sqlite-migrations.ts`). Times are Unix milliseconds (BIGINT). `seq` is the insertion order
 * (SQLite's rowid), so papers saved in the same millisecond keep their order.
 */
export const READING_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'reading',
  migrations: [
    `
    CREATE TABLE reading_list (
      platform  TEXT NOT NULL CHECK (platform IN ('shell', 'slack', 'discord')),
      user_id   TEXT NOT NULL,
      paper_id  TEXT NOT NULL,
      saved_at  BIGINT NOT NULL,
      seq       BIGINT GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (platform, user_id, paper_id)
    );
    CREATE INDEX reading_list_by_saved ON reading_list (platform, user_id, saved_at, seq);
    `,
  ],
};
