import type Database from 'better-sqlite3';
import { z } from 'zod';
import { openStateDatabase } from '../db/sqlite.ts';
import { READING_MIGRATIONS } from './sqlite-migrations.ts';
import { ReaderSchema, SavedPaperIdSchema, type Reader, type ReadingListStore, type SavedPaper, type SaveRequest, type SaveResult } from './store.ts';

interface Row {
  paper_id: string;
  saved_at: number;
}

const IdsSchema = z.array(SavedPaperIdSchema).max(100);
const PageSchema = z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) });

const toSaved = (r: Row): SavedPaper => ({ paperId: r.paper_id, savedAt: new Date(r.saved_at) });

/**
 * Reading lists in the SQLite state database (`DATA_DIR/state.db`), beside schedules and papers.
 * Each write is one immediate transaction, so two processes sharing the file never add a paper
 * twice or grow a list past its limit. Papers saved in the same millisecond keep their order
 * (rowid).
 */
export class SqliteReadingListStore implements ReadingListStore {
  readonly location: string;
  readonly #db: Database.Database;

  readonly #ownsConnection: boolean;

  /**
   * A store over an open state database (the state root's shared connection, whose migrations
   * it has run). `ownsConnection`: `close()` closes the connection too (a store opened on its own).
   */
  constructor(db: Database.Database, location: string, opts: { ownsConnection?: boolean } = {}) {
    this.#db = db;
    this.location = location;
    this.#ownsConnection = opts.ownsConnection ?? false;
  }

  /** Open (creating and migrating) the state database. Throws `StateStoreError` with a clear message. */
  static open(file: string): SqliteReadingListStore {
    const { db, path } = openStateDatabase(file, [READING_MIGRATIONS], { integrityCheck: false });
    return new SqliteReadingListStore(db, path, { ownsConnection: true });
  }

  async save(reader: Reader, paperId: string, req: SaveRequest): Promise<SaveResult> {
    const who = ReaderSchema.parse(reader);
    const id = SavedPaperIdSchema.parse(paperId);
    const ids = [id, ...IdsSchema.parse(req.sameAs ?? []).filter((x) => x !== id)];
    const db = this.#db;
    const find = db.prepare(
      `SELECT paper_id, saved_at FROM reading_list WHERE platform = ? AND user_id = ? AND paper_id IN (${ids.map(() => '?').join(', ')}) ORDER BY saved_at LIMIT 1`,
    );
    const count = db.prepare('SELECT COUNT(*) FROM reading_list WHERE platform = ? AND user_id = ?').pluck();
    const insert = db.prepare('INSERT INTO reading_list (platform, user_id, paper_id, saved_at) VALUES (?, ?, ?, ?)');
    const run = db.transaction((): SaveResult => {
      const found = find.get(who.platform, who.userId, ...ids) as Row | undefined;
      if (found) return { kind: 'already', paperId: found.paper_id, savedAt: new Date(found.saved_at) };
      const total = count.get(who.platform, who.userId) as number;
      if (total >= req.max) return { kind: 'full', max: req.max };
      insert.run(who.platform, who.userId, id, req.now.getTime());
      return { kind: 'saved', savedAt: req.now, total: total + 1 };
    });
    return run.immediate();
  }

  async unsave(reader: Reader, paperIds: readonly string[]): Promise<number> {
    const who = ReaderSchema.parse(reader);
    const ids = IdsSchema.parse(paperIds);
    if (ids.length === 0) return 0;
    const del = this.#db.prepare(`DELETE FROM reading_list WHERE platform = ? AND user_id = ? AND paper_id IN (${ids.map(() => '?').join(', ')})`);
    return del.run(who.platform, who.userId, ...ids).changes;
  }

  async list(reader: Reader, page: { offset: number; limit: number }): Promise<{ total: number; items: SavedPaper[] }> {
    const who = ReaderSchema.parse(reader);
    const { offset, limit } = PageSchema.parse(page);
    const db = this.#db;
    const read = db.transaction(() => ({
      total: db.prepare('SELECT COUNT(*) FROM reading_list WHERE platform = ? AND user_id = ?').pluck().get(who.platform, who.userId) as number,
      rows: db
        .prepare('SELECT paper_id, saved_at FROM reading_list WHERE platform = ? AND user_id = ? ORDER BY saved_at DESC, rowid DESC LIMIT ? OFFSET ?')
        .all(who.platform, who.userId, limit, offset) as Row[],
    }));
    const { total, rows } = read.deferred();
    return { total, items: rows.map(toSaved) };
  }

  async all(reader: Reader): Promise<SavedPaper[]> {
    const who = ReaderSchema.parse(reader);
    const rows = this.#db
      .prepare('SELECT paper_id, saved_at FROM reading_list WHERE platform = ? AND user_id = ? ORDER BY saved_at, rowid')
      .all(who.platform, who.userId) as Row[];
    return rows.map(toSaved);
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }
}
