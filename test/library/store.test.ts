/**
 * The paper store's contract on both backends (`eachBackend`: SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set), with races between two processes (two states on one database, two
 * connection pools on PostgreSQL); then what only SQLite has (its file, its migrations from older
 * versions, a race of two real processes on one file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { titleKey } from '../../src/papers/title-key.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';
import { MIGRATIONS } from '../../src/schedule/sqlite-migrations.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { openStateDatabase } from '../../src/db/sqlite.ts';
import { PAPER_PG_MIGRATIONS } from '../../src/library/postgres-migrations.ts';
import { PAPER_MIGRATIONS } from '../../src/library/sqlite-migrations.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { PaperStore, UpsertOutcome } from '../../src/library/store.ts';
import type { State } from '../../src/state/state.ts';
import { eachBackend, type TestDatabase, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { startRace, type Race } from '../helpers/run-worker.ts';

const dirs: string[] = [];
const open: SqlitePaperStore[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The papers module's schema version this code writes. */
const PV = PAPER_MIGRATIONS.migrations.length;

function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'paperboy-'));
  dirs.push(d);
  return join(d, 'state.db');
}

function openStore(file: string, now?: () => number): SqlitePaperStore {
  const s = SqlitePaperStore.open(file, now ? { now } : {});
  open.push(s);
  return s;
}

/** A clock that ticks one millisecond per call, so `first_seen` orders inserts. */
function ticking(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}

const ABSTRACT =
  'We propose a method that compresses the key-value cache of large language models. ' +
  'It keeps 98.5% of the accuracy while using 4x less memory, and needs no fine-tuning.';

function fetched(over: Partial<FetchedPaper> & { arxivId: string }): FetchedPaper {
  return {
    title: `A Study of Paper ${over.arxivId}`,
    abstract: ABSTRACT,
    authors: ['Ada Lovelace', 'Alan Turing'],
    published: '2026-11-20',
    upvotes: 5,
    ...over,
  };
}

function hf(over: Partial<FetchedPaper> & { arxivId: string }): Paper {
  const r = paperFromFeed(fetched(over), 'hf');
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

/** A page-file paper (slug id, no arXiv id). */
function page(title: string, abstract = ABSTRACT): Paper {
  const parsed = parseDailyPapers(`Aug 8\n\n${title}\n\n${abstract}\n`, 'pages/aug.txt');
  expect(parsed.problems).toEqual([]);
  expect(parsed.papers).toHaveLength(1);
  return parsed.papers[0]!;
}

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter((n) => n !== 'sqlite_sequence');
  } finally {
    db.close();
  }
}

function migrations(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT module, version FROM schema_migrations ORDER BY module').all() as { module: string; version: number }[];
    return Object.fromEntries(rows.map((r) => [r.module, r.version]));
  } finally {
    db.close();
  }
}

