import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/**
 * The papers module's PostgreSQL migrations (append only; the same tables as in SQLite,
 * `sqlite-migrations.ts`). Times are Unix milliseconds (BIGINT). Text that is sorted or matched
 * (ids, dates, title keys) is `COLLATE "C"`, so it orders byte by byte as in SQLite whatever the
 * database's locale. `seq` is the insertion order (SQLite's rowid): it breaks ties between papers
 * first seen in the same millisecond. `record` is the paper's compact record (`record-codec.ts`,
 * since the fourth migration; JSON text before), whose JSON is exactly as written, so "nothing
 * changed" is a comparison of JSON text as in SQLite.
 */
export const PAPER_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'papers',
  migrations: [
    `
    CREATE TABLE papers (
      id          TEXT COLLATE "C" PRIMARY KEY,
      arxiv_id    TEXT COLLATE "C" UNIQUE,
      title_key   TEXT COLLATE "C" NOT NULL,
      published   TEXT COLLATE "C",
      record      TEXT NOT NULL,
      first_seen  BIGINT NOT NULL,
      updated_at  BIGINT NOT NULL,
      rev         BIGINT NOT NULL DEFAULT 0,
      seq         BIGINT GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX papers_by_title ON papers (title_key);
    CREATE INDEX papers_by_published ON papers (published DESC NULLS LAST, first_seen DESC, id);
    CREATE INDEX papers_by_rev ON papers (rev);

    CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO store_meta (key, value) VALUES ('papers_rev', 0), ('ingest_runs', 0);

    CREATE TABLE ingest_runs (
      id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source   TEXT COLLATE "C" NOT NULL,
      ok       BOOLEAN NOT NULL,
      at       BIGINT NOT NULL,
      added    INTEGER NOT NULL,
      updated  INTEGER NOT NULL,
      skipped  INTEGER NOT NULL,
      detail   TEXT
    );
    CREATE INDEX ingest_runs_by_source ON ingest_runs (source, ok, at);

    CREATE TABLE job_slots (
      job         TEXT NOT NULL,
      slot        TEXT NOT NULL,
      claimed_at  BIGINT NOT NULL,
      PRIMARY KEY (job, slot)
    );
    `,
    // Bulk imports of arXiv's snapshot (`paperboy import`): how far each got, so one resumes.
    `
    CREATE TABLE imports (
      key        TEXT PRIMARY KEY,
      lines      BIGINT NOT NULL,
      done       BOOLEAN NOT NULL,
      added      INTEGER NOT NULL,
      updated    INTEGER NOT NULL,
      unchanged  INTEGER NOT NULL,
      skipped    INTEGER NOT NULL,
      at         BIGINT NOT NULL
    );
    `,
    // Papers arXiv deleted (OAI-PMH), by the revision that removed them, so running libraries drop
    // them too; and where each harvesting source got to.
    `
    CREATE TABLE removed_papers (id TEXT COLLATE "C" PRIMARY KEY, rev BIGINT NOT NULL);
    CREATE INDEX removed_papers_by_rev ON removed_papers (rev);
    CREATE TABLE harvest_positions (source TEXT PRIMARY KEY, position TEXT NOT NULL, at BIGINT NOT NULL);
    `,
    // Records stored compactly (`record-codec.ts`: deflated JSON) in bytea. TOAST compresses only
    // values over ~2 KB, with pglz: on the bench's records (2.8 KB of JSON) a text record took
    // 1,935 bytes and its row with the indexes 2,318; the compact record takes 1,181 and 1,361
    // (measured on PostgreSQL 15, 7,000 records). Existing records become their JSON's UTF-8 bytes
    // (one table rewrite, under the migration lock), which read as before; each is stored
    // compactly the next time its paper is stored.
    `
    ALTER TABLE papers ALTER COLUMN record TYPE bytea USING convert_to(record, 'UTF8');
    INSERT INTO store_meta (key, value) VALUES ('record_format', 1);
    `,
  ],
};
