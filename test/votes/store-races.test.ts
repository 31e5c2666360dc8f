/**
 * The vote store with many writers: two states opened on one database are two processes (two
 * connection pools), racing for real with `Promise.all`. Changes to one person's vote for one paper
 * take turns (on PostgreSQL: an advisory lock per channel, paper and person; each race below was
 * checked to fail without it), so of two reactions at once exactly one reports the vote as changed.
 */
import { expect, it } from 'vitest';
import type { ReactionOutcome, VotablePost, VoteStore } from '../../src/votes/store.ts';
import { eachBackend } from '../helpers/backends.ts';

const T0 = new Date('2026-11-20T10:00:00Z');
const PEOPLE = 25;

const post = (messageId: string, paperId: string): VotablePost => ({ platform: 'slack', channelId: 'C1', messageId, workspaceId: 'T1', paperId, postedAt: T0 });
const reaction = (messageId: string, userId: string, emoji: string) => ({ platform: 'slack' as const, channelId: 'C1', messageId, userId, emoji, at: T0 });
const all = { platform: 'slack' as const, channelId: 'C1', since: new Date(0), limit: 1000 };
const changed = (outcomes: ReactionOutcome[]) => outcomes.filter((o) => o.post && o.changed).length;

eachBackend((backend) => {
  /** Two processes on one database that has the posts. */
  async function twoProcesses(...posts: VotablePost[]): Promise<[VoteStore, VoteStore]> {
    const db = await backend.fresh();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    for (const p of posts) await a.votes.recordPost(p);
    return [a.votes, b.votes];
  }

  it('one person’s two emoji on one post, added in two processes at once: one vote, counted once', async () => {
    const [a, b] = await twoProcesses(post('1.1', 'snapkv'));
    for (let i = 0; i < PEOPLE; i++) {
      const outcomes = await Promise.all([a.addReaction(reaction('1.1', `U${i}`, '👍')), b.addReaction(reaction('1.1', `U${i}`, '🔥'))]);
      expect(outcomes.every((o) => o.post && o.voted)).toBe(true);
      expect(changed(outcomes)).toBe(1);
    }
    expect(await a.votes(all)).toHaveLength(PEOPLE);
  });

  it('one person reacting on two posts of one paper in two processes at once: counted once', async () => {
    const [a, b] = await twoProcesses(post('1.1', 'snapkv'), post('2.2', 'snapkv'));
    for (let i = 0; i < PEOPLE; i++) {
      const outcomes = await Promise.all([a.addReaction(reaction('1.1', `U${i}`, '👍')), b.addReaction(reaction('2.2', `U${i}`, '👍'))]);
      expect(changed(outcomes)).toBe(1);
    }
    expect(await b.votes(all)).toHaveLength(PEOPLE);
  });

  it('the same reaction delivered to two processes at once: one row, counted once', async () => {
    const [a, b] = await twoProcesses(post('1.1', 'snapkv'));
    for (let i = 0; i < PEOPLE; i++) {
      const outcomes = await Promise.all([a.addReaction(reaction('1.1', `U${i}`, '👍')), b.addReaction(reaction('1.1', `U${i}`, '👍'))]);
      expect(outcomes).toContainEqual({ post: true, paperId: 'snapkv', voted: true, changed: true });
      expect(changed(outcomes)).toBe(1);
    }
  });

  it('one person’s last two emoji removed in two processes at once: the vote is gone, and the second removal says so', async () => {
    const [a, b] = await twoProcesses(post('1.1', 'snapkv'));
    for (let i = 0; i < PEOPLE; i++) {
      await a.addReaction(reaction('1.1', `U${i}`, '👍'));
      await a.addReaction(reaction('1.1', `U${i}`, '🔥'));
    }
    for (let i = 0; i < PEOPLE; i++) {
      const outcomes = await Promise.all([a.removeReaction(reaction('1.1', `U${i}`, '👍')), b.removeReaction(reaction('1.1', `U${i}`, '🔥'))]);
      // The first to go leaves a vote; the second takes it away and says so.
      expect(outcomes).toContainEqual({ post: true, paperId: 'snapkv', voted: true, changed: false });
      expect(outcomes).toContainEqual({ post: true, paperId: 'snapkv', voted: false, changed: true });
    }
    expect(await a.votes(all)).toEqual([]);
  });

  it('one person adding and removing emoji in two processes at once: what each reports adds up to what is stored', async () => {
    const [a, b] = await twoProcesses(post('1.1', 'snapkv'));
    for (let i = 0; i < PEOPLE; i++) {
      await a.addReaction(reaction('1.1', `U${i}`, '👍'));
      const [removed, added] = await Promise.all([a.removeReaction(reaction('1.1', `U${i}`, '👍')), b.addReaction(reaction('1.1', `U${i}`, '🔥'))]);
      // Whichever went first, the person still has a vote and at most one change was reported.
      expect(removed.post && added.post && added.voted).toBe(true);
      if (!removed.post || !added.post) continue;
      // Removal first: the vote went and came back (two changes); addition first: nothing changed.
      expect(removed.changed).toBe(added.changed);
      expect(removed.voted).toBe(!removed.changed);
    }
    expect(await b.votes(all)).toHaveLength(PEOPLE);
  });
  it('old posts pruned in one process while people react to them in another: a counted reaction keeps its post, none is left without one', async () => {
    const [a, b] = await twoProcesses();
    const cutoff = new Date(T0.getTime() + 86_400_000);
    let counted = 0;
    for (let round = 0; round < 5; round++) {
      const posts = Array.from({ length: PEOPLE }, (_, i) => post(`${round}.${i}`, `paper-${round}-${i}`));
      for (const p of posts) await a.recordPost(p);
      // Odd rounds send the reactions first, even rounds start the prune first.
      const reacting = round % 2 ? posts.map((p, i) => b.addReaction(reaction(p.messageId, `U${i}`, '👍'))) : [];
      const pruning = a.prune(cutoff);
      if (!(round % 2)) reacting.push(...posts.map((p, i) => b.addReaction(reaction(p.messageId, `U${i}`, '👍'))));
      const [pruned, ...outcomes] = await Promise.all([pruning, ...reacting]);
      for (const [i, o] of outcomes.entries()) {
        const found = await a.findPost({ platform: 'slack', channelId: 'C1', messageId: posts[i]!.messageId });
        // Counted: the post is there (and stays); not counted: the prune took the post first.
        expect(found !== undefined, posts[i]!.messageId).toBe(o.post);
      }
      expect(pruned?.posts).toBe(outcomes.filter((o) => !o.post).length);
      counted += outcomes.filter((o) => o.post).length;
      // Nothing left to prune: every remaining old post carries a vote.
      expect(await b.prune(cutoff)).toEqual({ posts: 0 });
    }
    expect(await a.votes(all)).toHaveLength(counted);
  });
});
