import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RequestContext } from '../../src/core/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { errInfo } from '../shared/requests.ts';
import { ACTION_ID_PATTERN } from './action-ids.ts';
import { CpuQueue } from './cpu-queue.ts';
import type { RecentIds } from './dedupe.ts';
import { deliveryFailureReason } from './delivery-error.ts';
import { InteractionHandler } from './interaction-handler.ts';
import { MessageHandler } from './message-handler.ts';
import { renderSlack, type SlackMessage, type SlackRenderOptions } from './render.ts';

export interface ListenerDeps {
  paperboy: Paperboy;
  logger: Logger;
  /** The bot's own user id (known after `auth.test`). */
  botUserId: () => string | undefined;
  /** Event ids already answered (Slack retries). */
  recent: RecentIds;
}

/** Run a command and render its reply for Slack. */
export type Answer = (text: string, ctx: RequestContext, opts?: SlackRenderOptions) => Promise<SlackMessage>;

/**
 * Register Paperboy's Slack listeners on a Bolt app: the slash command and buttons
 * (`InteractionHandler`), @mentions and DMs (`MessageHandler`). Every listener acknowledges first,
 * then works; no listener ever rejects (failures are logged with a reference id that the user also
 * sees when they can be told).
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { paperboy } = deps;
  const log = deps.logger.child({ component: 'slack' });
  const cpu = new CpuQueue();
  // Queued, so acks are never stuck behind a burst of work.
  const answer: Answer = async (text, ctx, opts = {}) => {
    const reply = await cpu.run(() => paperboy.run(text, ctx));
    return cpu.run(() => renderSlack(reply, opts));
  };
  const messages = new MessageHandler({ answer, logger: log, botUserId: deps.botUserId });
  const interactions = new InteractionHandler({ answer, logger: log });

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
    await interactions.slashCommand(command, respond);
  });
  app.event('app_mention', ({ event, client }) => messages.mention(event, client));
  app.event('message', ({ event, client }) => messages.directMessage(event, client));
  app.action(ACTION_ID_PATTERN, async ({ ack, body, respond, client }) => {
    await ack();
    await interactions.button(body, respond, client);
  });

  // Buttons that are not ours (e.g. from an older version of the app): acknowledge, do nothing.
  app.action(/^(?!pb:)/, async ({ ack, body }) => {
    await ack();
    log.debug({ type: (body as { type?: unknown }).type }, 'ignored an interaction that is not a Paperboy button');
  });

  app.error(async (err) => {
    log.error({ reason: deliveryFailureReason(err), err: errInfo(err) }, 'unhandled Slack listener error');
  });
}
