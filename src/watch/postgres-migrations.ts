import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/**
 * Schema migrations of the watch module in the PostgreSQL state database (run by the shared
 * runner, `db/postgres-migrate.ts`, under its advisory lock). The same tables and columns as in
 * SQLite (`sqlite-migrations.ts`), with BOOLEAN flags and BIGINT Unix-millisecond times. Append
 * only: never edit a migration that has shipped.
 *
 * Unlike SQLite, alerts and deliveries reference their watch (and a delivery its alert): a claim
 * can never leave rows behind for a watch another process removed.
 */
export const WATCH_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'watches',
  migrations: [
    `
    CREATE TABLE watches (
      id             TEXT PRIMARY KEY,
      platform       TEXT NOT NULL CHECK (platform IN ('shell', 'slack', 'discord')),
      workspace_id   TEXT,
      channel_id     TEXT NOT NULL,
      personal       BOOLEAN NOT NULL DEFAULT FALSE,
      created_by     TEXT,
      query          TEXT NOT NULL,
      author         TEXT,
      created_at     BIGINT NOT NULL,
      paused         BOOLEAN NOT NULL DEFAULT FALSE,
      paused_reason  TEXT,
      paused_at      BIGINT
    );
    CREATE INDEX watches_by_channel ON watches (platform, channel_id);

    CREATE TABLE watch_alerts (
      id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      watch_id     TEXT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
      status       TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
      attempts     INTEGER NOT NULL DEFAULT 0,
      reason       TEXT,
      claimed_at   BIGINT NOT NULL,
      finished_at  BIGINT
    );
    CREATE INDEX watch_alerts_by_watch ON watch_alerts (watch_id, id);
    CREATE INDEX watch_alerts_pending ON watch_alerts (status, claimed_at);

    CREATE TABLE watch_deliveries (
      watch_id     TEXT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
      paper_id     TEXT NOT NULL,
      alert_id     BIGINT NOT NULL REFERENCES watch_alerts (id) ON DELETE CASCADE,
      position     INTEGER NOT NULL,
      status       TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
      attempts     INTEGER NOT NULL DEFAULT 0,
      tries        INTEGER NOT NULL DEFAULT 1,
      retry        BOOLEAN NOT NULL DEFAULT FALSE,
      reason       TEXT,
      claimed_at   BIGINT NOT NULL,
      finished_at  BIGINT,
      PRIMARY KEY (watch_id, paper_id)
    );
    CREATE INDEX watch_deliveries_by_alert ON watch_deliveries (alert_id, position);

    CREATE TABLE watch_cursors (
      platform  TEXT PRIMARY KEY,
      revision  BIGINT NOT NULL
    );
    `,
    // For the retention prune (`prune`): alerts by when they finished.
    `
    CREATE INDEX watch_alerts_by_finished ON watch_alerts (finished_at);
    `,
  ],
};
