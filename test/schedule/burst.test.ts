/**
 * Outgoing pace of a scheduled fan-out (issue #19): 500 schedules due at the same minute, 250
 * channels (two schedules each) in five Slack workspaces and one Discord server, run through the
 * real scheduler, SQLite store and pacer in virtual time. Every post goes out (429s along the way
 * are waited out, not failures), each with its workspace, no channel gets two messages less than
 * a second apart, no workspace two less than its spacing apart, and at most `concurrency` posts
 * are in flight at once.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { createPacer, DEFAULT_CHANNEL_INTERVAL_MS, DEFAULT_WORKSPACE_INTERVAL_MS } from '../../src/posting/pace.ts';
import type { PostTarget } from '../../src/posting/poster.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { VirtualTime } from '../posting/virtual-time.ts';
import { builtinPapers, builtinTopics, engineOver, spec, tempDb } from './helpers.ts';

const WORKSPACES = ['T1', 'T2', 'T3', 'T4', 'T5'];
const CHANNELS_PER_WORKSPACE = 45;
const DISCORD_CHANNELS = 25;

interface Sent {
  platform: 'slack' | 'discord';
  channelId: string;
  workspaceId: string | undefined;
  at: number;
}

describe('a burst of 500 scheduled posts', () => {
  it('all go out, at most one a second per channel, spaced per workspace, 429s waited out', { timeout: 60_000 }, async () => {
    const vt = new VirtualTime('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    const targets: { platform: 'slack' | 'discord'; workspaceId: string; channelId: string }[] = [];
    for (const ws of WORKSPACES)
      for (let c = 0; c < CHANNELS_PER_WORKSPACE; c++) targets.push({ platform: 'slack', workspaceId: ws, channelId: `${ws}-C${c}` });
    for (let c = 0; c < DISCORD_CHANNELS; c++) targets.push({ platform: 'discord', workspaceId: 'G1', channelId: `G1-C${c}` });
    expect(targets.length * 2).toBe(500);
    let n = 0;
    for (const t of targets) {
      for (const kind of ['digest', 'paper-of-the-day'] as const) {
        const s = spec({ id: `s-${n++}`, ...t, kind, count: kind === 'digest' ? 2 : 1 });
        expect(await store.insertSchedule(s, { now: vt.clock.now() }, 10)).toEqual({ ok: true });
      }
    }

    const sent: Sent[] = [];
    let inFlight = 0;
    let most = 0;
    let limited = 0;
    const concurrency = 8;
    const poster = (platform: 'slack' | 'discord') => async (target: PostTarget) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        // A platform round trip takes a little while.
        await vt.sleep(50);
        // Every 40th message is refused once with 429 Retry-After 2 s (Slack's shape, given up by the adapter).
        if (platform === 'slack' && (sent.length + limited) % 40 === 39) {
          limited++;
          throw Object.assign(new Error(`Slack refused the message to ${target.channelId}: rate_limited (retry after 2 s)`), { retryable: true });
        }
        sent.push({ platform, channelId: target.channelId, workspaceId: target.workspaceId, at: vt.ms });
      } finally {
        inFlight--;
      }
    };
    const pacer = createPacer({ clock: vt.clock, sleep: vt.sleep });
    const scheduler = createScheduler({
      store,
      engine: engineOver(await builtinPapers()),
      topics: await builtinTopics(),
      posters: { slack: poster('slack'), discord: poster('discord') },
      logger: silentLogger(),
      clock: vt.clock,
      sleep: vt.sleep,
      pacer,
      concurrency,
    });

    const due = vt.clock.now();
    due.setUTCHours(9, 0, 0, 0);
    // Jump to the slot; the pass then runs in virtual time.
    await vt.run(vt.sleep(due.getTime() - vt.ms));
    const reports = await vt.run(scheduler.runDue(due));

    expect(reports).toHaveLength(500);
    expect(reports.filter((r) => r.outcome !== 'posted')).toEqual([]);
    // A 429 is not a failed try: every post was delivered on its first counted attempt.
    expect(limited).toBeGreaterThan(5);
    expect(reports.every((r) => r.attempts === 1)).toBe(true);
    expect(sent).toHaveLength(500);
    expect(most).toBeLessThanOrEqual(concurrency);

    const byKey = (key: (s: Sent) => string) => {
      const m = new Map<string, number[]>();
      for (const s of sent) m.set(key(s), [...(m.get(key(s)) ?? []), s.at]);
      return m;
    };
    const closest = (times: number[]) => {
      const sorted = [...times].sort((a, b) => a - b);
      return Math.min(...sorted.slice(1).map((t, i) => t - sorted[i]!));
    };
    const channels = byKey((s) => `${s.platform}:${s.channelId}`);
    expect(channels.size).toBe(250);
    for (const [channel, times] of channels) {
      expect(times, channel).toHaveLength(2);
      expect(closest(times), channel).toBeGreaterThanOrEqual(DEFAULT_CHANNEL_INTERVAL_MS);
    }
    // Sends start at paced instants and all take the same round trip, so arrival gaps are start gaps.
    for (const [ws, times] of byKey((s) => `${s.platform}:${s.workspaceId ?? ''}`)) {
      expect(closest(times), ws).toBeGreaterThanOrEqual(DEFAULT_WORKSPACE_INTERVAL_MS);
    }
    // Each post carried its schedule's workspace to the poster.
    expect(new Set(sent.map((s) => s.workspaceId))).toEqual(new Set([...WORKSPACES, 'G1']));
    // Paced, not stalled: a workspace's 90 posts at 200 ms apart, plus the 429 waits, in well under ten minutes.
    expect(Math.max(...sent.map((s) => s.at)) - due.getTime()).toBeLessThan(10 * 60_000);
    await store.close();
  });
});
