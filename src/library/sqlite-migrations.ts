import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/** The papers module's migrations (append only). Times are Unix milliseconds. */
export const PAPER_MIGRATIONS: ModuleMigrations = {
  module: 'papers',
  migrations: [
    `
    CREATE TABLE papers (
      id          TEXT PRIMARY KEY,
      arxiv_id    TEXT UNIQUE,
      title_key   TEXT NOT NULL,
      published   TEXT,
      record      TEXT NOT NULL,
      first_seen  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    );
    CREATE INDEX papers_by_title ON papers (title_key);
    CREATE INDEX papers_by_published ON papers (published, first_seen);

    CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO store_meta (key, value) VALUES ('papers_rev', 0);

    CREATE TABLE ingest_runs (
      id       INTEGER PRIMARY KEY AUTOINCREMENT,
      source   TEXT NOT NULL,
      ok       INTEGER NOT NULL,
      at       INTEGER NOT NULL,
      added    INTEGER NOT NULL,
      updated  INTEGER NOT NULL,
      skipped  INTEGER NOT NULL,
      detail   TEXT
    );
    CREATE INDEX ingest_runs_by_source ON ingest_runs (source, ok, at);

    CREATE TABLE job_slots (
      job         TEXT NOT NULL,
      slot        TEXT NOT NULL,
      claimed_at  INTEGER NOT NULL,
      PRIMARY KEY (job, slot)
    );
    `,
    // Which revision last changed each paper, so a running library reads only what changed.
    `
    ALTER TABLE papers ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX papers_by_rev ON papers (rev);
    `,
    // Bulk imports of arXiv's snapshot (`paperboy import`): how far each got, so one resumes.
    `
    CREATE TABLE imports (
      key        TEXT PRIMARY KEY,
      lines      INTEGER NOT NULL,
      done       INTEGER NOT NULL,
      added      INTEGER NOT NULL,
      updated    INTEGER NOT NULL,
      unchanged  INTEGER NOT NULL,
      skipped    INTEGER NOT NULL,
      at         INTEGER NOT NULL
    );
    `,
    // Papers arXiv deleted (OAI-PMH), by the revision that removed them, so running libraries drop
    // them too; and where each harvesting source got to.
    `
    CREATE TABLE removed_papers (id TEXT PRIMARY KEY, rev INTEGER NOT NULL);
    CREATE INDEX removed_papers_by_rev ON removed_papers (rev);
    CREATE TABLE harvest_positions (source TEXT PRIMARY KEY, position TEXT NOT NULL, at INTEGER NOT NULL);
    `,
    // Records are stored compactly from here on (`record-codec.ts`: deflated JSON, a BLOB in the
    // TEXT-declared column, which keeps BLOBs as they are). Rows written before stay JSON text and
    // read the same; each is rewritten compactly the next time its paper is stored. No SQL can
    // deflate, so nothing is rewritten here: the migration marks the change, so that an older
    // Paperboy, which cannot read a compact record, refuses the database instead of failing on it.
    `
    INSERT INTO store_meta (key, value) VALUES ('record_format', 1);
    `,
  ],
};