eachBackend((backend) => {
  // Close what each test opened when it ends: every state is a pool of connections, and the server has few to share.
  const opened: State[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  /** An empty database of the test's own; every state opened on it is closed after the test. */
  async function fresh(): Promise<TestDatabase> {
    const db = await backend.fresh();
    return {
      where: db.where,
      async open(opts) {
        const state = await db.open(opts);
        opened.push(state);
        return state;
      },
    };
  }

  /** A paper store on an empty database of its own. */
  async function openPapers(now?: () => number): Promise<PaperStore> {
    const db = await fresh();
    return (await db.open(now ? { now } : {})).papers;
  }

  /** Two paper stores on one empty database, as two processes have them (two connections). */
  async function twoProcesses(): Promise<[PaperStore, PaperStore]> {
    const db = await fresh();
    return [(await db.open()).papers, (await db.open()).papers];
  }

  describe('paper store: upsertBatch', () => {
    it('adds new papers, then reports the same records unchanged without moving the revision', async () => {
      const s = await openPapers();
      const batch = [hf({ arxivId: '2611.00001' }), hf({ arxivId: '2611.00002' })];
      expect(await s.upsertBatch(batch)).toEqual({ added: ['2611.00001', '2611.00002'], updated: [], unchanged: [] });
      expect(await s.count()).toBe(2);
      const rev = await s.revision();
      expect(rev).toBe(1);
      const before = JSON.stringify(await s.all());

      expect(await s.upsertBatch(batch)).toEqual({ added: [], updated: [], unchanged: ['2611.00001', '2611.00002'] });
      expect(await s.revision()).toBe(rev);
      expect(JSON.stringify(await s.all())).toBe(before);
      expect(await s.count()).toBe(2);
    });

    it('stores the record exactly as given', async () => {
      const s = await openPapers();
      const p = hf({ arxivId: '2611.00001', upvotes: 12, githubRepo: 'https://github.com/a/b', keywords: ['kv cache'] });
      await s.upsertBatch([p]);
      expect(await s.all()).toEqual([p]);
    });

    it('an empty batch changes nothing', async () => {
      const s = await openPapers();
      expect(await s.upsertBatch([])).toEqual({ added: [], updated: [], unchanged: [] });
      expect(await s.revision()).toBe(0);
    });

    it('a higher upvote count is an update and moves the revision', async () => {
      const s = await openPapers();
      await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 5 }), hf({ arxivId: '2611.00002', upvotes: 5 })]);
      const rev = await s.revision();
      const out = await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 40 }), hf({ arxivId: '2611.00002', upvotes: 5 })]);
      expect(out).toEqual({ added: [], updated: ['2611.00001'], unchanged: ['2611.00002'] });
      expect(await s.revision()).toBeGreaterThan(rev);
      const [p] = (await s.all()).filter((x) => x.id === '2611.00001');
      expect(p?.upvotes).toBe(40);
    });

    it('counters keep the larger value whatever order the sightings come in', async () => {
      const s = await openPapers();
      await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 50, comments: 2, githubStars: 300 })]);
      const rev = await s.revision();
      // An older, smaller sighting comes in later: nothing changes.
      const out = await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 10, comments: 1, githubStars: 100 })]);
      expect(out).toEqual({ added: [], updated: [], unchanged: ['2611.00001'] });
      expect(await s.revision()).toBe(rev);
      const [p] = await s.all();
      expect([p?.upvotes, p?.comments, p?.githubStars]).toEqual([50, 2, 300]);

      // Mixed: one counter grows, another shrinks: the larger of each is kept.
      const out2 = await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 20, comments: 9, githubStars: 50 })]);
      expect(out2.updated).toEqual(['2611.00001']);
      const [q] = await s.all();
      expect([q?.upvotes, q?.comments, q?.githubStars]).toEqual([50, 9, 300]);
    });

    it('a longer abstract replaces a shorter one; a shorter one does not', async () => {
      const s = await openPapers();
      const short = 'We compress the KV cache of large language models by 4x with no fine-tuning.';
      const long = `${short} It keeps 98.5% of the accuracy across eight long-context benchmarks and runs 2.1x faster.`;
      await s.upsertBatch([hf({ arxivId: '2611.00001', abstract: short })]);
      expect((await s.upsertBatch([hf({ arxivId: '2611.00001', abstract: long })])).updated).toEqual(['2611.00001']);
      expect((await s.all())[0]?.abstract).toBe(long);
      expect((await s.upsertBatch([hf({ arxivId: '2611.00001', abstract: short })])).unchanged).toEqual(['2611.00001']);
      expect((await s.all())[0]?.abstract).toBe(long);
    });

    it('matches by arXiv id even when the title is spelled differently', async () => {
      const s = await openPapers();
      await s.upsertBatch([hf({ arxivId: '2611.00001', title: 'SnapKV: LLM Knows What You Are Looking For' })]);
      const out = await s.upsertBatch([hf({ arxivId: '2611.00001', title: 'A Completely Different Title', upvotes: 99 })]);
      expect(out).toEqual({ added: [], updated: ['2611.00001'], unchanged: [] });
      expect(await s.count()).toBe(1);
      const [p] = await s.all();
      expect(p?.title).toBe('SnapKV: LLM Knows What You Are Looking For');
      expect(p?.upvotes).toBe(99);
    });

    it('a stored slug-id paper gains the arXiv id by normalised title and keeps the slug in formerIds', async () => {
      const s = await openPapers();
      const pg = page('SnapKV: LLM Knows What You are Looking for Before Generation');
      expect(pg.arxivId).toBeUndefined();
      const slug = pg.id;
      expect(slug).toMatch(/^snapkv-/);
      expect(await s.upsertBatch([pg])).toEqual({ added: [slug], updated: [], unchanged: [] });

      // The feed spells the title differently (case, punctuation, a trailing period).
      const feed = hf({ arxivId: '2404.14469', title: 'SnapKV - LLM knows what you are looking for before generation.', upvotes: 8 });
      const out = await s.upsertBatch([feed]);
      expect(out).toEqual({ added: [], updated: ['2404.14469'], unchanged: [] });
      expect(await s.count()).toBe(1);
      const [p] = await s.all();
      expect(p?.id).toBe('2404.14469');
      expect(p?.arxivId).toBe('2404.14469');
      expect(p?.formerIds).toEqual([slug]);
      expect(p?.upvotes).toBe(8);
      expect(p?.sources).toEqual([...pg.sources, { feed: 'hf', date: '2026-11-20' }]);

      // The page paper seen again afterwards merges into the same row (by title) and changes nothing.
      expect(await s.upsertBatch([pg])).toEqual({ added: [], updated: [], unchanged: ['2404.14469'] });
      // And the arXiv id still matches it.
      expect((await s.upsertBatch([feed])).unchanged).toEqual(['2404.14469']);
      expect(await s.count()).toBe(1);
    });

    it('a page paper without arXiv id merges into a stored feed paper with the same title', async () => {
      const s = await openPapers();
      await s.upsertBatch([hf({ arxivId: '2404.14469', title: 'SnapKV: LLM Knows What You are Looking for Before Generation' })]);
      const pg = page('SnapKV: LLM Knows What You are Looking for Before Generation');
      const out = await s.upsertBatch([pg]);
      expect(out).toEqual({ added: [], updated: ['2404.14469'], unchanged: [] });
      const [p] = await s.all();
      expect(p?.id).toBe('2404.14469');
      expect(p?.formerIds).toEqual([pg.id]);
      expect(await s.count()).toBe(1);
    });

    it('two different papers with the same title but different arXiv ids stay two', async () => {
      const s = await openPapers();
      const title = 'Scaling Laws for Neural Language Models';
      const out = await s.upsertBatch([hf({ arxivId: '2001.08361', title }), hf({ arxivId: '2611.00042', title })]);
      expect(out.added).toEqual(['2001.08361', '2611.00042']);
      expect(await s.count()).toBe(2);
      // Seen again, each matches its own row.
      const again = await s.upsertBatch([hf({ arxivId: '2611.00042', title, upvotes: 70 }), hf({ arxivId: '2001.08361', title })]);
      expect(again).toEqual({ added: [], updated: ['2611.00042'], unchanged: ['2001.08361'] });
      expect(await s.count()).toBe(2);
    });

    it('the same paper twice in one batch is stored once', async () => {
      const s = await openPapers();
      const out = await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 1 }), hf({ arxivId: '2611.00001', upvotes: 3 })]);
      expect(out).toEqual({ added: ['2611.00001'], updated: ['2611.00001'], unchanged: [] });
      expect(await s.count()).toBe(1);
      expect((await s.all())[0]?.upvotes).toBe(3);
    });

    it('all() is newest published first, then latest first seen', async () => {
      const s = await openPapers(ticking());
      await s.upsertBatch([hf({ arxivId: '2611.00001', published: '2026-11-18' })]);
      await s.upsertBatch([hf({ arxivId: '2611.00002', published: '2026-11-20' })]);
      await s.upsertBatch([hf({ arxivId: '2611.00003', published: '2026-11-19' })]);
      await s.upsertBatch([hf({ arxivId: '2611.00004', published: '2026-11-20' })]);
      await s.upsertBatch([page('A Paper From a Page With No Date Known')]);
      const ids = (await s.all()).map((p) => p.id);
      expect(ids).toEqual(['2611.00004', '2611.00002', '2611.00003', '2611.00001', 'a-paper-from-a-page-with-no-date-known']);
    });

    it('an invalid record makes the whole batch fail and stores nothing of it', async () => {
      const s = await openPapers();
      await s.upsertBatch([hf({ arxivId: '2611.00001' })]);
      const rev = await s.revision();
      const before = JSON.stringify(await s.all());
      const bad = { ...hf({ arxivId: '2611.00003' }), id: 'Not A Valid Id!' };
      await expect(s.upsertBatch([hf({ arxivId: '2611.00002' }), hf({ arxivId: '2611.00001', upvotes: 90 }), bad])).rejects.toThrow(/id/);
      expect(await s.count()).toBe(1);
      expect(await s.revision()).toBe(rev);
      expect(JSON.stringify(await s.all())).toBe(before);
      // The store still works afterwards.
      expect((await s.upsertBatch([hf({ arxivId: '2611.00002' })])).added).toEqual(['2611.00002']);
    });
  });

  describe('paper store: snapshot and changedSince', () => {
    it('snapshot() is all() with the revision it belongs to', async () => {
      const s = await openPapers(ticking());
      expect(await s.snapshot()).toEqual({ revision: 0, papers: [] });
      await s.upsertBatch([hf({ arxivId: '2611.00001', published: '2026-11-18' }), hf({ arxivId: '2611.00002', published: '2026-11-20' })]);
      const snap = await s.snapshot();
      expect(snap.revision).toBe(await s.revision());
      expect(snap.papers).toEqual(await s.all());
      expect(snap.papers.map((p) => p.id)).toEqual(['2611.00002', '2611.00001']);
    });

    it('changedSince(r) is what was added or changed after r, oldest change first, with the current revision', async () => {
      const s = await openPapers(ticking());
      await s.upsertBatch([hf({ arxivId: '2611.00001' }), hf({ arxivId: '2611.00002' })]);
      const r1 = await s.revision();
      expect(await s.changedSince(r1)).toEqual({ revision: r1, papers: [], removed: [] });
      await s.upsertBatch([hf({ arxivId: '2611.00003' })]);
      await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 60 }), hf({ arxivId: '2611.00002' })]); // 00002 unchanged
      const r3 = await s.revision();
      const changed = await s.changedSince(r1);
      expect(changed.revision).toBe(r3);
      expect(changed.papers.map((p) => [p.id, p.upvotes])).toEqual([
        ['2611.00003', 5],
        ['2611.00001', 60],
      ]);
      expect((await s.changedSince(-1)).papers.map((p) => p.id).sort()).toEqual(['2611.00001', '2611.00002', '2611.00003']);
      // Unchanged upserts do not show up as changes.
      await s.upsertBatch([hf({ arxivId: '2611.00003' })]);
      expect(await s.changedSince(r3)).toEqual({ revision: r3, papers: [], removed: [] });
    });

    it('countChangedSince(r) counts what changedSince(r) lists, changed and removed, without reading it', async () => {
      const s = await openPapers(ticking());
      expect(await s.countChangedSince(0)).toBe(0);
      await s.upsertBatch([hf({ arxivId: '2611.00001' }), hf({ arxivId: '2611.00002' }), hf({ arxivId: '2611.00003' })]);
      const r1 = await s.revision();
      expect(await s.countChangedSince(-1)).toBe(3);
      expect(await s.countChangedSince(r1)).toBe(0);
      await s.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 60 }), hf({ arxivId: '2611.00002' }), hf({ arxivId: '2611.00004' })]); // 00002 unchanged
      await s.removePapers(['2611.00003']);
      for (const r of [-1, 0, r1, await s.revision()]) {
        const changed = await s.changedSince(r);
        expect(await s.countChangedSince(r), `after revision ${r}`).toBe(changed.papers.length + changed.removed.length);
      }
      expect(await s.countChangedSince(r1)).toBe(3);
    });

    it('a slug paper that gains its arXiv id shows up as changed under the new id', async () => {
      const s = await openPapers();
      const pg = page('SnapKV: LLM Knows What You are Looking for Before Generation');
      await s.upsertBatch([pg]);
      const r = await s.revision();
      await s.upsertBatch([hf({ arxivId: '2404.14469', title: pg.title })]);
      const changed = await s.changedSince(r);
      expect(changed.papers.map((p) => [p.id, p.formerIds])).toEqual([['2404.14469', [pg.id]]]);
    });

    it('removePapers drops papers by arXiv id in one new revision; changedSince lists them; unknown ids are ignored', async () => {
      const s = await openPapers(ticking());
      await s.upsertBatch([hf({ arxivId: '2611.00001' }), hf({ arxivId: '2611.00002' }), hf({ arxivId: '2611.00003' })]);
      const r1 = await s.revision();
      expect((await s.removePapers(['2611.00003', '2611.00001', '2611.09999', '2611.00001'])).sort()).toEqual(['2611.00001', '2611.00003']);
      const r2 = await s.revision();
      expect(r2).toBe(r1 + 1);
      expect((await s.all()).map((p) => p.id)).toEqual(['2611.00002']);
      const changed = await s.changedSince(r1);
      expect({ ...changed, removed: changed.removed.sort() }).toEqual({ revision: r2, papers: [], removed: ['2611.00001', '2611.00003'] });
      expect(await s.changedSince(r2)).toEqual({ revision: r2, papers: [], removed: [] });
      // Nothing to remove: no new revision.
      expect(await s.removePapers(['2611.00001'])).toEqual([]);
      expect(await s.revision()).toBe(r2);
      // Stored again later: back among the papers (and still listed as removed after r1, before it came back).
      await s.upsertBatch([hf({ arxivId: '2611.00001' })]);
      expect((await s.changedSince(r2)).papers.map((p) => p.id)).toEqual(['2611.00001']);
    });

    it('harvest positions are kept per source and replaced on save', async () => {
      const s = await openPapers();
      expect(await s.harvestPosition('oai:cs')).toBeUndefined();
      await s.saveHarvestPosition('oai:cs', '{"from":"2026-11-01"}', new Date('2026-11-02T04:00:00Z'));
      await s.saveHarvestPosition('oai:math', '{"from":"2026-10-01"}', new Date('2026-11-02T04:00:00Z'));
      await s.saveHarvestPosition('oai:cs', '{"from":"2026-11-03"}', new Date('2026-11-04T04:00:00Z'));
      expect(await s.harvestPosition('oai:cs')).toBe('{"from":"2026-11-03"}');
      expect(await s.harvestPosition('oai:math')).toBe('{"from":"2026-10-01"}');
    });

    it('changes written through another process are seen', async () => {
      const [a, b] = await twoProcesses();
      const r = await b.revision();
      await a.upsertBatch([hf({ arxivId: '2611.00001' })]);
      const changed = await b.changedSince(r);
      expect(changed.revision).toBe(await a.revision());
      expect(changed.papers.map((p) => p.id)).toEqual(['2611.00001']);
    });
  });

  describe('paper store: runs and slots', () => {
    it('recordRun + sourceStatus: last success and failure per source, with the last error text', async () => {
      const s = await openPapers();
      expect(await s.sourceStatus()).toEqual([]);
      const t = (iso: string) => new Date(iso);
      await s.recordRun({ source: 'hf', ok: true, at: t('2026-11-20T06:00:00Z'), added: 3, updated: 0, skipped: 0 });
      await s.recordRun({
        source: 'hf',
        ok: false,
        at: t('2026-11-21T06:00:00Z'),
        added: 0,
        updated: 0,
        skipped: 0,
        detail: '2026-11-21: HTTP 503 after 3 tries',
      });
      await s.recordRun({ source: 'hf', ok: true, at: t('2026-11-22T06:00:00Z'), added: 1, updated: 2, skipped: 1 });
      await s.recordRun({ source: 'hf', ok: false, at: t('2026-11-19T06:00:00Z'), added: 0, updated: 0, skipped: 0, detail: 'older failure' });
      await s.recordRun({
        source: 'arxiv',
        ok: false,
        at: t('2026-11-22T07:00:00Z'),
        added: 0,
        updated: 0,
        skipped: 0,
        detail: 'cs.CL@0: malformed XML from arXiv',
      });
      expect(await s.sourceStatus()).toEqual([
        { source: 'arxiv', lastFailureAt: t('2026-11-22T07:00:00Z'), lastError: 'cs.CL@0: malformed XML from arXiv' },
        {
          source: 'hf',
          lastSuccessAt: t('2026-11-22T06:00:00Z'),
          lastFailureAt: t('2026-11-21T06:00:00Z'),
          lastError: '2026-11-21: HTTP 503 after 3 tries',
        },
      ]);
    });

    it('claimSlot is true once, then false, also from a second process', async () => {
      const [a, b] = await twoProcesses();
      const now = new Date('2026-11-29T06:30:00Z');
      expect(await a.claimSlot('hf', '2026-11-29T06:30:00.000Z', now)).toBe(true);
      expect(await a.claimSlot('hf', '2026-11-29T06:30:00.000Z', now)).toBe(false);
      expect(await b.claimSlot('hf', '2026-11-29T06:30:00.000Z', now)).toBe(false);
      // Another slot or another job is free.
      expect(await b.claimSlot('hf', '2026-11-30T06:30:00.000Z', now)).toBe(true);
      expect(await a.claimSlot('arxiv', '2026-11-29T06:30:00.000Z', now)).toBe(true);
      expect(await a.claimSlot('hf', '2026-11-30T06:30:00.000Z', now)).toBe(false);
    });

    it('claimSlot races between two processes: exactly one wins each slot', async () => {
      const [a, b] = await twoProcesses();
      const now = new Date('2026-11-29T06:30:00Z');
      const slots = Array.from({ length: 20 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}T06:30:00.000Z`);
      const results = await Promise.all(slots.flatMap((slot) => [a.claimSlot('hf', slot, now), b.claimSlot('hf', slot, now)]));
      for (let i = 0; i < slots.length; i++) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
    });
  });

  describe('paper store: retention', () => {
    const t = (iso: string) => new Date(iso);
    const run = (source: 'hf' | 'arxiv', ok: boolean, at: string, detail?: string) => ({
      source,
      ok,
      at: t(at),
      added: 0,
      updated: 0,
      skipped: 0,
      ...(detail ? { detail } : {}),
    });

    it('prunes ingest runs older than the cut-off but each source’s newest success and failure (stats reads the same) and the newest run', async () => {
      const [a, b] = await twoProcesses();
      await a.recordRun(run('hf', true, '2026-01-01T06:00:00Z'));
      await a.recordRun(run('hf', false, '2026-01-02T06:00:00Z', 'old failure'));
      await a.recordRun(run('hf', false, '2026-01-03T06:00:00Z', 'last failure'));
      await a.recordRun(run('hf', true, '2026-01-04T06:00:00Z'));
      for (let d = 10; d < 20; d++) await a.recordRun(run('hf', true, `2026-02-${d}T06:00:00Z`));
      await a.recordRun(run('arxiv', true, '2026-01-05T06:00:00Z')); // its only success: kept however old
      await b.recordRun(run('arxiv', false, '2026-03-01T06:00:00Z', 'recent failure'));
      const status = await a.sourceStatus();
      const recorded = await a.runsRecorded();
      // hf: Jan 1, 2 and 4 and Feb 10–14 (not its last failure, Jan 3; its newest success is Feb 19); arxiv: nothing.
      expect(await b.prune(t('2026-02-15T00:00:00Z'))).toEqual({ ingestRuns: 8, jobSlots: 0 });
      expect(await a.sourceStatus()).toEqual(status);
      expect(await a.runsRecorded()).toBe(recorded);
      // Everything old: each source keeps its newest success and newest failure.
      expect(await a.prune(t('2027-01-01T00:00:00Z'))).toEqual({ ingestRuns: 4, jobSlots: 0 });
      expect(await b.sourceStatus()).toEqual(status);
      expect(await a.prune(t('2027-01-01T00:00:00Z'))).toEqual({ ingestRuns: 0, jobSlots: 0 });
    });

    it('keeps the newest run of all, whatever its source and outcome', async () => {
      const s = await openPapers();
      await s.recordRun(run('hf', true, '2026-01-04T06:00:00Z'));
      // Recorded last but dated earlier (a run that started before another one ended).
      await s.recordRun(run('hf', true, '2026-01-03T06:00:00Z'));
      const recorded = await s.runsRecorded();
      expect(await s.prune(t('2027-01-01T00:00:00Z'))).toEqual({ ingestRuns: 0, jobSlots: 0 });
      expect(await s.runsRecorded()).toBe(recorded);
    });

    it('prunes job slots claimed before the cut-off; a pruned slot is not claimed again by the jobs (only current slots are)', async () => {
      const [a, b] = await twoProcesses();
      await a.claimSlot('hf', '2026-01-01T06:30:00.000Z', t('2026-01-01T06:30:00Z'));
      await a.claimSlot('hf', '2026-01-02T06:30:00.000Z', t('2026-01-02T06:30:00Z'));
      await b.claimSlot('arxiv', '2026-01-03T06:30:00.000Z', t('2026-01-03T06:30:00Z'));
      expect(await b.prune(t('2026-01-02T06:30:00Z'))).toEqual({ ingestRuns: 0, jobSlots: 1 });
      expect(await a.claimSlot('hf', '2026-01-02T06:30:00.000Z', t('2026-01-03T00:00:00Z'))).toBe(false);
      expect(await a.prune(t('2026-02-01T00:00:00Z'))).toEqual({ ingestRuns: 0, jobSlots: 2 });
      // Papers are never pruned.
      await a.upsertBatch([hf({ arxivId: '2601.00001' })]);
      expect(await a.prune(t('2030-01-01T00:00:00Z'))).toEqual({ ingestRuns: 0, jobSlots: 0 });
      expect(await b.count()).toBe(1);
    });
  });

  describe('paper store: two processes on one database', () => {
    it('the same batch upserted concurrently from two stores creates no duplicates', async () => {
      const [a, b] = await twoProcesses();
      const batch = Array.from({ length: 30 }, (_, i) => hf({ arxivId: `2611.${String(i + 1).padStart(5, '0')}` }));
      const [ra, rb] = await Promise.all([a.upsertBatch(batch), b.upsertBatch(batch)]);
      expect(ra.added.length + rb.added.length).toBe(30);
      expect(ra.unchanged.length + rb.unchanged.length).toBe(30);
      expect(ra.updated.length + rb.updated.length).toBe(0);
      expect(await a.count()).toBe(30);
      expect(await b.count()).toBe(30);
      expect(new Set((await b.all()).map((p) => p.id)).size).toBe(30);
    });

    it('a change through one process moves the revision seen by the other', async () => {
      const [a, b] = await twoProcesses();
      const rev = await b.revision();
      await a.upsertBatch([hf({ arxivId: '2611.00001' })]);
      expect(await b.revision()).toBe(rev + 1);
      expect((await b.all()).map((p) => p.id)).toEqual(['2611.00001']);
    });
  });

  describe('paper store: what watches read, and restarts', () => {
    it('arrivals(revision, since): papers changed after the revision and first stored after since, with when', async () => {
      let t = Date.parse('2026-11-26T09:00:00Z');
      const s = await openPapers(() => t);
      const p = (n: number, upvotes = 1) => hf({ arxivId: `2611.0000${n}`, upvotes });
      expect(await s.arrivals(-1, new Date(0))).toEqual({ revision: 0, papers: [] });
      await s.upsertBatch([p(1)]);
      const rev1 = await s.revision();
      t += 1000;
      await s.upsertBatch([p(3), p(2)]);
      const all = await s.arrivals(-1, new Date(0));
      expect(all.revision).toBe(await s.revision());
      expect(all.papers.map((a) => [a.paper.id, a.firstSeen.getTime() - Date.parse('2026-11-26T09:00:00Z')])).toEqual([
        ['2611.00001', 0],
        ['2611.00002', 1000],
        ['2611.00003', 1000],
      ]);
      expect(all.papers[0]!.paper).toEqual(p(1));
      expect((await s.arrivals(rev1, new Date(0))).papers.map((a) => a.paper.id)).toEqual(['2611.00002', '2611.00003']);
      // Updated later, first stored before `since`: not an arrival.
      t += 1000;
      await s.upsertBatch([p(1, 50)]);
      const since = new Date(Date.parse('2026-11-26T09:00:00.500Z'));
      expect((await s.arrivals(rev1, since)).papers.map((a) => a.paper.id)).toEqual(['2611.00002', '2611.00003']);
      expect((await s.arrivals(await s.revision(), new Date(0))).papers).toEqual([]);
    });

    it('runsRecorded() grows with every recorded ingest run, in any process', async () => {
      const [a, b] = await twoProcesses();
      const at = new Date('2026-11-26T09:00:00Z');
      expect(await a.runsRecorded()).toBe(0);
      await b.recordRun({ source: 'hf', ok: true, at, added: 0, updated: 0, skipped: 0 });
      await b.recordRun({ source: 'arxiv', ok: false, at, added: 0, updated: 0, skipped: 0, detail: 'x' });
      expect(await a.runsRecorded()).toBe(2);
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordRun({ source: 'hf', ok: true, at, added: i, updated: 0, skipped: 0 })));
      expect(await b.runsRecorded()).toBe(12);
    });

    it('count() and the revision move together; papers and the revision survive closing and opening again', async () => {
      const db = await fresh();
      const first = await db.open();
      expect(await first.papers.count()).toBe(0);
      await first.papers.upsertBatch([hf({ arxivId: '2611.00001' }), hf({ arxivId: '2611.00002' })]);
      await first.papers.upsertBatch([hf({ arxivId: '2611.00001', upvotes: 70 })]);
      expect(await first.papers.count()).toBe(2);
      expect(await first.papers.revision()).toBe(2);
      const before = await first.papers.snapshot();
      await first.close();
      const again = await db.open();
      expect(await again.papers.snapshot()).toEqual(before);
      expect(await again.papers.claimSlot('hf', 'slot', new Date())).toBe(true);
    });

    it('papers first seen in the same millisecond, with the same published day, are ordered by id', async () => {
      const s = await openPapers(() => 1_700_000_000_000);
      await s.upsertBatch([hf({ arxivId: '2611.00002' }), hf({ arxivId: '2611.00010' }), hf({ arxivId: '2611.00001' })]);
      expect((await s.all()).map((p) => p.id)).toEqual(['2611.00001', '2611.00002', '2611.00010']);
      expect((await s.changedSince(0)).papers.map((p) => p.id)).toEqual(['2611.00001', '2611.00002', '2611.00010']);
    });

    it('a page paper matches the first stored paper of its title that has no arXiv id, else the first stored one', async () => {
      const s = await openPapers(ticking());
      const title = 'Scaling Laws for Neural Language Models';
      // Two feed papers of one title, added in one batch (the same millisecond): the page paper goes to the first.
      await s.upsertBatch([hf({ arxivId: '2611.00042', title }), hf({ arxivId: '2001.08361', title })]);
      const pg = page(title);
      expect(await s.upsertBatch([pg])).toEqual({ added: [], updated: ['2611.00042'], unchanged: [] });
      expect((await s.all()).find((p) => p.id === '2611.00042')?.formerIds).toEqual([pg.id]);
    });
  });

  describe('paper store: many writers at once', () => {
    /** An ISO day `n` days after 2026-01-01: a distinct HF listing day per batch. */
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

    it('concurrent batches from two processes: no duplicate, no lost update, one revision per batch', async () => {
      const [a, b] = await twoProcesses();
      const rounds = 16;
      const hot = '2611.09999';
      // Batch n (0 .. 2 * rounds - 1) of process p: the hot paper seen on its own day, four of eight shared papers (in
      // opposite orders in the two processes), and a title that one process has as a page paper and the other as a feed paper.
      const batchOf = (p: 0 | 1, r: number): Paper[] => {
        const n = p * rounds + r;
        const shared = Array.from({ length: 4 }, (_, i) =>
          hf({ arxivId: `2611.${String(((r + i) % 8) + 1).padStart(5, '0')}`, upvotes: n, published: day(n) }),
        );
        const title = `Shared Title of Race Round ${r}`;
        const titled = p === 0 ? page(title) : hf({ arxivId: `2612.${String(r + 1).padStart(5, '0')}`, title, published: day(n) });
        return [hf({ arxivId: hot, upvotes: n, published: day(n) }), ...(p === 0 ? shared : shared.reverse()), titled];
      };
      const batches = Array.from({ length: rounds }, (_, r) => [batchOf(0, r), batchOf(1, r)] as const);
      const outcomes: UpsertOutcome[] = await Promise.all(batches.flatMap(([pa, pb]) => [a.upsertBatch(pa), b.upsertBatch(pb)]));

      const all = await b.all();
      expect(all).toHaveLength(1 + 8 + rounds);
      expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
      for (let r = 0; r < rounds; r++) {
        const same = all.filter((p) => titleKey(p.title) === titleKey(`Shared Title of Race Round ${r}`));
        expect(same.map((p) => [p.id, p.formerIds])).toEqual([[`2612.${String(r + 1).padStart(5, '0')}`, [`shared-title-of-race-round-${r}`]]]);
      }
      // Every paper was added once over both processes (a page paper under its slug).
      const added = outcomes.flatMap((o) => o.added);
      expect(added).toHaveLength(all.length);
      expect(new Set(added).size).toBe(all.length);
      // No batch's sighting was lost: the hot paper has every day and the largest count; each shared paper has the day of
      // every batch it was in.
      const byId = new Map(all.map((p) => [p.id, p]));
      const days = (id: string) => (byId.get(id)?.sources ?? []).map((s) => ('date' in s ? s.date : '')).sort();
      expect(days(hot)).toEqual(Array.from({ length: 2 * rounds }, (_, n) => day(n)).sort());
      expect(byId.get(hot)?.upvotes).toBe(2 * rounds - 1);
      for (let k = 1; k <= 8; k++) {
        const id = `2611.${String(k).padStart(5, '0')}`;
        const expected = batches.flatMap(([pa, pb], r) => [pa, pb].flatMap((batch, p) => (batch.some((x) => x.id === id) ? [day(p * rounds + r)] : [])));
        expect(days(id), id).toEqual(expected.sort());
      }
      // Every batch changed something (the hot paper's new day), and each moved the revision by exactly one.
      expect(outcomes.every((o) => o.added.length + o.updated.length > 0)).toBe(true);
      expect(await a.revision()).toBe(2 * rounds);
    });

    it('updates of one stored paper from two processes at once lose nothing; a title stored from both at once is one paper', async () => {
      const [a, b] = await twoProcesses();
      const rounds = 20;
      const hot = '2611.09999';
      await a.upsertBatch([hf({ arxivId: hot, upvotes: 0, published: day(0) })]);
      // No batch inserts an id another one does, so only the store's own serialisation keeps these apart: each batch
      // brings the stored paper a new day, and one title as a page paper (slug id) or as a feed paper (arXiv id).
      const batchOf = (p: 0 | 1, r: number): Paper[] => {
        const n = 1 + p * rounds + r;
        const title = `Title Stored From Both Sides ${r}`;
        return [hf({ arxivId: hot, upvotes: n, published: day(n) }), p === 0 ? page(title) : hf({ arxivId: `2612.${String(r + 1).padStart(5, '0')}`, title })];
      };
      await Promise.all(Array.from({ length: rounds }, (_, r) => [a.upsertBatch(batchOf(0, r)), b.upsertBatch(batchOf(1, r))]).flat());
      const all = await b.all();
      const [stored] = all.filter((p) => p.id === hot);
      expect(stored?.sources.map((s) => ('date' in s ? s.date : '')).sort()).toEqual(Array.from({ length: 2 * rounds + 1 }, (_, n) => day(n)).sort());
      expect(stored?.upvotes).toBe(2 * rounds);
      for (let r = 0; r < rounds; r++) {
        expect(all.filter((p) => p.title === `Title Stored From Both Sides ${r}`).map((p) => p.id)).toEqual([`2612.${String(r + 1).padStart(5, '0')}`]);
      }
      expect(all).toHaveLength(1 + rounds);
      expect(await a.revision()).toBe(1 + 2 * rounds);
    });

    it('a reader following the revision never misses a paper, however the writers’ commits interleave', async () => {
      const db = await fresh();
      const [a, b, reader] = [(await db.open()).papers, (await db.open()).papers, (await db.open()).papers];
      const perWriter = 40;
      const seen = new Set<string>();
      let cursor = 0;
      let reads = 0;
      const follow = async () => {
        const { revision, papers } = await reader.changedSince(cursor);
        for (const p of papers) seen.add(p.id);
        expect(revision).toBeGreaterThanOrEqual(cursor);
        cursor = revision;
        reads++;
      };
      let writing = true;
      const following = (async () => {
        while (writing) await follow();
      })();
      const write = (s: PaperStore, w: number) =>
        Promise.all(Array.from({ length: perWriter }, (_, i) => s.upsertBatch([hf({ arxivId: `26${w}1.${String(i + 1).padStart(5, '0')}` })])));
      try {
        await Promise.all([write(a, 1), write(b, 2)]);
      } finally {
        writing = false;
        await following;
      }
      // Once more, after every writer is done: a paper committed with a revision the reader already passed is never seen.
      await follow();
      expect(reads).toBeGreaterThan(2);
      expect(seen.size).toBe(2 * perWriter);
      expect(cursor).toBe(2 * perWriter);
    });

    it('snapshot, changedSince and arrivals each read one snapshot while two processes write', async () => {
      const db = await fresh();
      const [a, b, reader] = [(await db.open()).papers, (await db.open()).papers, (await db.open()).papers];
      const perWriter = 40;
      // Every batch adds one paper and moves the revision by one: in one consistent read, revision = papers.
      const checks: number[] = [];
      const check = async () => {
        const [snap, changed, arrived] = await Promise.all([reader.snapshot(), reader.changedSince(0), reader.arrivals(0, new Date(0))]);
        expect(snap.papers).toHaveLength(snap.revision);
        expect(changed.papers).toHaveLength(changed.revision);
        expect(arrived.papers).toHaveLength(arrived.revision);
        checks.push(snap.revision);
      };
      let writing = true;
      const checking = (async () => {
        while (writing) await check();
      })();
      const write = (s: PaperStore, w: number) =>
        Promise.all(Array.from({ length: perWriter }, (_, i) => s.upsertBatch([hf({ arxivId: `26${w}1.${String(i + 1).padStart(5, '0')}` })])));
      try {
        await Promise.all([write(a, 1), write(b, 2)]);
      } finally {
        writing = false;
        await checking;
      }
      await check();
      expect(checks.length).toBeGreaterThan(2);
      expect(checks.at(-1)).toBe(2 * perWriter);
    });

    it('claimSlot from three processes at once: exactly one wins each slot', async () => {
      const db = await fresh();
      const stores = [(await db.open()).papers, (await db.open()).papers, (await db.open()).papers];
      const now = new Date('2026-11-29T06:30:00Z');
      const slots = Array.from({ length: 30 }, (_, i) => `2026-11-${String((i % 30) + 1).padStart(2, '0')}T06:30:00.000Z`);
      const results = await Promise.all(slots.map((slot) => Promise.all(stores.map((s) => s.claimSlot('hf', slot, now)))));
      for (const r of results) expect(r.filter(Boolean)).toHaveLength(1);
    });
  });

  // What only PostgreSQL has.
  if (backend.name === 'PostgreSQL')
    describe('PostgresPaperStore', () => {
      it('records the papers module at its version; a second process migrates nothing and shares the papers', async () => {
        const db = await fresh();
        const first = await db.open();
        await first.papers.upsertBatch([hf({ arxivId: '2611.00001' })]);
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          const found = await client.query(`SELECT version FROM ${db.where}.schema_migrations WHERE module = 'papers'`);
          expect(found.rows).toEqual([{ version: PAPER_PG_MIGRATIONS.migrations.length }]);
        } finally {
          await client.end();
        }
        const second = await db.open();
        expect((await second.papers.all()).map((p) => p.id)).toEqual(['2611.00001']);
      });

      it('a database failure is a StateStoreError that names the database', async () => {
        const db = await fresh();
        const state = await db.open();
        await state.close();
        const err = await state.papers.count().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StateStoreError);
        expect((err as Error).message).toContain(state.location);
        await expect(state.papers.upsertBatch([hf({ arxivId: '2611.00001' })])).rejects.toBeInstanceOf(StateStoreError);
      });
    });
});

describe('SqlitePaperStore: opening and migrations', () => {
  it('creates the tables through the migration runner and records the papers module', async () => {
    const file = tempDb();
    const s = openStore(file);
    expect(s.location).toBe(file);
    expect(await s.count()).toBe(0);
    expect(await s.revision()).toBe(0);
    expect(await s.all()).toEqual([]);
    await s.close();
    expect(tables(file)).toEqual(['harvest_positions', 'imports', 'ingest_runs', 'job_slots', 'papers', 'removed_papers', 'schema_migrations', 'store_meta']);
    expect(PV).toBeGreaterThanOrEqual(1);
    expect(migrations(file)).toEqual({ papers: PV });
  });

  it('opening twice is idempotent and keeps the papers', async () => {
    const file = tempDb();
    const a = openStore(file);
    await a.upsertBatch([hf({ arxivId: '2611.00001' })]);
    const rev = await a.revision();
    await a.close();
    const b = openStore(file);
    const c = openStore(file); // a second connection while the first is open
    expect(await b.count()).toBe(1);
    expect(await c.count()).toBe(1);
    expect(await b.revision()).toBe(rev);
    expect(migrations(file)).toEqual({ papers: PV });
    expect(tables(file)).toEqual(['harvest_positions', 'imports', 'ingest_runs', 'job_slots', 'papers', 'removed_papers', 'schema_migrations', 'store_meta']);
  });

  it('refuses a papers schema newer than it knows, with a clear StateStoreError', async () => {
    const file = tempDb();
    openStore(file);
    await open.pop()!.close();
    const db = new Database(file);
    db.prepare("UPDATE schema_migrations SET version = ? WHERE module = 'papers'").run(PV + 5);
    db.close();
    let err: unknown;
    try {
      openStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateStoreError);
    const e = err as StateStoreError;
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    expect(e.message).toContain(`papers schema version ${PV + 5}, newer than this Paperboy understands (${PV})`);
    expect(e.message).toMatch(/Upgrade Paperboy/);
    // Nothing was changed by the refused open.
    expect(migrations(file)).toEqual({ papers: PV + 5 });
  });

  it('adopts a legacy schedule database (user_version 1, no schema_migrations) without losing schedule rows', async () => {
    const file = tempDb();
    const raw = new Database(file);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        `INSERT INTO schedules (id, platform, channel_id, cron, timezone, kind, count, filter_kind, filter_value, source, created_at, active_since)
         VALUES ('legacy', 'slack', 'C9', '0 9 * * *', 'UTC', 'digest', 3, 'query', 'kv cache', 'chat', 1, 1)`,
      )
      .run();
    raw.close();
    expect(tables(file)).not.toContain('schema_migrations');

    const sched = SqliteScheduleStore.open(file);
    expect((await sched.listSchedules()).map((s) => [s.id, s.channelId, s.count])).toEqual([['legacy', 'C9', 3]]);
    await sched.close();
    expect(migrations(file)).toEqual({ schedule: MIGRATIONS.length });

    const papers = openStore(file);
    await papers.upsertBatch([hf({ arxivId: '2611.00001' })]);
    expect(await papers.count()).toBe(1);
    expect(migrations(file)).toEqual({ papers: PV, schedule: MIGRATIONS.length });

    // Both modules on one file, the schedule row intact; reopening the schedule store runs nothing again.
    const again = SqliteScheduleStore.open(file);
    const list = await again.listSchedules();
    expect(list.map((s) => [s.id, s.channelId, s.count, s.filter])).toEqual([['legacy', 'C9', 3, { kind: 'query', query: 'kv cache' }]]);
    await again.close();
    expect(tables(file)).toEqual(
      expect.arrayContaining(['schedules', 'runs', 'posted', 'papers', 'store_meta', 'ingest_runs', 'job_slots', 'schema_migrations']),
    );
  });

  it('a database at the first papers version is upgraded in place and keeps its papers', async () => {
    const file = tempDb();
    // What the first released papers module wrote: migration 0 only, rows without later columns.
    const { db } = openStateDatabase(file, [{ module: 'papers', migrations: PAPER_MIGRATIONS.migrations.slice(0, 1) }]);
    const old = hf({ arxivId: '2611.00001', published: '2026-11-19', upvotes: 3 });
    db.prepare('INSERT INTO papers (id, arxiv_id, title_key, published, record, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      old.id,
      old.arxivId,
      titleKey(old.title),
      old.published,
      JSON.stringify(old),
      1,
      1,
    );
    db.prepare("UPDATE store_meta SET value = 4 WHERE key = 'papers_rev'").run();
    db.close();
    expect(migrations(file)).toEqual({ papers: 1 });

    const s = openStore(file);
    expect(migrations(file)).toEqual({ papers: PV });
    expect(await s.all()).toEqual([old]);
    expect(await s.revision()).toBe(4);
    expect(await s.upsertBatch([hf({ arxivId: '2611.00001', published: '2026-11-19', upvotes: 9 }), hf({ arxivId: '2611.00002' })])).toEqual({
      added: ['2611.00002'],
      updated: ['2611.00001'],
      unchanged: [],
    });
    expect(await s.revision()).toBeGreaterThan(4);
    expect((await s.all()).map((p) => [p.id, p.upvotes])).toEqual([
      ['2611.00002', 5],
      ['2611.00001', 9],
    ]);
  });

  it('opening the papers store first, then the schedule store, also works', async () => {
    const file = tempDb();
    const papers = openStore(file);
    await papers.upsertBatch([hf({ arxivId: '2611.00001' })]);
    const sched = SqliteScheduleStore.open(file);
    expect(await sched.listSchedules()).toEqual([]);
    await sched.close();
    expect(migrations(file)).toEqual({ papers: PV, schedule: MIGRATIONS.length });
    expect(await papers.count()).toBe(1);
  });
});

const UPSERT_WORKER = fileURLToPath(new URL('./upsert-worker.ts', import.meta.url));

let race: Race | undefined;
afterEach(async () => {
  await race?.kill();
  race = undefined;
});

describe('SqlitePaperStore: two processes on one file', () => {
  it('racing batches (overlapping arXiv ids, and a page paper vs a feed paper of the same title) never duplicate', async () => {
    const file = tempDb();
    openStore(file); // create and migrate before the race
    await open.pop()!.close();
    const dir = join(file, '..');
    const rounds = 15;
    const batchesA: Paper[][] = [];
    const batchesB: Paper[][] = [];
    for (let r = 0; r < rounds; r++) {
      const ids = Array.from({ length: 8 }, (_, i) => `2611.${String(r * 4 + i + 1).padStart(5, '0')}`);
      const title = `Shared Title of Race Round ${r}`;
      batchesA.push([...ids.map((id) => hf({ arxivId: id, upvotes: r })), page(title)]);
      batchesB.push([...ids.reverse().map((id) => hf({ arxivId: id, upvotes: r + 1 })), hf({ arxivId: `2612.${String(r + 1).padStart(5, '0')}`, title })]);
    }
    writeFileSync(join(dir, 'a.json'), JSON.stringify(batchesA));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(batchesB));
    race = await startRace(UPSERT_WORKER, [file, join(dir, 'a.json'), join(dir, 'b.json')]);
    type Outcome = { added: string[] };
    const added: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const outcomes = (await race.command('upsert', r)) as unknown as Outcome[];
      added.push(...outcomes.flatMap((o) => o.added));
      const [a, b] = race.reportsAt(`round ${r}`);
      // Both processes had their batch ready before either was let through, and both then wrote it.
      expect(Math.max(a!.arrived, b!.arrived), `both processes reached round ${r} before it was released`).toBeLessThan(a!.released);
      expect(Math.min(a!.reported, b!.reported), `both processes upserted round ${r} after the release`).toBeGreaterThan(a!.released);
    }
    expect(await race.stop()).toEqual([0, 0]);

    const s = openStore(file);
    const all = await s.all();
    const expectedArxiv = (rounds - 1) * 4 + 8;
    expect(all).toHaveLength(expectedArxiv + rounds);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (let r = 0; r < rounds; r++) {
      const same = all.filter((p) => p.title === `Shared Title of Race Round ${r}`);
      expect(same).toHaveLength(1);
      expect(same[0]!.id).toBe(`2612.${String(r + 1).padStart(5, '0')}`);
      expect(same[0]!.formerIds).toEqual(['shared-title-of-race-round-' + r]);
    }
    // Every paper was added exactly once over both processes.
    expect(added).toHaveLength(all.length);
    expect(new Set(added).size).toBe(all.length);
  }, 60_000);
});
