import type Database from 'better-sqlite3';
import { mergePaper } from '../papers/merge.ts';
import { PaperSchema, type Paper } from '../papers/paper.ts';
import { titleKey } from '../papers/title-key.ts';
import { openStateDatabase } from '../db/sqlite.ts';
import { StateStoreError } from '../db/errors.ts';
import { encodeRecordJson, isCompactRecord, parseRecordJson, recordJson } from './record-codec.ts';
import { PAPER_MIGRATIONS } from './sqlite-migrations.ts';
import type { FeedName, ImportProgress, IngestRun, PaperPruneResult, PaperStore, PreparedPaper, SourceStatus, UpsertOptions, UpsertOutcome } from './store.ts';

/**
 * A stored paper row. `record` is the compact record (`record-codec.ts`, a BLOB), or JSON text in
 * rows an older version wrote (the column is declared TEXT, which keeps BLOBs as they are): both
 * read the same, and an older row is rewritten compactly the next time its paper is stored.
 */
interface PaperRow {
  id: string;
  arxiv_id: string | null;
  record: Buffer | string;
}

/** An incoming paper as a batch writes it: validated, serialised, keyed; `record` when already encoded, `paper` when at hand. */
interface Row {
  id: string;
  arxivId: string | undefined;
  titleKey: string;
  published: string | undefined;
  json: string;
  record?: Uint8Array;
  paper?: Paper;
}

/** A paper's id and stored record, as the reads select them. */
interface StoredRecord {
  id: string;
  record: Buffer | string;
}

/**
 * Ingest runs `prune` deletes: recorded before the cut-off (the statement's one parameter), and
 * neither the newest success nor the newest failure of their source (what `sourceStatus` reads),
 * nor the newest run of all (`runsRecorded` never goes back).
 */
const OLD_INGEST_RUNS = `at < ?
  AND id NOT IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY source, ok ORDER BY at DESC, id DESC) AS n FROM ingest_runs) newest WHERE n = 1)
  AND id <> (SELECT MAX(id) FROM ingest_runs)`;

/**
 * Stored papers in the SQLite state database (`DATA_DIR/state.db`), beside the schedules. Records
 * are kept compactly (`record-codec.ts`); rows an older version wrote as JSON text read the same
 * and are stored compactly when a batch next sees their paper, changed or not.
 */
export class SqlitePaperStore implements PaperStore {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #now: () => number;

  readonly #ownsConnection: boolean;
  #byId: Database.Statement | undefined;

  /**
   * A store over an open state database (the state root's shared connection, whose migrations
   * it has run). `ownsConnection`: `close()` closes the connection too (a store opened on its own).
   */
  constructor(db: Database.Database, location: string, opts: { now?: () => number; ownsConnection?: boolean } = {}) {
    this.#db = db;
    this.location = location;
    this.#now = opts.now ?? Date.now;
    this.#ownsConnection = opts.ownsConnection ?? false;
  }

  /**
   * Open (creating and migrating) the state database file. Throws `StateStoreError` with a clear
   * message. No integrity scan here (it reads the whole file, ~0.2 s with 100,000 papers, on every
   * one-shot command); the schedule store checks the file when the bot starts.
   */
  static open(file: string, opts: { now?: () => number } = {}): SqlitePaperStore {
    const { db, path } = openStateDatabase(file, [PAPER_MIGRATIONS], { integrityCheck: false });
    return new SqlitePaperStore(db, path, { ...opts, ownsConnection: true });
  }

