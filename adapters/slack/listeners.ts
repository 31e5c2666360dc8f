import { ErrorCode, type App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { InFlight } from '../shared/in-flight.ts';
import type { SeenBefore } from '../shared/seen.ts';
import { errInfo } from '../shared/requests.ts';
import { ACTION_ID_PATTERN } from './action-ids.ts';
import type { Answer, Posted } from './answer.ts';
import { CpuQueue } from './cpu-queue.ts';
import { deliveryFailureReason } from './delivery-error.ts';
import { InteractionHandler } from './interaction-handler.ts';
import { MessageHandler } from './message-handler.ts';
import { ReactionHandler } from './reactions.ts';
import { renderSlack } from './render.ts';

export interface ListenerDeps {
  paperboy: Paperboy;
  logger: Logger;
  /** The bot's own user id (known after `auth.test`). */
  botUserId: () => string | undefined;
  /** Event ids already answered (Slack retries a delivery; another process may have taken it). */
  seen: SeenBefore;
  /** Acknowledged work not yet answered: stopping waits for it. */
  inflight: InFlight;
}

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
    const message = await cpu.run(() => renderSlack(reply, opts));
    return { reply, message };
  };
  // A posted answer is reported to the core (votes on one-paper posts).
  const posted: Posted = ({ reply }, where, result) => {
    const ts = result?.ts;
    if (typeof ts !== 'string' || !paperboy.wantsPost(reply)) return;
    void paperboy.posted({ platform: 'slack', channelId: where.channel, messageId: ts, ...(where.team ? { workspaceId: where.team } : {}) }, reply);
  };
  const messages = new MessageHandler({ answer, logger: log, botUserId: deps.botUserId, posted });
  const interactions = new InteractionHandler({ answer, logger: log, posted });
  const reactions = new ReactionHandler({ paperboy, logger: log, botUserId: deps.botUserId });

  // Slack retries an Events API delivery it thinks was lost; answer each event id once.
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && (await deps.seen('slack-event', eventId))) {
      log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'duplicate delivery ignored');
      return;
    }
    await next();
  });

  const { inflight } = deps;
  app.command(/^\/[\w-]+$/, async ({ ack, command, respond }) => {
    await ack();
    await inflight.track(interactions.slashCommand(command, respond));
  });
  // The bot's user id comes with each event's authorisation: in OAuth mode every workspace has its own.
  app.event('app_mention', ({ event, client, context }) => inflight.track(messages.mention(event, client, context.botUserId)));
  app.event('message', ({ event, client, context }) => inflight.track(messages.directMessage(event, client, context.botUserId)));
  app.event('reaction_added', ({ event, body, context }) =>
    inflight.track(reactions.handle(event, (body as { team_id?: unknown }).team_id, context.botUserId)),
  );
  app.event('reaction_removed', ({ event, body, context }) =>
    inflight.track(reactions.handle(event, (body as { team_id?: unknown }).team_id, context.botUserId)),
  );
  app.action(ACTION_ID_PATTERN, async ({ ack, body, respond, client }) => {
    await ack();
    await inflight.track(interactions.button(body, respond, client));
  });

  // Buttons that are not ours (e.g. from an older version of the app): acknowledge, do nothing.
  app.action(/^(?!pb:)/, async ({ ack, body }) => {
    await ack();
    log.debug({ type: (body as { type?: unknown }).type }, 'ignored an interaction that is not a Paperboy button');
  });

  app.error(async (err) => {
    // OAuth mode: a request from a workspace that never installed Paperboy (or removed it) is
    // acknowledged by Bolt and ignored.
    if ((err as { code?: unknown }).code === ErrorCode.AuthorizationError) {
      log.debug({ reason: err.message.slice(0, 200) }, 'request from a workspace without an installation ignored');
      return;
    }
    log.error({ reason: deliveryFailureReason(err), err: errInfo(err) }, 'unhandled Slack listener error');
  });
}
