import { describe, expect, it, vi } from 'vitest';
import { newestFirst } from '../../src/commands/newest.ts';
import { plain, type Block, type PaperCard, type Reply } from '../../src/reply/reply.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import type { Timers } from '../../src/schedule/scheduler.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { builtinPapers, builtinTopics, engineOver, RecordingPoster, rig, spec, tempDb, TestClock } from './helpers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function cards(reply: Reply): PaperCard[] {
  return reply.blocks.filter((b): b is Extract<Block, { kind: 'paper' }> => b.kind === 'paper').map((b) => b.paper);
}

function text(reply: Reply): string {
  return reply.blocks.map((b) => (b.kind === 'paragraph' || b.kind === 'note' ? plain(b.text) : b.kind === 'heading' ? b.text : '')).join('\n');
}

describe('scheduler: due slots', () => {
  it('posts a due slot exactly once, with the newest papers first', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ count: 2 }), { now: clock.now() }, 10);

    expect(await r.scheduler.runDue(clock.set('2026-11-26T08:59:59Z'))).toEqual([]);
    const [report] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(report).toMatchObject({ scheduleId: 'daily', slot: '2026-11-26T09:00:00.000Z', outcome: 'posted', attempts: 1 });
    expect(await r.scheduler.runDue(clock.set('2026-11-26T09:00:30Z'))).toEqual([]);
    expect(await r.scheduler.runDue(clock.set('2026-11-26T10:00:00Z'))).toEqual([]);

    expect(r.poster.posts).toHaveLength(1);
    const post = r.poster.posts[0]!;
    expect(post.channelId).toBe('C1');
    const expected = newestFirst(await builtinPapers())
      .slice(0, 2)
      .map((p) => p.id);
    expect(cards(post.reply).map((c) => c.id)).toEqual(expected);
    expect(post.reply.tone).toBe('ok');
    expect(text(post.reply)).toMatch(/Paper digest/);
    const [run] = await r.store.runs('daily');
    expect(run).toMatchObject({ outcome: 'posted', attempts: 1, trigger: 'cron' });
    expect([...run!.paperIds].sort()).toEqual([...expected].sort());
    await r.store.close();
  });

  it('never posts the same paper twice to a channel, across its schedules; other channels are separate', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ id: 'a', count: 3 }), { now: clock.now() }, 10);
    await r.store.insertSchedule(spec({ id: 'b', count: 3, cron: '0 10 * * *' }), { now: clock.now() }, 10);
    await r.store.insertSchedule(spec({ id: 'c', count: 3, channelId: 'C2' }), { now: clock.now() }, 10);
    for (let h = 9; h <= 10; h++) await r.scheduler.runDue(clock.set(`2026-11-26T${String(h).padStart(2, '0')}:00:00Z`));
    await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));

    const inC1 = r.poster.posts.filter((p) => p.channelId === 'C1').flatMap((p) => cards(p.reply).map((c) => c.id));
    expect(inC1).toHaveLength(9);
    expect(new Set(inC1).size).toBe(9);
    const inC2 = r.poster.posts.filter((p) => p.channelId === 'C2').flatMap((p) => cards(p.reply).map((c) => c.id));
    expect(inC2.slice(0, 3)).toEqual(inC1.slice(0, 3));
    await r.store.close();
  });

  it('02:30 Europe/Berlin posts once at 03:00 CEST on the spring-forward day', async () => {
    const clock = new TestClock('2026-03-28T12:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }), { now: clock.now() }, 10);
    const posted: string[] = [];
    // Tick every 5 minutes for two days.
    for (let t = clock.now().getTime(); t <= new Date('2026-03-30T12:00:00Z').getTime(); t += 5 * 60_000) {
      for (const rep of await r.scheduler.runDue(clock.set(new Date(t)))) {
        if (rep.outcome === 'posted') posted.push(`${rep.slot}@${clock.now().toISOString()}`);
      }
    }
    expect(posted).toEqual([
      '2026-03-29T01:00:00.000Z@2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:30 does not exist that day
      '2026-03-30T00:30:00.000Z@2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    await r.store.close();
  });

  it('02:30 Europe/Berlin posts once on the fall-back day (02:30 happens twice)', async () => {
    const clock = new TestClock('2026-10-24T12:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }), { now: clock.now() }, 10);
    const posted: string[] = [];
    for (let t = clock.now().getTime(); t <= new Date('2026-10-26T12:00:00Z').getTime(); t += 5 * 60_000) {
      for (const rep of await r.scheduler.runDue(clock.set(new Date(t)))) if (rep.outcome === 'posted') posted.push(rep.slot);
    }
    expect(posted).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    await r.store.close();
  });

  it('does not post paused schedules and does not catch up what was missed while paused', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    await r.store.setPaused('daily', true, clock.now());
    expect(await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'))).toEqual([]);
    await r.store.setPaused('daily', false, clock.set('2026-11-26T09:10:00Z'));
    expect(await r.scheduler.runDue(clock.now())).toEqual([]);
    expect(r.poster.calls).toBe(0);
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(rep?.outcome).toBe('posted');
    await r.store.close();
  });
});

describe('scheduler: restarts and several processes', () => {
  it('a restart posts nothing twice, catches up inside the grace window and skips outside it', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const a = await rig({ file, clock });
    await a.store.insertSchedule(spec(), { now: clock.now() }, 10);
    await a.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(a.poster.posts).toHaveLength(1);
    await a.store.close();

    // Restarted a few seconds later: the slot is already done.
    const b = await rig({ file, clock });
    expect(await b.scheduler.runDue(clock.set('2026-11-26T09:00:05Z'))).toEqual([]);
    expect(b.poster.calls).toBe(0);
    await b.store.close();

    // Down over the next slot, back 40 minutes later: inside the 1 h grace window, posted late.
    const c = await rig({ file, clock });
    const [late] = await c.scheduler.runDue(clock.set('2026-11-27T09:40:00Z'));
    expect(late).toMatchObject({ slot: '2026-11-27T09:00:00.000Z', outcome: 'posted' });
    await c.store.close();

    // Down for two slots, back 3 hours after the last: both skipped, nothing posted.
    const d = await rig({ file, clock });
    const reports = await d.scheduler.runDue(clock.set('2026-11-29T12:00:00Z'));
    expect(reports.map((x) => [x.slot, x.outcome])).toEqual([
      ['2026-11-28T09:00:00.000Z', 'skipped'],
      ['2026-11-29T09:00:00.000Z', 'skipped'],
    ]);
    expect(d.poster.calls).toBe(0);
    const log = await d.store.runs('daily');
    expect(log.map((x) => [x.slot, x.outcome])).toEqual([
      ['2026-11-29T09:00:00.000Z', 'skipped'],
      ['2026-11-28T09:00:00.000Z', 'skipped'],
      ['2026-11-27T09:00:00.000Z', 'posted'],
      ['2026-11-26T09:00:00.000Z', 'posted'],
    ]);
    expect(log[0]!.detail).toMatch(/missed by 180 minutes, outside the 60 minutes grace window/);
    expect(log[1]!.detail).toMatch(/not running/);
    // And the next slot posts normally.
    expect((await d.scheduler.runDue(clock.set('2026-11-30T09:00:00Z')))[0]?.outcome).toBe('posted');
    await d.store.close();
  });

  it('the grace window comes from the options', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file, clock, graceMs: 10 * 60_000 });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:11:00Z'));
    expect(rep).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/11 minutes, outside the 10 minutes/) });
    await r.store.close();
  });

  it('a slot claimed by a process that died mid-delivery is not posted again', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(file);
    await store.insertSchedule(spec(), { now: clock.now() }, 10);
    await store.claimRun({
      scheduleId: 'daily',
      slot: '2026-11-26T09:00:00.000Z',
      slotAt: new Date('2026-11-26T09:00:00Z'),
      trigger: 'cron',
      now: clock.set('2026-11-26T09:00:00Z'),
      plan: () => ({ kind: 'post', paperIds: ['x'] }),
    });
    await store.close(); // "crash"

    const r = await rig({ file, clock });
    expect(await r.scheduler.runDue(clock.set('2026-11-26T09:01:00Z'))).toEqual([]);
    expect(r.poster.calls).toBe(0);
    await r.scheduler.runDue(clock.set('2026-11-26T09:30:00Z'));
    const [run] = await r.store.runs('daily');
    expect(run).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/interrupted/) });
    await r.store.close();
  });

  it('two schedulers on one database file (two connections) post every slot once', async () => {
    const file = tempDb();
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const poster = new RecordingPoster();
    const a = await rig({ file, clock, poster });
    const b = await rig({ file, clock, poster });
    await a.store.insertSchedule(spec({ count: 2 }), { now: clock.now() }, 10);
    await a.store.insertSchedule(spec({ id: 'potd', kind: 'paper-of-the-day', count: 1, cron: '0 9 * * *' }), { now: clock.now() }, 10);
    for (let day = 0; day < 5; day++) {
      const at = new Date(new Date('2026-11-26T09:00:00Z').getTime() + day * DAY);
      // Both wake at the same moment, and again a little later.
      await Promise.all([a.scheduler.runDue(at), b.scheduler.runDue(at), a.scheduler.runDue(at), b.scheduler.runDue(new Date(at.getTime() + 1000))]);
    }
    expect(poster.posts).toHaveLength(10);
    const ids = poster.posts.flatMap((p) => cards(p.reply).map((c) => c.id));
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect((await a.store.runs('daily')).map((x) => x.outcome)).toEqual(Array(5).fill('posted'));
    await a.store.close();
    await b.store.close();
  });
});

