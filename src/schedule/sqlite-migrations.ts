import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/**
 * Schema migrations of the schedule module in the state database (run by the shared runner,
 * `db/sqlite-migrate.ts`). Append only: never edit a migration that has shipped. Times are
 * stored as Unix milliseconds.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE schedules (
    id            TEXT PRIMARY KEY,
    platform      TEXT NOT NULL CHECK (platform IN ('shell', 'slack', 'discord')),
    channel_id    TEXT NOT NULL,
    cron          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('digest', 'paper-of-the-day')),
    count         INTEGER NOT NULL CHECK (count >= 1),
    filter_kind   TEXT NOT NULL CHECK (filter_kind IN ('all', 'query', 'topic')),
    filter_value  TEXT,
    source        TEXT NOT NULL CHECK (source IN ('config', 'chat')),
    paused        INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT,
    created_at    INTEGER NOT NULL,
    active_since  INTEGER NOT NULL,
    exhausted_at  INTEGER
  );
  CREATE INDEX schedules_by_channel ON schedules (platform, channel_id);

  CREATE TABLE runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id  TEXT NOT NULL,
    slot         TEXT NOT NULL,
    slot_at      INTEGER NOT NULL,
    trigger      TEXT NOT NULL CHECK (trigger IN ('cron', 'manual')),
    outcome      TEXT NOT NULL CHECK (outcome IN ('pending', 'posted', 'skipped', 'failed', 'exhausted')),
    detail       TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    claimed_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    UNIQUE (schedule_id, slot)
  );
  CREATE INDEX runs_by_schedule ON runs (schedule_id, trigger, slot_at);
  CREATE INDEX runs_pending ON runs (outcome, claimed_at);

  CREATE TABLE posted (
    platform     TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    paper_id     TEXT NOT NULL,
    schedule_id  TEXT NOT NULL,
    run_id       INTEGER NOT NULL,
    posted_at    INTEGER NOT NULL,
    PRIMARY KEY (platform, channel_id, paper_id)
  );
  CREATE INDEX posted_by_run ON posted (run_id);
  `,
  // Which config file defined each config schedule (its absolute path; NULL: chat-made, or a config
  // schedule stored before files were recorded), so processes with different config files leave
  // each other's schedules alone. The indexes serve the retention prune (`prune`).
  `
  ALTER TABLE schedules ADD COLUMN config_file TEXT;
  CREATE INDEX runs_by_finished ON runs (finished_at);
  CREATE INDEX posted_by_time ON posted (posted_at);
  `,
  // The workspace a schedule posts in (Slack team / Discord guild; NULL for older rows), and why and
  // since when it is paused: a workspace that removes the bot pauses its schedules with a reason of
  // its own, so they can be resumed (or purged) without touching ones a person paused.
  `
  ALTER TABLE schedules ADD COLUMN workspace_id TEXT;
  ALTER TABLE schedules ADD COLUMN paused_reason TEXT;
  ALTER TABLE schedules ADD COLUMN paused_at INTEGER;
  CREATE INDEX schedules_by_workspace ON schedules (platform, workspace_id);
  `,
];

/** The schedule module for the migration runner. Before the runner existed its version was `PRAGMA user_version`. */
export const SCHEDULE_MIGRATIONS: ModuleMigrations = {
  module: 'schedule',
  migrations: MIGRATIONS,
  legacyVersion: (db) => Number(db.pragma('user_version', { simple: true })) || 0,
};
