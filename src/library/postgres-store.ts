import type pg from 'pg';
import { lockFor, postgresError, row, rows, transaction, changes } from '../db/postgres.ts';
import { mergePaper } from '../papers/merge.ts';
import { PaperSchema, type Paper } from '../papers/paper.ts';
import { titleKey } from '../papers/title-key.ts';
import { encodeRecordJson, isCompactRecord, parseRecordJson, RecordCodecError, recordJson } from './record-codec.ts';
import type { FeedName, ImportProgress, IngestRun, PaperPruneResult, PaperStore, PreparedPaper, SourceStatus, UpsertOptions, UpsertOutcome } from './store.ts';

interface StoredRow {
  id: string;
  arxiv_id: string | null;
  title_key: string;
  /** The compact record (`record-codec.ts`), or JSON as UTF-8 in rows written before it. */
  record: Buffer;
  first_seen: number;
  seq: number;
}

/** A paper's id and stored record, as the reads select them. */
interface StoredRecord {
  id: string;
  record: Buffer;
}

/** A paper row as the batch being upserted sees it: as stored, or as this batch has made it so far. */
interface Held {
  /** The row's id in the table before this batch (undefined: the batch inserts it). */
  storedId: string | undefined;
  id: string;
  arxivId: string | null;
  titleKey: string;
  published: string | null;
  /** The record's JSON text (stored compactly when written). */
  record: string;
  /** The stored row is an older one with a JSON record: stored compactly if the batch leaves it unchanged. */
  legacy: boolean;
  firstSeen: number;
  /** Insertion order: the stored `seq`, or after every stored row for rows this batch adds. */
  order: number;
  changed: boolean;
}

/** Papers inserted by one batch come after every stored row in insertion order. */
const NEW_ROW_ORDER = 2 ** 52;

/** Every writer of papers takes this lock first: revisions are then assigned in commit order. */
const WRITE_LOCK = 'papers:write';

/** Serialises retention prunes of ingest runs and job slots. */
const PRUNE_LOCK = 'papers:prune';

const REVISION = "SELECT value FROM store_meta WHERE key = 'papers_rev'";

/**
 * Ingest runs `prune` deletes: recorded before the cut-off (the statement's one parameter), and
 * neither the newest success nor the newest failure of their source (what `sourceStatus` reads),
 * nor the newest run of all (`runsRecorded` never goes back).
 */
const OLD_INGEST_RUNS = `at < $1
  AND id NOT IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY source, ok ORDER BY at DESC, id DESC) AS n FROM ingest_runs) newest WHERE n = 1)
  AND id <> (SELECT MAX(id) FROM ingest_runs)`;

/**
 * Stored papers in the shared PostgreSQL state database, the same tables as the SQLite store.
 *
 * Many processes write at once, so:
 * - `upsertBatch` runs under one transaction-scoped advisory lock (`papers:write`): matching on
 *   arXiv id and on the non-unique `title_key`, merging, and the revision's read-then-increment
 *   happen one batch at a time, so no batch loses another's update or adds a paper another has just
 *   added, and a batch's revision is assigned only after the previous one committed. A reader that
 *   saw revision N has therefore seen every paper written with a revision <= N.
 * - `snapshot`, `changedSince` and `arrivals` read the revision and the rows in one REPEATABLE READ
 *   transaction: one snapshot.
 * - `claimSlot` is an insert into a primary key (`ON CONFLICT DO NOTHING`): one winner.
 * - `runsRecorded` is a counter bumped in the same statement as the run is inserted (the counter's
 *   row lock orders them), so it grows in commit order.
 *
 * Records are bytea in the compact form (`record-codec.ts`), 40% smaller on disk than text that
 * TOAST compresses (see the migration); rows an older version wrote hold their JSON's bytes, read
 * the same, and are stored compactly when a batch next sees their paper, changed or not.
 */
export class PostgresPaperStore implements PaperStore {
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #now: () => number;

  /** A store over the state root's pool (whose migrations it has run); `close()` leaves the pool to the state. */
  constructor(pool: pg.Pool, location: string, opts: { now?: () => number } = {}) {
    this.#pool = pool;
    this.location = location;
    this.#now = opts.now ?? Date.now;
  }

