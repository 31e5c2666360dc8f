/**
 * Reactions: `messageReactionAdd` / `messageReactionRemove` handed to the core (votes count the
 * ones on Paperboy's own one-paper messages). Works on uncached messages (partials: only ids are
 * read). Bots, this one included, are ignored.
 */
import type { MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import type { Logger } from 'pino';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { errInfo } from '../shared/requests.ts';

export interface ReactionHandlerDeps {
  paperboy: Paperboy;
  logger: Logger;
  botUserId: () => string | undefined;
}

/** The emoji as the core wants it: the unicode character, or a custom emoji's name. */
export function reactionEmoji(emoji: { id: string | null; name: string | null }): string | undefined {
  return emoji.name ?? undefined;
}

export class ReactionHandler {
  constructor(private readonly deps: ReactionHandlerDeps) {}

  /** One reaction added or removed; never throws. */
  async handle(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser, added: boolean): Promise<void> {
    try {
      // A partial user's `bot` is unknown (null): only a known bot, or this one, is left out.
      if (user.bot === true || user.id === this.deps.botUserId()) return;
      const emoji = reactionEmoji(reaction.emoji);
      const message = reaction.message;
      if (!emoji || !message.channelId) return;
      await this.deps.paperboy.reacted({
        platform: 'discord',
        ...(message.guildId ? { workspaceId: message.guildId } : {}),
        channelId: message.channelId,
        messageId: message.id,
        userId: user.id,
        emoji,
        added,
      });
    } catch (err) {
      this.deps.logger.error({ err: errInfo(err) }, 'discord reaction handling failed');
    }
  }
}
