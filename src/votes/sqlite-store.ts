import type Database from 'better-sqlite3';
import { openStateDatabase } from '../db/sqlite.ts';
import { VOTE_MIGRATIONS } from './sqlite-migrations.ts';
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

/** Votes in the SQLite state database (`DATA_DIR/state.db`), beside schedules and papers. */
export class SqliteVoteStore implements VoteStore {
  readonly location: string;
  readonly #db: Database.Database;

  readonly #ownsConnection: boolean;

  /**
   * A store over an open state database (the state root's shared connection, whose migrations
   * it has run). `ownsConnection`: `close()` closes the connection too (a store opened on its own).
   */
  constructor(db: Database.Database, location: string, opts: { ownsConnection?: boolean } = {}) {
    this.#db = db;
    this.location = location;
    this.#ownsConnection = opts.ownsConnection ?? false;
  }

  /** Open (creating and migrating) the state database file. Throws `StateStoreError` with a clear message. */
  static open(file: string): SqliteVoteStore {
    const { db, path } = openStateDatabase(file, [VOTE_MIGRATIONS], { integrityCheck: false });
    return new SqliteVoteStore(db, path, { ownsConnection: true });
  }

  async recordPost(post: VotablePost): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO vote_posts (platform, channel_id, message_id, workspace_id, paper_id, posted_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(post.platform, post.channelId, post.messageId, post.workspaceId ?? null, post.paperId, post.postedAt.getTime());
  }

  #post(ref: MessageRef): VotablePost | undefined {
    const row = this.#db
      .prepare('SELECT * FROM vote_posts WHERE platform = ? AND channel_id = ? AND message_id = ?')
      .get(ref.platform, ref.channelId, ref.messageId) as PostRow | undefined;
    return row ? toPost(row) : undefined;
  }

  async findPost(ref: MessageRef): Promise<VotablePost | undefined> {
    return this.#post(ref);
  }

  #hasVote(platform: string, channelId: string, paperId: string, userId: string): boolean {
    return (
      this.#db
        .prepare('SELECT 1 FROM vote_reactions WHERE platform = ? AND channel_id = ? AND paper_id = ? AND user_id = ? LIMIT 1')
        .get(platform, channelId, paperId, userId) !== undefined
    );
  }

  /** Look up the post and change its reactions in one write transaction (atomic across processes). */
  #change(ref: MessageRef & { userId: string }, apply: (post: VotablePost) => void): ReactionOutcome {
    const run = this.#db.transaction((): ReactionOutcome => {
      const post = this.#post(ref);
      if (!post) return { post: false };
      const before = this.#hasVote(post.platform, post.channelId, post.paperId, ref.userId);
      apply(post);
      const after = this.#hasVote(post.platform, post.channelId, post.paperId, ref.userId);
      return { post: true, paperId: post.paperId, voted: after, changed: before !== after };
    });
    return run.immediate();
  }

  async addReaction(r: ReactionRecord): Promise<ReactionOutcome> {
    return this.#change(r, (post) => {
      this.#db
        .prepare(
          `INSERT INTO vote_reactions (platform, channel_id, message_id, user_id, emoji, paper_id, reacted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(post.platform, post.channelId, post.messageId, r.userId, r.emoji, post.paperId, r.at.getTime());
    });
  }

  async removeReaction(r: Omit<ReactionRecord, 'at'>): Promise<ReactionOutcome> {
    return this.#change(r, (post) => {
      this.#db
        .prepare('DELETE FROM vote_reactions WHERE platform = ? AND channel_id = ? AND message_id = ? AND user_id = ? AND emoji = ?')
        .run(post.platform, post.channelId, post.messageId, r.userId, r.emoji);
    });
  }

  async votes(where: { platform: VotePlatform; channelId: string; since: Date; limit: number }): Promise<Vote[]> {
    const rows = this.#db
      .prepare(
        `SELECT paper_id, user_id, voted_at FROM (
           SELECT paper_id, user_id, MIN(reacted_at) AS voted_at FROM vote_reactions
           WHERE platform = ? AND channel_id = ?
           GROUP BY paper_id, user_id
         ) WHERE voted_at >= ? ORDER BY voted_at DESC, paper_id, user_id LIMIT ?`,
      )
      .all(where.platform, where.channelId, where.since.getTime(), Math.max(0, Math.floor(where.limit))) as {
      paper_id: string;
      user_id: string;
      voted_at: number;
    }[];
    return rows.map((r) => ({ paperId: r.paper_id, userId: r.user_id, votedAt: new Date(r.voted_at) }));
  }

  async prune(before: Date): Promise<VotePruneResult> {
    const posts = this.#db
      .prepare(
        `DELETE FROM vote_posts WHERE posted_at < ? AND NOT EXISTS (
           SELECT 1 FROM vote_reactions r WHERE r.platform = vote_posts.platform AND r.channel_id = vote_posts.channel_id AND r.message_id = vote_posts.message_id)`,
      )
      .run(before.getTime()).changes;
    return { posts };
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }
}