describe('scheduler: delivery failures', () => {
  it('retries a failing delivery with backoff, then records it as posted', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    r.poster.failNext = 2;
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'posted', attempts: 3 });
    expect(r.sleep.waits).toEqual([2000, 4000]);
    expect(r.poster.posts).toHaveLength(1);
    expect((await r.store.runs('daily'))[0]).toMatchObject({ outcome: 'posted', attempts: 3 });
    await r.store.close();
  });

  it('a delivery that always fails is recorded as failed with its reason, and its papers stay available', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    r.poster.failAlways = true;
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'failed', attempts: 4, detail: 'upstream returned 503' });
    expect(r.sleep.waits).toEqual([2000, 4000, 8000]);
    expect((await r.store.runs('daily'))[0]).toMatchObject({ outcome: 'failed', attempts: 4, detail: 'upstream returned 503' });
    expect(await r.store.postedPaperIds('slack', 'C1')).toEqual([]);
    // The failed slot is not retried later; the next slot posts the same papers.
    expect(await r.scheduler.runDue(clock.set('2026-11-26T09:30:00Z'))).toEqual([]);
    r.poster.failAlways = false;
    await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(cards(r.poster.posts[0]!.reply).map((c) => c.id)).toEqual(
      newestFirst(await builtinPapers())
        .slice(0, 2)
        .map((p) => p.id),
    );
    await r.store.close();
  });

  it('a permanent error (retryable: false) is not retried', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    r.poster.failAlways = true;
    r.poster.error = Object.assign(new Error('channel not found'), { code: 'channel_not_found', retryable: false });
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'failed', attempts: 1, detail: 'channel_not_found: channel not found' });
    await r.store.close();
  });

  it('a process that does not serve a platform leaves its slots to one that does', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const file = tempDb();
    // A Slack-only process and a Discord one share the store.
    const slackOnly = await rig({ file, clock });
    const discordPoster = new RecordingPoster();
    const discordToo = await rig({ file, clock, poster: discordPoster, posters: { discord: discordPoster.post } });
    await slackOnly.store.insertSchedule(spec({ platform: 'discord' }), { now: clock.now() }, 10);

    // The Slack-only process runs first and claims nothing: no run recorded, nothing posted.
    expect(await slackOnly.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'))).toEqual([]);
    expect(slackOnly.poster.posts).toEqual([]);
    const [schedule] = await slackOnly.store.listSchedules();
    expect(schedule?.lastSlotAt).toBeUndefined();

    // The process that serves Discord posts the slot.
    const [rep] = await discordToo.scheduler.runDue(clock.set('2026-11-26T09:00:05Z'));
    expect(rep).toMatchObject({ outcome: 'posted', slot: '2026-11-26T09:00:00.000Z' });
    expect(discordPoster.posts).toHaveLength(1);
    await slackOnly.store.close();
    await discordToo.store.close();
  });

  it('a schedule whose topic disappeared fails with the reason', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, topics: [] });
    await r.store.insertSchedule(spec({ filter: { kind: 'topic', topic: 'kv-cache' } }), { now: clock.now() }, 10);
    const [rep] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep).toMatchObject({ outcome: 'failed', detail: 'the topic "kv-cache" no longer exists' });
    expect(r.poster.calls).toBe(0);
    await r.store.close();
  });
});

