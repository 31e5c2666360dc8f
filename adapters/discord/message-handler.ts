/**
 * Messages: `@Paperboy <command>` in a channel, or anything in a DM, runs the command and replies
 * to the message; in a channel, an answer about the asker's reading list goes to them by DM.
 * Bots (including this one) and webhooks are ignored.
 */
import type { Message } from 'discord.js';
import type { Logger } from 'pino';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { DiscordRestError, messageBody, type DiscordApi, type MessageBody } from './discord-api.ts';
import { commandTextFromMessage } from './mention.ts';
import { requestContext, withErrorReference } from '../shared/requests.ts';
import type { DiscordMessage } from './render.ts';

export interface MessageHandlerDeps {
  paperboy: Paperboy;
  api: DiscordApi;
  render: (reply: Reply) => DiscordMessage;
  logger: Logger;
  botUserId: () => string | undefined;
}

export class MessageHandler {
  constructor(private readonly deps: MessageHandlerDeps) {}

  /** Whether a message is addressed to the bot, and its command text. */
  #commandOf(m: Message, botId: string): string | undefined {
    if (m.author.bot || m.author.id === botId || m.webhookId || m.system) return undefined;
    const inDm = !m.inGuild();
    const botRoleId = m.inGuild() ? m.guild.members.me?.roles.botRole?.id : undefined;
    // Only a mention written in the text counts: Discord also lists the bot in `mentions` when someone
    // merely replies to one of its messages (reply ping), and that is not a command.
    const mentioned = new RegExp(`<@!?${botId}>`).test(m.content) || (botRoleId !== undefined && m.content.includes(`<@&${botRoleId}>`));
    if (!inDm && !mentioned) return undefined;
    return commandTextFromMessage(m.content, botId, botRoleId);
  }

  /**
   * Handle one message; never throws. A failure (a reply Discord rejected included) is logged
   * (secrets scrubbed) under a reference id that a plain-text reply tells the user.
   */
  async handle(m: Message): Promise<void> {
    const { api, paperboy, render } = this.deps;
    const replyTo = {
      message_reference: {
        message_id: m.id,
        channel_id: m.channelId,
        ...(m.guildId ? { guild_id: m.guildId } : {}),
        fail_if_not_exists: false,
      },
    };
    let addressed = false;
    await withErrorReference(
      this.deps.logger,
      'discord message',
      { user: m.author.id, channel: m.channelId },
      async () => {
        const botId = this.deps.botUserId();
        if (!botId) return;
        const text = this.#commandOf(m, botId);
        if (text === undefined) return;
        addressed = true;
        // In a thread started from one of our posts the thread's id is the post's: `underPost` finds it.
        const ctx = {
          ...requestContext('discord', { userId: m.author.id, channelId: m.channelId, workspaceId: m.guildId, isDirect: !m.inGuild() }),
          underPost: m.channelId,
        };
        const reply = await paperboy.run(text, ctx);
        if (m.inGuild() && reply.personal) {
          await this.#answerByDm(m, reply, replyTo);
          return;
        }
        const id = await api.createMessageOrThrow(m.channelId, messageBody(render(reply), replyTo));
        // Reactions on an answer about one paper are votes for it.
        if (id && paperboy.wantsPost(reply)) {
          await paperboy.posted({ platform: 'discord', channelId: m.channelId, messageId: id, ...(m.guildId ? { workspaceId: m.guildId } : {}) }, reply);
        }
      },
      // Only a message addressed to the bot is answered, failure or not.
      async (content) => {
        if (addressed) await api.createMessageOrThrow(m.channelId, messageBody(plainMessage(content), replyTo));
      },
    );
  }

  /**
   * A personal answer asked for in a guild channel goes to the user by DM, and the channel is told
   * so; when Discord will not take the DM (the user does not accept DMs from the server: 50007),
   * the channel gets a pointer to a private way of asking, never the answer.
   */
  async #answerByDm(m: Message, reply: Reply, replyTo: Pick<MessageBody, 'message_reference'>): Promise<void> {
    const { api } = this.deps;
    const body = messageBody(this.deps.render(reply));
    let sent = false;
    try {
      await api.createMessageOrThrow(await api.openDm(m.author.id), body);
      sent = true;
    } catch (err) {
      // Logged with Discord's reason by the API.
      if (!(err instanceof DiscordRestError)) throw err;
    }
    await api.createMessageOrThrow(m.channelId, messageBody(plainMessage(sent ? SENT_BY_DM : DM_REFUSED), replyTo));
  }
}

/** The channel's answer when a personal answer went by DM. */
export const SENT_BY_DM = 'Sent you a DM.';
/** The channel's answer when a personal answer could not go by DM (it holds none of the answer). */
export const DM_REFUSED = 'Your reading list is private and I could not DM you: use `/papers saved` (only you see the answer) or ask me in a DM.';

/** A message of plain text only. */
function plainMessage(content: string): DiscordMessage {
  return {
    content,
    embeds: [],
    components: [],
    // Stryker disable next-line ObjectLiteral,ArrayDeclaration: equivalent — `messageBody` always sends `allowed_mentions: { parse: [] }`, whatever the message says
    allowedMentions: { parse: [] },
  };
}
