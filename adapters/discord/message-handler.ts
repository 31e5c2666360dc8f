/**
 * Messages: `@Paperboy <command>` in a channel, or anything in a DM, runs the command and replies
 * to the message. Bots (including this one) and webhooks are ignored.
 */
import type { Message } from 'discord.js';
import type { Logger } from 'pino';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/core/reply.ts';
import { messageBody, type DiscordApi } from './discord-api.ts';
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
    const mentioned =
      new RegExp(`<@!?${botId}>`).test(m.content) || (botRoleId !== undefined && m.content.includes(`<@&${botRoleId}>`));
    if (!inDm && !mentioned) return undefined;
    return commandTextFromMessage(m.content, botId, botRoleId);
  }

  /**
   * Handle one message; never throws. A failure is logged (secrets scrubbed) under a reference id
   * that the reply tells the user.
   */
  async handle(m: Message): Promise<void> {
    const replyTo = {
      message_reference: {
        message_id: m.id,
        channel_id: m.channelId,
        ...(m.guildId ? { guild_id: m.guildId } : {}),
        fail_if_not_exists: false,
      },
    };
    const send = (msg: DiscordMessage) => this.deps.api.createMessage(m.channelId, messageBody(msg, replyTo));
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
        const ctx = { ...requestContext('discord', { userId: m.author.id, channelId: m.channelId, workspaceId: m.guildId, isDirect: !m.inGuild() }), underPost: m.channelId };
        const reply = await this.deps.paperboy.run(text, ctx);
        const id = await this.deps.api.createMessageForId(m.channelId, messageBody(this.deps.render(reply), replyTo));
        // Reactions on an answer about one paper are votes for it.
        if (id && this.deps.paperboy.wantsPost(reply)) {
          await this.deps.paperboy.posted({ platform: 'discord', channelId: m.channelId, messageId: id, ...(m.guildId ? { workspaceId: m.guildId } : {}) }, reply);
        }
      },
      // Only a message addressed to the bot is answered, failure or not.
      async (content) => addressed && send({ content, embeds: [], components: [], allowedMentions: { parse: [] } }),
    );
  }
}
