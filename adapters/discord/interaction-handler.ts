/**
 * Interactions: `/papers` slash commands, their autocomplete, and button clicks. Every
 * interaction is acknowledged within Discord's 3 s: a reply that is not ready after `deferAfterMs`
 * is deferred (callback 5 or 6) and the original response edited when it is.
 */
import type { Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { RequestContext } from '../../src/core/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/core/reply.ts';
import { findCommand } from '../../src/commands/parse.ts';
import { requestContext, withErrorReference, type Delivery } from '../shared/requests.ts';
import { badInvocationReply, expiredButtonReply } from './adapter-replies.ts';
import { completions } from './autocomplete.ts';
import { decodeCustomId } from './custom-id.ts';
import { messageBody, type DiscordApi } from './discord-api.ts';
import { CallbackType, EPHEMERAL } from './limits.ts';
import type { DiscordMessage } from './render.ts';
import { SLASH_COMMAND_NAME, commandTextFor, type SubcommandSpec } from './slash-command.ts';
import type { ActionStore } from './action-store.ts';

export interface InteractionHandlerDeps {
  paperboy: Paperboy;
  api: DiscordApi;
  store: ActionStore;
  specs: () => readonly SubcommandSpec[];
  render: (reply: Reply) => DiscordMessage;
  logger: Logger;
  deferAfterMs: number;
}

/** The reply if `work` settles within `ms`, else undefined (the work keeps running). */
async function within(work: Promise<Reply>, ms: number): Promise<Reply | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function contextOf(i: Interaction): RequestContext {
  return requestContext('discord', { userId: i.user.id, channelId: i.channelId, workspaceId: i.guildId, isDirect: i.guildId === null });
}

export class InteractionHandler {
  constructor(private readonly deps: InteractionHandlerDeps) {}

  /**
   * Handle one interaction; never throws. A failure is logged (secrets scrubbed) under a reference
   * id that the user is told privately, as the answer or in place of the deferred one.
   */
  async handle(i: Interaction): Promise<void> {
    const { api, logger } = this.deps;
    const tell = i.isAutocomplete()
      ? undefined
      : async (content: string) => {
          const body = { content, embeds: [], components: [], allowed_mentions: { parse: [] as [] } };
          if (await api.callback(i.id, i.token, { type: CallbackType.ChannelMessage, data: { ...body, flags: EPHEMERAL } })) return;
          // Already acknowledged (the answer was deferred): the failure takes the answer's place.
          if (!(await api.editOriginal(i.applicationId, i.token, body))) throw new Error('the interaction could not be answered');
        };
    await withErrorReference(logger, 'discord interaction', { interactionType: i.type, user: i.user.id }, async () => {
      if (i.isAutocomplete()) return await this.#autocomplete(i);
      if (i.isChatInputCommand()) return await this.#slash(i);
      if (i.isButton()) return await this.#button(i);
      logger.debug({ type: i.type }, 'discord: ignored interaction type');
    }, tell);
  }

  async #autocomplete(i: Interaction): Promise<void> {
    if (!i.isAutocomplete()) return;
    const focused = i.options.getFocused(true);
    const sub = i.options.getSubcommand(false);
    const spec = this.deps.specs().find((s) => s.name === sub);
    const positional = spec?.positionals.find((p) => p.name === focused.name);
    const { paperboy } = this.deps;
    const choices = positional?.complete
      ? completions(positional.complete, String(focused.value), {
          engine: paperboy.deps.engine,
          topics: paperboy.deps.topics,
          commands: paperboy.commands,
        })
      : [];
    await this.deps.api.callback(i.id, i.token, { type: CallbackType.AutocompleteResult, data: { choices } });
  }

  async #slash(i: Interaction): Promise<void> {
    if (!i.isChatInputCommand()) return;
    if (i.commandName !== SLASH_COMMAND_NAME) {
      await this.#answer(i, Promise.resolve(badInvocationReply(`Unknown command /${i.commandName}; this bot has /${SLASH_COMMAND_NAME}.`)), 'ephemeral');
      return;
    }
    const text = commandTextFor(this.deps.specs(), i.options.data);
    if (!text.ok) {
      await this.#answer(i, Promise.resolve(badInvocationReply(text.problem)), 'ephemeral');
      return;
    }
    this.deps.logger.debug({ command: text.text.slice(0, 100), user: i.user.id }, 'discord: slash command');
    // A personal command (your reading list) answers only you; the rest answer the channel.
    const command = text.words[0] ? findCommand(text.words[0].text, this.deps.paperboy.commands) : undefined;
    await this.#answer(i, this.deps.paperboy.runWords(text.words, contextOf(i)), command?.personal ? 'ephemeral' : 'public');
  }

  async #button(i: Interaction): Promise<void> {
    if (!i.isButton()) return;
    const id = decodeCustomId(i.customId);
    if (id.kind === 'noop') {
      await this.deps.api.callback(i.id, i.token, { type: CallbackType.DeferredUpdateMessage });
      return;
    }
    const stored = id.kind === 'command' ? id : id.kind === 'action' ? this.deps.store.get(id.key) : undefined;
    if (!stored) {
      await this.#answer(i, Promise.resolve(expiredButtonReply()), 'ephemeral');
      return;
    }
    await this.#answer(i, this.deps.paperboy.run(stored.command, contextOf(i)), stored.delivery);
  }

  /**
   * Deliver a reply: at once when it is ready within `deferAfterMs` (callback 4 or 7), else defer
   * (callback 5 or 6) and edit the original response. A public slash reply that is an error goes
   * privately to the user who typed it.
   */
  async #answer(i: Interaction & { token: string }, work: Promise<Reply>, delivery: Extract<Delivery, 'public' | 'ephemeral' | 'update'>): Promise<void> {
    const { api, render } = this.deps;
    const ready = await within(work, this.deps.deferAfterMs);
    if (ready) {
      const msg = render(ready);
      if (delivery === 'update') {
        await api.callback(i.id, i.token, { type: CallbackType.UpdateMessage, data: messageBody(msg) });
      } else {
        const ephemeral = delivery === 'ephemeral' || ready.tone === 'error';
        const body = { type: CallbackType.ChannelMessage, data: messageBody(msg, ephemeral ? { flags: EPHEMERAL } : {}) };
        if (!ephemeral && this.deps.paperboy.wantsPost(ready)) {
          // A public answer about one paper: learn its message id, so reactions on it are votes.
          const { messageId } = await api.callbackForMessage(i.id, i.token, body);
          if (messageId) await this.#posted(i, messageId, ready);
        } else {
          await api.callback(i.id, i.token, body);
        }
      }
      return;
    }
    const deferred =
      delivery === 'update'
        ? await api.callback(i.id, i.token, { type: CallbackType.DeferredUpdateMessage })
        : await api.callback(i.id, i.token, {
            type: CallbackType.DeferredChannelMessage,
            ...(delivery === 'ephemeral' ? { data: { flags: EPHEMERAL } } : {}),
          });
    const reply = await work;
    if (!deferred) return;
    const edited = await api.editOriginalForId(i.applicationId, i.token, messageBody(render(reply)));
    if (delivery === 'public' && edited.messageId && this.deps.paperboy.wantsPost(reply)) await this.#posted(i, edited.messageId, reply);
  }

  /** Tell the core a public answer was posted (votes). */
  async #posted(i: Interaction, messageId: string, reply: Reply): Promise<void> {
    if (!i.channelId) return;
    await this.deps.paperboy.posted({ platform: 'discord', channelId: i.channelId, messageId, ...(i.guildId ? { workspaceId: i.guildId } : {}) }, reply);
  }
}