describe('scheduler: exhaustion', () => {
  it('says once that everything was posted, stays quiet, and posts again when new papers arrive', async () => {
    const all = newestFirst(await builtinPapers());
    let papers = all.slice(0, 3);
    let engine = engineOver(papers);
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, engine: () => engine });
    await r.store.insertSchedule(spec({ count: 2 }), { now: clock.now() }, 10);
    const day = (n: number) => new Date(new Date('2026-11-26T09:00:00Z').getTime() + n * DAY);

    await r.scheduler.runDue(clock.set(day(0)));
    await r.scheduler.runDue(clock.set(day(1)));
    expect(r.poster.posts.map((p) => cards(p.reply).length)).toEqual([2, 1]);
    expect(text(r.poster.posts[1]!.reply)).toMatch(/the last unposted ones/);

    const [notice] = await r.scheduler.runDue(clock.set(day(2)));
    expect(notice?.outcome).toBe('exhausted');
    expect(r.poster.posts).toHaveLength(3);
    expect(r.poster.posts[2]!.reply.tone).toBe('empty');
    expect(r.poster.posts[2]!.reply.summary).toBe("All 3 papers have been posted here; I'll post again when new papers arrive.");

    for (let n = 3; n < 6; n++) {
      const [quiet] = await r.scheduler.runDue(clock.set(day(n)));
      expect(quiet).toMatchObject({ outcome: 'exhausted', detail: expect.stringMatching(/quiet/) });
    }
    expect(r.poster.posts).toHaveLength(3);

    papers = all.slice(0, 5);
    engine = engineOver(papers);
    await r.scheduler.runDue(clock.set(day(6)));
    expect(r.poster.posts).toHaveLength(4);
    expect(cards(r.poster.posts[3]!.reply).map((c) => c.id)).toEqual(all.slice(3, 5).map((p) => p.id));

    // Exhausted again: a new notice, once.
    await r.scheduler.runDue(clock.set(day(7)));
    await r.scheduler.runDue(clock.set(day(8)));
    expect(r.poster.posts).toHaveLength(5);
    expect(r.poster.posts[4]!.reply.summary).toMatch(/^All 5 papers have been posted here/);
    await r.store.close();
  });

  it('names the query in the notice, counting only matching papers', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ count: 10, filter: { kind: 'query', query: 'gaussian splatting' } }), { now: clock.now() }, 10);
    await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    const n = cards(r.poster.posts[0]!.reply).length;
    expect(n).toBeGreaterThan(2);
    expect(n).toBeLessThan(10);
    await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(r.poster.posts[1]!.reply.summary).toBe(
      `All ${n} papers matching “gaussian splatting” have been posted here; I'll post again when new papers arrive.`,
    );
    await r.store.close();
  });

  it('a failed notice is not remembered, so it is tried again next slot', async () => {
    const papers = (await builtinPapers()).slice(0, 1);
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock, papers });
    await r.store.insertSchedule(spec(), { now: clock.now() }, 10);
    await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    r.poster.failAlways = true;
    const [failed] = await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(failed).toMatchObject({ outcome: 'failed' });
    r.poster.failAlways = false;
    const [ok] = await r.scheduler.runDue(clock.set('2026-11-28T09:00:00Z'));
    expect(ok?.outcome).toBe('exhausted');
    expect(r.poster.posts.at(-1)!.reply.summary).toMatch(/^All 1 papers/);
    await r.store.close();
  });
});

