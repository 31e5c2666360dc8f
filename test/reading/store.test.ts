/**
 * The reading-list store's contract on both backends (`eachBackend`: SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set), with saves racing from two processes (two states on one database, two
 * connection pools on PostgreSQL); then what only SQLite has (its file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import type { Reader, ReadingListStore, SaveResult } from '../../src/reading/store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { State } from '../../src/state/state.ts';
import { eachBackend, type TestDatabase } from '../helpers/backends.ts';

const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'paperboy-reading-'));
  dirs.push(d);
  return join(d, 'state.db');
}

function openStore(file = tempDb()): SqliteReadingListStore {
  const s = SqliteReadingListStore.open(file);
  open.push(s);
  return s;
}

const ann: Reader = { platform: 'slack', userId: 'U0001' };
const bob: Reader = { platform: 'slack', userId: 'U0002' };
const annOnDiscord: Reader = { platform: 'discord', userId: 'U0001' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute));

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

  /** A reading-list store on an empty database of its own. */
  async function openLists(): Promise<ReadingListStore> {
    return (await (await fresh()).open()).reading;
  }

  /** Reading-list stores on one empty database, as separate processes have them (a connection each). */
  async function processes(n: number): Promise<ReadingListStore[]> {
    const db = await fresh();
    const out: ReadingListStore[] = [];
    for (let i = 0; i < n; i++) out.push((await db.open()).reading);
    return out;
  }

  describe('reading-list store', () => {
    it('saves a paper once: saving again says it is already there, with when', async () => {
      const store = await openLists();
      expect(await store.save(ann, 'snapkv-paper', { now: at(0), max: 10 })).toEqual({ kind: 'saved', savedAt: at(0), total: 1 });
      expect(await store.save(ann, 'snapkv-paper', { now: at(5), max: 10 })).toEqual({ kind: 'already', paperId: 'snapkv-paper', savedAt: at(0) });
      expect((await store.list(ann, { offset: 0, limit: 10 })).total).toBe(1);
    });

    it('a paper saved under a former id counts as saved under its new one', async () => {
      const store = await openLists();
      await store.save(ann, 'old-slug', { now: at(0), max: 10 });
      expect(await store.save(ann, '2404.14469', { sameAs: ['old-slug'], now: at(1), max: 10 })).toEqual({
        kind: 'already',
        paperId: 'old-slug',
        savedAt: at(0),
      });
      expect(await store.unsave(ann, ['2404.14469', 'old-slug'])).toBe(1);
      expect((await store.all(ann)).length).toBe(0);
    });

    it('keeps one list per person per platform', async () => {
      const store = await openLists();
      await store.save(ann, 'a-paper', { now: at(0), max: 10 });
      await store.save(bob, 'b-paper', { now: at(1), max: 10 });
      await store.save(annOnDiscord, 'c-paper', { now: at(2), max: 10 });
      expect((await store.all(ann)).map((s) => s.paperId)).toEqual(['a-paper']);
      expect((await store.all(bob)).map((s) => s.paperId)).toEqual(['b-paper']);
      expect((await store.all(annOnDiscord)).map((s) => s.paperId)).toEqual(['c-paper']);
      expect(await store.unsave(bob, ['a-paper'])).toBe(0);
      expect((await store.all(ann)).length).toBe(1);
    });

    it('lists newest first in pages with the total; all() is oldest first; same-millisecond saves keep their order', async () => {
      const store = await openLists();
      for (let i = 0; i < 7; i++) await store.save(ann, `paper-${i}`, { now: at(i), max: 10 });
      await store.save(ann, 'same-b', { now: at(30), max: 10 });
      await store.save(ann, 'same-a', { now: at(30), max: 10 });
      const first = await store.list(ann, { offset: 0, limit: 5 });
      expect(first.total).toBe(9);
      expect(first.items.map((s) => s.paperId)).toEqual(['same-a', 'same-b', 'paper-6', 'paper-5', 'paper-4']);
      expect((await store.list(ann, { offset: 5, limit: 5 })).items.map((s) => s.paperId)).toEqual(['paper-3', 'paper-2', 'paper-1', 'paper-0']);
      expect((await store.list(ann, { offset: 10, limit: 5 })).items).toEqual([]);
      expect((await store.all(ann)).map((s) => s.paperId)).toEqual([
        'paper-0',
        'paper-1',
        'paper-2',
        'paper-3',
        'paper-4',
        'paper-5',
        'paper-6',
        'same-b',
        'same-a',
      ]);
      expect((await store.all(ann))[0]!.savedAt).toEqual(at(0));
      expect((await store.list(ann, { offset: 0, limit: 1 })).items).toEqual([{ paperId: 'same-a', savedAt: at(30) }]);
    });

    it('a paper unsaved and saved again goes to the top of the list', async () => {
      const store = await openLists();
      await store.save(ann, 'first', { now: at(0), max: 10 });
      await store.save(ann, 'second', { now: at(1), max: 10 });
      expect(await store.unsave(ann, ['first'])).toBe(1);
      expect(await store.save(ann, 'first', { now: at(1), max: 10 })).toEqual({ kind: 'saved', savedAt: at(1), total: 2 });
      expect((await store.all(ann)).map((s) => s.paperId)).toEqual(['second', 'first']);
    });

    it('refuses to grow a list past its limit', async () => {
      const store = await openLists();
      await store.save(ann, 'one', { now: at(0), max: 2 });
      await store.save(ann, 'two', { now: at(1), max: 2 });
      expect(await store.save(ann, 'three', { now: at(2), max: 2 })).toEqual({ kind: 'full', max: 2 });
      // Already saved is still "already", not "full".
      expect((await store.save(ann, 'one', { now: at(3), max: 2 })).kind).toBe('already');
      // Another person's list is not full.
      expect((await store.save(bob, 'three', { now: at(4), max: 2 })).kind).toBe('saved');
    });

    it('rejects bad input at the boundary', async () => {
      const store = await openLists();
      await expect(store.save({ platform: 'irc' as 'slack', userId: 'x' }, 'p', { now: at(0), max: 2 })).rejects.toThrow();
      await expect(store.save({ platform: 'slack', userId: '' }, 'p', { now: at(0), max: 2 })).rejects.toThrow();
      await expect(store.save(ann, 'Not An Id!', { now: at(0), max: 2 })).rejects.toThrow();
      await expect(store.save(ann, "x'); DROP TABLE reading_list; --", { now: at(0), max: 2 })).rejects.toThrow();
      await expect(store.list(ann, { offset: -1, limit: 5 })).rejects.toThrow();
      expect(await store.unsave(ann, [])).toBe(0);
      expect((await store.all(ann)).length).toBe(0);
    });

    it('survives closing and opening again', async () => {
      const db = await fresh();
      const first = await db.open();
      await first.reading.save(ann, 'kept-paper', { now: at(0), max: 10 });
      await first.close();
      const again = await db.open();
      expect(await again.reading.all(ann)).toEqual([{ paperId: 'kept-paper', savedAt: at(0) }]);
    });
  });

  describe('reading-list store: saves from several processes at once', () => {
    it('two processes saving the same paper add it once, and never past the limit', async () => {
      const [a, b] = (await processes(2)) as [ReadingListStore, ReadingListStore];
      const results = await Promise.all([a.save(ann, 'race', { now: at(0), max: 5 }), b.save(ann, 'race', { now: at(0), max: 5 })]);
      expect(results.map((r) => r.kind).sort()).toEqual(['already', 'saved']);
      for (let i = 0; i < 10; i++) await (i % 2 ? a : b).save(ann, `p-${i}`, { now: at(i + 1), max: 5 });
      expect((await a.all(ann)).length).toBe(5);
    });

    it('many saves of different papers racing past the limit: exactly the limit is saved, each with its own total', async () => {
      const stores = await processes(3);
      const max = 7;
      const results: SaveResult[] = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stores[i % stores.length]!.save(ann, `paper-${i}`, { now: at(i % 60), max })),
      );
      const saved = results.filter((r) => r.kind === 'saved');
      expect(saved).toHaveLength(max);
      expect(saved.map((r) => r.total).sort((x, y) => x - y)).toEqual(Array.from({ length: max }, (_, i) => i + 1));
      expect(results.filter((r) => r.kind === 'full')).toHaveLength(40 - max);
      expect(await stores[0]!.list(ann, { offset: 0, limit: 100 })).toMatchObject({ total: max });
      expect(await stores[1]!.all(ann)).toHaveLength(max);
    });

    it('the same paper saved at once under two of its ids (each knowing the other) is saved once', async () => {
      const [a, b] = (await processes(2)) as [ReadingListStore, ReadingListStore];
      const papers = 20;
      const results = await Promise.all(
        Array.from({ length: papers }, (_, i) => {
          const arxiv = `2404.${String(10000 + i)}`;
          const slug = `former-slug-${i}`;
          return Promise.all([a.save(ann, arxiv, { sameAs: [slug], now: at(1), max: 100 }), b.save(ann, slug, { sameAs: [arxiv], now: at(2), max: 100 })]);
        }),
      );
      for (const pair of results) expect(pair.map((r) => r.kind).sort()).toEqual(['already', 'saved']);
      expect(await a.all(ann)).toHaveLength(papers);
    });

    it('different readers do not share a limit, whatever process saves for them', async () => {
      const [a, b] = (await processes(2)) as [ReadingListStore, ReadingListStore];
      const readers: Reader[] = [ann, bob, annOnDiscord];
      const results = await Promise.all(
        readers.flatMap((r) => Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).save(r, `paper-${i}`, { now: at(i), max: 4 }))),
      );
      expect(results.filter((r) => r.kind === 'saved')).toHaveLength(3 * 4);
      for (const r of readers) expect(await a.all(r)).toHaveLength(4);
    });
  });

  // What only PostgreSQL has.
  if (backend.name === 'PostgreSQL')
    describe('PostgresReadingListStore', () => {
      it('a database failure is a StateStoreError that names the database', async () => {
        const state = await (await fresh()).open();
        await state.close();
        const err = await state.reading.save(ann, 'a-paper', { now: at(0), max: 10 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StateStoreError);
        expect((err as Error).message).toContain(state.location);
      });
    });
});

describe('SqliteReadingListStore', () => {
  it('shares the state database file with the other modules', async () => {
    const file = tempDb();
    const papers = SqlitePaperStore.open(file);
    open.push(papers);
    const first = SqliteReadingListStore.open(file);
    await first.save(ann, 'kept-paper', { now: at(0), max: 10 });
    await first.close();
    const again = openStore(file);
    expect((await again.all(ann)).map((s) => s.paperId)).toEqual(['kept-paper']);
    const db = new Database(file, { readonly: true });
    const modules = db.prepare('SELECT module, version FROM schema_migrations ORDER BY module').all();
    db.close();
    expect(modules).toEqual(
      expect.arrayContaining([
        { module: 'reading', version: 1 },
        { module: 'papers', version: expect.any(Number) },
      ]),
    );
  });

  it('a database it cannot write is a StateStoreError that names the file', () => {
    const d = mkdtempSync(join(tmpdir(), 'paperboy-reading-'));
    dirs.push(d);
    writeFileSync(join(d, 'not-a-dir'), 'x');
    expect(() => SqliteReadingListStore.open(join(d, 'not-a-dir', 'state.db'))).toThrow(StateStoreError);
  });
});
