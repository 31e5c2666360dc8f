import type pg from 'pg';
import { z } from 'zod';
import { changes, lockFor, postgresError, row, rows, transaction } from '../db/postgres.ts';
import { ReaderSchema, SavedPaperIdSchema, type Reader, type ReadingListStore, type SavedPaper, type SaveRequest, type SaveResult } from './store.ts';

interface Row {
  paper_id: string;
  saved_at: number;
}

const IdsSchema = z.array(SavedPaperIdSchema).max(100);
const PageSchema = z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) });

const toSaved = (r: Row): SavedPaper => ({ paperId: r.paper_id, savedAt: new Date(r.saved_at) });

/**
 * Reading lists in the shared PostgreSQL state database, the same table as the SQLite store. A
 * `save` finds, counts and inserts under a transaction-scoped advisory lock on the reader's list,
 * so saves of one list from any number of processes take turns: a paper is added once (also under
 * another of its ids, which the primary key cannot see) and a list never grows past `max`. Saves
 * for different readers do not wait for each other. Papers saved in the same millisecond keep
 * their order (`seq`, as SQLite's rowid).
 */
export class PostgresReadingListStore implements ReadingListStore {
  readonly location: string;
  readonly #pool: pg.Pool;

  /** A store over the state root's pool (whose migrations it has run); `close()` leaves the pool to the state. */
  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async save(reader: Reader, paperId: string, req: SaveRequest): Promise<SaveResult> {
    const who = ReaderSchema.parse(reader);
    const id = SavedPaperIdSchema.parse(paperId);
    const ids = [id, ...IdsSchema.parse(req.sameAs ?? []).filter((x) => x !== id)];
    return this.#db(() =>
      transaction(this.#pool, async (client): Promise<SaveResult> => {
        // The platform has no colon, so the key names one list.
        await lockFor(client, `reading:${who.platform}:${who.userId}`);
        const found = await row<Row>(
          client,
          'SELECT paper_id, saved_at FROM reading_list WHERE platform = $1 AND user_id = $2 AND paper_id = ANY($3::text[]) ORDER BY saved_at, seq LIMIT 1',
          [who.platform, who.userId, ids],
        );
        if (found) return { kind: 'already', paperId: found.paper_id, savedAt: new Date(found.saved_at) };
        const total = await this.#count(client, who);
        if (total >= req.max) return { kind: 'full', max: req.max };
        await client.query('INSERT INTO reading_list (platform, user_id, paper_id, saved_at) VALUES ($1, $2, $3, $4)', [
          who.platform,
          who.userId,
          id,
          req.now.getTime(),
        ]);
        return { kind: 'saved', savedAt: req.now, total: total + 1 };
      }),
    );
  }

  async unsave(reader: Reader, paperIds: readonly string[]): Promise<number> {
    const who = ReaderSchema.parse(reader);
    const ids = IdsSchema.parse(paperIds);
    if (ids.length === 0) return 0;
    return this.#db(() =>
      changes(this.#pool, 'DELETE FROM reading_list WHERE platform = $1 AND user_id = $2 AND paper_id = ANY($3::text[])', [who.platform, who.userId, ids]),
    );
  }

  async list(reader: Reader, page: { offset: number; limit: number }): Promise<{ total: number; items: SavedPaper[] }> {
    const who = ReaderSchema.parse(reader);
    const { offset, limit } = PageSchema.parse(page);
    return this.#db(() =>
      transaction(this.#pool, async (client) => {
        // The total and the page are one snapshot.
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const total = await this.#count(client, who);
        const found = await rows<Row>(
          client,
          'SELECT paper_id, saved_at FROM reading_list WHERE platform = $1 AND user_id = $2 ORDER BY saved_at DESC, seq DESC LIMIT $3 OFFSET $4',
          [who.platform, who.userId, limit, offset],
        );
        return { total, items: found.map(toSaved) };
      }),
    );
  }

  async all(reader: Reader): Promise<SavedPaper[]> {
    const who = ReaderSchema.parse(reader);
    const found = await this.#db(() =>
      rows<Row>(this.#pool, 'SELECT paper_id, saved_at FROM reading_list WHERE platform = $1 AND user_id = $2 ORDER BY saved_at, seq', [
        who.platform,
        who.userId,
      ]),
    );
    return found.map(toSaved);
  }

  async close(): Promise<void> {}

  async #count(client: pg.PoolClient, who: Reader): Promise<number> {
    return (
      (await row<{ n: number }>(client, 'SELECT COUNT(*) AS n FROM reading_list WHERE platform = $1 AND user_id = $2', [who.platform, who.userId]))?.n ?? 0
    );
  }

  /** A database failure as the user should read it (`StateStoreError` naming the database). */
  async #db<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }
}
