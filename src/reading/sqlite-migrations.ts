import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/**
 * The reading module's migrations in the state database (run by the shared runner,
 * `db/sqlite-migrate.ts`). Append only: never edit a migration that has shipped. Times are Unix
 * milliseconds.
 */
export const READING_MIGRATIONS: ModuleMigrations = {
  module: 'reading',
  migrations: [
    `
    CREATE TABLE reading_list (
      platform  TEXT NOT NULL CHECK (platform IN ('shell', 'slack', 'discord')),
      user_id   TEXT NOT NULL,
      paper_id  TEXT NOT NULL,
      saved_at  INTEGER NOT NULL,
      PRIMARY KEY (platform, user_id, paper_id)
    );
    CREATE INDEX reading_list_by_saved ON reading_list (platform, user_id, saved_at);
    `,
  ],
};
