import type { Logger } from 'pino';
import type { PostObserver } from '../core/post-events.ts';
import type { VoteEmoji } from './emoji.ts';
import { votablePaperId } from './one-paper.ts';
import type { VoteStore } from './store.ts';

export interface VoteObserverOptions {
  store: VoteStore;
  emoji: VoteEmoji;
  logger: Logger;
  now: () => Date;
}

/**
 * Turns the core's post and reaction events into votes: a posted reply about one paper is
 * recorded; a counted reaction on a recorded post adds (or removes) its person's vote.
 */
export function voteObserver(opts: VoteObserverOptions): PostObserver {
  const { store, emoji, logger } = opts;
  return {
    wants: (reply) => votablePaperId(reply) !== undefined,

    async posted(post, reply) {
      const paperId = votablePaperId(reply);
      if (!paperId) return;
      await store.recordPost({ ...post, paperId, postedAt: opts.now() });
      logger.debug({ platform: post.platform, channel: post.channelId, message: post.messageId, paperId }, 'votable post recorded');
    },

    async reacted(event) {
      const key = emoji.match(event.emoji);
      if (!key) return;
      const ref = { platform: event.platform, channelId: event.channelId, messageId: event.messageId, userId: event.userId, emoji: key };
      const outcome = event.added ? await store.addReaction({ ...ref, at: opts.now() }) : await store.removeReaction(ref);
      if (!outcome.post) return;
      logger.info(
        { platform: event.platform, channel: event.channelId, user: event.userId, paperId: outcome.paperId, voted: outcome.voted, changed: outcome.changed },
        outcome.changed ? (outcome.voted ? 'vote added' : 'vote removed') : 'vote unchanged',
      );
    },
  };
}
