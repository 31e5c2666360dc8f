/**
 * Interactions: `/papers` slash commands, their autocomplete, and button clicks. Every
 * interaction is acknowledged within Discord's 3 s: a reply that is not ready after `deferAfterMs`
 * is deferred (callback 5 or 6) and the original response edited when it is.
 */
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { RequestContext } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
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
  /** How the handler waits `deferAfterMs` before deferring (default `timerWait`); tests decide with a latch. */
  deferWait?: DeferWait;
}

/**
 * Resolves when the wait for a reply is over (the reply is then deferred if it is not ready);
 * `done` aborts when the reply was ready first, and the wait should then let go of its timer.
 */
export type DeferWait = (ms: number, done: AbortSignal) => Promise<void>;

/** `ms` of real time. */
const timerWait: DeferWait = (ms, done) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    done.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });

/** The reply if `work` settles before `wait` is over, else undefined (the work keeps running). */
async function within(work: Promise<Reply>, ms: number, wait: DeferWait): Promise<Reply | undefined> {
  const done = new AbortController();
  try {
    return await Promise.race([work, wait(ms, done.signal).then(() => undefined)]);
  } finally {
    done.abort();
  }
}

/**
 * How far the answer to one interaction has got, which decides how anything more is sent:
 * - `open`: nothing sent yet (a callback answers);
 * - `deferred-public` / `deferred-private`: "thinking…" is shown (callback 5), to everyone or to the user;
 * - `deferred-update`: a click was acknowledged (callback 6) and the clicked message is to be edited;
 * - `answered`: an answer is out; more goes in follow-ups.
 */
interface Progress {
  stage: 'open' | 'deferred-public' | 'deferred-private' | 'deferred-update' | 'answered';
}

/** What stays in the channel, briefly, where a deferred public answer turned out to be private. */
const SENT_PRIVATELY = 'The answer to this request was shown only to the person who asked.';

