import { randomBytes } from 'node:crypto';
import type { App, RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RequestContext } from '../../src/context.ts';
import type { Paperboy } from '../../src/paperboy.ts';
import { ACTION_ID_PATTERN, parseActionId } from './action-ids.ts';
import { scrubSecrets } from './bolt-logger.ts';
import type { RecentIds } from './dedupe.ts';
import { NOT_A_MEMBER, deliveryFailureReason } from './delivery-error.ts';
import { commandText } from './incoming.ts';
import { BlockActionsSchema, DirectMessageSchema, MentionEventSchema, SlashCommandSchema } from './payloads.ts';
import { CpuQueue } from './cpu-queue.ts';
import { renderSlack, type SlackMessage, type SlackRenderOptions } from './render.ts';

type WebClient = App['client'];

export interface ListenerDeps {
  paperboy: Paperboy;
  logger: Logger;
  /** The bot's own user id (known after `auth.test`). */
  botUserId: () => string | undefined;
  /** Event ids already answered (Slack retries). */
  recent: RecentIds;
}

/** Error details safe to log: no tokens, no request bodies. */
export function errInfo(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return { name: err.name, message: scrubSecrets(err.message), stack: scrubSecrets(err.stack ?? '') };
  }
  return { message: scrubSecrets(String(err)) };
}

const isDirect = (channelId: string | undefined) => channelId?.startsWith('D') === true;


