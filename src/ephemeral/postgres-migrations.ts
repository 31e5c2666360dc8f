import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/** The ephemeral module's migrations, as in SQLite (`sqlite-migrations.ts`). Append only. */
export const EPHEMERAL_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'ephemeral',
  migrations: [
    `
    CREATE TABLE ephemeral (
      kind        TEXT NOT NULL,
      key         TEXT NOT NULL,
      value       TEXT NOT NULL,
      expires_at  BIGINT NOT NULL,
      PRIMARY KEY (kind, key)
    );
    CREATE INDEX ephemeral_by_expiry ON ephemeral (expires_at);
    `,
  ],
};
