/**
 * The few Discord REST calls the adapter makes, over discord.js's REST client, with exact JSON
 * bodies. Failures are logged with their reason (never a token or URL) and thrown as
 * `DiscordRestError`, so the caller can tell the user (and the scheduler knows whether to retry).
 */
import type { REST } from 'discord.js';
import type { Logger } from 'pino';
import { describeRestError, type RestFailure } from './rest-error.ts';
import type { DiscordMessage } from './render.ts';

/** JSON body for creating/editing a message. */
export interface MessageBody {
  content: string;
  embeds: DiscordMessage['embeds'];
  components: DiscordMessage['components'];
  allowed_mentions: { parse: []; replied_user?: boolean };
  flags?: number;
  message_reference?: { message_id: string; channel_id?: string; guild_id?: string; fail_if_not_exists: boolean };
}

/** A rendered message as a REST body (`allowedMentions` -> `allowed_mentions`). */
export function messageBody(msg: DiscordMessage, extra: Partial<Omit<MessageBody, 'content' | 'embeds' | 'components'>> = {}): MessageBody {
  return {
    content: msg.content,
    embeds: msg.embeds,
    components: msg.components,
    allowed_mentions: { parse: [], ...(extra.allowed_mentions ?? {}) },
    ...(extra.flags !== undefined ? { flags: extra.flags } : {}),
    ...(extra.message_reference ? { message_reference: extra.message_reference } : {}),
  };
}

/** Discord error codes that no retry can fix: unknown channel, missing access, missing permissions. */
const PERMANENT_CODES = new Set([10003, 50001, 50013]);

/**
 * Whether a failed call may succeed if repeated: rate limits (429), server errors (5xx), timeouts
 * (408) and network failures (no status) may; 4xx answers (403 forbidden, 404 unknown channel,
 * 400 invalid body, 401 bad token) and the codes in `PERMANENT_CODES` will not.
 */
export function isRetryableFailure(failure: RestFailure): boolean {
  if (typeof failure.code === 'number' && PERMANENT_CODES.has(failure.code)) return false;
  if (failure.status === undefined) return true;
  return failure.status >= 500 || failure.status === 429 || failure.status === 408;
}

export class DiscordRestError extends Error {
  override name = 'DiscordRestError';
  /** False when repeating the call cannot help (the scheduler then stops retrying). */
  readonly retryable: boolean;
  /** Unknown Channel (10003): the channel is gone, so watches posting there pause themselves. */
  readonly channelGone: boolean;
  constructor(
    readonly op: string,
    readonly failure: RestFailure,
  ) {
    super(`Discord ${op} failed: ${failure.reason}${failure.code !== undefined ? ` (code ${failure.code})` : ''}${failure.hint ? ` — ${failure.hint}` : ''}`);
    this.retryable = isRetryableFailure(failure);
    this.channelGone = failure.code === 10003;
  }
}

/** The `id` of a message or channel object in a REST answer, when it has one. */
function messageIdOf(value: unknown): string | undefined {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && /^\d{1,25}$/.test(id) ? id : undefined;
}

export class DiscordApi {
  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
  ) {}

  /** Run one REST call; a failure is logged with its reason and thrown as `DiscordRestError`. Resolves with the call's result. */
  async #must(op: string, context: Record<string, unknown>, fn: () => Promise<unknown>): Promise<unknown> {
    try {
      return await fn();
    } catch (err) {
      const failure = describeRestError(err);
      const level = failure.status !== undefined && failure.status < 500 ? 'warn' : 'error';
      this.logger[level]({ op, ...context, ...failure }, `discord ${op} failed: ${failure.reason}`);
      throw new DiscordRestError(op, failure);
    }
  }

  /** POST /channels/:id/messages; resolves with the new message's id (undefined if Discord's answer had none). */
  async createMessageOrThrow(channelId: string, body: MessageBody): Promise<string | undefined> {
    return messageIdOf(await this.#must('create message', { channelId }, () => this.rest.post(`/channels/${channelId}/messages`, { body })));
  }

  /** POST /users/@me/channels: the id of the bot's DM channel with a user. */
  async openDm(userId: string): Promise<string> {
    const channel = await this.#must('open DM', { user: userId }, () => this.rest.post('/users/@me/channels', { body: { recipient_id: userId } }));
    const id = messageIdOf(channel);
    if (!id) throw new DiscordRestError('open DM', { reason: 'Discord answered without a channel id' });
    return id;
  }

  /**
   * An interaction callback that creates a message, asking Discord for what it created
   * (`with_response=true`): resolves with the id of the message when Discord said.
   */
  async callbackForMessage(interactionId: string, token: string, body: { type: number; data?: unknown }): Promise<{ messageId?: string }> {
    const value = await this.#must('interaction callback', { interactionId, type: body.type }, () =>
      this.rest.post(`/interactions/${interactionId}/${token}/callback`, { body, auth: false, query: new URLSearchParams({ with_response: 'true' }) }),
    );
    const v = value as { interaction?: { response_message_id?: unknown }; resource?: { message?: unknown } } | undefined;
    const id = messageIdOf(v?.resource?.message) ?? (typeof v?.interaction?.response_message_id === 'string' ? v.interaction.response_message_id : undefined);
    return id ? { messageId: id } : {};
  }

  /** POST /interactions/:id/:token/callback (no bot auth: the token authorises). */
  async callback(interactionId: string, token: string, body: { type: number; data?: unknown }): Promise<void> {
    await this.#must('interaction callback', { interactionId, type: body.type }, () =>
      this.rest.post(`/interactions/${interactionId}/${token}/callback`, { body, auth: false }),
    );
  }

  /** PATCH /webhooks/:app/:token/messages/@original (finish a deferred interaction), with the edited message's id when Discord's answer has it. */
  async editOriginal(applicationId: string, token: string, body: Partial<MessageBody>): Promise<{ messageId?: string }> {
    const value = await this.#must('edit interaction reply', {}, () =>
      this.rest.patch(`/webhooks/${applicationId}/${token}/messages/@original`, { body, auth: false }),
    );
    const id = messageIdOf(value);
    return id ? { messageId: id } : {};
  }

  /** DELETE /webhooks/:app/:token/messages/@original (remove the interaction's first answer). */
  async deleteOriginal(applicationId: string, token: string): Promise<void> {
    await this.#must('delete interaction reply', {}, () => this.rest.delete(`/webhooks/${applicationId}/${token}/messages/@original`, { auth: false }));
  }

  /** POST /webhooks/:app/:token: a follow-up message (`flags: 64` makes it private to the user). */
  async followUp(applicationId: string, token: string, body: MessageBody): Promise<void> {
    await this.#must('interaction follow-up', {}, () => this.rest.post(`/webhooks/${applicationId}/${token}`, { body, auth: false }));
  }
}
