import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/**
 * Schema migrations of the installations module in the state database (run by the shared runner,
 * `db/sqlite-migrate.ts`). Append only: never edit a migration that has shipped. Times are Unix
 * milliseconds.
 *
 * `installations.sealed` is the whole installation record, tokens included, sealed with
 * AES-256-GCM (`token-crypto.ts`); `key_id` names the key that sealed it. Both are NULL once the
 * installation is uninstalled. `installation_states` keeps the SHA-256 of each OAuth state, never
 * the state itself.
 */
export const INSTALLATION_MIGRATIONS: ModuleMigrations = {
  module: 'installations',
  migrations: [
    `
    CREATE TABLE installations (
      id                     TEXT PRIMARY KEY,
      is_enterprise_install  INTEGER NOT NULL DEFAULT 0,
      team_id                TEXT,
      team_name              TEXT,
      enterprise_id          TEXT,
      enterprise_name        TEXT,
      app_id                 TEXT,
      bot_user_id            TEXT,
      installed_at           INTEGER NOT NULL,
      updated_at             INTEGER NOT NULL,
      uninstalled_at         INTEGER,
      key_id                 TEXT,
      sealed                 TEXT,
      CHECK ((sealed IS NULL) = (uninstalled_at IS NOT NULL)),
      CHECK ((sealed IS NULL) = (key_id IS NULL))
    );

    CREATE TABLE installation_states (
      state_hash  TEXT PRIMARY KEY,
      expires_at  INTEGER NOT NULL,
      metadata    TEXT
    );
    CREATE INDEX installation_states_by_expiry ON installation_states (expires_at);
    `,
  ],
};
