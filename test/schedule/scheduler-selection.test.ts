/**
 * What a scheduled post chooses and says about the rest: a schedule edited (in another process)
 * between the scheduler's search and its claim posts what the edited schedule asks for, and a digest
 * says how many matching papers are still unposted in the channel.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { plain, type Block, type Reply } from '../../src/reply/reply.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { builtinPapers, builtinTopics, engineOver, RecordingPoster, rig, spec, tempDb, TestClock } from './helpers.ts';

const cardIds = (reply: Reply) => reply.blocks.flatMap((b: Block) => (b.kind === 'paper' ? [b.paper.id] : []));
const notes = (reply: Reply) => reply.blocks.flatMap((b: Block) => (b.kind === 'note' ? [plain(b.text)] : []));

describe('a schedule edited between the search and the claim', () => {
  it('a digest turned into a paper of the day posts the paper of the day the edited schedule picks', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const at = '2026-11-26T09:00:00Z';
    const potd = spec({ id: 'cfg', kind: 'paper-of-the-day', count: 1 });

    // What the schedule, made as a paper of the day, posts at that slot.
    const reference = await rig({ file: tempDb(), clock });
    await reference.store.syncConfigSchedules([potd], clock.now());
    await reference.scheduler.runDue(clock.set(at));
    const expected = cardIds(reference.poster.posts[0]!.reply);
    expect(expected).toHaveLength(1);
    await reference.store.close();

    // Made as a digest of one; edited into a paper of the day just before the claim.
    clock.set('2026-11-26T08:00:00Z');
    const store = SqliteScheduleStore.open(tempDb());
    await store.syncConfigSchedules([spec({ id: 'cfg', kind: 'digest', count: 1 })], clock.now());
    const claimRun = store.claimRun.bind(store);
    let edited = false;
    store.claimRun = async (req) => {
      if (!edited) {
        edited = true;
        await store.syncConfigSchedules([potd], clock.now());
      }
      return claimRun(req);
    };
    const poster = new RecordingPoster();
    const scheduler = createScheduler({
      store,
      engine: engineOver(await builtinPapers()),
      topics: await builtinTopics(),
      posters: { slack: poster.post },
      logger: silentLogger(),
      clock,
    });
    const [rep] = await scheduler.runDue(clock.set(at));
    expect(rep?.outcome).toBe('posted');
    expect(poster.posts[0]!.reply.summary).toMatch(/^Paper of the day: /);
    expect(cardIds(poster.posts[0]!.reply)).toEqual(expected);
    await store.close();
  });
});

describe('a digest says what is left', () => {
  it('counts the matching papers not yet posted in the channel after this post', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    const papers = (await builtinPapers()).slice(0, 7);
    const r = await rig({ file: tempDb(), clock, papers });
    await r.store.insertSchedule(spec({ count: 2 }), { now: clock.now() }, 10);
    await r.scheduler.runDue(clock.set('2026-11-26T09:00:00Z'));
    await r.scheduler.runDue(clock.set('2026-11-27T09:00:00Z'));
    expect(r.poster.posts.map((p) => notes(p.reply))).toEqual([
      ['Scheduled post daily · 2 papers · 5 more not yet posted here'],
      ['Scheduled post daily · 2 papers · 3 more not yet posted here'],
    ]);
    await r.store.close();
  });
});