describe('scheduler: paper of the day and manual runs', () => {
  it('posts one paper with its full abstract and highlights, in a stable order seeded by the schedule id', async () => {
    const order = async (id: string) => {
      const clock = new TestClock('2026-11-26T08:00:00Z');
      const r = await rig({ file: tempDb(), clock });
      await r.store.insertSchedule(spec({ id, kind: 'paper-of-the-day', count: 1 }), { now: clock.now() }, 10);
      const seen: string[] = [];
      for (let n = 0; n < 4; n++) {
        await r.scheduler.runDue(clock.set(new Date(new Date('2026-11-26T09:00:00Z').getTime() + n * DAY)));
      }
      for (const p of r.poster.posts) {
        const cs = cards(p.reply);
        expect(cs).toHaveLength(1);
        seen.push(cs[0]!.id);
      }
      const first = r.poster.posts[0]!.reply;
      const paper = (await builtinPapers()).find((p) => p.id === seen[0])!;
      expect(cards(first)[0]!.abstract).toBe(paper.abstract);
      expect(cards(first)[0]!.highlights).toEqual(paper.highlights);
      expect(first.data).toEqual({ type: 'paper', paper });
      expect(first.summary).toMatch(/^Paper of the day: /);
      await r.store.close();
      return seen;
    };
    const a1 = await order('potd-a');
    const a2 = await order('potd-a');
    const b = await order('potd-b');
    expect(new Set(a1).size).toBe(4);
    expect(a2).toEqual(a1);
    expect(b).not.toEqual(a1);
  });

  it('runNow posts at once, counts toward the history, and leaves cron slots alone', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const r = await rig({ file: tempDb(), clock });
    await r.store.insertSchedule(spec({ count: 2 }), { now: clock.now() }, 10);
    const manual = await r.scheduler.runNow('daily');
    expect(manual).toMatchObject({ outcome: 'posted', slot: expect.stringMatching(/^manual:2026-11-26T08:00:00.000Z:/) });
    const [cron] = await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(cron?.outcome).toBe('posted');
    const ids = r.poster.posts.flatMap((p) => cards(p.reply).map((c) => c.id));
    expect(ids).toEqual(
      newestFirst(await builtinPapers())
        .slice(0, 4)
        .map((p) => p.id),
    );
    expect((await r.store.runs('daily')).map((x) => x.trigger)).toEqual(['cron', 'manual']);
    expect(await r.scheduler.runNow('nope')).toMatchObject({ outcome: 'not-claimed', detail: 'gone' });
    await r.store.close();
  });
});

