import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/db/errors.ts';
import { MIGRATIONS } from '../../src/schedule/sqlite-migrations.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { RunPlan } from '../../src/schedule/store.ts';
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

describe('SqliteScheduleStore: schedules', () => {
  it('refuses duplicate ids and an eleventh schedule in a channel', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    expect(await store.insertSchedule(spec({ id: 'a' }), { now: T0 }, 2)).toEqual({ ok: true });
    expect(await store.insertSchedule(spec({ id: 'a', channelId: 'C2' }), { now: T0 }, 2)).toEqual({ ok: false, why: 'duplicate-id' });
    expect(await store.insertSchedule(spec({ id: 'b' }), { now: T0 }, 2)).toEqual({ ok: true });
    expect(await store.insertSchedule(spec({ id: 'c' }), { now: T0 }, 2)).toEqual({ ok: false, why: 'channel-full' });
    // Same channel id on another platform is another channel.
    expect(await store.insertSchedule(spec({ id: 'd', platform: 'discord' }), { now: T0 }, 2)).toEqual({ ok: true });
    await store.close();
  });

  it('round-trips filters, creator and pause state', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec({ id: 'q', filter: { kind: 'query', query: 'kv cache' } }), { createdBy: 'U1', now: T0 }, 10);
    await store.insertSchedule(spec({ id: 't', kind: 'paper-of-the-day', count: 1, filter: { kind: 'topic', topic: 'moe' } }), { now: T0 }, 10);
    const [q, t] = await store.listSchedules();
    expect(q).toMatchObject({ id: 'q', filter: { kind: 'query', query: 'kv cache' }, createdBy: 'U1', source: 'chat', paused: false });
    expect(t).toMatchObject({ id: 't', kind: 'paper-of-the-day', filter: { kind: 'topic', topic: 'moe' } });
    const later = new Date(T0.getTime() + 3_600_000);
    expect(await store.setPaused('q', true, later)).toBe(true);
    expect((await store.getSchedule('q'))?.paused).toBe(true);
    expect(await store.setPaused('q', false, later)).toBe(true);
    const resumed = await store.getSchedule('q');
    expect(resumed?.paused).toBe(false);
    expect(resumed?.activeSince).toEqual(later);
    expect(await store.setPaused('nope', true, later)).toBe(false);
    await store.close();
  });

  it('syncs config schedules: add, update (restarting the clock on timing changes), remove; chat ones untouched', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec({ id: 's-0001' }), { now: T0 }, 10);
    expect(await store.syncConfigSchedules([spec({ id: 'morning' }), spec({ id: 'potd', kind: 'paper-of-the-day', count: 1 })], T0)).toEqual({
      added: ['morning', 'potd'],
      updated: [],
      removed: [],
    });
    const t1 = new Date(T0.getTime() + 86_400_000);
    expect(await store.syncConfigSchedules([spec({ id: 'morning', count: 3 }), spec({ id: 'potd', kind: 'paper-of-the-day', count: 1 })], t1)).toEqual({
      added: [],
      updated: ['morning'],
      removed: [],
    });
    expect((await store.getSchedule('morning'))?.activeSince).toEqual(T0);
    const t2 = new Date(t1.getTime() + 86_400_000);
    expect(await store.syncConfigSchedules([spec({ id: 'morning', count: 3, cron: '0 10 * * *' })], t2)).toEqual({
      added: [],
      updated: ['morning'],
      removed: ['potd'],
    });
    expect((await store.getSchedule('morning'))?.activeSince).toEqual(t2);
    expect((await store.listSchedules()).map((s) => s.id).sort()).toEqual(['morning', 's-0001']);
    await expect(store.syncConfigSchedules([spec({ id: 's-0001' })], t2)).rejects.toThrow(/already used by a schedule made in chat/);
    await store.close();
  });
});

