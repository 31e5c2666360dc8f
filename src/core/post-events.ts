/**
 * What adapters tell the core about the bot's own messages after they are posted, and about
 * reactions people add to messages. Extensions (votes) observe these through
 * `Paperboy.observe`. Platform-neutral: adapters fill these in from their own events.
 */
import type { Reply } from '../reply/reply.ts';
import type { RequestContext } from '../reply/context.ts';

/** A message of the bot's that people can see and react to (not an ephemeral reply). */
export interface PostedMessage {
  platform: RequestContext['platform'];
  /** Slack team id / Discord guild id, when known. */
  workspaceId?: string;
  /** The channel (or DM, or Discord thread) the message is in. */
  channelId: string;
  /** The platform's id of the message: Slack `ts`, Discord message id. */
  messageId: string;
}

/** Someone added or removed a reaction on a message (any message: observers decide what counts). */
export interface ReactionEvent {
  platform: RequestContext['platform'];
  workspaceId?: string;
  channelId: string;
  messageId: string;
  /** Who reacted. Adapters leave out bots (this one included). */
  userId: string;
  /**
   * The emoji as the platform names it: Slack's short name (`+1`, `+1::skin-tone-2`, `fire`),
   * Discord's unicode emoji (`👍`) or a custom emoji's name.
   */
  emoji: string;
  added: boolean;
}

export interface PostObserver {
  /** Whether this observer wants to know where `reply` gets posted (adapters skip fetching an id otherwise). */
  wants(reply: Reply): boolean;
  /** `reply` was posted as `post`. */
  posted(post: PostedMessage, reply: Reply): Promise<void>;
  reacted(event: ReactionEvent): Promise<void>;
}
