/**
 * Reactions: `reaction_added` / `reaction_removed` events on messages, handed to the core (votes
 * count the ones on Paperboy's own one-paper messages). The bot's own reactions, and reactions on
 * anything but a message, are ignored.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { errInfo } from '../shared/requests.ts';

const id = z.string().min(1).max(64);

export const ReactionEventSchema = z.object({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: id,
  reaction: z.string().min(1).max(100),
  item: z.object({ type: z.string(), channel: id.optional(), ts: z.string().min(1).max(32).optional() }),
});

export interface ReactionHandlerDeps {
  paperboy: Paperboy;
  logger: Logger;
  botUserId: () => string | undefined;
}

export class ReactionHandler {
  constructor(private readonly deps: ReactionHandlerDeps) {}

  /** One reaction event (`teamId` from the event envelope, `botUserId` from its authorisation); never throws. */
  async handle(event: unknown, teamId: unknown, botUserId?: string): Promise<void> {
    const parsed = ReactionEventSchema.safeParse(event);
    if (!parsed.success) {
      this.deps.logger.warn('reaction event not understood');
      return;
    }
    const e = parsed.data;
    if (e.item.type !== 'message' || !e.item.channel || !e.item.ts) return;
    if (e.user === (botUserId ?? this.deps.botUserId())) return;
    try {
      await this.deps.paperboy.reacted({
        platform: 'slack',
        ...(typeof teamId === 'string' && teamId !== '' ? { workspaceId: teamId } : {}),
        channelId: e.item.channel,
        messageId: e.item.ts,
        userId: e.user,
        emoji: e.reaction,
        added: e.type === 'reaction_added',
      });
    } catch (err) {
      this.deps.logger.error({ err: errInfo(err), channel: e.item.channel }, 'reaction handling failed');
    }
  }
}
