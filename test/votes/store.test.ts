/**
 * The vote store's contract on both backends (`eachBackend`: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set), and what only the SQLite file has. Races between processes on
 * PostgreSQL are in `store-races.test.ts`.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { VOTE_MIGRATIONS } from '../../src/votes/sqlite-migrations.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import type { VotablePost, VoteStore } from '../../src/votes/store.ts';
import { eachBackend } from '../helpers/backends.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, cleanups } = useTempStores('paperboy-votes-');

function open(file: string): SqliteVoteStore {
  const s = SqliteVoteStore.open(file);
  cleanups.push(() => s.close());
  return s;
}

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);

const post = (messageId: string, paperId: string, over: Partial<VotablePost> = {}): VotablePost => ({
  platform: 'slack',
  channelId: 'C1',
  messageId,
  workspaceId: 'T1',
  paperId,
  postedAt: T0,
  ...over,
});
const reaction = (messageId: string, userId: string, emoji = '👍', when = T0) => ({
  platform: 'slack' as const,
  channelId: 'C1',
  messageId,
  userId,
  emoji,
  at: when,
});
const all = { platform: 'slack' as const, channelId: 'C1', since: new Date(0), limit: 1000 };

eachBackend((backend) => {
  /** A vote store on an empty database of its own. */
  async function fresh(): Promise<VoteStore> {
    return (await (await backend.fresh()).open()).votes;
  }

  it('records a post once and finds it by platform, channel and message id', async () => {
    const s = await fresh();
    await s.recordPost(post('1.1', 'snapkv'));
    await s.recordPost(post('1.1', 'other-paper')); // the same message again: the first record stays
    expect(await s.findPost({ platform: 'slack', channelId: 'C1', messageId: '1.1' })).toEqual(post('1.1', 'snapkv'));
    expect(await s.findPost({ platform: 'slack', channelId: 'C2', messageId: '1.1' })).toBeUndefined();
    expect(await s.findPost({ platform: 'discord', channelId: 'C1', messageId: '1.1' })).toBeUndefined();
  });

  it('ignores reactions on messages that are not recorded posts', async () => {
    const s = await fresh();
    expect(await s.addReaction(reaction('9.9', 'U1'))).toEqual({ post: false });
    expect(await s.removeReaction(reaction('9.9', 'U1'))).toEqual({ post: false });
    expect(await s.votes(all)).toEqual([]);
  });

  it('one vote per person per paper, however many emoji and posts; removing the last reaction removes it', async () => {
    const s = await fresh();
    await s.recordPost(post('1.1', 'snapkv'));
    await s.recordPost(post('2.2', 'snapkv')); // the same paper shown again in the channel
    expect(await s.addReaction(reaction('1.1', 'U1', '👍'))).toEqual({ post: true, paperId: 'snapkv', voted: true, changed: true });
    expect(await s.addReaction(reaction('1.1', 'U1', '🔥', at(1)))).toEqual({ post: true, paperId: 'snapkv', voted: true, changed: false });
    expect(await s.addReaction(reaction('2.2', 'U1', '⭐', at(2)))).toEqual({ post: true, paperId: 'snapkv', voted: true, changed: false });
    // A repeated delivery of the same reaction changes nothing.
    expect(await s.addReaction(reaction('1.1', 'U1', '👍', at(3)))).toMatchObject({ voted: true, changed: false });
    await s.addReaction(reaction('1.1', 'U2', '👍', at(1)));
    const votes = await s.votes(all);
    expect(votes.map((v) => [v.paperId, v.userId, v.votedAt.toISOString()])).toEqual([
      ['snapkv', 'U2', at(1).toISOString()],
      ['snapkv', 'U1', T0.toISOString()], // dated by the earliest reaction still there
    ]);

    expect(await s.removeReaction(reaction('1.1', 'U1', '👍'))).toEqual({ post: true, paperId: 'snapkv', voted: true, changed: false });
    expect((await s.votes(all)).find((v) => v.userId === 'U1')?.votedAt).toEqual(at(1));
    expect(await s.removeReaction(reaction('1.1', 'U1', '🔥'))).toMatchObject({ voted: true, changed: false });
    expect(await s.removeReaction(reaction('2.2', 'U1', '⭐'))).toEqual({ post: true, paperId: 'snapkv', voted: false, changed: true });
    // Removing a reaction that is not there: no vote, nothing changed.
    expect(await s.removeReaction(reaction('2.2', 'U1', '⭐'))).toEqual({ post: true, paperId: 'snapkv', voted: false, changed: false });
    expect((await s.votes(all)).map((v) => v.userId)).toEqual(['U2']);
  });

  it('keeps channels and platforms apart', async () => {
    const s = await fresh();
    await s.recordPost(post('1.1', 'snapkv'));
    await s.recordPost(post('1.1', 'lora', { channelId: 'C2' }));
    await s.recordPost(post('1.1', 'mamba', { platform: 'discord' }));
    await s.addReaction(reaction('1.1', 'U1'));
    await s.addReaction({ ...reaction('1.1', 'U1'), channelId: 'C2' });
    await s.addReaction({ ...reaction('1.1', 'U1'), platform: 'discord' });
    expect((await s.votes(all)).map((v) => v.paperId)).toEqual(['snapkv']);
    expect((await s.votes({ ...all, channelId: 'C2' })).map((v) => v.paperId)).toEqual(['lora']);
    expect((await s.votes({ ...all, platform: 'discord' })).map((v) => v.paperId)).toEqual(['mamba']);
  });

  it('returns only votes cast since the given time, at most `limit`, newest first', async () => {
    const s = await fresh();
    for (const [i, paper] of ['a', 'b', 'c'].entries()) await s.recordPost(post(`${i}.0`, paper));
    await s.addReaction(reaction('0.0', 'U1', '👍', at(-40)));
    await s.addReaction(reaction('1.0', 'U1', '👍', at(-10)));
    await s.addReaction(reaction('2.0', 'U1', '👍', at(0)));
    expect((await s.votes({ ...all, since: at(-30) })).map((v) => v.paperId)).toEqual(['c', 'b']);
    expect((await s.votes({ ...all, since: at(-10) })).map((v) => v.paperId)).toEqual(['c', 'b']); // the boundary is included
    expect((await s.votes({ ...all, since: at(-9) })).map((v) => v.paperId)).toEqual(['c']);
    expect((await s.votes({ ...all, limit: 1 })).map((v) => v.paperId)).toEqual(['c']);
    expect(await s.votes({ ...all, limit: 0 })).toEqual([]);
    // An old vote renewed by a new emoji keeps its first date (the vote was cast 40 days ago).
    await s.addReaction(reaction('0.0', 'U1', '🔥', at(0)));
    expect((await s.votes({ ...all, since: at(-30) })).map((v) => v.paperId)).toEqual(['c', 'b']);
  });

  it('two processes on one database see each other’s posts and votes, and the votes survive reopening', async () => {
    const db = await backend.fresh();
    const a = await db.open();
    const b = await db.open();
    await a.votes.recordPost(post('1.1', 'snapkv'));
    expect(await b.votes.findPost({ platform: 'slack', channelId: 'C1', messageId: '1.1' })).toEqual(post('1.1', 'snapkv'));
    expect(await b.votes.addReaction(reaction('1.1', 'U1'))).toMatchObject({ post: true, voted: true, changed: true });
    expect(await a.votes.addReaction(reaction('1.1', 'U1', '🔥'))).toMatchObject({ voted: true, changed: false });
    expect((await a.votes.votes(all)).map((v) => v.userId)).toEqual(['U1']);
    await a.close();
    await b.close();
    const c = await db.open();
    expect((await c.votes.votes(all)).map((v) => v.userId)).toEqual(['U1']);
  });

  it('orders votes cast at the same time by paper, then person', async () => {
    const s = await fresh();
    for (const paper of ['b', 'a', 'B']) await s.recordPost(post(`m-${paper}`, paper));
    for (const paper of ['b', 'a', 'B']) for (const user of ['U2', 'U10', 'u1']) await s.addReaction(reaction(`m-${paper}`, user));
    expect((await s.votes(all)).map((v) => `${v.paperId}/${v.userId}`)).toEqual(['B/U10', 'B/U2', 'B/u1', 'a/U10', 'a/U2', 'a/u1', 'b/U10', 'b/U2', 'b/u1']);
  });

  it('keeps a post without a workspace id, and its paper, whatever is posted later', async () => {
    const s = await fresh();
    const bare: VotablePost = { platform: 'discord', channelId: 'G1', messageId: '99', paperId: 'mamba', postedAt: T0 };
    await s.recordPost(bare);
    await s.recordPost({ ...bare, paperId: 'other', workspaceId: 'W' });
    expect(await s.findPost(bare)).toEqual(bare);
    expect(await s.addReaction({ ...bare, userId: 'U1', emoji: '👍', at: T0 })).toEqual({ post: true, paperId: 'mamba', voted: true, changed: true });
  });

  it('prunes old posts nobody reacted to; keeps every vote and every post that carries one', async () => {
    const db = await backend.fresh();
    const s = (await db.open()).votes;
    const other = (await db.open()).votes;
    await s.recordPost(post('1.1', 'old-unreacted'));
    await s.recordPost(post('2.2', 'old-voted'));
    await s.recordPost(post('3.3', 'old-unvoted-again'));
    await s.recordPost(post('4.4', 'recent', { postedAt: at(40) }));
    await s.recordPost(post('5.5', 'other-channel', { channelId: 'C2' }));
    await s.addReaction(reaction('2.2', 'U1'));
    // A reaction taken back: the post carries no vote any more.
    await s.addReaction(reaction('3.3', 'U1'));
    await s.removeReaction(reaction('3.3', 'U1'));
    const votes = await s.votes(all);
    expect(await other.prune(at(30))).toEqual({ posts: 3 });
    const ref = (messageId: string, channelId = 'C1') => ({ platform: 'slack' as const, channelId, messageId });
    expect(await s.findPost(ref('1.1'))).toBeUndefined();
    expect(await s.findPost(ref('3.3'))).toBeUndefined();
    expect(await s.findPost(ref('5.5', 'C2'))).toBeUndefined();
    expect(await s.findPost(ref('2.2'))).toMatchObject({ paperId: 'old-voted' });
    expect(await s.findPost(ref('4.4'))).toMatchObject({ paperId: 'recent' });
    expect(await s.votes(all)).toEqual(votes);
    // A vote on a kept post can still be taken back; a reaction on a pruned post is not counted.
    expect(await s.removeReaction(reaction('2.2', 'U1'))).toMatchObject({ post: true, voted: false, changed: true });
    expect(await s.addReaction(reaction('1.1', 'U2', '👍', at(31)))).toEqual({ post: false });
    expect(await s.prune(at(30))).toEqual({ posts: 1 });
    expect(await s.prune(at(30))).toEqual({ posts: 0 });
  });
});

