import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/**
 * Schema migrations of the installations module in the PostgreSQL state database (run by the
 * shared runner, `db/postgres-migrate.ts`, under its advisory lock). The same tables and columns
 * as in SQLite (`sqlite-migrations.ts`), with a BOOLEAN flag, BIGINT Unix-millisecond times and
 * ids in `COLLATE "C"` (listed byte by byte, as SQLite sorts them). Append only: never edit a
 * migration that has shipped.
 */
export const INSTALLATION_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'installations',
  migrations: [
    `
    CREATE TABLE installations (
      id                     TEXT COLLATE "C" PRIMARY KEY,
      is_enterprise_install  BOOLEAN NOT NULL DEFAULT FALSE,
      team_id                TEXT,
      team_name              TEXT,
      enterprise_id          TEXT,
      enterprise_name        TEXT,
      app_id                 TEXT,
      bot_user_id            TEXT,
      installed_at           BIGINT NOT NULL,
      updated_at             BIGINT NOT NULL,
      uninstalled_at         BIGINT,
      key_id                 TEXT,
      sealed                 TEXT,
      CHECK ((sealed IS NULL) = (uninstalled_at IS NOT NULL)),
      CHECK ((sealed IS NULL) = (key_id IS NULL))
    );

    CREATE TABLE installation_states (
      state_hash  TEXT PRIMARY KEY,
      expires_at  BIGINT NOT NULL,
      metadata    TEXT
    );
    CREATE INDEX installation_states_by_expiry ON installation_states (expires_at);
    `,
  ],
};