describe('scheduler: timers', () => {
  it('start() runs a first pass, then waits for the next slot (at most the re-check interval); stop() disarms', async () => {
    const pending: { fn: () => void; ms: number }[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const clock = new TestClock('2026-11-26T08:59:30Z');
    const store = SqliteScheduleStore.open(tempDb());
    const poster = new RecordingPoster();
    await store.insertSchedule(spec(), { now: new Date('2026-11-26T08:00:00Z') }, 10);
    const scheduler = createScheduler({
      store,
      engine: engineOver(await builtinPapers()),
      topics: await builtinTopics(),
      posters: { slack: poster.post },
      logger: silentLogger(),
      clock,
      timers,
      sleep: async () => {},
    });
    const fire = async (expectMs: number) => {
      expect(pending).toHaveLength(1);
      const t = pending.shift()!;
      expect(t.ms).toBe(expectMs);
      t.fn();
      await vi.waitFor(() => expect(pending).toHaveLength(1));
    };
    await scheduler.start();
    await fire(0); // first pass
    expect(poster.calls).toBe(0);
    clock.set('2026-11-26T09:00:00Z');
    await fire(30_000); // the slot is 30 s away
    expect(poster.posts).toHaveLength(1);
    await fire(60_000); // next slot is a day away: re-check in a minute
    scheduler.refresh();
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    await scheduler.stop();
    expect(pending).toHaveLength(0);
    await store.close();
  });
});

describe('papers are chosen outside the claim transaction', () => {
  /** A store whose claimRun says when it is running (its transaction holds the channel's lock). */
  function watchedStore(file: string, beforeClaim?: (store: SqliteScheduleStore) => Promise<void>) {
    const store = SqliteScheduleStore.open(file);
    const state = { inClaim: false };
    const claimRun = store.claimRun.bind(store);
    store.claimRun = async (req) => {
      await beforeClaim?.(store);
      state.inClaim = true;
      try {
        return await claimRun(req);
      } finally {
        state.inClaim = false;
      }
    };
    return { store, state };
  }

  /** An engine that counts the searches made while a claim runs. */
  async function countingEngine(state: { inClaim: boolean }) {
    const engine = engineOver(await builtinPapers());
    const counts = { inClaim: 0, outside: 0 };
    const search = engine.search.bind(engine);
    engine.search = (...args: Parameters<typeof engine.search>) => {
      counts[state.inClaim ? 'inClaim' : 'outside'] += 1;
      return search(...args);
    };
    return { engine, counts };
  }

  it('a query schedule searches before claiming, never while the claim holds the lock', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const { store, state } = watchedStore(tempDb());
    const { engine, counts } = await countingEngine(state);
    await store.insertSchedule(spec({ filter: { kind: 'query', query: 'kv cache compression' } }), { now: clock.now() }, 10);
    const poster = new RecordingPoster();
    const scheduler = createScheduler({ store, engine, topics: await builtinTopics(), posters: { slack: poster.post }, logger: silentLogger(), clock });
    const [rep] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep?.outcome).toBe('posted');
    expect(counts).toEqual({ inClaim: 0, outside: 1 });
    await store.close();
  });

  it('a schedule changed between the search and the claim is searched again, and posts what it now asks for', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    let changed = false;
    const { store, state } = watchedStore(tempDb(), async (s) => {
      if (changed) return;
      changed = true;
      // Another process edits the config schedule meanwhile: a new query.
      await s.syncConfigSchedules([spec({ id: 'cfg-digest', filter: { kind: 'query', query: 'speculative decoding' } })], clock.now());
    });
    const { engine, counts } = await countingEngine(state);
    await store.syncConfigSchedules([spec({ id: 'cfg-digest', filter: { kind: 'query', query: 'kv cache compression' } })], clock.now());
    const poster = new RecordingPoster();
    const scheduler = createScheduler({ store, engine, topics: await builtinTopics(), posters: { slack: poster.post }, logger: silentLogger(), clock });
    const [rep] = await scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    expect(rep?.outcome).toBe('posted');
    expect(counts).toEqual({ inClaim: 1, outside: 1 });
    expect(JSON.stringify(rep?.reply)).toMatch(/speculative decoding/i);
    await store.close();
  });
});
