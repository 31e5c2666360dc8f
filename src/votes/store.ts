import type { RequestContext } from '../reply/context.ts';

export type VotePlatform = RequestContext['platform'];

/** Where a message of the bot's is: platform, channel and the platform's message id. */
export interface MessageRef {
  platform: VotePlatform;
  channelId: string;
  /** Slack `ts`, Discord message id. */
  messageId: string;
}

/** A message of the bot's about one paper: reactions on it are votes for that paper in its channel. */
export interface VotablePost extends MessageRef {
  workspaceId?: string;
  paperId: string;
  postedAt: Date;
}

/** One counted reaction by one person on one post. */
export interface ReactionRecord extends MessageRef {
  userId: string;
  /** The emoji's key (see `emojiKey`): two spellings of one emoji are one reaction. */
  emoji: string;
  at: Date;
}

export type ReactionOutcome =
  /** The message is not one of the bot's one-paper posts: nothing recorded. */
  | { post: false }
  /**
   * `voted`: the person has a vote for the paper in the channel after this change; `changed`:
   * whether that differs from before (a second emoji on the same paper changes nothing).
   */
  | { post: true; paperId: string; voted: boolean; changed: boolean };

/** One person's vote for one paper in one channel, dated by their earliest counted reaction still there. */
export interface Vote {
  paperId: string;
  userId: string;
  votedAt: Date;
}

/** What `prune` deleted. */
export interface VotePruneResult {
  posts: number;
}

/**
 * Votes from reactions, persistent. A vote is one person's counted reactions on the bot's posts
 * about one paper in one channel: however many emoji, on however many posts of that paper, it is
 * one vote; it lasts while at least one of those reactions does. Implementations must be safe with
 * several processes sharing the store.
 */
export interface VoteStore {
  /** Where the state lives (file path), for messages. */
  readonly location: string;

  /** Remember a one-paper post (idempotent: posting the same message id again keeps the first). */
  recordPost(post: VotablePost): Promise<void>;
  findPost(ref: MessageRef): Promise<VotablePost | undefined>;

  /** A counted reaction was added. Ignored (`post: false`) when the message is no recorded post. */
  addReaction(reaction: ReactionRecord): Promise<ReactionOutcome>;
  /** A counted reaction was removed. */
  removeReaction(reaction: Omit<ReactionRecord, 'at'>): Promise<ReactionOutcome>;

  /**
   * The votes in a channel cast at or after `since`, at most `limit` (newest first). Ranking is the
   * caller's (`rankVotes`), so papers that changed id can be merged.
   */
  votes(where: { platform: VotePlatform; channelId: string; since: Date; limit: number }): Promise<Vote[]>;

  /**
   * Retention: delete the one-paper posts recorded before `before` that nobody has reacted to (a
   * post's only use is to recognise a reaction on it; a reaction on such an old message is then
   * not counted). Votes are the data and are kept, with every post that carries one.
   */
  prune(before: Date): Promise<VotePruneResult>;

  close(): Promise<void>;
}
