/**
 * Schedules carry a workspace (issue #19): a database from before is migrated with its schedules
 * kept (no workspace: never paused by a workspace's removal); config-file schedules take an
 * optional `workspace`, recorded (and changed) by the sync without restarting the timetable; the
 * scheduler hands the workspace to the poster.
 */
import { describe, expect, it } from 'vitest';
import { parseScheduleConfig } from '../../src/app/config-file.ts';
import { ScheduleConfigError } from '../../src/schedule/errors.ts';
import { openStateDatabase } from '../../src/db/sqlite.ts';
import { MIGRATIONS, SCHEDULE_MIGRATIONS } from '../../src/schedule/sqlite-migrations.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { builtinTopics, rig, spec, tempDb, TestClock } from './helpers.ts';

const T0 = new Date('2026-11-26T08:00:00Z');

function config(entry: Record<string, unknown>): string {
  return JSON.stringify({ schedules: [{ id: 'morning', channel: 'C1', cron: '0 9 * * *', kind: 'digest', ...entry }] });
}

describe('schedules and workspaces', () => {
  it('a database written before workspaces were recorded is migrated, its schedules kept without one', async () => {
    const file = tempDb();
    const old = openStateDatabase(file, [{ ...SCHEDULE_MIGRATIONS, migrations: MIGRATIONS.slice(0, 2) }]);
    old.db
      .prepare(
        `INSERT INTO schedules (id, platform, channel_id, cron, timezone, kind, count, filter_kind, filter_value, source, paused, created_at, active_since)
         VALUES ('s-old', 'slack', 'C1', '0 9 * * *', 'UTC', 'digest', 2, 'all', NULL, 'chat', 1, ?, ?)`,
      )
      .run(T0.getTime(), T0.getTime());
    old.db.close();
    const store = SqliteScheduleStore.open(file);
    const s = await store.getSchedule('s-old');
    expect(s).toMatchObject({ id: 's-old', paused: true });
    expect(s?.workspaceId).toBeUndefined();
    expect(s?.pausedReason).toBeUndefined();
    expect(await store.pauseWorkspace('slack', 'T1', 'gone', T0)).toBe(0);
    await store.close();
  });

  it('the config file takes an optional workspace (not for the shell), and the sync records it without restarting the timetable', async () => {
    const topics = await builtinTopics();
    const parsed = parseScheduleConfig(config({ platform: 'slack', workspace: ' T0123ABCD ' }), '/etc/p.json', { topics, now: T0 });
    expect(parsed.schedules[0]).toMatchObject({ id: 'morning', platform: 'slack', workspaceId: 'T0123ABCD', channelId: 'C1' });
    expect(parseScheduleConfig(config({ platform: 'slack' }), '/etc/p.json', { topics, now: T0 }).schedules[0]).not.toHaveProperty('workspaceId');
    expect(() => parseScheduleConfig(config({ platform: 'shell', workspace: 'T1' }), '/etc/p.json', { topics, now: T0 })).toThrow(ScheduleConfigError);
    expect(() => parseScheduleConfig(config({ platform: 'shell', workspace: 'T1' }), '/etc/p.json', { topics, now: T0 })).toThrow(
      /"workspace" applies to slack and discord only/,
    );
    expect(() => parseScheduleConfig(config({ platform: 'slack', workspace: '' }), '/etc/p.json', { topics, now: T0 })).toThrow(
      /must be a Slack team id or Discord guild id/,
    );

    const store = SqliteScheduleStore.open(tempDb());
    const withOut = spec({ id: 'morning' });
    expect(await store.syncConfigSchedules([withOut], T0, '/etc/p.json')).toMatchObject({ added: ['morning'] });
    const later = new Date(T0.getTime() + 3_600_000);
    expect(await store.syncConfigSchedules([{ ...withOut, workspaceId: 'T1' }], later, '/etc/p.json')).toMatchObject({ updated: ['morning'] });
    expect(await store.getSchedule('morning')).toMatchObject({ workspaceId: 'T1', activeSince: T0 });
    expect(await store.syncConfigSchedules([{ ...withOut, workspaceId: 'T1' }], later, '/etc/p.json')).toEqual({ added: [], updated: [], removed: [] });
    expect(await store.listSchedules({ workspaceId: 'T1' })).toHaveLength(1);
    expect(await store.listSchedules({ workspaceId: 'T2' })).toHaveLength(0);
    await store.close();
  });

  it('the scheduler posts with the schedule’s workspace', async () => {
    const clock = new TestClock(T0);
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ id: 'a', workspaceId: 'T1', channelId: 'C1' }), { now: T0 }, 10);
    await r.store.insertSchedule(spec({ id: 'b', channelId: 'C2' }), { now: T0 }, 10);
    await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(r.poster.posts.map((p) => [p.channelId, p.workspaceId])).toEqual(
      expect.arrayContaining([
        ['C1', 'T1'],
        ['C2', undefined],
      ]),
    );
    expect(r.poster.posts).toHaveLength(2);
    await r.store.close();
  });
});
