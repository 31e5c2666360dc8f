import type { Logger } from 'pino';
import type { Paperboy } from '../core/paperboy.ts';
import { VoteEmoji } from './emoji.ts';
import { voteObserver } from './observer.ts';
import type { VoteStore } from './store.ts';
import { createTopCommand } from './top-command.ts';

export { DEFAULT_VOTE_EMOJI, VoteEmoji, emojiKey, parseVoteEmoji } from './emoji.ts';
export { SqliteVoteStore } from './sqlite-store.ts';
export { VOTE_MIGRATIONS } from './sqlite-migrations.ts';
export { createTopCommand } from './top-command.ts';
export { votablePaperId } from './one-paper.ts';
export type { VoteStore, Vote, VotablePost, ReactionOutcome } from './store.ts';

export interface StartVotesOptions {
  /** `voteEmoji`: the reactions that count as votes (default: `DEFAULT_VOTE_EMOJI`). */
  config?: { voteEmoji?: readonly string[] | undefined };
  paperboy: Paperboy;
  logger: Logger;
  /** The votes' store (the state root's). */
  store: VoteStore;
  /** Clock (default: the Paperboy's). */
  now?: () => Date;
}

export interface Voting {
  store: VoteStore;
  emoji: VoteEmoji;
  /** Stop observing (the store is the state root's to close). */
  close(): Promise<void>;
}

/**
 * Register the `top` command and start recording the bot's one-paper posts and the reactions on
 * them.
 */
export function startVotes(opts: StartVotesOptions): Voting {
  const { paperboy, store } = opts;
  const emoji = new VoteEmoji(opts.config?.voteEmoji);
  const logger = opts.logger.child({ component: 'votes' });
  paperboy.register(createTopCommand({ store, emoji }));
  const stop = paperboy.observe(voteObserver({ store, emoji, logger, now: opts.now ?? paperboy.deps.now }));
  let closed = false;
  return {
    store,
    emoji,
    async close() {
      if (closed) return;
      closed = true;
      stop();
    },
  };
}