/** Options that keep Slack from unfurling paper links into big previews. */
const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** The "Shared by" user of a message we posted earlier (to keep it when paging updates the message). */
export function sharedByOf(blocks: unknown[] | undefined): string | undefined {
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

/**
 * Register Paperboy's Slack listeners on a Bolt app: the slash command, @mentions, DMs and the
 * buttons. Every listener acknowledges first, then works; no listener ever rejects (failures are
 * logged with a reference id that the user also sees when they can be told).
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { paperboy, logger } = deps;
  const log = logger.child({ component: 'slack' });
  const cpu = new CpuQueue();
  /** Run a command and render its reply, queued so acks are never stuck behind a burst of work. */
  const answer = async (text: string, ctx: RequestContext, opts: SlackRenderOptions = {}): Promise<SlackMessage> => {
    const reply = await cpu.run(() => paperboy.run(text, ctx));
    return cpu.run(() => renderSlack(reply, opts));
  };

  /** Run `work`; on failure log it under a reference id and try `tell` the user that id. */
  async function guarded(
    what: string,
    fields: Record<string, unknown>,
    work: () => Promise<void>,
    tell: (text: string) => Promise<unknown>,
  ): Promise<void> {
    try {
      await work();
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      log.error({ ...fields, ref, reason: deliveryFailureReason(err), err: errInfo(err) }, `${what} failed`);
      try {
        await tell(`Sorry, something went wrong on our side (ref ${ref}).`);
      } catch (err2) {
        log.warn({ ...fields, ref, reason: deliveryFailureReason(err2) }, 'could not tell the user about the failure');
      }
    }
  }

  const respondWith = (respond: RespondFn | undefined, args: RespondArguments) => {
    if (!respond) throw new Error('no response_url in the payload');
    return respond(args);
  };

  // Slack retries an Events API delivery it thinks was lost; answer each event id once.
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && deps.recent.checkAndAdd(eventId)) {
      log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'duplicate delivery ignored');
      return;
    }
    await next();
  });

  app.command(/^\/[\w-]+$/, async ({ ack, command, respond }) => {
    await ack();
    const parsed = SlashCommandSchema.safeParse(command);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'slash command payload not understood');
      return;
    }
    const c = parsed.data;
    const ctx: RequestContext = { platform: 'slack', userId: c.user_id, channelId: c.channel_id, workspaceId: c.team_id };
    await guarded(
      'slash command',
      { user: c.user_id, channel: c.channel_id },
      async () => {
        const msg = await answer(commandText(c.text), ctx, { share: !isDirect(c.channel_id) });
        await respond({ response_type: 'ephemeral', ...msg });
      },
      (text) => respond({ response_type: 'ephemeral', text }),
    );
  });

  const answerInConversation = async (
    client: WebClient,
    what: string,
    ev: { text: string; user?: string; channel: string; team?: string },
    threadTs: string | undefined,
  ) => {
    const ctx: RequestContext = { platform: 'slack', userId: ev.user, channelId: ev.channel, workspaceId: ev.team };
    const where = threadTs ? { channel: ev.channel, thread_ts: threadTs } : { channel: ev.channel };
    await guarded(
      what,
      { user: ev.user, channel: ev.channel },
      async () => {
        const msg = await answer(commandText(ev.text, deps.botUserId()), ctx);
        await client.chat.postMessage({ ...where, ...msg, ...NO_UNFURL });
      },
      (text) => client.chat.postMessage({ ...where, text }),
    );
  };

  app.event('app_mention', async ({ event, client }) => {
    const parsed = MentionEventSchema.safeParse(event);
    if (!parsed.success) {
      log.warn('app_mention payload not understood');
      return;
    }
    const e = parsed.data;
    if (e.bot_id) return; // never converse with bots (loops)
    await answerInConversation(client, 'mention', e, e.thread_ts ?? e.ts);
  });

  app.event('message', async ({ event, client }) => {
    const parsed = DirectMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    // Only plain messages people type in a DM with the bot: no edits, joins, bot posts, or our own.
    if (m.channel_type !== 'im' || m.subtype !== undefined || m.bot_id !== undefined) return;
    if (!m.user || m.user === deps.botUserId()) return;
    await answerInConversation(client, 'direct message', m, undefined);
  });

  app.action(ACTION_ID_PATTERN, async ({ ack, body, respond, client }) => {
    await ack();
    const parsed = BlockActionsSchema.safeParse(body);
    if (!parsed.success) {
      log.warn('button payload not understood');
      return;
    }
    const b = parsed.data;
    const action = b.actions[0];
    const kind = action ? parseActionId(action.action_id) : undefined;
    const command = action?.value;
    if (!kind || !command) return;

    const channel = b.channel?.id ?? b.container?.channel_id;
    const ephemeral = b.container?.is_ephemeral === true;
    const dm = isDirect(channel);
    const messageTs = b.container?.message_ts ?? b.message?.ts;
    const threadTs = b.container?.thread_ts ?? b.message?.thread_ts;
    const ctx: RequestContext = { platform: 'slack', userId: b.user.id, channelId: channel, workspaceId: b.team?.id };
    const fields = { user: b.user.id, channel, button: kind };

    const tell = (text: string) =>
      ephemeral || !channel
        ? respondWith(respond, { response_type: 'ephemeral', replace_original: false, text })
        : client.chat.postEphemeral({ channel, user: b.user.id, text });

    await guarded(
      `button ${kind}`,
      fields,
      async () => {
        const personal = ephemeral || !channel;
        if (kind === 'page') {
          if (personal || !messageTs) {
            const msg = await answer(command, ctx, { share: !dm });
            await respondWith(respond, { replace_original: true, ...msg });
            return;
          }
          const msg = await answer(command, ctx, { sharedBy: sharedByOf(b.message?.blocks) });
          await client.chat.update({ channel, ts: messageTs, ...msg });
          return;
        }
        if (kind === 'run') {
          if (personal) {
            const msg = await answer(command, ctx, { share: !dm });
            await respondWith(respond, { response_type: 'ephemeral', replace_original: false, ...msg });
          } else {
            const where = dm ? { channel } : { channel, thread_ts: threadTs ?? messageTs };
            await client.chat.postMessage({ ...where, ...(await answer(command, ctx)), ...NO_UNFURL });
          }
          return;
        }
        // share: post the same reply for everyone, as the bot.
        if (!channel) throw new Error('no channel to share to');
        await share(client, respond, channel, await answer(command, ctx, { sharedBy: b.user.id }), fields);
      },
      tell,
    );
  });

  async function share(
    client: WebClient,
    respond: RespondFn | undefined,
    channel: string,
    msg: SlackMessage,
    fields: Record<string, unknown>,
  ): Promise<void> {
    try {
      await client.chat.postMessage({ channel, ...msg, ...NO_UNFURL });
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

  // Buttons that are not ours (e.g. from an older version of the app): acknowledge, do nothing.
  app.action(/^(?!pb:)/, async ({ ack, body }) => {
    await ack();
    log.debug({ type: (body as { type?: unknown }).type }, 'ignored an interaction that is not a Paperboy button');
  });

  app.error(async (err) => {
    log.error({ reason: deliveryFailureReason(err), err: errInfo(err) }, 'unhandled Slack listener error');
  });
}