describe('SqliteVoteStore: the file', () => {
  it('counts one vote when two processes add reactions at once', async () => {
    const file = tempDb();
    const s = open(file);
    await s.recordPost(post('1.1', 'snapkv'));
    await s.close();
    const script = (emoji: string) => `
      import { SqliteVoteStore } from './src/votes/sqlite-store.ts';
      const s = SqliteVoteStore.open(${JSON.stringify(file)});
      const out = [];
      for (let i = 0; i < 20; i++) {
        out.push(await s.addReaction({ platform: 'slack', channelId: 'C1', messageId: '1.1', userId: 'U' + i, emoji: ${JSON.stringify(emoji)}, at: new Date() }));
      }
      await s.close();
      console.log(JSON.stringify(out.filter((o) => o.changed).length));
    `;
    const run = (emoji: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(emoji)], {
          cwd: new URL('../..', import.meta.url).pathname,
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(err))));
      });
    const [x, y] = await Promise.all([run('👍'), run('🔥')]);
    // Each person's vote was made by exactly one of the two processes.
    expect(x + y).toBe(20);
    const again = open(file);
    expect(await again.votes(all)).toHaveLength(20);
  }, 30_000);

  it('lives beside the schedules in state.db under its own module version', async () => {
    const file = tempDb();
    const sched = SqliteScheduleStore.open(file);
    cleanups.push(() => sched.close());
    open(file);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT module, version FROM schema_migrations ORDER BY module').all();
    db.close();
    expect(rows).toEqual(
      expect.arrayContaining([{ module: 'votes', version: VOTE_MIGRATIONS.migrations.length }, expect.objectContaining({ module: 'schedule' })]),
    );
  });

  it('refuses a file that is not a database, with a message naming it', () => {
    const file = tempDb();
    writeFileSync(file, 'this is not a database, just text that is long enough to look like a file. '.repeat(20));
    expect(() => SqliteVoteStore.open(file)).toThrow(StateStoreError);
    expect(() => SqliteVoteStore.open(file)).toThrow(/state\.db/);
  });
});