  async upsertBatch(papers: readonly Paper[], opts: UpsertOptions = {}): Promise<UpsertOutcome> {
    return this.#write(
      papers,
      (incoming) => {
        const paper = PaperSchema.parse(incoming);
        return { id: paper.id, arxivId: paper.arxivId, titleKey: titleKey(paper.title), published: paper.published, json: JSON.stringify(paper), paper };
      },
      opts,
    );
  }

  async upsertPrepared(papers: readonly PreparedPaper[], opts: UpsertOptions = {}): Promise<UpsertOutcome> {
    return this.#write(papers, (p) => p, opts);
  }

  /**
   * One batch in one transaction. `ready` turns each item into a row (`upsertBatch` validates and
   * serialises here; `upsertPrepared` had that done elsewhere): both write the same bytes.
   */
  #write<T>(items: readonly T[], ready: (item: T) => Row, opts: UpsertOptions): UpsertOutcome {
    const db = this.#db;
    const merge = opts.merge ?? mergePaper;
    const byArxiv = db.prepare('SELECT id, arxiv_id, record FROM papers WHERE arxiv_id = ?');
    const byTitle = db.prepare('SELECT id, arxiv_id, record FROM papers WHERE title_key = ? ORDER BY first_seen');
    const insert = db.prepare('INSERT INTO papers (id, arxiv_id, title_key, published, record, first_seen, updated_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const update = db.prepare('UPDATE papers SET id = ?, arxiv_id = ?, title_key = ?, published = ?, record = ?, updated_at = ?, rev = ? WHERE id = ?');
    // An unchanged paper in a row written before the compact format: the same record, stored compactly (no new revision).
    const recode = db.prepare('UPDATE papers SET record = ? WHERE id = ?');
    const bump = db.prepare("UPDATE store_meta SET value = ? WHERE key = 'papers_rev'");
    const currentRev = db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck();
    const run = db.transaction((batch: readonly T[]): UpsertOutcome => {
      const out: UpsertOutcome = { added: [], updated: [], unchanged: [] };
      const now = this.#now();
      const rev = (currentRev.get() as number) + 1;
      for (const item of batch) {
        const incoming = ready(item);
        const key = incoming.titleKey;
        let row = incoming.arxivId ? (byArxiv.get(incoming.arxivId) as PaperRow | undefined) : undefined;
        if (!row) {
          const rows = byTitle.all(key) as PaperRow[];
          row = rows.find((r) => r.arxiv_id === null || incoming.arxivId === undefined);
        }
        if (!row) {
          insert.run(incoming.id, incoming.arxivId ?? null, key, incoming.published ?? null, incoming.record ?? encodeRecordJson(incoming.json), now, now, rev);
          out.added.push(incoming.id);
          continue;
        }
        const storedJson = this.#json(row.record, row.id);
        // A prepared paper was validated where it was built: its JSON is the schema's output.
        const paper = incoming.paper ?? (JSON.parse(incoming.json) as Paper);
        const merged = merge(this.#parse(storedJson, row.id), paper);
        const record = JSON.stringify(merged);
        if (record === storedJson) {
          if (!isCompactRecord(row.record)) recode.run(encodeRecordJson(record), row.id);
          out.unchanged.push(merged.id);
          continue;
        }
        update.run(merged.id, merged.arxivId ?? null, titleKey(merged.title), merged.published ?? null, encodeRecordJson(record), now, rev, row.id);
        out.updated.push(merged.id);
      }
      if (out.added.length + out.updated.length > 0) bump.run(rev);
      return out;
    });
    return run.immediate(items);
  }

  async all(): Promise<Paper[]> {
    const rows = this.#db.prepare('SELECT id, record FROM papers ORDER BY published DESC, first_seen DESC, id').all() as StoredRecord[];
    return this.#papers(rows);
  }

  recordNow(id: string): Paper | undefined {
    this.#byId ??= this.#db.prepare('SELECT record FROM papers WHERE id = ?').pluck();
    const record = this.#byId.get(id) as Buffer | string | undefined;
    return record === undefined ? undefined : this.#parse(this.#json(record, id), id);
  }

  async changedSince(revision: number): Promise<{ revision: number; papers: Paper[]; removed: string[] }> {
    // One read transaction: the papers and the revision they belong to are one snapshot.
    const read = this.#db.transaction(() => ({
      revision: this.#db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get() as number,
      rows: this.#db.prepare('SELECT id, record FROM papers WHERE rev > ? ORDER BY rev, first_seen, id').all(revision) as StoredRecord[],
      removed: this.#db.prepare('SELECT id FROM removed_papers WHERE rev > ? ORDER BY rev, id').pluck().all(revision) as string[],
    }));
    const { revision: now, rows, removed } = read.deferred();
    return { revision: now, papers: this.#papers(rows), removed };
  }

  async countChangedSince(revision: number): Promise<number> {
    return this.#db
      .prepare('SELECT (SELECT count(*) FROM papers WHERE rev > ?) + (SELECT count(*) FROM removed_papers WHERE rev > ?)')
      .pluck()
      .get(revision, revision) as number;
  }

  async removePapers(arxivIds: readonly string[]): Promise<string[]> {
    const db = this.#db;
    const find = db.prepare('SELECT id FROM papers WHERE arxiv_id = ?').pluck();
    const del = db.prepare('DELETE FROM papers WHERE id = ?');
    const mark = db.prepare('INSERT INTO removed_papers (id, rev) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET rev = excluded.rev');
    const run = db.transaction((ids: readonly string[]): string[] => {
      const rev = (db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get() as number) + 1;
      const removed: string[] = [];
      for (const arxivId of new Set(ids)) {
        const id = find.get(arxivId) as string | undefined;
        if (id === undefined) continue;
        del.run(id);
        mark.run(id, rev);
        removed.push(id);
      }
      if (removed.length) db.prepare("UPDATE store_meta SET value = ? WHERE key = 'papers_rev'").run(rev);
      return removed;
    });
    return run.immediate(arxivIds);
  }

  async harvestPosition(source: string): Promise<string | undefined> {
    return this.#db.prepare('SELECT position FROM harvest_positions WHERE source = ?').pluck().get(source) as string | undefined;
  }

  async saveHarvestPosition(source: string, position: string, at: Date): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO harvest_positions (source, position, at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET position = excluded.position, at = excluded.at',
      )
      .run(source, position, at.getTime());
  }

  async snapshot(): Promise<{ revision: number; papers: Paper[] }> {
    const read = this.#db.transaction(() => ({
      revision: this.#db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get() as number,
      rows: this.#db.prepare('SELECT id, record FROM papers ORDER BY published DESC, first_seen DESC, id').all() as StoredRecord[],
    }));
    const { revision, rows } = read.deferred();
    return { revision, papers: this.#papers(rows) };
  }

  async revision(): Promise<number> {
    return this.#db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get() as number;
  }

  async arrivals(revision: number, since: Date): Promise<{ revision: number; papers: { paper: Paper; firstSeen: Date }[] }> {
    const read = this.#db.transaction(() => ({
      revision: this.#db.prepare("SELECT value FROM store_meta WHERE key = 'papers_rev'").pluck().get() as number,
      rows: this.#db
        .prepare('SELECT id, record, first_seen FROM papers WHERE rev > ? AND first_seen > ? ORDER BY first_seen, id')
        .all(revision, since.getTime()) as (StoredRecord & { first_seen: number })[],
    }));
    const { revision: now, rows } = read.deferred();
    return { revision: now, papers: rows.map((r) => ({ paper: this.#paper(r), firstSeen: new Date(r.first_seen) })) };
  }

  async runsRecorded(): Promise<number> {
    return this.#db.prepare('SELECT COALESCE(MAX(id), 0) FROM ingest_runs').pluck().get() as number;
  }

  async count(): Promise<number> {
    return this.#db.prepare('SELECT COUNT(*) FROM papers').pluck().get() as number;
  }

  async recordRun(run: IngestRun): Promise<void> {
    this.#db
      .prepare('INSERT INTO ingest_runs (source, ok, at, added, updated, skipped, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(run.source, run.ok ? 1 : 0, run.at.getTime(), run.added, run.updated, run.skipped, run.detail ?? null);
  }

  async sourceStatus(): Promise<SourceStatus[]> {
    const rows = this.#db
      .prepare(
        `SELECT source,
           (SELECT MAX(at) FROM ingest_runs r WHERE r.source = s.source AND r.ok = 1) AS ok_at,
           (SELECT MAX(at) FROM ingest_runs r WHERE r.source = s.source AND r.ok = 0) AS fail_at,
           (SELECT detail FROM ingest_runs r WHERE r.source = s.source AND r.ok = 0 ORDER BY at DESC, id DESC LIMIT 1) AS error
         FROM (SELECT DISTINCT source FROM ingest_runs) s ORDER BY source`,
      )
      .all() as { source: FeedName; ok_at: number | null; fail_at: number | null; error: string | null }[];
    return rows.map((r) => {
      const s: SourceStatus = { source: r.source };
      if (r.ok_at !== null) s.lastSuccessAt = new Date(r.ok_at);
      if (r.fail_at !== null) s.lastFailureAt = new Date(r.fail_at);
      if (r.error !== null) s.lastError = r.error;
      return s;
    });
  }

  async claimSlot(job: string, slot: string, now: Date): Promise<boolean> {
    const r = this.#db.prepare('INSERT OR IGNORE INTO job_slots (job, slot, claimed_at) VALUES (?, ?, ?)').run(job, slot, now.getTime());
    return r.changes === 1;
  }

  async prune(before: Date): Promise<PaperPruneResult> {
    const t = before.getTime();
    const tx = this.#db.transaction((): PaperPruneResult => ({
      ingestRuns: this.#db.prepare(`DELETE FROM ingest_runs WHERE ${OLD_INGEST_RUNS}`).run(t).changes,
      jobSlots: this.#db.prepare('DELETE FROM job_slots WHERE claimed_at < ?').run(t).changes,
    }));
    return tx.immediate();
  }

  async importProgress(key: string): Promise<ImportProgress | undefined> {
    const row = this.#db.prepare('SELECT key, lines, done, added, updated, unchanged, skipped, at FROM imports WHERE key = ?').get(key) as
      { key: string; lines: number; done: number; added: number; updated: number; unchanged: number; skipped: number; at: number } | undefined;
    return row && { ...row, done: row.done === 1, at: new Date(row.at) };
  }

  async saveImportProgress(p: ImportProgress): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO imports (key, lines, done, added, updated, unchanged, skipped, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET lines = excluded.lines, done = excluded.done, added = excluded.added, updated = excluded.updated,
           unchanged = excluded.unchanged, skipped = excluded.skipped, at = excluded.at`,
      )
      .run(p.key, p.lines, p.done ? 1 : 0, p.added, p.updated, p.unchanged, p.skipped, p.at.getTime());
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }

  #papers(rows: readonly StoredRecord[]): Paper[] {
    return rows.map((r) => this.#paper(r));
  }

  #paper(row: StoredRecord): Paper {
    return this.#parse(this.#json(row.record, row.id), row.id);
  }

  /** A row's record as JSON text; a damaged one is a `StateStoreError` naming the paper and the file. */
  #json(record: Buffer | string, id: string): string {
    return this.#readable(() => recordJson(record), id);
  }

  #parse(json: string, id: string): Paper {
    return this.#readable(() => parseRecordJson(json), id);
  }

  #readable<T>(read: () => T, id: string): T {
    try {
      return read();
    } catch (err) {
      throw new StateStoreError(
        `The stored paper ${id} in ${this.location} cannot be read (${err instanceof Error ? err.message : String(err)}).`,
        this.location,
        { cause: err },
      );
    }
  }
}
