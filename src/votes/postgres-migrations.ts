import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/**
 * The votes module's migrations in the PostgreSQL state database: the same tables and columns as in
 * SQLite (`sqlite-migrations.ts`; append only; times are Unix ms in BIGINT columns).
 * `vote_posts`: the bot's one-paper messages. `vote_reactions`: counted reactions on them, one row
 * per person, message and emoji (the primary key: a reaction delivered twice, or to two processes,
 * is one row); a person's votes are derived from these, so a vote lasts while one of its reactions
 * does.
 */
export const VOTE_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'votes',
  migrations: [
    `
    CREATE TABLE vote_posts (
      platform      TEXT NOT NULL,
      channel_id    TEXT NOT NULL,
      message_id    TEXT NOT NULL,
      workspace_id  TEXT,
      paper_id      TEXT NOT NULL,
      posted_at     BIGINT NOT NULL,
      PRIMARY KEY (platform, channel_id, message_id)
    );

    CREATE TABLE vote_reactions (
      platform    TEXT NOT NULL,
      channel_id  TEXT NOT NULL,
      message_id  TEXT NOT NULL,
      user_id     TEXT NOT NULL,
      emoji       TEXT NOT NULL,
      paper_id    TEXT NOT NULL,
      reacted_at  BIGINT NOT NULL,
      PRIMARY KEY (platform, channel_id, message_id, user_id, emoji)
    );
    CREATE INDEX vote_reactions_by_voter ON vote_reactions (platform, channel_id, paper_id, user_id);
    `,
    // For the retention prune (`prune`): posts by when they were recorded.
    `
    CREATE INDEX vote_posts_by_time ON vote_posts (posted_at);
    `,
  ],
};
