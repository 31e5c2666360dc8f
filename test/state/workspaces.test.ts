/**
 * A workspace that removes the bot (`src/workspaces/lifecycle.ts`), on both backends: its schedules
 * and watches pause with a reason of their own and resume when it comes back — only those, not
 * ones a person paused, not other workspaces' or platforms', not old rows with no workspace — and
 * what is still paused for that reason 30 days later is purged by the daily retention pass
 * (config-file schedules excepted: their file owns them).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import type { ScheduleSpec } from '../../src/schedule/schedule.ts';
import { createRetention } from '../../src/state/retention.ts';
import type { State } from '../../src/state/state.ts';
import type { WatchSpec } from '../../src/watch/watch.ts';
import { workspaceEvents } from '../../src/workspaces/events.ts';
import { purgeRemovedWorkspaces, WORKSPACE_PURGE_DAYS, WORKSPACE_REMOVED_REASON, workspaceRemoved, workspaceReturned } from '../../src/workspaces/lifecycle.ts';
import { eachBackend } from '../helpers/backends.ts';
import { TestClock } from '../helpers/clock.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-11-26T09:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

function schedule(id: string, over: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    id,
    platform: 'slack',
    workspaceId: 'T1',
    channelId: `C-${id}`,
    cron: '0 9 * * *',
    timezone: 'UTC',
    kind: 'digest',
    count: 1,
    filter: { kind: 'all' },
    ...over,
  };
}

function watch(id: string, over: Partial<WatchSpec> = {}): WatchSpec {
  return { id, platform: 'slack', workspaceId: 'T1', channelId: `C-${id}`, personal: false, query: 'kv cache', ...over };
}

/** T1 on Slack: two running schedules, one paused by a person; two watches, one paused by a person. Elsewhere: T2, a Discord guild named T1, an old row with no workspace. */
async function seed(state: State): Promise<void> {
  const s = state.schedules;
  for (const spec of [
    schedule('s-a'),
    schedule('s-b'),
    schedule('s-mine'),
    schedule('s-other', { workspaceId: 'T2' }),
    schedule('s-discord', { platform: 'discord' }),
    schedule('s-old', { workspaceId: undefined }),
  ]) {
    const { workspaceId, ...rest } = spec;
    expect(await s.insertSchedule(workspaceId === undefined ? rest : spec, { createdBy: 'U1', now: T0 }, 10)).toEqual({ ok: true });
  }
  await s.setPaused('s-mine', true, T0, 'paused by U1');
  const w = state.watches;
  for (const spec of [watch('w-a'), watch('w-b'), watch('w-mine'), watch('w-other', { workspaceId: 'T2' }), watch('w-old', { workspaceId: undefined })]) {
    const { workspaceId, ...rest } = spec;
    expect((await w.insertWatch(workspaceId === undefined ? rest : spec, T0, 20)).ok).toBe(true);
  }
  await w.setPaused('w-mine', true, T0, 'paused by U1');
}

const pausedIds = async (state: State) => ({
  schedules: (await state.schedules.listSchedules()).filter((x) => x.paused).map((x) => x.id),
  watches: (await state.watches.listWatches()).filter((x) => x.paused).map((x) => x.id),
});

