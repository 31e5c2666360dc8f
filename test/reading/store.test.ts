import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import type { Reader } from '../../src/reading/store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';

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

describe('SqliteReadingListStore', () => {
  it('saves a paper once: saving again says it is already there, with when', async () => {
    const store = openStore();
    expect(await store.save(ann, 'snapkv-paper', { now: at(0), max: 10 })).toEqual({ kind: 'saved', savedAt: at(0), total: 1 });
    expect(await store.save(ann, 'snapkv-paper', { now: at(5), max: 10 })).toEqual({ kind: 'already', paperId: 'snapkv-paper', savedAt: at(0) });
    expect((await store.list(ann, { offset: 0, limit: 10 })).total).toBe(1);
  });

  it('a paper saved under a former id counts as saved under its new one', async () => {
    const store = openStore();
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
    const store = openStore();
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
    const store = openStore();
    for (let i = 0; i < 7; i++) await store.save(ann, `paper-${i}`, { now: at(i), max: 10 });
    await store.save(ann, 'same-a', { now: at(30), max: 10 });
    await store.save(ann, 'same-b', { now: at(30), max: 10 });
    const first = await store.list(ann, { offset: 0, limit: 5 });
    expect(first.total).toBe(9);
    expect(first.items.map((s) => s.paperId)).toEqual(['same-b', 'same-a', 'paper-6', 'paper-5', 'paper-4']);
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
      'same-a',
      'same-b',
    ]);
    expect((await store.all(ann))[0]!.savedAt).toEqual(at(0));
  });

  it('refuses to grow a list past its limit', async () => {
    const store = openStore();
    await store.save(ann, 'one', { now: at(0), max: 2 });
    await store.save(ann, 'two', { now: at(1), max: 2 });
    expect(await store.save(ann, 'three', { now: at(2), max: 2 })).toEqual({ kind: 'full', max: 2 });
    // Already saved is still "already", not "full".
    expect((await store.save(ann, 'one', { now: at(3), max: 2 })).kind).toBe('already');
  });

  it('rejects bad input at the boundary', async () => {
    const store = openStore();
    await expect(store.save({ platform: 'irc' as 'slack', userId: 'x' }, 'p', { now: at(0), max: 2 })).rejects.toThrow();
    await expect(store.save({ platform: 'slack', userId: '' }, 'p', { now: at(0), max: 2 })).rejects.toThrow();
    await expect(store.save(ann, 'Not An Id!', { now: at(0), max: 2 })).rejects.toThrow();
    await expect(store.save(ann, "x'); DROP TABLE reading_list; --", { now: at(0), max: 2 })).rejects.toThrow();
    await expect(store.list(ann, { offset: -1, limit: 5 })).rejects.toThrow();
    expect(await store.unsave(ann, [])).toBe(0);
    expect((await store.all(ann)).length).toBe(0);
  });

  it('survives a restart, and shares the state database with the other modules', async () => {
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

  it('two processes sharing the file add a paper once and never past the limit', async () => {
    const file = tempDb();
    const a = openStore(file);
    const b = openStore(file);
    const results = await Promise.all([a.save(ann, 'race', { now: at(0), max: 5 }), b.save(ann, 'race', { now: at(0), max: 5 })]);
    expect(results.map((r) => r.kind).sort()).toEqual(['already', 'saved']);
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).save(ann, `p-${i}`, { now: at(i + 1), max: 5 });
    expect((await a.all(ann)).length).toBe(5);
  });

  it('a database it cannot write is a StateStoreError that names the file', () => {
    const d = mkdtempSync(join(tmpdir(), 'paperboy-reading-'));
    dirs.push(d);
    writeFileSync(join(d, 'not-a-dir'), 'x');
    expect(() => SqliteReadingListStore.open(join(d, 'not-a-dir', 'state.db'))).toThrow(StateStoreError);
  });
});
