import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/** The ephemeral module's migrations (append only; times are Unix ms). */
export const EPHEMERAL_MIGRATIONS: ModuleMigrations = {
  module: 'ephemeral',
  migrations: [
    `
    CREATE TABLE ephemeral (
      kind        TEXT NOT NULL,
      key         TEXT NOT NULL,
      value       TEXT NOT NULL,
      expires_at  INTEGER NOT NULL,
      PRIMARY KEY (kind, key)
    );
    CREATE INDEX ephemeral_by_expiry ON ephemeral (expires_at);
    `,
  ],
};
