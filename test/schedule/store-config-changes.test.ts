/**
 * The SQLite schedule store: what each kind of config change does to a schedule (a new timezone or
 * platform restarts its clock; a new kind forgets an announced exhaustion; a timing change keeps
 * it), a run finished as skipped releasing its papers, and who closes the connection.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { spec, tempDb } from './helpers.ts';

const T0 = new Date('2026-11-26T08:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

/** Announce the schedule's exhaustion once (as the scheduler records it). */
async function exhaust(store: SqliteScheduleStore, id: string, slot: string, now: Date): Promise<void> {
  const c = await store.claimRun({ scheduleId: id, slot, slotAt: now, trigger: 'manual', now, plan: () => ({ kind: 'exhausted', notify: true, total: 0 }) });
  if (!c.claimed) throw new Error('not claimed');
  await store.finishRun(c.runId, { outcome: 'exhausted', attempts: 1, noticeSent: true }, now);
}

describe('config changes', () => {
  it('a new timezone restarts the clock and keeps the exhaustion notice', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.syncConfigSchedules([spec({ id: 'm' })], T0);
    await exhaust(store, 'm', 'x1', at(1));
    expect(await store.syncConfigSchedules([spec({ id: 'm', timezone: 'Europe/Berlin' })], at(2))).toEqual({ added: [], updated: ['m'], removed: [] });
    expect(await store.getSchedule('m')).toMatchObject({ timezone: 'Europe/Berlin', activeSince: at(2), exhaustedAt: at(1) });
    await store.close();
  });

  it('a new platform restarts the clock and forgets the exhaustion notice', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.syncConfigSchedules([spec({ id: 'm' })], T0);
    await exhaust(store, 'm', 'x1', at(1));
    expect(await store.syncConfigSchedules([spec({ id: 'm', platform: 'discord' })], at(2))).toEqual({ added: [], updated: ['m'], removed: [] });
    const s = await store.getSchedule('m');
    expect(s).toMatchObject({ platform: 'discord', activeSince: at(2) });
    expect(s).not.toHaveProperty('exhaustedAt');
    await store.close();
  });

  it('a new kind forgets the exhaustion notice but keeps the clock', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.syncConfigSchedules([spec({ id: 'm' })], T0);
    await exhaust(store, 'm', 'x1', at(1));
    expect(await store.syncConfigSchedules([spec({ id: 'm', kind: 'paper-of-the-day' })], at(2))).toEqual({ added: [], updated: ['m'], removed: [] });
    const s = await store.getSchedule('m');
    expect(s).toMatchObject({ kind: 'paper-of-the-day', activeSince: T0 });
    expect(s).not.toHaveProperty('exhaustedAt');
    await store.close();
  });
});

describe('runs', () => {
  it('a run finished as skipped releases the papers it reserved', async () => {
    const store = SqliteScheduleStore.open(tempDb());
    await store.insertSchedule(spec(), { now: T0 }, 10);
    const c = await store.claimRun({
      scheduleId: 'daily',
      slot: 's1',
      slotAt: T0,
      trigger: 'cron',
      now: T0,
      plan: () => ({ kind: 'post', paperIds: ['p1', 'p2'] }),
    });
    if (!c.claimed) throw new Error('not claimed');
    expect(await store.postedPaperIds('slack', 'C1')).toEqual(['p1', 'p2']);
    await store.finishRun(c.runId, { outcome: 'skipped', attempts: 0, detail: 'no longer due' }, at(1));
    expect(await store.postedPaperIds('slack', 'C1')).toEqual([]);
    expect((await store.runs('daily'))[0]).toMatchObject({ outcome: 'skipped', detail: 'no longer due' });
    await store.close();
  });
});

describe('closing', () => {
  it('a store opened on its own closes its connection; a store over a shared connection leaves it open', async () => {
    const file = tempDb();
    const own = SqliteScheduleStore.open(file);
    await own.insertSchedule(spec(), { now: T0 }, 10);
    await own.close();
    await expect(own.listSchedules()).rejects.toThrow(/not open/);
    // Closing twice is harmless.
    await own.close();

    const db = new Database(file);
    const shared = new SqliteScheduleStore(db, file);
    expect((await shared.listSchedules()).map((s) => s.id)).toEqual(['daily']);
    await shared.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM schedules').pluck().get()).toBe(1);
    db.close();
  });
});
