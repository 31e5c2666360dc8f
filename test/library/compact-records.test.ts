/**
 * Paper records stored compactly (`record-codec.ts`) on both backends (PostgreSQL when
 * TEST_DATABASE_URL is set): new rows are compact; a database an older version wrote (JSON text
 * records, the schema before the compact-record migration) is upgraded and reads the same papers;
 * re-importing them counts them unchanged, moves no revision, and leaves their rows compact; a
 * damaged record is a `StateStoreError` naming the paper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/db/errors.ts';
import { migratePostgres } from '../../src/db/postgres-migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { openStateDatabase } from '../../src/db/sqlite.ts';
import { PAPER_PG_MIGRATIONS } from '../../src/library/postgres-migrations.ts';
import { RECORD_FORMAT } from '../../src/library/record-codec.ts';
import { PAPER_MIGRATIONS } from '../../src/library/sqlite-migrations.ts';
import { reviseFromArxiv } from '../../src/papers/merge.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { titleKey } from '../../src/papers/title-key.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { openPostgresState } from '../../src/state/postgres-state.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { TEST_DATABASE_URL } from '../helpers/backends.ts';

function arxiv(arxivId: string, over: { title?: string; abstract?: string; published?: string; authors?: string[] } = {}): Paper {
  const r = paperFromFeed(
    {
      arxivId,
      title: over.title ?? `A Study of Paper ${arxivId}`,
      abstract:
        over.abstract ??
        'We compress the key-value cache of large language models by 4x with $O(n^{2})$ cost, keeping 98.5\\% accuracy. ' +
          'Résumé: naïve baselines lose 12% on Über-long contexts 🚀.',
      authors: over.authors ?? ['Paul Erdős', 'Ada Lovelace'],
      published: over.published ?? '2026-11-20',
      categories: ['cs.CL', 'cs.LG'],
    },
    'arxiv',
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

function page(title: string, abstract: string): Paper {
  const parsed = parseDailyPapers(`Aug 8\n\n${title}\n\n${abstract}\n`, 'pages/aug.txt');
  expect(parsed.problems).toEqual([]);
  return parsed.papers[0]!;
}

/** What an older version stored: a mix of arXiv papers and a page paper (no arXiv id, no summary). */
const OLD: Paper[] = [
  arxiv('2611.00001', { title: 'E²GAN: Efficient GANs — 速い', authors: ['李雷', 'Zoë Ångström'] }),
  arxiv('2611.00002', { published: '2026-11-19' }),
  page('SnapKV: Selecting KV Cache Positions', 'The KV cache is compressed by selecting positions per attention head, up to 3.6x faster.'),
];

/** A database on one backend, opened as Paperboy opens it, and its rows as stored. */
interface Backend {
  name: string;
  /** An empty database at the papers schema before compact records, holding `papers` as an older version wrote them. */
  legacy(papers: readonly Paper[], revision: number): Promise<Db>;
  fresh(): Promise<Db>;
}

interface Db {
  open(): Promise<State>;
  /** How a paper's record is stored: compact bytes, or the JSON an older version wrote. */
  storedAs(id: string): Promise<'compact' | 'json'>;
  /** Overwrite a paper's stored record with these bytes (damage). */
  overwrite(id: string, bytes: Buffer): Promise<void>;
}

const states: State[] = [];
afterEach(async () => {
  for (const s of states.splice(0)) await s.close();
});