/** A message of plain text only (no embeds, no buttons, no mentions). */
function plainMessage(content: string): DiscordMessage {
  return {
    content,
    embeds: [],
    components: [],
    // Stryker disable next-line ObjectLiteral,ArrayDeclaration: equivalent — `messageBody` always sends `allowed_mentions: { parse: [] }`, whatever the message says
    allowedMentions: { parse: [] },
  };
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
    const progress: Progress = { stage: 'open' };
    // A failure (a reply Discord rejected included) is told as one short line of plain text.
    const tell = i.isAutocomplete() ? undefined : (content: string) => this.#privately(i, progress, plainMessage(content));
    await withErrorReference(
      this.deps.logger,
      'discord interaction',
      { interactionType: i.type, user: i.user.id },
      async () => {
        if (i.isAutocomplete()) return await this.#autocomplete(i);
        if (i.isChatInputCommand()) return await this.#slash(i, progress);
        if (i.isButton()) return await this.#button(i, progress);
        this.deps.logger.debug({ type: i.type }, 'discord: ignored interaction type');
      },
      tell,
    );
  }

  async #autocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    // Stryker disable next-line BooleanLiteral: equivalent — /papers has only subcommands, so Discord always names one
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

  async #slash(i: ChatInputCommandInteraction, progress: Progress): Promise<void> {
    if (i.commandName !== SLASH_COMMAND_NAME) {
      await this.#answer(
        i,
        progress,
        Promise.resolve(badInvocationReply(`Unknown command /${i.commandName}; this bot has /${SLASH_COMMAND_NAME}.`)),
        // Stryker disable next-line StringLiteral: equivalent — the reply is an error, and errors are answered privately whatever the delivery
        'ephemeral',
      );
      return;
    }
    const text = commandTextFor(this.deps.specs(), i.options.data);
    if (!text.ok) {
      // Stryker disable next-line StringLiteral: equivalent — the reply is an error, and errors are answered privately whatever the delivery
      await this.#answer(i, progress, Promise.resolve(badInvocationReply(text.problem)), 'ephemeral');
      return;
    }
    this.deps.logger.debug({ command: text.text.slice(0, 100), user: i.user.id }, 'discord: slash command');
    // A personal command (your reading list) answers only you; the rest answer the channel.
    const command = text.words[0] ? findCommand(text.words[0].text, this.deps.paperboy.commands) : undefined;
    await this.#answer(i, progress, this.deps.paperboy.runWords(text.words, contextOf(i)), command?.personal ? 'ephemeral' : 'public');
  }

  async #button(i: ButtonInteraction, progress: Progress): Promise<void> {
    const id = decodeCustomId(i.customId);
    if (id.kind === 'noop') {
      await this.deps.api.callback(i.id, i.token, { type: CallbackType.DeferredUpdateMessage });
      return;
    }
    const stored = id.kind === 'action' ? await this.deps.store.find(id.key) : id.kind === 'command' ? id : undefined;
    if (!stored) {
      // Stryker disable next-line StringLiteral: equivalent — the reply is an error, and errors are answered privately whatever the delivery
      await this.#answer(i, progress, Promise.resolve(expiredButtonReply()), 'ephemeral');
      return;
    }
    await this.#answer(i, progress, this.deps.paperboy.run(stored.command, contextOf(i)), stored.delivery);
  }

  /**
   * Deliver a reply: at once when it is ready within `deferAfterMs` (callback 4 or 7), else defer
   * (callback 5 or 6) and edit the original response. A public slash reply that is an error goes
   * privately to the user who typed it, deferred or not. A call Discord refuses throws (`handle`
   * then tells the user privately, in plain text, under a reference id).
   */
  async #answer(
    i: Interaction & { token: string },
    progress: Progress,
    work: Promise<Reply>,
    delivery: Extract<Delivery, 'public' | 'ephemeral' | 'update'>,
  ): Promise<void> {
    const { api, render } = this.deps;
    const ready = await within(work, this.deps.deferAfterMs, this.deps.deferWait ?? timerWait);
    if (ready) {
      const msg = render(ready);
      if (delivery === 'update') {
        await api.callback(i.id, i.token, { type: CallbackType.UpdateMessage, data: messageBody(msg) });
      } else if (delivery === 'ephemeral' || ready.tone === 'error') {
        await this.#privately(i, progress, msg);
      } else if (this.deps.paperboy.wantsPost(ready)) {
        // A public answer about one paper: learn its message id, so reactions on it are votes.
        const { messageId } = await api.callbackForMessage(i.id, i.token, { type: CallbackType.ChannelMessage, data: messageBody(msg) });
        if (messageId) await this.#posted(i, messageId, ready);
      } else {
        await api.callback(i.id, i.token, { type: CallbackType.ChannelMessage, data: messageBody(msg) });
      }
      progress.stage = 'answered';
      return;
    }
    if (delivery === 'update') {
      await api.callback(i.id, i.token, { type: CallbackType.DeferredUpdateMessage });
      progress.stage = 'deferred-update';
    } else {
      await api.callback(i.id, i.token, { type: CallbackType.DeferredChannelMessage, ...(delivery === 'ephemeral' ? { data: { flags: EPHEMERAL } } : {}) });
      progress.stage = delivery === 'ephemeral' ? 'deferred-private' : 'deferred-public';
    }
    const reply = await work;
    const msg = render(reply);
    if (delivery === 'public' && reply.tone === 'error') {
      await this.#privately(i, progress, msg);
      return;
    }
    const edited = await api.editOriginal(i.applicationId, i.token, messageBody(msg));
    progress.stage = 'answered';
    if (delivery === 'public' && edited.messageId && this.deps.paperboy.wantsPost(reply)) await this.#posted(i, edited.messageId, reply);
  }

  /** Send `msg` so that only the user who interacted sees it, whatever has been sent so far. */
  async #privately(i: Interaction, progress: Progress, msg: DiscordMessage): Promise<void> {
    const { api } = this.deps;
    const body = messageBody(msg, { flags: EPHEMERAL });
    switch (progress.stage) {
      case 'open':
        await api.callback(i.id, i.token, { type: CallbackType.ChannelMessage, data: body });
        break;
      case 'deferred-private':
        // The "thinking…" message is already private: it becomes the answer.
        await api.editOriginal(i.applicationId, i.token, messageBody(msg));
        break;
      case 'deferred-public':
        // Everyone sees "thinking…", and Discord gives the first follow-up after a deferral the
        // deferral's visibility (it edits that message). So: settle the public message with a
        // neutral line, send the answer as a private follow-up, then delete the public message.
        await api.editOriginal(i.applicationId, i.token, messageBody(plainMessage(SENT_PRIVATELY)));
        progress.stage = 'answered';
        await api.followUp(i.applicationId, i.token, body);
        try {
          await api.deleteOriginal(i.applicationId, i.token);
        } catch {
          // Logged by the API; the neutral line stays, which says nothing private.
        }
        break;
      case 'deferred-update':
      case 'answered':
        await api.followUp(i.applicationId, i.token, body);
        break;
    }
    progress.stage = 'answered';
  }

  /** Tell the core a public answer was posted (votes). */
  async #posted(i: Interaction, messageId: string, reply: Reply): Promise<void> {
    if (!i.channelId) return;
    await this.deps.paperboy.posted({ platform: 'discord', channelId: i.channelId, messageId, ...(i.guildId ? { workspaceId: i.guildId } : {}) }, reply);
  }
}
