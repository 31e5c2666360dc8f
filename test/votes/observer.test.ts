/**
 * The vote observer on its own (a real SQLite vote store, a clock the test moves): which posts it
 * records and when, what a reaction does to a vote, and the info line an operator reads for each
 * vote that changed or not.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PostedMessage, ReactionEvent } from '../../src/core/post-events.ts';
import { VoteEmoji } from '../../src/votes/emoji.ts';
import { votablePaperId } from '../../src/votes/one-paper.ts';
import { voteObserver } from '../../src/votes/observer.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import { TestClock } from '../helpers/clock.ts';
import { ask } from '../helpers/paperboy.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, cleanups } = useTempStores('paperboy-vote-observer-');

function setup() {
  const store = SqliteVoteStore.open(tempDb());
  cleanups.push(() => store.close());
  const clock = new TestClock('2026-11-26T09:00:00Z');
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const observer = voteObserver({ store, emoji: new VoteEmoji(), logger: pino({ level: 'debug' }, sink), now: () => clock.now() });
  /** Info lines and above (what an operator sees at the default level). */
  const info = () => lines.filter((l) => Number(l['level']) >= 30);
  return { store, clock, observer, info };
}

const post = (messageId: string): PostedMessage => ({ platform: 'discord', workspaceId: 'G1', channelId: 'C1', messageId });
const reaction = (messageId: string, userId: string, emoji: string, added: boolean): ReactionEvent => ({
  platform: 'discord',
  workspaceId: 'G1',
  channelId: 'C1',
  messageId,
  userId,
  emoji,
  added,
});
const votesIn = { platform: 'discord' as const, channelId: 'C1', since: new Date(0), limit: 100 };

describe('voteObserver', () => {
  it('wants and records a reply about one paper, dated by its clock; a list is neither wanted nor recorded', async () => {
    const { store, clock, observer } = setup();
    const shown = await ask('show snapkv');
    const list = await ask('search kv cache');
    expect(observer.wants(shown)).toBe(true);
    expect(observer.wants(list)).toBe(false);

    const postedAt = clock.advance(60_000);
    await observer.posted(post('M1'), shown);
    await observer.posted(post('M2'), list);
    const recorded = await store.findPost({ platform: 'discord', channelId: 'C1', messageId: 'M1' });
    expect(recorded).toEqual({ ...post('M1'), paperId: votablePaperId(shown), postedAt });
    expect(await store.findPost({ platform: 'discord', channelId: 'C1', messageId: 'M2' })).toBeUndefined();
  });

  it('a counted reaction adds a vote dated by its clock; a second one changes nothing; removing both removes it; each is logged at info with what happened', async () => {
    const { store, clock, observer, info } = setup();
    await observer.posted(post('M1'), await ask('show snapkv'));
    const paperId = (await store.findPost({ platform: 'discord', channelId: 'C1', messageId: 'M1' }))!.paperId;

    const votedAt = clock.advance(5 * 60_000);
    await observer.reacted(reaction('M1', 'U1', '👍', true));
    expect(await store.votes(votesIn)).toEqual([{ paperId, userId: 'U1', votedAt }]);
    clock.advance(60_000);
    await observer.reacted(reaction('M1', 'U1', '🔥', true));
    expect(await store.votes(votesIn)).toEqual([{ paperId, userId: 'U1', votedAt }]);
    await observer.reacted(reaction('M1', 'U1', '👍', false));
    expect(await store.votes(votesIn)).toHaveLength(1);
    await observer.reacted(reaction('M1', 'U1', '🔥', false));
    expect(await store.votes(votesIn)).toEqual([]);

    const logged = info().map((l) => ({
      level: l['level'],
      msg: l['msg'],
      paperId: l['paperId'],
      user: l['user'],
      channel: l['channel'],
      voted: l['voted'],
      changed: l['changed'],
    }));
    const about = { level: 30, paperId, user: 'U1', channel: 'C1' };
    expect(logged).toEqual([
      { ...about, msg: expect.stringMatching(/added/), voted: true, changed: true },
      { ...about, msg: expect.stringMatching(/unchanged/), voted: true, changed: false },
      { ...about, msg: expect.stringMatching(/unchanged/), voted: true, changed: false },
      { ...about, msg: expect.stringMatching(/removed/), voted: false, changed: true },
    ]);
  });

  it('an emoji that does not count, or a reaction on a message that is no recorded post, records and logs nothing', async () => {
    const { store, observer, info } = setup();
    await observer.posted(post('M1'), await ask('show snapkv'));
    await observer.reacted(reaction('M1', 'U1', '👀', true));
    await observer.reacted(reaction('M-not-ours', 'U1', '👍', true));
    await observer.reacted(reaction('M-not-ours', 'U1', '👍', false));
    expect(await store.votes(votesIn)).toEqual([]);
    expect(info()).toEqual([]);
  });
});