function sqlite(): Backend {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const at = (): { dir: string; file: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-compact-'));
    dirs.push(dir);
    return { dir, file: join(dir, 'state.db') };
  };
  const db = (dir: string, file: string): Db => ({
    async open() {
      const s = openSqliteState(dir);
      states.push(s);
      return s;
    },
    async storedAs(id) {
      const raw = new Database(file, { readonly: true });
      try {
        const r = raw.prepare('SELECT typeof(record) AS type, record FROM papers WHERE id = ?').get(id) as { type: string; record: Buffer | string };
        if (r.type === 'blob' && (r.record as Buffer)[0] === RECORD_FORMAT) return 'compact';
        if (r.type === 'text') return 'json';
        throw new Error(`unexpected record ${r.type}`);
      } finally {
        raw.close();
      }
    },
    async overwrite(id, bytes) {
      const raw = new Database(file);
      try {
        raw.prepare('UPDATE papers SET record = ? WHERE id = ?').run(bytes, id);
      } finally {
        raw.close();
      }
    },
  });
  return {
    name: 'SQLite',
    async legacy(papers, revision) {
      const { dir, file } = at();
      const before = PAPER_MIGRATIONS.migrations.length - 1;
      const { db: raw } = openStateDatabase(file, [{ module: 'papers', migrations: PAPER_MIGRATIONS.migrations.slice(0, before) }]);
      const insert = raw.prepare(
        'INSERT INTO papers (id, arxiv_id, title_key, published, record, first_seen, updated_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      papers.forEach((p, i) => insert.run(p.id, p.arxivId ?? null, titleKey(p.title), p.published ?? null, JSON.stringify(p), 1000 + i, 1000 + i, revision));
      raw.prepare("UPDATE store_meta SET value = ? WHERE key = 'papers_rev'").run(revision);
      raw.close();
      return db(dir, file);
    },
    async fresh() {
      const { dir, file } = at();
      return db(dir, file);
    },
  };
}

function postgres(url: string): Backend {
  const schemas: string[] = [];
  afterAll(async () => {
    if (schemas.length === 0) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    } finally {
      await client.end();
    }
  });
  const query = async <T extends pg.QueryResultRow>(schema: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const create = async (): Promise<string> => {
    const schema = `t_compact_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    schemas.push(schema);
    await query('public', `CREATE SCHEMA ${schema}`);
    return schema;
  };
  const db = (schema: string): Db => ({
    async open() {
      const s = await openPostgresState(url, { schema, max: 2 });
      states.push(s);
      return s;
    },
    async storedAs(id) {
      const [r] = await query<{ b: number }>(schema, 'SELECT get_byte(record, 0) AS b FROM papers WHERE id = $1', [id]);
      if (r?.b === RECORD_FORMAT) return 'compact';
      if (r?.b === '{'.charCodeAt(0)) return 'json';
      throw new Error(`unexpected record starting with ${r?.b}`);
    },
    async overwrite(id, bytes) {
      await query(schema, 'UPDATE papers SET record = $1 WHERE id = $2', [bytes, id]);
    },
  });
  return {
    name: 'PostgreSQL',
    async legacy(papers, revision) {
      const schema = await create();
      const { pool } = await openPostgres(url, { schema, max: 1 });
      try {
        const before = PAPER_PG_MIGRATIONS.migrations.length - 1;
        await migratePostgres(pool, 'test', [{ module: 'papers', migrations: PAPER_PG_MIGRATIONS.migrations.slice(0, before) }]);
        for (const [i, p] of papers.entries()) {
          await pool.query(
            'INSERT INTO papers (id, arxiv_id, title_key, published, record, first_seen, updated_at, rev) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)',
            [p.id, p.arxivId ?? null, titleKey(p.title), p.published ?? null, JSON.stringify(p), 1000 + i, revision],
          );
        }
        await pool.query("UPDATE store_meta SET value = $1 WHERE key = 'papers_rev'", [revision]);
      } finally {
        await pool.end();
      }
      return db(schema);
    },
    async fresh() {
      return db(await create());
    },
  };
}

// Without TEST_DATABASE_URL the PostgreSQL suite is reported as skipped (.ci/run sets it).
const url = TEST_DATABASE_URL;
const backends: Array<{ name: string; make: () => Backend; available: boolean }> = [
  { name: 'SQLite', make: sqlite, available: true },
  { name: url ? 'PostgreSQL' : 'PostgreSQL (needs TEST_DATABASE_URL)', make: () => postgres(url ?? 'postgres://unused'), available: url !== undefined },
];

for (const { name, make, available } of backends) {
  describe.runIf(available)(`compact records: ${name}`, () => {
    const backend = make();

    it('stores new records compactly; the same batch again is unchanged and reads back identical', async () => {
      const db = await backend.fresh();
      const { papers } = await db.open();
      expect(await papers.upsertBatch(OLD)).toEqual({ added: OLD.map((p) => p.id), updated: [], unchanged: [] });
      for (const p of OLD) expect(await db.storedAs(p.id)).toBe('compact');
      const rev = await papers.revision();
      expect(await papers.upsertBatch(OLD, { merge: reviseFromArxiv })).toEqual({ added: [], updated: [], unchanged: OLD.map((p) => p.id) });
      expect(await papers.upsertBatch(OLD)).toEqual({ added: [], updated: [], unchanged: OLD.map((p) => p.id) });
      expect(await papers.revision()).toBe(rev);
      const all = await papers.all();
      expect(sortById(all)).toEqual(sortById(OLD));
      expect(JSON.stringify(sortById(all))).toBe(JSON.stringify(sortById(OLD)));
    });

    it('a database with JSON records from an older version reads the same papers after the upgrade', async () => {
      const db = await backend.legacy(OLD, 7);
      const { papers } = await db.open();
      for (const p of OLD) expect(await db.storedAs(p.id)).toBe('json');
      expect(await papers.revision()).toBe(7);
      const all = await papers.all();
      expect(JSON.stringify(sortById(all))).toBe(JSON.stringify(sortById(OLD)));
      expect(sortById((await papers.snapshot()).papers)).toEqual(sortById(OLD));
      expect(sortById((await papers.changedSince(0)).papers)).toEqual(sortById(OLD));
      expect((await papers.arrivals(0, new Date(0))).papers.map((a) => a.paper)).toEqual(OLD);
    });

    it('re-importing the old records counts them unchanged, moves no revision, and stores them compactly', async () => {
      const db = await backend.legacy(OLD, 7);
      const { papers } = await db.open();
      const arxivOnes = OLD.filter((p) => p.arxivId !== undefined);
      expect(await papers.upsertBatch(arxivOnes, { merge: reviseFromArxiv })).toEqual({ added: [], updated: [], unchanged: arxivOnes.map((p) => p.id) });
      expect(await papers.revision()).toBe(7);
      expect((await papers.changedSince(7)).papers).toEqual([]);
      for (const p of arxivOnes) expect(await db.storedAs(p.id)).toBe('compact');
      expect(await db.storedAs(OLD[2]!.id)).toBe('json'); // not seen again: left as it was
      expect(JSON.stringify(sortById(await papers.all()))).toBe(JSON.stringify(sortById(OLD)));
      // And again, now from the compact rows.
      expect(await papers.upsertBatch(arxivOnes, { merge: reviseFromArxiv })).toEqual({ added: [], updated: [], unchanged: arxivOnes.map((p) => p.id) });
      expect(await papers.revision()).toBe(7);
    });

    it('an old record that changes is updated, stored compactly, under a new revision', async () => {
      const db = await backend.legacy(OLD, 7);
      const { papers } = await db.open();
      const revised = arxiv('2611.00002', { published: '2026-11-19', abstract: `${OLD[1]!.abstract} A longer abstract of the revised version.` });
      expect(await papers.upsertBatch([revised], { merge: reviseFromArxiv })).toEqual({ added: [], updated: ['2611.00002'], unchanged: [] });
      expect(await papers.revision()).toBe(8);
      expect(await db.storedAs('2611.00002')).toBe('compact');
      const [changed] = (await papers.changedSince(7)).papers;
      expect(changed!.abstract).toBe(revised.abstract);
      expect(sortById(await papers.all()).map((p) => p.id)).toEqual(sortById(OLD).map((p) => p.id));
    });

    it('a damaged record is a StateStoreError that names the paper', async () => {
      const db = await backend.fresh();
      const { papers } = await db.open();
      await papers.upsertBatch(OLD);
      await db.overwrite('2611.00002', Buffer.from([RECORD_FORMAT, 0xff, 0x00, 0x13, 0x37]));
      const err = await papers.all().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StateStoreError);
      expect((err as Error).message).toContain('2611.00002');
      await expect(papers.upsertBatch([OLD[1]!])).rejects.toBeInstanceOf(StateStoreError);
    });

    it('reads one record at once where the store can (SQLite: what the index cache reads texts from); PostgreSQL cannot', async () => {
      const db = await backend.legacy(OLD.slice(0, 1), 7);
      const { papers } = await db.open();
      await papers.upsertBatch(OLD.slice(1));
      if (name !== 'SQLite') {
        expect('recordNow' in papers).toBe(false);
        return;
      }
      const now = papers.recordNow!.bind(papers);
      // An old JSON row and compact rows read alike, as all() reads them.
      const all = await papers.all();
      for (const p of OLD) expect(JSON.stringify(now(p.id))).toBe(JSON.stringify(all.find((x) => x.id === p.id)));
      expect(now('2611.99999')).toBeUndefined();
      await db.overwrite('2611.00002', Buffer.from([RECORD_FORMAT, 0xff, 0x00, 0x13, 0x37]));
      expect(() => now('2611.00002')).toThrow(StateStoreError);
      expect(() => now('2611.00002')).toThrow(/2611\.00002/);
    });
  });
}

function sortById(list: readonly Paper[]): Paper[] {
  return [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
