/**
 * Interactions: the `/papers` slash command (answered privately, with "Post to channel") and
 * button clicks (paging in place, new answers, sharing). Every interaction is acknowledged first,
 * then worked on; a failure is logged under a reference id that the user is told. Where the bot
 * cannot post (a message shared through a `response_url` in a channel the bot is not in), clicks
 * are answered through the click's own `response_url`.
 */
import type { App, RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { requestContext, withErrorReference } from '../shared/requests.ts';
import { parseActionId } from './action-ids.ts';
import { NO_UNFURL, type Answer, type Answered, type Posted } from './answer.ts';
import { NOT_A_MEMBER, botCannotPostHere, deliveryFailureReason } from './delivery-error.ts';
import { commandText } from './incoming.ts';
import { BlockActionsSchema, SlashCommandSchema } from './payloads.ts';

type WebClient = App['client'];

const isDirect = (channelId: string | undefined) => channelId?.startsWith('D') === true;

/**
 * The "Shared by" user of a message posted before paging buttons carried it in their action id
 * (`pb:page:next.by-U…`): read from the message's context line, so such messages keep the line.
 */
export function legacySharedBy(blocks: unknown[] | undefined): string | undefined {
  for (const b of blocks ?? []) {
    const els = (b as { type?: unknown; elements?: unknown }).elements;
    if ((b as { type?: unknown }).type !== 'context' || !Array.isArray(els)) continue;
    for (const el of els) {
      const text = (el as { text?: unknown }).text;
      const m = typeof text === 'string' ? /^Shared by <@([UW][A-Z0-9]{2,20})>$/.exec(text) : null;
      if (m) return m[1];
    }
  }
  return undefined;
}

export interface InteractionHandlerDeps {
  answer: Answer;
  logger: Logger;
  /** Report an answer posted for everyone to the core (votes). */
  posted?: Posted;
}

export class InteractionHandler {
  constructor(private readonly deps: InteractionHandlerDeps) {}

  /** A slash command (already acknowledged); never throws. */
  async slashCommand(command: unknown, respond: RespondFn): Promise<void> {
    const parsed = SlashCommandSchema.safeParse(command);
    if (!parsed.success) {
      this.deps.logger.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'slash command payload not understood');
      return;
    }
    const c = parsed.data;
    const ctx = requestContext('slack', { userId: c.user_id, channelId: c.channel_id, workspaceId: c.team_id, isDirect: isDirect(c.channel_id) });
    await withErrorReference(
      this.deps.logger,
      'slash command',
      { user: c.user_id, channel: c.channel_id },
      async () => {
        const { message } = await this.deps.answer(commandText(c.text), ctx, { share: !isDirect(c.channel_id) });
        await respond({ response_type: 'ephemeral', ...message });
      },
      (text) => respond({ response_type: 'ephemeral', text }),
      deliveryFailureReason,
    );
  }

  /** A click on a Paperboy button (already acknowledged); never throws. */
  async button(body: unknown, respond: RespondFn | undefined, client: WebClient): Promise<void> {
    const parsed = BlockActionsSchema.safeParse(body);
    if (!parsed.success) {
      this.deps.logger.warn('button payload not understood');
      return;
    }
    const b = parsed.data;
    const action = b.actions[0];
    const id = action ? parseActionId(action.action_id) : undefined;
    const command = action?.value;
    if (!id || !command) return;
    const { answer } = this.deps;

    const channel = b.channel?.id ?? b.container?.channel_id;
    const ephemeral = b.container?.is_ephemeral === true;
    const dm = isDirect(channel);
    const messageTs = b.container?.message_ts ?? b.message?.ts;
    const threadTs = b.container?.thread_ts ?? b.message?.thread_ts;
    const ctx = requestContext('slack', {
      userId: b.user.id,
      channelId: channel,
      workspaceId: b.team?.id,
      threadId: b.container?.thread_ts ?? b.message?.thread_ts,
      isDirect: dm,
    });
    const fields = { user: b.user.id, channel, button: id.delivery };
    const personal = ephemeral || !channel;

    const log = this.deps.logger;
    /**
     * `viaWebApi` failed: when the bot cannot post here (not a member: the message was shared
     * through a response_url), deliver `args` through the click's response_url instead.
     */
    const orRespond = async (viaWebApi: () => Promise<unknown>, args: RespondArguments): Promise<void> => {
      try {
        await viaWebApi();
      } catch (err) {
        if (!respond || !botCannotPostHere(err)) throw err;
        log.info({ ...fields, reason: deliveryFailureReason(err) }, 'bot cannot post here; answering through the response_url');
        await respond(args);
      }
    };

    const tell = async (text: string): Promise<void> => {
      if (personal) {
        await respondWith(respond, { response_type: 'ephemeral', replace_original: false, text });
        return;
      }
      try {
        await client.chat.postEphemeral({ channel, user: b.user.id, text });
      } catch (err) {
        // The notice matters more than the way it goes: any refusal falls back to the response_url.
        if (!respond) throw err;
        log.info({ ...fields, reason: deliveryFailureReason(err) }, 'ephemeral notice refused; telling through the response_url');
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      }
    };

    await withErrorReference(
      this.deps.logger,
      `button ${id.delivery}`,
      fields,
      async () => {
        switch (id.delivery) {
          case 'update': {
            if (personal || !messageTs) {
              const { message: msg } = await answer(command, ctx, { share: !dm });
              await respondWith(respond, { replace_original: true, ...msg });
              return;
            }
            const sharedBy = id.sharedBy ?? legacySharedBy(b.message?.blocks);
            const { message: msg } = await answer(command, ctx, sharedBy ? { sharedBy } : {});
            await orRespond(() => client.chat.update({ channel, ts: messageTs, ...msg }), { response_type: 'in_channel', replace_original: true, ...msg });
            return;
          }
          case 'reply': {
            if (personal) {
              const { message: msg } = await answer(command, ctx, { share: !dm });
              await respondWith(respond, { response_type: 'ephemeral', replace_original: false, ...msg });
            } else {
              const where = dm ? { channel } : { channel, thread_ts: threadTs ?? messageTs };
              const answered = await answer(command, ctx);
              // Without the bot in the channel no thread can be answered in: only the clicker gets it.
              const postInThread = async () => {
                const result = await client.chat.postMessage({ ...where, ...answered.message, ...NO_UNFURL });
                this.deps.posted?.(answered, { channel, team: b.team?.id }, result);
              };
              await orRespond(postInThread, { response_type: 'ephemeral', replace_original: false, ...answered.message });
            }
            return;
          }
          case 'ephemeral': {
            // Only the clicker sees the answer (Save): through the response_url, else chat.postEphemeral.
            const { message: msg } = await answer(command, ctx);
            if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...msg });
            else if (channel) await client.chat.postEphemeral({ channel, user: b.user.id, ...(threadTs ? { thread_ts: threadTs } : {}), ...msg });
            else throw new Error('no response_url or channel to answer in');
            return;
          }
          case 'public':
            // Post the same reply for everyone, as the bot.
            if (!channel) throw new Error('no channel to share to');
            await this.#share(client, respond, channel, await answer(command, ctx, { sharedBy: b.user.id }), fields, b.team?.id);
        }
      },
      tell,
      deliveryFailureReason,
    );
  }

  async #share(
    client: WebClient,
    respond: RespondFn | undefined,
    channel: string,
    answered: Answered,
    fields: Record<string, unknown>,
    team?: string,
  ): Promise<void> {
    const log = this.deps.logger;
    const msg = answered.message;
    try {
      const result = await client.chat.postMessage({ channel, ...msg, ...NO_UNFURL });
      this.deps.posted?.(answered, { channel, team }, result);
    } catch (err) {
      const reason = deliveryFailureReason(err);
      if (!NOT_A_MEMBER.has(reason) || !respond) throw err;
      // The bot is not in this channel: the interaction's response_url can still post here.
      log.info({ ...fields, reason }, 'bot not in channel; sharing through the response_url');
      try {
        await respond({ response_type: 'in_channel', replace_original: false, ...msg });
      } catch (err2) {
        log.warn({ ...fields, reason: deliveryFailureReason(err2) }, 'sharing through the response_url failed');
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: `I can't post in this channel (${reason}). Invite me with \`/invite @Paperboy\` and try again.`,
        });
      }
    }
  }
}

function respondWith(respond: RespondFn | undefined, args: RespondArguments) {
  if (!respond) throw new Error('no response_url in the payload');
  return respond(args);
}
