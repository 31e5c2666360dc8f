/**
 * Messages: `@Paperboy <command>` in a channel (answered in a thread under it) and direct
 * messages (answered in the DM). Bots (this one included), edits and joins are ignored.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { requestContext, withErrorReference } from '../shared/requests.ts';
import { deliveryFailureReason } from './delivery-error.ts';
import { commandText } from './incoming.ts';
import { DirectMessageSchema, MentionEventSchema } from './payloads.ts';
import type { Answer, Posted } from './listeners.ts';
import { slackPostRef } from './post-ref.ts';

type WebClient = App['client'];

/** Options that keep Slack from unfurling paper links into big previews. */
export const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

export interface MessageHandlerDeps {
  answer: Answer;
  logger: Logger;
  /** The bot's own user id (known after `auth.test`). */
  botUserId: () => string | undefined;
  /** Report a posted answer to the core (votes). */
  posted?: Posted;
}

export class MessageHandler {
  constructor(private readonly deps: MessageHandlerDeps) {}

  /** An `app_mention` event; never throws. */
  async mention(event: unknown, client: WebClient): Promise<void> {
    const parsed = MentionEventSchema.safeParse(event);
    if (!parsed.success) {
      this.deps.logger.warn('app_mention payload not understood');
      return;
    }
    const e = parsed.data;
    if (e.bot_id) return; // never converse with bots (loops)
    await this.#answer(client, 'mention', e, e.thread_ts ?? e.ts, e.thread_ts);
  }

  /** A `message` event: only plain messages people type in a DM with the bot; never throws. */
  async directMessage(event: unknown, client: WebClient): Promise<void> {
    const parsed = DirectMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    // No edits, joins, bot posts, or our own.
    if (m.channel_type !== 'im' || m.subtype !== undefined || m.bot_id !== undefined) return;
    if (!m.user || m.user === this.deps.botUserId()) return;
    await this.#answer(client, 'direct message', m, undefined, undefined);
  }

  async #answer(
    client: WebClient,
    what: string,
    ev: { text: string; user?: string; channel: string; team?: string },
    threadTs: string | undefined,
    /** The thread the message was typed in (a conversation of its own); a new top-level mention has none. */
    inThread: string | undefined,
  ): Promise<void> {
    const ctx = {
      ...requestContext('slack', {
        userId: ev.user,
        channelId: ev.channel,
        workspaceId: ev.team,
        threadId: inThread,
        replyThreadId: threadTs,
        isDirect: ev.channel.startsWith('D'),
      }),
      ...(inThread ? { underPost: slackPostRef(ev.channel, inThread) } : {}),
    };
    const where = threadTs ? { channel: ev.channel, thread_ts: threadTs } : { channel: ev.channel };
    await withErrorReference(
      this.deps.logger,
      what,
      { user: ev.user, channel: ev.channel },
      async () => {
        const msg = await this.deps.answer(commandText(ev.text, this.deps.botUserId()), ctx);
        const result = await client.chat.postMessage({ ...where, ...msg, ...NO_UNFURL });
        this.deps.posted?.(msg, { channel: ev.channel, team: ev.team }, result);
      },
      (text) => client.chat.postMessage({ ...where, text }),
      deliveryFailureReason,
    );
  }
}