describe('SqliteScheduleStore: runs', () => {
  it('claims a slot once, also through a second connection to the same file', async () => {
    const file = tempDb();
    const a = SqliteScheduleStore.open(file);
    const b = SqliteScheduleStore.open(file);
    await a.insertSchedule(spec(), { now: T0 }, 10);
    const req = { scheduleId: 'daily', slot: '2026-11-27T09:00:00.000Z', slotAt: new Date('2026-11-27T09:00:00Z'), trigger: 'cron' as const, now: T0 };
    const first = await a.claimRun({ ...req, plan: post(['p1']) });
    const second = await b.claimRun({ ...req, plan: post(['p2']) });
    expect(first.claimed).toBe(true);
    expect(second).toEqual({ claimed: false, why: 'taken' });
    expect(await b.postedPaperIds('slack', 'C1')).toEqual(['p1']);
    await a.close();
    await b.close();
  });

  it('hands the plan the channel history and releases reserved papers when a run fails', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: T0 }, 10);
    await store.insertSchedule(spec({ id: 'other', cron: '0 10 * * *' }), { now: T0 }, 10);
    const one = await store.claimRun({ scheduleId: 'daily', slot: 'x1', slotAt: T0, trigger: 'cron', now: T0, plan: post(['p1', 'p2']) });
    if (!one.claimed) throw new Error('not claimed');
    await store.finishRun(one.runId, { outcome: 'posted', attempts: 1 }, T0);
    let seen: string[] = [];
    const two = await store.claimRun({
      scheduleId: 'other',
      slot: 'x2',
      slotAt: T0,
      trigger: 'cron',
      now: T0,
      plan: (_s, posted) => {
        seen = [...posted].sort();
        return { kind: 'post', paperIds: ['p3'] };
      },
    });
    expect(seen).toEqual(['p1', 'p2']);
    if (!two.claimed) throw new Error('not claimed');
    await store.finishRun(two.runId, { outcome: 'failed', attempts: 3, detail: 'boom' }, T0);
    expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p1', 'p2']);
    const [run] = await store.runs('other');
    expect(run).toMatchObject({ outcome: 'failed', attempts: 3, detail: 'boom', paperIds: [] });
    await store.close();
  });

  it('does not claim cron slots of paused or removed schedules; manual runs ignore pause', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: T0 }, 10);
    await store.setPaused('daily', true, T0);
    const base = { scheduleId: 'daily', slotAt: T0, now: T0, plan: post([]) };
    expect(await store.claimRun({ ...base, slot: 'a', trigger: 'cron' })).toEqual({ claimed: false, why: 'paused' });
    expect((await store.claimRun({ ...base, slot: 'manual:1', trigger: 'manual' })).claimed).toBe(true);
    await store.removeSchedule('daily');
    expect(await store.claimRun({ ...base, slot: 'b', trigger: 'cron' })).toEqual({ claimed: false, why: 'gone' });
    expect(await store.runs('daily')).toEqual([]);
    await store.close();
  });

  it('records skipped slots once and marks abandoned pending runs as failed', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: T0 }, 10);
    const slots = [new Date('2026-11-27T09:00:00Z'), new Date('2026-11-28T09:00:00Z')];
    expect(await store.recordSkipped('daily', slots, 'missed', T0)).toBe(2);
    expect(await store.recordSkipped('daily', slots, 'missed', T0)).toBe(0);
    expect((await store.getSchedule('daily'))?.lastSlotAt).toEqual(slots[1]);
    await store.claimRun({ scheduleId: 'daily', slot: 'p', slotAt: T0, trigger: 'manual', now: T0, plan: post(['p9']) });
    expect(await store.failAbandoned(T0, T0)).toBe(0);
    expect(await store.failAbandoned(new Date(T0.getTime() + 1), T0)).toBe(1);
    const pending = (await store.runs('daily')).find((r) => r.slot === 'p');
    expect(pending).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/interrupted/) });
    // The post may have gone out: its paper stays in the history.
    expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p9']);
    await store.close();
  });
});
