import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/**
 * Schema migrations of the watch module in the state database (run by the shared runner,
 * `db/sqlite-migrate.ts`). Append only: never edit a migration that has shipped. Times are
 * Unix milliseconds.
 */
export const WATCH_MIGRATIONS: ModuleMigrations = {
  module: 'watches',
  migrations: [
    `
    CREATE TABLE watches (
      id             TEXT PRIMARY KEY,
      platform       TEXT NOT NULL CHECK (platform IN ('shell', 'slack', 'discord')),
      workspace_id   TEXT,
      channel_id     TEXT NOT NULL,
      personal       INTEGER NOT NULL DEFAULT 0,
      created_by     TEXT,
      query          TEXT NOT NULL,
      author         TEXT,
      created_at     INTEGER NOT NULL,
      paused         INTEGER NOT NULL DEFAULT 0,
      paused_reason  TEXT,
      paused_at      INTEGER
    );
    CREATE INDEX watches_by_channel ON watches (platform, channel_id);

    CREATE TABLE watch_alerts (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      watch_id     TEXT NOT NULL,
      status       TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
      attempts     INTEGER NOT NULL DEFAULT 0,
      reason       TEXT,
      claimed_at   INTEGER NOT NULL,
      finished_at  INTEGER
    );
    CREATE INDEX watch_alerts_by_watch ON watch_alerts (watch_id, id);
    CREATE INDEX watch_alerts_pending ON watch_alerts (status, claimed_at);

    CREATE TABLE watch_deliveries (
      watch_id     TEXT NOT NULL,
      paper_id     TEXT NOT NULL,
      alert_id     INTEGER NOT NULL,
      position     INTEGER NOT NULL,
      status       TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'failed')),
      attempts     INTEGER NOT NULL DEFAULT 0,
      tries        INTEGER NOT NULL DEFAULT 1,
      retry        INTEGER NOT NULL DEFAULT 0,
      reason       TEXT,
      claimed_at   INTEGER NOT NULL,
      finished_at  INTEGER,
      PRIMARY KEY (watch_id, paper_id)
    );
    CREATE INDEX watch_deliveries_by_alert ON watch_deliveries (alert_id, position);

    CREATE TABLE watch_cursors (
      platform  TEXT PRIMARY KEY,
      revision  INTEGER NOT NULL
    );
    `,
    // For the retention prune (`prune`): alerts by when they finished.
    `
    CREATE INDEX watch_alerts_by_finished ON watch_alerts (finished_at);
    `,
  ],
};