  async upsertBatch(papers: readonly Paper[], opts: UpsertOptions = {}): Promise<UpsertOutcome> {
    // Validate before taking the lock: an invalid record fails the whole batch and writes nothing.
    const incoming = papers.map((p) => {
      const paper = PaperSchema.parse(p);
      return { paper, key: titleKey(paper.title) };
    });
    return this.#upsert(incoming, opts);
  }

  /** Validated where they were built: parsed back from their JSON and written as `upsertBatch` writes (the record is encoded again). */
  async upsertPrepared(papers: readonly PreparedPaper[], opts: UpsertOptions = {}): Promise<UpsertOutcome> {
    return this.#upsert(
      papers.map((p) => ({ paper: JSON.parse(p.json) as Paper, key: p.titleKey })),
      opts,
    );
  }

  async #upsert(incoming: readonly { paper: Paper; key: string }[], opts: UpsertOptions): Promise<UpsertOutcome> {
    const merge = opts.merge ?? mergePaper;
    if (incoming.length === 0) return { added: [], updated: [], unchanged: [] };
    return this.#db(() =>
      transaction(this.#pool, async (client) => {
        await lockFor(client, WRITE_LOCK);
        const rev = (await this.#revision(client)) + 1;
        const arxivIds = [...new Set(incoming.flatMap((i) => (i.paper.arxivId ? [i.paper.arxivId] : [])))];
        const keys = [...new Set(incoming.map((i) => i.key))];
        // Every row this batch can match: nothing else writes papers while the lock is held.
        const stored = await rows<StoredRow>(
          client,
          'SELECT id, arxiv_id, title_key, record, first_seen, seq FROM papers WHERE arxiv_id = ANY($1::text[]) OR title_key = ANY($2::text[])',
          [arxivIds, keys],
        );
        const batch = new Batch(
          stored.map((r) => ({
            storedId: r.id,
            id: r.id,
            arxivId: r.arxiv_id,
            titleKey: r.title_key,
            published: null,
            record: jsonOf(r),
            legacy: !isCompactRecord(r.record),
            firstSeen: r.first_seen,
            order: r.seq,
            changed: false,
          })),
        );
        const now = this.#now();
        const out: UpsertOutcome = { added: [], updated: [], unchanged: [] };
        /** Stored rows with a JSON record that the batch found unchanged. */
        const recode = new Set<Held>();
        for (const { paper, key } of incoming) {
          // As in SQLite: by arXiv id, else the first stored paper of that title that can be the same one.
          const held =
            (paper.arxivId ? batch.byArxiv(paper.arxivId) : undefined) ?? batch.byTitle(key).find((h) => h.arxivId === null || paper.arxivId === undefined);
          if (!held) {
            batch.add({
              storedId: undefined,
              id: paper.id,
              arxivId: paper.arxivId ?? null,
              titleKey: key,
              published: paper.published ?? null,
              record: JSON.stringify(paper),
              legacy: false,
              firstSeen: now,
              order: 0,
              changed: true,
            });
            out.added.push(paper.id);
            continue;
          }
          const merged = merge(parseRecordJson(held.record), paper);
          const record = JSON.stringify(merged);
          if (record === held.record) {
            if (held.legacy) recode.add(held);
            out.unchanged.push(merged.id);
            continue;
          }
          batch.change(held, { id: merged.id, arxivId: merged.arxivId ?? null, titleKey: titleKey(merged.title), published: merged.published ?? null, record });
          out.updated.push(merged.id);
        }
        await recodeUnchanged(
          client,
          [...recode].filter((h) => !h.changed),
        );
        if (out.added.length + out.updated.length === 0) return out;
        await writeBatch(client, batch, now, rev);
        await client.query("UPDATE store_meta SET value = $1 WHERE key = 'papers_rev'", [rev]);
        return out;
      }),
    );
  }

  async all(): Promise<Paper[]> {
    return this.#db(async () => {
      const found = await rows<StoredRecord>(this.#pool, 'SELECT id, record FROM papers ORDER BY published DESC NULLS LAST, first_seen DESC, id');
      return found.map(paperOf);
    });
  }

  async changedSince(revision: number): Promise<{ revision: number; papers: Paper[]; removed: string[] }> {
    return this.#snapshotRead(async (client) => {
      const now = await this.#revision(client);
      const found = await rows<StoredRecord>(client, 'SELECT id, record FROM papers WHERE rev > $1 ORDER BY rev, first_seen, id', [revision]);
      const removed = await rows<{ id: string }>(client, 'SELECT id FROM removed_papers WHERE rev > $1 ORDER BY rev, id', [revision]);
      return { revision: now, papers: found.map(paperOf), removed: removed.map((r) => r.id) };
    });
  }

  async countChangedSince(revision: number): Promise<number> {
    return this.#db(async () => {
      const [row] = await rows<{ n: string }>(
        this.#pool,
        'SELECT (SELECT count(*) FROM papers WHERE rev > $1) + (SELECT count(*) FROM removed_papers WHERE rev > $1) AS n',
        [revision],
      );
      return Number(row!.n);
    });
  }

  /** Under the write lock, as `upsertBatch`: the revision it takes is the next one, after every earlier batch. */
  async removePapers(arxivIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(arxivIds)];
    if (ids.length === 0) return [];
    return this.#db(() =>
      transaction(this.#pool, async (client) => {
        await lockFor(client, WRITE_LOCK);
        const rev = (await this.#revision(client)) + 1;
        const gone = await rows<{ id: string }>(client, 'DELETE FROM papers WHERE arxiv_id = ANY($1::text[]) RETURNING id', [ids]);
        if (gone.length === 0) return [];
        const removed = gone.map((r) => r.id).sort();
        await client.query('INSERT INTO removed_papers (id, rev) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO UPDATE SET rev = excluded.rev', [
          removed,
          rev,
        ]);
        await client.query("UPDATE store_meta SET value = $1 WHERE key = 'papers_rev'", [rev]);
        return removed;
      }),
    );
  }

  async harvestPosition(source: string): Promise<string | undefined> {
    return this.#db(async () => (await row<{ position: string }>(this.#pool, 'SELECT position FROM harvest_positions WHERE source = $1', [source]))?.position);
  }

  async saveHarvestPosition(source: string, position: string, at: Date): Promise<void> {
    await this.#db(() =>
      this.#pool.query(
        'INSERT INTO harvest_positions (source, position, at) VALUES ($1, $2, $3) ON CONFLICT (source) DO UPDATE SET position = excluded.position, at = excluded.at',
        [source, position, at.getTime()],
      ),
    );
  }

  async snapshot(): Promise<{ revision: number; papers: Paper[] }> {
    return this.#snapshotRead(async (client) => {
      const revision = await this.#revision(client);
      const found = await rows<StoredRecord>(client, 'SELECT id, record FROM papers ORDER BY published DESC NULLS LAST, first_seen DESC, id');
      return { revision, papers: found.map(paperOf) };
    });
  }

  async revision(): Promise<number> {
    return this.#db(() => this.#revision(this.#pool));
  }

  async arrivals(revision: number, since: Date): Promise<{ revision: number; papers: { paper: Paper; firstSeen: Date }[] }> {
    return this.#snapshotRead(async (client) => {
      const now = await this.#revision(client);
      const found = await rows<StoredRecord & { first_seen: number }>(
        client,
        'SELECT id, record, first_seen FROM papers WHERE rev > $1 AND first_seen > $2 ORDER BY first_seen, id',
        [revision, since.getTime()],
      );
      return { revision: now, papers: found.map((r) => ({ paper: paperOf(r), firstSeen: new Date(r.first_seen) })) };
    });
  }

  async runsRecorded(): Promise<number> {
    return this.#db(async () => (await row<{ value: number }>(this.#pool, "SELECT value FROM store_meta WHERE key = 'ingest_runs'"))?.value ?? 0);
  }

  async count(): Promise<number> {
    return this.#db(async () => (await row<{ n: number }>(this.#pool, 'SELECT COUNT(*) AS n FROM papers'))?.n ?? 0);
  }

  async recordRun(run: IngestRun): Promise<void> {
    await this.#db(() =>
      this.#pool.query(
        `WITH counted AS (UPDATE store_meta SET value = value + 1 WHERE key = 'ingest_runs' RETURNING value)
         INSERT INTO ingest_runs (source, ok, at, added, updated, skipped, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [run.source, run.ok, run.at.getTime(), run.added, run.updated, run.skipped, run.detail ?? null],
      ),
    );
  }

  async sourceStatus(): Promise<SourceStatus[]> {
    const found = await this.#db(() =>
      rows<{ source: FeedName; ok_at: number | null; fail_at: number | null; error: string | null }>(
        this.#pool,
        `SELECT source,
           (SELECT MAX(at) FROM ingest_runs r WHERE r.source = s.source AND r.ok) AS ok_at,
           (SELECT MAX(at) FROM ingest_runs r WHERE r.source = s.source AND NOT r.ok) AS fail_at,
           (SELECT detail FROM ingest_runs r WHERE r.source = s.source AND NOT r.ok ORDER BY at DESC, id DESC LIMIT 1) AS error
         FROM (SELECT DISTINCT source FROM ingest_runs) s ORDER BY source`,
      ),
    );
    return found.map((r) => {
      const s: SourceStatus = { source: r.source };
      if (r.ok_at !== null) s.lastSuccessAt = new Date(r.ok_at);
      if (r.fail_at !== null) s.lastFailureAt = new Date(r.fail_at);
      if (r.error !== null) s.lastError = r.error;
      return s;
    });
  }

  async claimSlot(job: string, slot: string, now: Date): Promise<boolean> {
    const n = await this.#db(() =>
      changes(this.#pool, 'INSERT INTO job_slots (job, slot, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (job, slot) DO NOTHING', [job, slot, now.getTime()]),
    );
    return n === 1;
  }

  /**
   * One transaction under `PRUNE_LOCK` (processes pruning at once take turns). Ingests insert new
   * runs and claim new slots, rows it never touches, so it waits for none of them.
   */
  async prune(before: Date): Promise<PaperPruneResult> {
    const t = before.getTime();
    return this.#db(() =>
      transaction(this.#pool, async (client): Promise<PaperPruneResult> => {
        await lockFor(client, PRUNE_LOCK);
        return {
          ingestRuns: await changes(client, `DELETE FROM ingest_runs WHERE ${OLD_INGEST_RUNS}`, [t]),
          jobSlots: await changes(client, 'DELETE FROM job_slots WHERE claimed_at < $1', [t]),
        };
      }),
    );
  }

  async importProgress(key: string): Promise<ImportProgress | undefined> {
    return this.#db(async () => {
      const found = await row<Omit<ImportProgress, 'at'> & { at: number }>(
        this.#pool,
        'SELECT key, lines, done, added, updated, unchanged, skipped, at FROM imports WHERE key = $1',
        [key],
      );
      return found && { ...found, at: new Date(found.at) };
    });
  }

  async saveImportProgress(p: ImportProgress): Promise<void> {
    await this.#db(() =>
      this.#pool.query(
        `INSERT INTO imports (key, lines, done, added, updated, unchanged, skipped, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (key) DO UPDATE SET lines = excluded.lines, done = excluded.done, added = excluded.added, updated = excluded.updated,
           unchanged = excluded.unchanged, skipped = excluded.skipped, at = excluded.at`,
        [p.key, p.lines, p.done, p.added, p.updated, p.unchanged, p.skipped, p.at.getTime()],
      ),
    );
  }

  async close(): Promise<void> {}

  async #revision(db: pg.Pool | pg.PoolClient): Promise<number> {
    return (await row<{ value: number }>(db, REVISION))?.value ?? 0;
  }

  /** Reads that must agree with each other (the revision and its rows): one REPEATABLE READ snapshot. */
  #snapshotRead<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#db(() =>
      transaction(this.#pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return work(client);
      }),
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

/** The rows one batch can match, looked up the way the SQLite store's queries find them, as the batch changes them. */
class Batch {
  readonly #byArxiv = new Map<string, Held>();
  readonly #byTitle = new Map<string, Held[]>();
  readonly held: Held[] = [];
  #added = 0;

  constructor(stored: Held[]) {
    for (const h of stored) this.#index(h);
  }

  byArxiv(arxivId: string): Held | undefined {
    return this.#byArxiv.get(arxivId);
  }

  /** The rows with this title key, first seen first (then in insertion order). */
  byTitle(key: string): readonly Held[] {
    return this.#byTitle.get(key) ?? [];
  }

  add(h: Held): void {
    h.order = NEW_ROW_ORDER + this.#added++;
    this.#index(h);
  }

  change(h: Held, to: Pick<Held, 'id' | 'arxivId' | 'titleKey' | 'published' | 'record'>): void {
    if (h.arxivId !== null && this.#byArxiv.get(h.arxivId) === h) this.#byArxiv.delete(h.arxivId);
    const list = this.#byTitle.get(h.titleKey);
    const at = list?.indexOf(h) ?? -1;
    if (at >= 0) list?.splice(at, 1);
    Object.assign(h, to, { changed: true });
    this.#index(h, false);
  }

  #index(h: Held, isNew = true): void {
    if (isNew) this.held.push(h);
    if (h.arxivId !== null) this.#byArxiv.set(h.arxivId, h);
    const list = this.#byTitle.get(h.titleKey) ?? [];
    list.push(h);
    list.sort((a, b) => a.firstSeen - b.firstSeen || a.order - b.order);
    this.#byTitle.set(h.titleKey, list);
  }
}

/** Store what a batch changed: one UPDATE for the stored rows, one INSERT (in the batch's order) for the new ones. */
async function writeBatch(client: pg.PoolClient, batch: Batch, now: number, rev: number): Promise<void> {
  const updated = batch.held.filter((h) => h.changed && h.storedId !== undefined);
  const added = batch.held.filter((h) => h.storedId === undefined);
  const columns = (list: Held[]) => [
    list.map((h) => h.id),
    list.map((h) => h.arxivId),
    list.map((h) => h.titleKey),
    list.map((h) => h.published),
    list.map((h) => encodeRecordJson(h.record)),
  ];
  if (updated.length > 0) {
    await client.query(
      `UPDATE papers AS p
         SET id = u.id, arxiv_id = u.arxiv_id, title_key = u.title_key, published = u.published, record = u.record, updated_at = $7, rev = $8
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[]) AS u(stored_id, id, arxiv_id, title_key, published, record)
       WHERE p.id = u.stored_id`,
      [updated.map((h) => h.storedId), ...columns(updated), now, rev],
    );
  }
  if (added.length > 0) {
    // Ordered, so `seq` follows the batch as SQLite's rowid does.
    await client.query(
      `INSERT INTO papers (id, arxiv_id, title_key, published, record, first_seen, updated_at, rev)
       SELECT u.id, u.arxiv_id, u.title_key, u.published, u.record, $6, $6, $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY AS u(id, arxiv_id, title_key, published, record, n)
       ORDER BY u.n`,
      [...columns(added), now, rev],
    );
  }
}

/**
 * Store compactly the records of older rows that the batch left unchanged (their JSON was stored
 * before the compact format): the same record, so neither the revision nor `updated_at` moves.
 */
async function recodeUnchanged(client: pg.PoolClient, recoded: readonly Held[]): Promise<void> {
  if (recoded.length === 0) return;
  await client.query('UPDATE papers AS p SET record = u.record FROM unnest($1::text[], $2::bytea[]) AS u(id, record) WHERE p.id = u.id', [
    recoded.map((h) => h.storedId),
    recoded.map((h) => encodeRecordJson(h.record)),
  ]);
}

/** A stored row's record as JSON text; a damaged one names the paper. */
function jsonOf(row: StoredRecord): string {
  try {
    return recordJson(row.record);
  } catch (err) {
    throw new RecordCodecError(`the stored paper ${row.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** A stored row as the paper it holds. */
function paperOf(row: StoredRecord): Paper {
  const json = jsonOf(row);
  try {
    return parseRecordJson(json);
  } catch (err) {
    throw new RecordCodecError(`the stored paper ${row.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