eachBackend((backend) => {
  async function fresh(): Promise<State> {
    const state = await (await backend.fresh()).open();
    await seed(state);
    return state;
  }

  describe('a workspace that removes the bot', () => {
    it('pauses that workspace’s schedules and watches with its own reason, and resumes exactly those when it returns', async () => {
      const state = await fresh();
      expect(await workspaceRemoved(state, 'slack', 'T1', at(1))).toEqual({ schedules: 2, watches: 2 });
      expect(await pausedIds(state)).toEqual({ schedules: ['s-a', 's-b', 's-mine'], watches: ['w-a', 'w-b', 'w-mine'] });
      const a = await state.schedules.getSchedule('s-a');
      expect(a).toMatchObject({ paused: true, pausedReason: WORKSPACE_REMOVED_REASON, pausedAt: at(1), workspaceId: 'T1' });
      expect(await state.watches.getWatch('w-a')).toMatchObject({ paused: true, pausedReason: WORKSPACE_REMOVED_REASON, pausedAt: at(1) });
      // A person's pause keeps its reason.
      expect(await state.schedules.getSchedule('s-mine')).toMatchObject({ pausedReason: 'paused by U1', pausedAt: T0 });
      // Twice: nothing more to pause.
      expect(await workspaceRemoved(state, 'slack', 'T1', at(2))).toEqual({ schedules: 0, watches: 0 });

      expect(await workspaceReturned(state, 'slack', 'T1', at(3))).toEqual({ schedules: 2, watches: 2 });
      expect(await pausedIds(state)).toEqual({ schedules: ['s-mine'], watches: ['w-mine'] });
      const back = await state.schedules.getSchedule('s-a');
      // The timetable restarts on return: slots missed while away are not caught up.
      expect(back).toMatchObject({ paused: false, activeSince: at(3) });
      expect(back?.pausedReason).toBeUndefined();
      expect(back?.pausedAt).toBeUndefined();
      expect((await state.watches.getWatch('w-a'))?.pausedReason).toBeUndefined();
      expect(await workspaceReturned(state, 'slack', 'T1', at(4))).toEqual({ schedules: 0, watches: 0 });
    });

    it('touches no other workspace, no other platform and no row without a workspace', async () => {
      const state = await fresh();
      await workspaceRemoved(state, 'discord', 'T1', at(1));
      expect(await pausedIds(state)).toEqual({ schedules: ['s-discord', 's-mine'], watches: ['w-mine'] });
      await workspaceRemoved(state, 'slack', 'T2', at(1));
      expect(await pausedIds(state)).toEqual({ schedules: ['s-discord', 's-mine', 's-other'], watches: ['w-mine', 'w-other'] });
      // A person's resume of one of them is theirs; the workspace's return resumes the rest.
      await state.schedules.setPaused('s-other', false, at(2));
      expect(await workspaceReturned(state, 'slack', 'T2', at(3))).toEqual({ schedules: 0, watches: 1 });
      expect((await state.schedules.getSchedule('s-old'))?.paused).toBe(false);
      expect((await state.watches.getWatch('w-old'))?.paused).toBe(false);
    });

    it('refuses the shell and an empty workspace id with a clear message', async () => {
      const state = await fresh();
      await expect(workspaceRemoved(state, 'shell', 'T1', at(1))).rejects.toThrow(/the shell has no workspaces/);
      await expect(workspaceReturned(state, 'slack', ' ', at(1))).rejects.toThrow(/a workspace id \(Slack team id or Discord guild id\) is required/);
    });

    it('purges what is still paused for that reason after 30 days: chat-made schedules and watches, never config-file schedules', async () => {
      const state = await fresh();
      await state.schedules.syncConfigSchedules([schedule('cfg', { channelId: 'C-cfg' })], T0, '/etc/paperboy.json');
      await workspaceRemoved(state, 'slack', 'T1', at(1));
      await workspaceRemoved(state, 'slack', 'T2', at(20));
      // A run of a paused schedule goes with it.
      const c = await state.schedules.claimRun({
        scheduleId: 's-a',
        slot: 'manual:x',
        slotAt: at(1),
        trigger: 'manual',
        now: at(1),
        plan: () => ({ kind: 'post', paperIds: ['p1'] }),
      });
      if (!c.claimed) throw new Error('not claimed');
      await state.schedules.finishRun(c.runId, { outcome: 'posted', attempts: 1 }, at(1));
      expect(await purgeRemovedWorkspaces(state, at(1 + WORKSPACE_PURGE_DAYS))).toEqual({ schedules: 0, watches: 0 });
      expect(await purgeRemovedWorkspaces(state, at(2 + WORKSPACE_PURGE_DAYS))).toEqual({ schedules: 2, watches: 2 });
      expect((await state.schedules.listSchedules()).map((x) => x.id).sort()).toEqual(['cfg', 's-discord', 's-mine', 's-old', 's-other']);
      expect((await state.schedules.getSchedule('cfg'))?.pausedReason).toBe(WORKSPACE_REMOVED_REASON);
      expect(await state.schedules.runs('s-a')).toEqual([]);
      // The channel's posted history stays (no repeats if the workspace comes back and schedules again).
      expect(await state.schedules.postedPaperIds('slack', 'C-s-a')).toEqual(['p1']);
      expect((await state.watches.listWatches()).map((x) => x.id)).toEqual(['w-mine', 'w-old', 'w-other']);
      // A workspace that returned in time keeps everything.
      await workspaceReturned(state, 'slack', 'T2', at(21));
      expect(await purgeRemovedWorkspaces(state, at(200))).toEqual({ schedules: 0, watches: 0 });
      expect((await state.watches.listWatches()).map((x) => x.id)).toEqual(['w-mine', 'w-old', 'w-other']);
    });

    it('the daily retention pass purges them, whatever RETENTION_DAYS is', async () => {
      const state = await fresh();
      await workspaceRemoved(state, 'slack', 'T1', at(1));
      const clock = new TestClock(at(40));
      const report = await createRetention({ state, days: 365, logger: silentLogger(), clock }).runOnce();
      expect(report.removedWorkspaces).toEqual({ schedules: 2, watches: 2 });
      expect(report.failed).toEqual([]);
    });

    it('the adapters’ callbacks pause and resume, for their platform', async () => {
      const state = await fresh();
      const clock = new TestClock(at(1));
      const events = workspaceEvents(state, 'slack', silentLogger(), clock);
      await events.removed('T1');
      expect((await pausedIds(state)).schedules).toEqual(['s-a', 's-b', 's-mine']);
      await events.installed('T1');
      expect((await pausedIds(state)).schedules).toEqual(['s-mine']);
    });
  });
});
