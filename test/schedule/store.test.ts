/**
 * The schedule store's contract on both backends (`eachBackend`: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set), and what only the SQLite file has (opening a damaged, foreign or newer
 * file). Races between processes are in `store-races.test.ts`.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/db/errors.ts';
import { MIGRATIONS } from '../../src/schedule/sqlite-migrations.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { RunPlan, ScheduleStore } from '../../src/schedule/store.ts';
import { eachBackend, type TestDatabase } from '../helpers/backends.ts';
import { spec, tempDb, tempDir } from './helpers.ts';

const T0 = new Date('2026-11-26T08:00:00Z');
const post = (ids: string[]) => (): RunPlan => ({ kind: 'post', paperIds: ids });

function openError(file: string): StateStoreError {
  try {
    void SqliteScheduleStore.open(file).close();
  } catch (err) {
    if (err instanceof StateStoreError) return err;
    throw err;
  }
  throw new Error('expected StateStoreError');
}

describe('SqliteScheduleStore: opening', () => {
  it('creates the directory and file, migrates to the latest version, in WAL mode', async () => {
    const file = join(tempDir(), 'nested', 'dir', 'state.db');
    const store = SqliteScheduleStore.open(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT version FROM schema_migrations WHERE module = 'schedule'").pluck().get()).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['posted', 'runs', 'schedules']));
    db.close();
  });

  it('reopens an existing database and keeps its rows', async () => {
    const file = tempDb();
    const a = SqliteScheduleStore.open(file);
    await a.insertSchedule(spec(), { now: T0 }, 10);
    await a.close();
    const b = SqliteScheduleStore.open(file);
    expect((await b.listSchedules()).map((s) => s.id)).toEqual(['daily']);
    await b.close();
  });

  it('a garbage file is a clear StateStoreError naming the file and what to do', () => {
    const file = tempDb();
    writeFileSync(file, Buffer.from('this is definitely not an SQLite database file, just garbage bytes '.repeat(80)));
    const err = openError(file);
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/corrupt or not a Paperboy database/);
    expect(err.message).toMatch(/Move it aside/);
  });

  it('a database with a damaged page is a clear StateStoreError', async () => {
    const file = tempDb();
    const s = SqliteScheduleStore.open(file);
    for (let i = 0; i < 50; i++) await s.insertSchedule(spec({ id: `s-${i}`, channelId: `C${i}` }), { now: T0 }, 10);
    await s.close();
    // Checkpointed into the main file on close; overwrite the middle of page 2 onwards.
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const fd = Buffer.alloc(2048, 0xab);
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const h = openSync(file, 'r+');
    for (let page = 1; page <= 4; page++) writeSync(h, fd, 0, fd.length, page * 4096 + 100);
    closeSync(h);
    const err = openError(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/corrupt/);
  });

  it('an unwritable location is a clear StateStoreError', () => {
    // A path below a regular file can never be created, whoever runs the test.
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const err = openError(join(dir, 'not-a-dir', 'state.db'));
    expect(err.message).toMatch(/Cannot write the state database/);
    expect(err.message).toContain('not-a-dir');
    expect(err.message).toMatch(/DATA_DIR/);
  });

  it('a directory where the database file should be is a clear StateStoreError', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'state.db'));
    const err = openError(join(dir, 'state.db'));
    expect(err.message).toContain(join(dir, 'state.db'));
    expect(err.message).toMatch(/Cannot write the state database .*SQLITE_CANTOPEN/);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only data directory is a clear StateStoreError', () => {
    const dir = join(tempDir(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      const err = openError(join(dir, 'state.db'));
      expect(err.message).toMatch(/Cannot write the state database/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('a database from a newer Paperboy is refused', () => {
    const file = tempDb();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    expect(openError(file).message).toMatch(/newer than this Paperboy/);
  });

  it('an unrelated SQLite database is refused, not modified into ours', () => {
    const file = tempDb();
    const db = new Database(file);
    db.exec('CREATE TABLE schedules (foo TEXT)');
    db.close();
    expect(openError(file).message).toContain(file);
  });
});

eachBackend((backend) => {
  /** A store on an empty database of its own, and the database (to open a second process on it). */
  async function fresh(): Promise<{ store: ScheduleStore; db: TestDatabase }> {
    const db = await backend.fresh();
    return { store: (await db.open()).schedules, db };
  }

  describe('schedules', () => {
    it('reopens an existing database and keeps its rows', async () => {
      const db = await backend.fresh();
      const a = await db.open();
      await a.schedules.insertSchedule(spec(), { now: T0 }, 10);
      await a.close();
      const b = await db.open();
      expect((await b.schedules.listSchedules()).map((s) => s.id)).toEqual(['daily']);
    });

    it('refuses duplicate ids and an eleventh schedule in a channel', async () => {
      const { store } = await fresh();
      expect(await store.insertSchedule(spec({ id: 'a' }), { now: T0 }, 2)).toEqual({ ok: true });
      expect(await store.insertSchedule(spec({ id: 'a', channelId: 'C2' }), { now: T0 }, 2)).toEqual({ ok: false, why: 'duplicate-id' });
      expect(await store.insertSchedule(spec({ id: 'b' }), { now: T0 }, 2)).toEqual({ ok: true });
      expect(await store.insertSchedule(spec({ id: 'c' }), { now: T0 }, 2)).toEqual({ ok: false, why: 'channel-full' });
      // A duplicate id in a full channel is reported as the duplicate.
      expect(await store.insertSchedule(spec({ id: 'a' }), { now: T0 }, 2)).toEqual({ ok: false, why: 'duplicate-id' });
      // Same channel id on another platform is another channel.
      expect(await store.insertSchedule(spec({ id: 'd', platform: 'discord' }), { now: T0 }, 2)).toEqual({ ok: true });
    });

    it('round-trips filters, creator and pause state', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec({ id: 'q', filter: { kind: 'query', query: 'kv cache' } }), { createdBy: 'U1', now: T0 }, 10);
      await store.insertSchedule(spec({ id: 't', kind: 'paper-of-the-day', count: 1, filter: { kind: 'topic', topic: 'moe' } }), { now: T0 }, 10);
      const [q, t] = await store.listSchedules();
      expect(q).toEqual({
        ...spec({ id: 'q', filter: { kind: 'query', query: 'kv cache' } }),
        source: 'chat',
        paused: false,
        createdBy: 'U1',
        createdAt: T0,
        activeSince: T0,
      });
      expect(t).toMatchObject({ id: 't', kind: 'paper-of-the-day', count: 1, filter: { kind: 'topic', topic: 'moe' } });
      expect(t).not.toHaveProperty('createdBy');
      expect(t).not.toHaveProperty('exhaustedAt');
      expect(t).not.toHaveProperty('lastSlotAt');
      const later = new Date(T0.getTime() + 3_600_000);
      expect(await store.setPaused('q', true, later)).toBe(true);
      expect((await store.getSchedule('q'))?.paused).toBe(true);
      // Pausing again is not an error; the clock does not move.
      expect(await store.setPaused('q', true, later)).toBe(true);
      expect(await store.setPaused('q', false, later)).toBe(true);
      const resumed = await store.getSchedule('q');
      expect(resumed?.paused).toBe(false);
      expect(resumed?.activeSince).toEqual(later);
      // Resuming a running schedule does not restart its clock.
      expect(await store.setPaused('q', false, new Date(later.getTime() + 1))).toBe(true);
      expect((await store.getSchedule('q'))?.activeSince).toEqual(later);
      expect(await store.setPaused('nope', true, later)).toBe(false);
      expect(await store.setPaused('nope', false, later)).toBe(false);
      expect(await store.getSchedule('nope')).toBeUndefined();
    });

    it('lists by platform and channel, oldest first, then by id', async () => {
      const { store } = await fresh();
      const t1 = new Date(T0.getTime() + 1000);
      await store.insertSchedule(spec({ id: 'b' }), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'a' }), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'B', channelId: 'C2' }), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'c', platform: 'discord' }), { now: t1 }, 10);
      await store.insertSchedule(spec({ id: 'Z' }), { now: t1 }, 10);
      expect((await store.listSchedules()).map((s) => s.id)).toEqual(['B', 'a', 'b', 'Z', 'c']);
      expect((await store.listSchedules({ platform: 'slack' })).map((s) => s.id)).toEqual(['B', 'a', 'b', 'Z']);
      expect((await store.listSchedules({ channelId: 'C1' })).map((s) => s.id)).toEqual(['a', 'b', 'Z', 'c']);
      expect((await store.listSchedules({ platform: 'slack', channelId: 'C1' })).map((s) => s.id)).toEqual(['a', 'b', 'Z']);
      expect(await store.listSchedules({ platform: 'shell' })).toEqual([]);
    });

    it('syncs config schedules: add, update (restarting the clock on timing changes), remove; chat ones untouched', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec({ id: 's-0001' }), { now: T0 }, 10);
      expect(await store.syncConfigSchedules([spec({ id: 'morning' }), spec({ id: 'potd', kind: 'paper-of-the-day', count: 1 })], T0)).toEqual({
        added: ['morning', 'potd'],
        updated: [],
        removed: [],
      });
      expect(await store.getSchedule('morning')).toMatchObject({ source: 'config', paused: false, createdAt: T0, activeSince: T0 });
      const t1 = new Date(T0.getTime() + 86_400_000);
      expect(await store.syncConfigSchedules([spec({ id: 'morning', count: 3 }), spec({ id: 'potd', kind: 'paper-of-the-day', count: 1 })], t1)).toEqual({
        added: [],
        updated: ['morning'],
        removed: [],
      });
      expect((await store.getSchedule('morning'))?.activeSince).toEqual(T0);
      expect((await store.getSchedule('morning'))?.count).toBe(3);
      const t2 = new Date(t1.getTime() + 86_400_000);
      expect(await store.syncConfigSchedules([spec({ id: 'morning', count: 3, cron: '0 10 * * *' })], t2)).toEqual({
        added: [],
        updated: ['morning'],
        removed: ['potd'],
      });
      expect((await store.getSchedule('morning'))?.activeSince).toEqual(t2);
      expect((await store.listSchedules()).map((s) => s.id).sort()).toEqual(['morning', 's-0001']);
      // The same file again: nothing to do.
      expect(await store.syncConfigSchedules([spec({ id: 'morning', count: 3, cron: '0 10 * * *' })], t2)).toEqual({ added: [], updated: [], removed: [] });
      const clash = await store.syncConfigSchedules([spec({ id: 's-0001' })], t2).catch((e: unknown) => e);
      expect(clash).toBeInstanceOf(Error);
      expect(clash).not.toBeInstanceOf(StateStoreError);
      expect((clash as Error).message).toMatch(/already used by a schedule made in chat/);
      // Nothing of the failed sync was kept.
      expect((await store.listSchedules()).map((s) => s.id).sort()).toEqual(['morning', 's-0001']);
      expect(await store.syncConfigSchedules([], t2)).toEqual({ added: [], updated: [], removed: ['morning'] });
      expect((await store.listSchedules()).map((s) => s.id)).toEqual(['s-0001']);
    });

    it('a config schedule moved to another channel restarts its clock and forgets its exhaustion notice; a content change forgets the notice only', async () => {
      const { store } = await fresh();
      await store.syncConfigSchedules([spec({ id: 'm' })], T0);
      const exhaust = async (slot: string) => {
        const c = await store.claimRun({
          scheduleId: 'm',
          slot,
          slotAt: T0,
          trigger: 'manual',
          now: T0,
          plan: () => ({ kind: 'exhausted', notify: true, total: 0 }),
        });
        if (!c.claimed) throw new Error('not claimed');
        await store.finishRun(c.runId, { outcome: 'exhausted', attempts: 1, noticeSent: true }, T0);
      };
      await exhaust('x1');
      expect((await store.getSchedule('m'))?.exhaustedAt).toEqual(T0);
      const t1 = new Date(T0.getTime() + 60_000);
      await store.syncConfigSchedules([spec({ id: 'm', filter: { kind: 'query', query: 'rope' } })], t1);
      expect(await store.getSchedule('m')).toMatchObject({ activeSince: T0, filter: { kind: 'query', query: 'rope' } });
      expect(await store.getSchedule('m')).not.toHaveProperty('exhaustedAt');
      await exhaust('x2');
      const t2 = new Date(T0.getTime() + 120_000);
      await store.syncConfigSchedules([spec({ id: 'm', channelId: 'C9', filter: { kind: 'query', query: 'rope' } })], t2);
      expect(await store.getSchedule('m')).toMatchObject({ channelId: 'C9', activeSince: t2 });
      expect(await store.getSchedule('m')).not.toHaveProperty('exhaustedAt');
    });

    it('config schedules belong to their file: two processes with different files never remove each other’s; a shared id belongs to the last to sync', async () => {
      const { store: a, db } = await fresh();
      const b = (await db.open()).schedules;
      const A = '/srv/a/paperboy.json';
      const B = '/srv/b/paperboy.json';
      expect(await a.syncConfigSchedules([spec({ id: 'from-a' }), spec({ id: 'shared', count: 1 })], T0, A)).toEqual({
        added: ['from-a', 'shared'],
        updated: [],
        removed: [],
      });
      expect(await a.getSchedule('from-a')).toMatchObject({ source: 'config', configFile: A });
      // B starts: adds its own, takes over the shared id with its settings, removes nothing of A's.
      expect(await b.syncConfigSchedules([spec({ id: 'from-b' }), spec({ id: 'shared', count: 4 })], T0, B)).toEqual({
        added: ['from-b'],
        updated: ['shared'],
        removed: [],
      });
      const owners = async () => (await a.listSchedules()).map((s) => [s.id, s.configFile, s.count]);
      expect(await owners()).toEqual([
        ['from-a', A, 2],
        ['from-b', B, 2],
        ['shared', B, 4],
      ]);
      // A restarts: the shared id is A's again (same settings as A's file: only the owner changes).
      const t1 = new Date(T0.getTime() + 60_000);
      expect(await a.syncConfigSchedules([spec({ id: 'from-a' }), spec({ id: 'shared', count: 1 })], t1, A)).toEqual({
        added: [],
        updated: ['shared'],
        removed: [],
      });
      expect(await a.getSchedule('shared')).toMatchObject({ configFile: A, count: 1, activeSince: T0 });
      // A drops everything: only A's own go; B's stay.
      expect(await a.syncConfigSchedules([], t1, A)).toEqual({ added: [], updated: [], removed: ['from-a', 'shared'] });
      expect(await owners()).toEqual([['from-b', B, 2]]);
      // A process without a config file removes no file's schedules.
      expect(await a.syncConfigSchedules([], t1)).toEqual({ added: [], updated: [], removed: [] });
      expect(await owners()).toEqual([['from-b', B, 2]]);
    });

    it('config schedules of no recorded file (stored before files were recorded) are taken over by a file that lists them and removed by one that does not', async () => {
      const { store } = await fresh();
      const F = '/etc/paperboy.json';
      // Synced without a file: no file recorded, as rows from before this change.
      await store.syncConfigSchedules([spec({ id: 'kept' }), spec({ id: 'dropped', channelId: 'C2' }), spec({ id: 'orphan', channelId: 'C3' })], T0);
      expect(await store.getSchedule('kept')).toMatchObject({ source: 'config' });
      expect(await store.getSchedule('kept')).not.toHaveProperty('configFile');
      expect(await store.syncConfigSchedules([spec({ id: 'kept' })], T0, F)).toEqual({ added: [], updated: ['kept'], removed: ['dropped', 'orphan'] });
      expect(await store.getSchedule('kept')).toMatchObject({ configFile: F, activeSince: T0 });
      await store.syncConfigSchedules([spec({ id: 'other', channelId: 'C4' })], T0, '/elsewhere.json');
      expect((await store.listSchedules()).map((s) => s.id)).toEqual(['kept', 'other']);
      // Without a file: only schedules of no recorded file go (none left here).
      await store.syncConfigSchedules([spec({ id: 'legacy', channelId: 'C5' })], T0);
      expect(await store.syncConfigSchedules([], T0)).toEqual({ added: [], updated: [], removed: ['legacy'] });
      expect((await store.listSchedules()).map((s) => [s.id, s.configFile])).toEqual([
        ['kept', F],
        ['other', '/elsewhere.json'],
      ]);
      // Chat-made schedules never record a file.
      await store.insertSchedule(spec({ id: 's-0001', channelId: 'C6' }), { now: T0 }, 10);
      expect(await store.getSchedule('s-0001')).not.toHaveProperty('configFile');
    });

    it('removing a schedule removes its run log but keeps the channel’s posted history', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const c = await store.claimRun({ scheduleId: 'daily', slot: 'x', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1']) });
      expect(c.claimed).toBe(true);
      expect(await store.removeSchedule('daily')).toBe(true);
      expect(await store.removeSchedule('daily')).toBe(false);
      expect(await store.getSchedule('daily')).toBeUndefined();
      expect(await store.runs('daily')).toEqual([]);
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p1']);
      // Finishing the run of a removed schedule is not an error.
      if (c.claimed) await store.finishRun(c.runId, { outcome: 'posted', attempts: 1 }, T0);
      // A new schedule with the same id starts with an empty log and the channel's history.
      await store.insertSchedule(spec(), { now: T0 }, 10);
      let seen: string[] = [];
      await store.claimRun({
        scheduleId: 'daily',
        slot: 'x',
        slotAt: T0,
        trigger: 'cron',
        now: T0,
        plan: (_s, posted) => {
          seen = [...posted];
          return { kind: 'post', paperIds: ['p2'] };
        },
      });
      expect(seen).toEqual(['p1']);
    });
  });

  it.runIf(backend.name === 'PostgreSQL')('a database that cannot be used is a StateStoreError naming it (PostgreSQL)', async () => {
    const db = await backend.fresh();
    const state = await db.open();
    await state.close();
    const err = await state.schedules.listSchedules().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateStoreError);
    expect((err as StateStoreError).message).toContain(state.location);
    await expect(state.votes.votes({ platform: 'slack', channelId: 'C1', since: T0, limit: 1 })).rejects.toBeInstanceOf(StateStoreError);
  });

  describe('runs', () => {
    it('claims a slot once, also through a second connection (another process)', async () => {
      const { store: a, db } = await fresh();
      const b = (await db.open()).schedules;
      await a.insertSchedule(spec(), { now: T0 }, 10);
      const req = { scheduleId: 'daily', slot: '2026-11-27T09:00:00.000Z', slotAt: new Date('2026-11-27T09:00:00Z'), trigger: 'cron' as const, now: T0 };
      const first = await a.claimRun({ ...req, plan: post(['p1']) });
      const second = await b.claimRun({ ...req, plan: post(['p2']) });
      expect(first.claimed).toBe(true);
      expect(second).toEqual({ claimed: false, why: 'taken' });
      expect(await b.postedPaperIds('slack', 'C1')).toEqual(['p1']);
    });

    it('hands the plan the fresh schedule and the channel history, and releases reserved papers when a run fails', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'other', cron: '0 10 * * *' }), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'elsewhere', channelId: 'C2' }), { now: T0 }, 10);
      const one = await store.claimRun({ scheduleId: 'daily', slot: 'x1', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1', 'p2']) });
      if (!one.claimed) throw new Error('not claimed');
      expect(one.schedule).toMatchObject({ id: 'daily', channelId: 'C1' });
      expect(one.plan).toEqual({ kind: 'post', paperIds: ['p1', 'p2'] });
      await store.finishRun(one.runId, { outcome: 'posted', attempts: 1 }, T0);
      let seen: string[] = [];
      let given: unknown;
      const other = await store.getSchedule('other');
      const two = await store.claimRun({
        scheduleId: 'other',
        slot: 'x2',
        slotAt: T0,
        trigger: 'cron',
        now: T0,
        plan: (s, posted) => {
          given = s;
          seen = [...posted].sort();
          return { kind: 'post', paperIds: ['p3'] };
        },
      });
      expect(seen).toEqual(['p1', 'p2']);
      expect(given).toEqual(other);
      if (!two.claimed) throw new Error('not claimed');
      await store.finishRun(two.runId, { outcome: 'failed', attempts: 3, detail: 'boom' }, T0);
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p1', 'p2']);
      const [run] = await store.runs('other');
      expect(run).toMatchObject({ outcome: 'failed', attempts: 3, detail: 'boom', paperIds: [] });
      // Another channel has its own history.
      let elsewhere: string[] = ['unset'];
      await store.claimRun({
        scheduleId: 'elsewhere',
        slot: 'x3',
        slotAt: T0,
        trigger: 'cron',
        now: T0,
        plan: (_s, posted) => {
          elsewhere = [...posted];
          return { kind: 'post', paperIds: ['p1'] };
        },
      });
      expect(elsewhere).toEqual([]);
      expect(await store.postedPaperIds('slack', 'C2')).toEqual(['p1']);
    });

    it('records runs with their papers in planned order, newest slot first, and the latest cron slot on the schedule', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);
      const a = await store.claimRun({
        scheduleId: 'daily',
        slot: day(1).toISOString(),
        slotAt: day(1),
        trigger: 'cron',
        now: day(1),
        plan: post(['z9', 'a1', 'm5']),
      });
      const b = await store.claimRun({ scheduleId: 'daily', slot: 'manual:x', slotAt: day(3), trigger: 'manual', now: day(3), plan: post(['b2']) });
      const c = await store.claimRun({
        scheduleId: 'daily',
        slot: day(2).toISOString(),
        slotAt: day(2),
        trigger: 'cron',
        now: day(2),
        plan: () => ({ kind: 'exhausted', notify: false, total: 4 }),
      });
      if (!a.claimed || !b.claimed || !c.claimed) throw new Error('not claimed');
      expect(new Set([a.runId, b.runId, c.runId]).size).toBe(3);
      await store.finishRun(a.runId, { outcome: 'posted', attempts: 2 }, day(1));
      await store.finishRun(c.runId, { outcome: 'exhausted', attempts: 0, detail: 'quiet' }, day(2));
      const runs = await store.runs('daily');
      expect(runs.map((r) => [r.slot, r.trigger, r.outcome, r.paperIds])).toEqual([
        ['manual:x', 'manual', 'pending', ['b2']],
        [day(2).toISOString(), 'cron', 'exhausted', []],
        [day(1).toISOString(), 'cron', 'posted', ['z9', 'a1', 'm5']],
      ]);
      expect(runs[0]).toEqual({
        id: b.runId,
        scheduleId: 'daily',
        slot: 'manual:x',
        slotAt: day(3),
        trigger: 'manual',
        outcome: 'pending',
        attempts: 0,
        paperIds: ['b2'],
        claimedAt: day(3),
      });
      expect(runs[1]).toMatchObject({ detail: 'quiet', finishedAt: day(2) });
      expect(runs[2]).toMatchObject({ id: a.runId, attempts: 2, claimedAt: day(1), finishedAt: day(1) });
      expect(runs[2]).not.toHaveProperty('detail');
      expect((await store.runs('daily', 1)).map((r) => r.slot)).toEqual(['manual:x']);
      // Manual runs do not move the schedule's clock.
      expect((await store.getSchedule('daily'))?.lastSlotAt).toEqual(day(2));
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['a1', 'm5', 'z9', 'b2']);
    });

    it('remembers an announced exhaustion until a post succeeds', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const t1 = new Date(T0.getTime() + 1000);
      const ex = await store.claimRun({
        scheduleId: 'daily',
        slot: 'a',
        slotAt: T0,
        trigger: 'cron',
        now: T0,
        plan: () => ({ kind: 'exhausted', notify: true, total: 3 }),
      });
      if (!ex.claimed) throw new Error('not claimed');
      await store.finishRun(ex.runId, { outcome: 'exhausted', attempts: 1 }, t1);
      expect(await store.getSchedule('daily')).not.toHaveProperty('exhaustedAt');
      await store.finishRun(ex.runId, { outcome: 'exhausted', attempts: 1, noticeSent: true }, t1);
      expect((await store.getSchedule('daily'))?.exhaustedAt).toEqual(t1);
      const failed = await store.claimRun({ scheduleId: 'daily', slot: 'b', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1']) });
      if (!failed.claimed) throw new Error('not claimed');
      expect(failed.schedule.exhaustedAt).toEqual(t1);
      await store.finishRun(failed.runId, { outcome: 'failed', attempts: 3 }, t1);
      expect((await store.getSchedule('daily'))?.exhaustedAt).toEqual(t1);
      const ok = await store.claimRun({ scheduleId: 'daily', slot: 'c', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1']) });
      if (!ok.claimed) throw new Error('not claimed');
      await store.finishRun(ok.runId, { outcome: 'posted', attempts: 1 }, t1);
      expect(await store.getSchedule('daily')).not.toHaveProperty('exhaustedAt');
    });

    it('a plan that throws claims nothing and its error is thrown as it is', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const boom = new Error('plan failed');
      const req = { scheduleId: 'daily', slot: 'a', slotAt: T0, trigger: 'cron' as const, now: T0 };
      await expect(
        store.claimRun({
          ...req,
          plan: () => {
            throw boom;
          },
        }),
      ).rejects.toBe(boom);
      expect(await store.runs('daily')).toEqual([]);
      // The slot is still free.
      expect((await store.claimRun({ ...req, plan: post(['p1']) })).claimed).toBe(true);
    });

    it('does not claim cron slots of paused or removed schedules; manual runs ignore pause', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      await store.setPaused('daily', true, T0);
      const base = { scheduleId: 'daily', slotAt: T0, now: T0, plan: post([]) };
      expect(await store.claimRun({ ...base, slot: 'a', trigger: 'cron' })).toEqual({ claimed: false, why: 'paused' });
      expect((await store.claimRun({ ...base, slot: 'manual:1', trigger: 'manual' })).claimed).toBe(true);
      await store.removeSchedule('daily');
      expect(await store.claimRun({ ...base, slot: 'b', trigger: 'cron' })).toEqual({ claimed: false, why: 'gone' });
      expect(await store.claimRun({ ...base, slot: 'manual:2', trigger: 'manual' })).toEqual({ claimed: false, why: 'gone' });
      expect(await store.runs('daily')).toEqual([]);
    });

    it('records skipped slots once and marks abandoned pending runs as failed', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const slots = [new Date('2026-11-28T09:00:00Z'), new Date('2026-11-27T09:00:00Z')];
      expect(await store.recordSkipped('daily', [], 'missed', T0)).toBe(0);
      expect(await store.recordSkipped('daily', slots, 'missed', T0)).toBe(2);
      expect(await store.recordSkipped('daily', slots, 'missed', T0)).toBe(0);
      expect(await store.recordSkipped('daily', [new Date('2026-11-29T09:00:00Z'), slots[0]!], 'missed', T0)).toBe(1);
      expect((await store.getSchedule('daily'))?.lastSlotAt).toEqual(new Date('2026-11-29T09:00:00Z'));
      expect((await store.runs('daily'))[2]).toMatchObject({
        slot: '2026-11-27T09:00:00.000Z',
        trigger: 'cron',
        outcome: 'skipped',
        detail: 'missed',
        attempts: 0,
        claimedAt: T0,
        finishedAt: T0,
      });
      // A skipped slot cannot be claimed afterwards.
      expect(await store.claimRun({ scheduleId: 'daily', slot: slots[0]!.toISOString(), slotAt: slots[0]!, trigger: 'cron', now: T0, plan: post([]) })).toEqual(
        {
          claimed: false,
          why: 'taken',
        },
      );
      await store.claimRun({ scheduleId: 'daily', slot: 'p', slotAt: T0, trigger: 'manual', now: T0, plan: post(['p9']) });
      const later = new Date(T0.getTime() + 5000);
      expect(await store.failAbandoned(T0, later)).toBe(0);
      expect(await store.failAbandoned(new Date(T0.getTime() + 1), later)).toBe(1);
      expect(await store.failAbandoned(new Date(T0.getTime() + 1), later)).toBe(0);
      const pending = (await store.runs('daily')).find((r) => r.slot === 'p');
      expect(pending).toMatchObject({ outcome: 'failed', finishedAt: later, detail: expect.stringMatching(/interrupted/) });
      // The post may have gone out: its paper stays in the history.
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p9']);
    });
  });
  describe('retention', () => {
    const DAY = 86_400_000;
    const day = (n: number) => new Date(T0.getTime() + n * DAY);

    it('prunes finished runs and posted history older than the cut-off; keeps pending runs, each schedule’s newest run and newest cron run', async () => {
      const { store, db } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      await store.insertSchedule(spec({ id: 'quiet', channelId: 'C2' }), { now: T0 }, 10);
      const run = async (scheduleId: string, n: number, trigger: 'cron' | 'manual', papers: string[], outcome?: 'posted' | 'failed') => {
        const slot = trigger === 'cron' ? day(n).toISOString() : `manual:${n}`;
        const c = await store.claimRun({ scheduleId, slot, slotAt: day(n), trigger, now: day(n), plan: post(papers) });
        if (!c.claimed) throw new Error('not claimed');
        if (outcome) await store.finishRun(c.runId, { outcome, attempts: 1 }, day(n));
        return c.runId;
      };
      await run('daily', 0, 'cron', ['p0'], 'posted');
      await run('daily', 1, 'cron', ['p1'], 'failed'); // its paper released
      const pendingOld = await run('daily', 2, 'cron', ['p2']); // still pending (a process is delivering it)
      await run('daily', 3, 'manual', ['p3'], 'posted');
      await store.recordSkipped('daily', [day(4)], 'missed', day(4));
      await run('daily', 20, 'cron', ['p20'], 'posted');
      // A schedule that last ran long ago: its newest run (and cron run) stays however old.
      await run('quiet', 1, 'cron', ['q1'], 'posted');
      await run('quiet', 2, 'cron', ['q2'], 'posted');
      await run('quiet', 3, 'manual', ['q3'], 'posted');

      expect(await store.prune(day(10))).toEqual({ runs: 5, posted: 5 });
      expect((await store.runs('daily')).map((r) => [r.slot, r.outcome])).toEqual([
        [day(20).toISOString(), 'posted'],
        [day(2).toISOString(), 'pending'],
      ]);
      expect((await store.runs('quiet')).map((r) => r.slot)).toEqual(['manual:3', day(2).toISOString()]);
      // Where each timetable stands is unchanged.
      expect((await store.getSchedule('daily'))?.lastSlotAt).toEqual(day(20));
      expect((await store.getSchedule('quiet'))?.lastSlotAt).toEqual(day(2));
      // The history: only what is within the period, and a pending run's reservation.
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p2', 'p20']);
      expect(await store.postedPaperIds('slack', 'C2')).toEqual([]);
      // The same again (or from another process): nothing left to do.
      expect(await (await db.open()).schedules.prune(day(10))).toEqual({ runs: 0, posted: 0 });
      // Once the pending run is finished, it and its papers go at the next prune.
      await store.finishRun(pendingOld, { outcome: 'posted', attempts: 1 }, day(2));
      expect(await store.prune(day(10))).toEqual({ runs: 1, posted: 1 });
      expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p20']);
    });

    it('a pruned paper may be planned again in its channel; a cut-off before everything prunes nothing', async () => {
      const { store } = await fresh();
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const c = await store.claimRun({ scheduleId: 'daily', slot: 'a', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1']) });
      if (!c.claimed) throw new Error('not claimed');
      await store.finishRun(c.runId, { outcome: 'posted', attempts: 1 }, T0);
      expect(await store.prune(T0)).toEqual({ runs: 0, posted: 0 });
      expect(await store.prune(day(1))).toEqual({ runs: 0, posted: 1 });
      let seen: string[] = ['unset'];
      await store.claimRun({
        scheduleId: 'daily',
        slot: 'b',
        slotAt: day(2),
        trigger: 'cron',
        now: day(2),
        plan: (_s, posted) => {
          seen = [...posted];
          return { kind: 'post', paperIds: ['p1'] };
        },
      });
      expect(seen).toEqual([]);
    });

    it('prunes the finished runs of schedules that no longer exist, whatever their age', async () => {
      const { store, db } = await fresh();
      const other = (await db.open()).schedules;
      await store.insertSchedule(spec(), { now: T0 }, 10);
      const finished = await store.claimRun({ scheduleId: 'daily', slot: 'a', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1']) });
      const pending = await store.claimRun({ scheduleId: 'daily', slot: 'b', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p2']) });
      if (!finished.claimed || !pending.claimed) throw new Error('not claimed');
      await store.finishRun(finished.runId, { outcome: 'posted', attempts: 1 }, T0);
      // A run log left behind without its schedule (as a removal racing a claim could once leave).
      await store.removeSchedule('daily');
      await store.recordSkipped('gone', [T0, day(1)], 'missed', T0);
      await store.recordSkipped('daily', [day(1)], 'missed', T0);
      expect(await other.runs('gone')).toHaveLength(2);
      expect(await other.prune(new Date(0))).toEqual({ runs: 3, posted: 0 });
      expect(await other.runs('gone')).toEqual([]);
      expect(await other.runs('daily')).toEqual([]);
      // The papers stay in the channel's history until they are older than the cut-off.
      expect(await other.postedPaperIds('slack', 'C1')).toEqual(['p1', 'p2']);
    });
  });
});
