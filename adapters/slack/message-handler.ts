/**
 * Messages: `@Paperboy <command>` in a channel (answered in a thread under it) and direct
 * messages (answered in the DM). Bots (this one included), edits and joins are ignored. A
 * personal command (`save`, `unsave`, `saved`: the asker's reading list) mentioned in a channel is
 * answered to the asker alone (an ephemeral message, else a DM), never in the thread.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { requestContext, withErrorReference } from '../shared/requests.ts';
import { NO_UNFURL, type Answer, type Posted } from './answer.ts';
import { deliveryFailureReason } from './delivery-error.ts';
import { commandText } from './incoming.ts';
import { DirectMessageSchema, MentionEventSchema } from './payloads.ts';
import { slackPostRef } from './post-ref.ts';
import type { SlackMessage } from './render.ts';

type WebClient = App['client'];

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

  /** An `app_mention` event (`botUserId`: the bot in the event's workspace, when Bolt knows it); never throws. */
  async mention(event: unknown, client: WebClient, botUserId?: string): Promise<void> {
    const parsed = MentionEventSchema.safeParse(event);
    if (!parsed.success) {
      this.deps.logger.warn('app_mention payload not understood');
      return;
    }
    const e = parsed.data;
    if (e.bot_id) return; // never converse with bots (loops)
    await this.#answer(client, 'mention', e, e.thread_ts ?? e.ts, e.thread_ts, botUserId ?? this.deps.botUserId());
  }

  /** A `message` event: only plain messages people type in a DM with the bot; never throws. */
  async directMessage(event: unknown, client: WebClient, botUserId?: string): Promise<void> {
    const parsed = DirectMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    // No edits, joins, bot posts, or our own.
    if (m.channel_type !== 'im' || m.subtype !== undefined || m.bot_id !== undefined) return;
    const bot = botUserId ?? this.deps.botUserId();
    if (!m.user || m.user === bot) return;
    await this.#answer(client, 'direct message', m, undefined, undefined, bot);
  }

  async #answer(
    client: WebClient,
    what: string,
    ev: { text: string; user?: string; channel: string; team?: string },
    threadTs: string | undefined,
    /** The thread the message was typed in (a conversation of its own); a new top-level mention has none. */
    inThread: string | undefined,
    botUserId: string | undefined,
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
        const text = commandText(ev.text, botUserId);
        const answered = await this.deps.answer(text, ctx);
        // In a channel, an answer about the asker's own reading list (`saved`, `next` after it) goes to them alone.
        if (ev.user && !ctx.isDirect && answered.reply.personal === true) {
          await this.#tellPrivately(client, ev.user, ev.channel, inThread, answered.message);
          return;
        }
        const result = await client.chat.postMessage({ ...where, ...answered.message, ...NO_UNFURL });
        this.deps.posted?.(answered, { channel: ev.channel, team: ev.team }, result);
      },
      (text) => client.chat.postMessage({ ...where, text }),
      deliveryFailureReason,
    );
  }

  /**
   * `msg` to `user` alone: an ephemeral message in the channel (in the thread the mention was
   * typed in); when Slack refuses that (`not_in_channel`, `user_not_in_channel`, ...), a DM.
   * Never a post others can see.
   */
  async #tellPrivately(client: WebClient, user: string, channel: string, inThread: string | undefined, msg: SlackMessage): Promise<void> {
    try {
      await client.chat.postEphemeral({ channel, user, ...(inThread ? { thread_ts: inThread } : {}), ...msg });
    } catch (err) {
      this.deps.logger.info({ user, channel, reason: deliveryFailureReason(err) }, 'ephemeral answer refused; sending it as a DM');
      // A user id as the channel: Slack posts in the bot's DM with that user.
      await client.chat.postMessage({ channel: user, ...msg, ...NO_UNFURL });
    }
  }
}
