/**
 * The Discord adapter: a discord.js gateway client (intents Guilds, GuildMessages, DirectMessages,
 * GuildMessageReactions and DirectMessageReactions for votes;
 * no privileged MessageContent: mentions and DMs carry their content anyway) that turns mentions,
 * DMs, `/papers` slash commands, autocomplete and button clicks into core commands, and replies
 * with `renderDiscord`. Outgoing calls go through `DiscordApi` with exact JSON bodies.
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { Logger } from 'pino';
import type { Adapter } from '../../src/core/adapter.ts';
import type { DiscordConfig } from '../../src/app/config.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { PostTarget } from '../../src/posting/poster.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { errInfo, scrubSecrets } from '../shared/requests.ts';
import type { EphemeralStore } from '../../src/ephemeral/store.ts';
import { ActionStore, type ActionStoreOptions } from './action-store.ts';
import { watchGuildMembership, type GuildMembershipHandlers } from './guild-membership.ts';
import { encodeCustomId, inlineCustomId } from './custom-id.ts';
import { DiscordApi, messageBody } from './discord-api.ts';
import { InteractionHandler, type DeferWait } from './interaction-handler.ts';
import { InFlight } from '../shared/in-flight.ts';
import { MessageHandler } from './message-handler.ts';
import { unreachableMessage } from './network.ts';
import { ReactionHandler } from './reactions.ts';
import { renderDiscord, type DiscordMessage } from './render.ts';
import { slashSpecs, type SubcommandSpec } from './slash-command.ts';

export { renderDiscord, type DiscordMessage } from './render.ts';
export { buildSlashCommand } from './slash-command.ts';
export { DiscordRestError } from './discord-api.ts';

export interface DiscordAdapterOptions extends GuildMembershipHandlers {
  config: DiscordConfig;
  paperboy: Paperboy;
  logger: Logger;
  /** Interactions whose reply is not ready after this many ms are deferred first. Default 1500. */
  deferAfterMs?: number;
  /** How that wait is timed (default: a real timer). Tests pass a latch, so the decision never depends on elapsed time. */
  deferWait?: DeferWait;
  /** Button command store settings (default: 24 h, 10,000 entries). */
  actions?: ActionStoreOptions;
  /** Facts shared with the other processes (the state's ephemeral store): button actions. */
  shared?: EphemeralStore;
  /** REST retries on 5xx/network errors (default 3, as discord.js). */
  restRetries?: number;
  /**
   * Client-side cap on REST requests per second (discord.js default 50, Discord's global limit).
   * Only a local fake without that limit (the benchmark) should raise it.
   */
  globalRequestsPerSecond?: number;
  /** How long `start()` waits for the gateway to be ready. Default 30 s. */
  readyTimeoutMs?: number;
  /** How long `stop()` (and a failed `start()`) waits for discord.js to close. Default 3 s. */
  closeTimeoutMs?: number;
  /** How long `stop()` waits for messages and interactions being answered (default `DRAIN_MS`). */
  drainMs?: number;
}

/** How long stopping waits for what is being answered (a deferred interaction's edit included). */
export const DRAIN_MS = 10_000;

export interface DiscordAdapter extends Adapter {
  readonly name: 'discord';
  /**
   * Post a reply to a channel (scheduled posts, watch alerts); `target.workspaceId` is the guild,
   * recorded with a vote post. Rejects with `DiscordRestError` when Discord refuses.
   */
  post(target: PostTarget, reply: Reply): Promise<void>;
  /** Render a reply with buttons wired to this adapter's action store. */
  render(reply: Reply): DiscordMessage;
}

