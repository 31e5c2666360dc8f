import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Paperboy } from '../core/paperboy.ts';
import { STATE_DB_FILE } from '../store/sqlite/open.ts';
import { VoteEmoji } from './emoji.ts';
import { voteObserver } from './observer.ts';
import { SqliteVoteStore } from './sqlite-store.ts';
import type { VoteStore } from './store.ts';
import { createTopCommand } from './top-command.ts';

export { DEFAULT_VOTE_EMOJI, VoteEmoji, emojiKey, parseVoteEmoji } from './emoji.ts';
export { SqliteVoteStore, VOTE_MIGRATIONS } from './sqlite-store.ts';
export { createTopCommand } from './top-command.ts';
export { votablePaperId } from './one-paper.ts';
export type { VoteStore, Vote, VotablePost, ReactionOutcome } from './store.ts';

export interface StartVotesOptions {
  /** `voteEmoji`: the reactions that count as votes (default: `DEFAULT_VOTE_EMOJI`). */
  config: { dataDir: string; voteEmoji?: readonly string[] | undefined };
  paperboy: Paperboy;
  logger: Logger;
  /** A store to use instead of opening `DATA_DIR/state.db` (tests). */
  store?: VoteStore;
  /** Clock (default: the Paperboy's). */
  now?: () => Date;
}

export interface Voting {
  store: VoteStore;
  emoji: VoteEmoji;
  /** Stop observing and close the store. */
  close(): Promise<void>;
}

/**
 * Open the vote store in `<DATA_DIR>/state.db`, register the `top` command and start recording
 * the bot's one-paper posts and the reactions on them. Throws `StateStoreError` when the database
 * cannot be used.
 */
export function startVotes(opts: StartVotesOptions): Voting {
  const { paperboy } = opts;
  const store = opts.store ?? SqliteVoteStore.open(join(opts.config.dataDir, STATE_DB_FILE));
  const emoji = new VoteEmoji(opts.config.voteEmoji);
  const logger = opts.logger.child({ component: 'votes' });
  try {
    paperboy.register(createTopCommand({ store, emoji }));
  } catch (err) {
    if (!opts.store) void store.close();
    throw err;
  }
  const stop = paperboy.observe(voteObserver({ store, emoji, logger, now: opts.now ?? paperboy.deps.now }));
  let closed = false;
  return {
    store,
    emoji,
    async close() {
      if (closed) return;
      closed = true;
      stop();
      await store.close();
    },
  };
}
