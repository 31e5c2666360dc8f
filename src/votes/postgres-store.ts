import type pg from 'pg';
import { changes, lockFor, postgresError, row, rows, transaction, type Queryable } from '../db/postgres.ts';
import type { MessageRef, ReactionOutcome, ReactionRecord, Vote, VotablePost, VotePlatform, VotePruneResult, VoteStore } from './store.ts';

interface PostRow {
  platform: string;
  channel_id: string;
  message_id: string;
  workspace_id: string | null;
  paper_id: string;
  posted_at: number;
}

function toPost(r: PostRow): VotablePost {
  return {
    platform: r.platform as VotePlatform,
    channelId: r.channel_id,
    messageId: r.message_id,
    ...(r.workspace_id !== null ? { workspaceId: r.workspace_id } : {}),
    paperId: r.paper_id,
    postedAt: new Date(r.posted_at),
  };
}

/**
 * Serialises the changes to one person's vote for one paper in one channel (whichever post or
 * emoji they react with): "had a vote before / has one after" is then read without another change
 * in between, so of two reactions at once exactly one reports the vote as changed.
 */
const voterLock = (platform: string, channelId: string, paperId: string, userId: string) => `vote:${JSON.stringify([platform, channelId, paperId, userId])}`;

/** Posts deleted per transaction by `prune`. */
const PRUNE_BATCH = 1000;

/**
 * Votes in the PostgreSQL state database, shared by every process that names it. Posts and
 * reactions are inserted with ON CONFLICT DO NOTHING on their primary keys (a message or reaction
 * delivered twice is one row); each reaction change runs in one transaction under an advisory lock
 * per (channel, paper, person) (`voterLock`). Database failures are thrown as `StateStoreError`.
 */
export class PostgresVoteStore implements VoteStore {
  readonly location: string;
  readonly #pool: pg.Pool;

  /** A store over the state root's pool (whose migrations it has run); `close()` leaves the pool to the state root. */
  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async #query<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    try {
      return await work(this.#pool);
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }

  async #tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await transaction(this.#pool, work);
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }

  async recordPost(post: VotablePost): Promise<void> {
    await this.#query((db) =>
      db.query(
        `INSERT INTO vote_posts (platform, channel_id, message_id, workspace_id, paper_id, posted_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [post.platform, post.channelId, post.messageId, post.workspaceId ?? null, post.paperId, post.postedAt.getTime()],
      ),
    );
  }

  /** One post; `lock` (e.g. `FOR SHARE`) holds its row until the transaction ends. */
  async #post(db: Queryable, ref: MessageRef, lock = ''): Promise<VotablePost | undefined> {
    const r = await row<PostRow>(db, `SELECT * FROM vote_posts WHERE platform = $1 AND channel_id = $2 AND message_id = $3 ${lock}`, [
      ref.platform,
      ref.channelId,
      ref.messageId,
    ]);
    return r ? toPost(r) : undefined;
  }

  async findPost(ref: MessageRef): Promise<VotablePost | undefined> {
    return this.#query((db) => this.#post(db, ref));
  }

  async #hasVote(db: Queryable, post: VotablePost, userId: string): Promise<boolean> {
    return (
      (await row(db, 'SELECT 1 FROM vote_reactions WHERE platform = $1 AND channel_id = $2 AND paper_id = $3 AND user_id = $4 LIMIT 1', [
        post.platform,
        post.channelId,
        post.paperId,
        userId,
      ])) !== undefined
    );
  }

  /** Look up the post and change its reactions in one transaction, under the voter's lock. */
  async #change(ref: MessageRef & { userId: string }, apply: (client: pg.PoolClient, post: VotablePost) => Promise<unknown>): Promise<ReactionOutcome> {
    return this.#tx(async (c): Promise<ReactionOutcome> => {
      // FOR SHARE: the post is not pruned while its reaction is being recorded (see `prune`).
      const post = await this.#post(c, ref, 'FOR SHARE');
      if (!post) return { post: false };
      await lockFor(c, voterLock(post.platform, post.channelId, post.paperId, ref.userId));
      const before = await this.#hasVote(c, post, ref.userId);
      await apply(c, post);
      const after = await this.#hasVote(c, post, ref.userId);
      return { post: true, paperId: post.paperId, voted: after, changed: before !== after };
    });
  }

  async addReaction(r: ReactionRecord): Promise<ReactionOutcome> {
    return this.#change(r, (c, post) =>
      c.query(
        `INSERT INTO vote_reactions (platform, channel_id, message_id, user_id, emoji, paper_id, reacted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [post.platform, post.channelId, post.messageId, r.userId, r.emoji, post.paperId, r.at.getTime()],
      ),
    );
  }

  async removeReaction(r: Omit<ReactionRecord, 'at'>): Promise<ReactionOutcome> {
    return this.#change(r, (c, post) =>
      c.query('DELETE FROM vote_reactions WHERE platform = $1 AND channel_id = $2 AND message_id = $3 AND user_id = $4 AND emoji = $5', [
        post.platform,
        post.channelId,
        post.messageId,
        r.userId,
        r.emoji,
      ]),
    );
  }

  async votes(where: { platform: VotePlatform; channelId: string; since: Date; limit: number }): Promise<Vote[]> {
    const found = await this.#query((db) =>
      rows<{ paper_id: string; user_id: string; voted_at: number }>(
        db,
        `SELECT paper_id, user_id, voted_at FROM (
           SELECT paper_id, user_id, MIN(reacted_at) AS voted_at FROM vote_reactions
           WHERE platform = $1 AND channel_id = $2
           GROUP BY paper_id, user_id
         ) v WHERE voted_at >= $3 ORDER BY voted_at DESC, paper_id COLLATE "C", user_id COLLATE "C" LIMIT $4`,
        [where.platform, where.channelId, where.since.getTime(), Math.max(0, Math.floor(where.limit))],
      ),
    );
    return found.map((r) => ({ paperId: r.paper_id, userId: r.user_id, votedAt: new Date(r.voted_at) }));
  }

  /**
   * In batches, each one transaction: lock a batch of old posts without a reaction (`FOR UPDATE
   * SKIP LOCKED`: a post a reaction is being recorded on right now, held `FOR SHARE`, is skipped),
   * then delete those that still have none, in a second statement, which sees the reactions
   * committed since the first one read. A reaction that comes after the lock waits for the prune
   * and then finds no post (not counted). So a prune never leaves a reaction without its post.
   */
  async prune(before: Date): Promise<VotePruneResult> {
    const t = before.getTime();
    const unreacted = `NOT EXISTS (SELECT 1 FROM vote_reactions r WHERE r.platform = p.platform AND r.channel_id = p.channel_id AND r.message_id = p.message_id)`;
    let posts = 0;
    for (;;) {
      const batch = await this.#tx(async (c) => {
        const locked = await rows<{ platform: string; channel_id: string; message_id: string }>(
          c,
          `SELECT platform, channel_id, message_id FROM vote_posts p WHERE posted_at < $1 AND ${unreacted}
           ORDER BY posted_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [t, PRUNE_BATCH],
        );
        if (locked.length === 0) return { locked: 0, deleted: 0 };
        const deleted = await changes(
          c,
          `DELETE FROM vote_posts p USING unnest($1::text[], $2::text[], $3::text[]) AS k(platform, channel_id, message_id)
           WHERE p.platform = k.platform AND p.channel_id = k.channel_id AND p.message_id = k.message_id AND ${unreacted}`,
          [locked.map((k) => k.platform), locked.map((k) => k.channel_id), locked.map((k) => k.message_id)],
        );
        return { locked: locked.length, deleted };
      });
      posts += batch.deleted;
      if (batch.locked < PRUNE_BATCH) return { posts };
    }
  }

  /** The pool is the state root's: it closes it. */
  async close(): Promise<void> {}
}