/** Create the Discord adapter. Nothing connects until `start()`. */
export function createDiscordAdapter(opts: DiscordAdapterOptions): DiscordAdapter {
  const logger = opts.logger.child({ adapter: 'discord' });
  const store = new ActionStore({
    ...opts.actions,
    ...(opts.shared ? { shared: opts.shared } : {}),
    onSharedError: (err) => logger.warn({ err: errInfo(err) }, 'could not share a button action with the other processes'),
  });
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      // Reactions are votes (neither intent is privileged).
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.DirectMessageReactions,
    ],
    // Channel: DMs. Message, Reaction, User: reactions on messages the client has not cached (our
    // replies are sent over REST, so they never are) still arrive, with their ids.
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    rest: {
      ...(opts.config.apiUrl ? { api: opts.config.apiUrl.replace(/\/+$/, '') } : {}),
      ...(opts.restRetries !== undefined ? { retries: opts.restRetries } : {}),
      ...(opts.globalRequestsPerSecond !== undefined ? { globalRequestsPerSecond: opts.globalRequestsPerSecond } : {}),
    },
    // We never read message history: keep the caches small for a long-running process.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 25 }),
  });
  const api = new DiscordApi(client.rest, logger);
  let started = false;
  let stopped = false;
  const closeTimeoutMs = opts.closeTimeoutMs ?? 3_000;
  // What is being answered; once stopping, new events are ignored and stop() waits for these.
  const inflight = new InFlight();
  const serve = (work: () => Promise<void>): void => {
    if (!stopped) void inflight.track(work());
  };

  /**
   * `client.destroy()`, bounded: discord.js waits for a shard that is still connecting (e.g. a
   * gateway that never sent READY) before it resolves, which would hang start-up failures and
   * shutdown. Sockets are closed either way; we stop waiting after `closeTimeoutMs`.
   */
  const destroyClient = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), closeTimeoutMs);
    });
    const result = await Promise.race([
      client.destroy().then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      gaveUp,
    ]);
    clearTimeout(timer);
    if (result === 'timeout') logger.warn({ closeTimeoutMs }, 'discord client did not close in time; continuing');
  };

  const render = (reply: Reply): DiscordMessage => {
    // Ids must be unique within a message: a command shown twice gets a store key the second time.
    const used = new Set<string>();
    return renderDiscord(reply, {
      customId: (action, delivery) => {
        const inline = inlineCustomId(delivery, action.command);
        if (inline !== undefined && !used.has(inline)) {
          used.add(inline);
          return inline;
        }
        return encodeCustomId(delivery, store.put({ command: action.command, delivery }));
      },
    });
  };

  let specs: SubcommandSpec[] | undefined;
  const currentSpecs = () => (specs ??= slashSpecs(opts.paperboy.commands));

  const messages = new MessageHandler({ paperboy: opts.paperboy, api, render, logger, botUserId: () => client.user?.id });
  const interactions = new InteractionHandler({
    paperboy: opts.paperboy,
    api,
    store,
    specs: currentSpecs,
    render,
    logger,
    deferAfterMs: opts.deferAfterMs ?? 1500,
    ...(opts.deferWait ? { deferWait: opts.deferWait } : {}),
  });

  client.on(Events.MessageCreate, (m) => serve(() => messages.handle(m)));
  client.on(Events.InteractionCreate, (i) => serve(() => interactions.handle(i)));
  const reactions = new ReactionHandler({ paperboy: opts.paperboy, logger, botUserId: () => client.user?.id });
  client.on(Events.MessageReactionAdd, (r, u) => serve(() => reactions.handle(r, u, true)));
  client.on(Events.MessageReactionRemove, (r, u) => serve(() => reactions.handle(r, u, false)));
  // Removed from a server / added to one: its schedules and watches pause / resume (main.ts).
  watchGuildMembership(client, opts, logger, serve);
  client.on(Events.Error, (err) => logger.error({ reason: scrubSecrets(err.message), err: errInfo(err) }, 'discord client error'));
  client.on(Events.ShardError, (err, shard) => logger.warn({ shard, reason: scrubSecrets(err.message) }, 'discord gateway connection error'));
  client.on(Events.ShardDisconnect, (ev, shard) => logger.error({ shard, code: ev.code }, 'discord gateway closed and will not reconnect'));
  client.on(Events.ShardReconnecting, (shard) => {
    if (!stopped) logger.info({ shard }, 'discord gateway reconnecting');
  });
  client.rest.on('rateLimited', (info) =>
    logger.warn({ method: info.method, timeToReset: info.timeToReset, global: info.global, limit: info.limit }, 'discord rate limit hit'),
  );

  return {
    name: 'discord',
    render,

    async start() {
      if (started) return;
      started = true;
      // A plain timer, not AbortSignal.timeout(): `once` holds its abort listener weakly, so an
      // otherwise unreferenced timeout signal can be garbage-collected and never fire.
      const giveUp = new AbortController();
      const timer = setTimeout(() => giveUp.abort(), opts.readyTimeoutMs ?? 30_000);
      const ready = once(client, Events.ClientReady, { signal: giveUp.signal });
      const login = client.login(opts.config.token);
      // Whichever loses the race below must not become an unhandled rejection.
      ready.catch(() => undefined);
      login.catch(() => undefined);
      try {
        // `login()` itself waits for the gateway, so the timeout must bound both, not `ready` alone.
        await Promise.all([login, ready]);
      } catch (err) {
        await destroyClient();
        const e = err as Error & { code?: unknown; status?: unknown };
        // A network failure (no DNS, a refused connection) is not the token's fault: say so.
        const unreachable = unreachableMessage(err, opts.config.apiUrl);
        const why =
          e.name === 'AbortError'
            ? 'the gateway did not become ready in time'
            : e.code === 'TokenInvalid' || e.status === 401
              ? 'Discord rejected the bot token (check DISCORD_TOKEN)'
              : (unreachable ?? scrubSecrets(e.message));
        logger.error({ reason: scrubSecrets(why) }, 'discord adapter failed to start');
        throw new Error(`Discord start-up failed: ${why}`);
      } finally {
        clearTimeout(timer);
      }
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord adapter ready');
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      // New events are ignored from now on; what was taken on is answered (REST still works), then
      // the gateway closes.
      const drainMs = opts.drainMs ?? DRAIN_MS;
      const left = await inflight.drain(drainMs);
      if (left > 0) logger.warn({ left, drainMs }, 'stopped with messages or interactions still unanswered');
      await destroyClient();
    },

    async post(target, reply) {
      const { channelId, workspaceId } = target;
      const id = await api.createMessageOrThrow(channelId, messageBody(render(reply)));
      // A thread started from the post has the post's id: follow-ups there refer to what it showed.
      if (id) await opts.paperboy.rememberPost('discord', id, reply);
      // Reactions on a post about one paper are votes for it.
      if (id && opts.paperboy.wantsPost(reply)) {
        await opts.paperboy.posted({ platform: 'discord', channelId, messageId: id, ...(workspaceId ? { workspaceId } : {}) }, reply);
      }
    },
  };
}
