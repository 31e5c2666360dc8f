/**
 * The bot's membership of servers (guilds), for what the app keeps per server: when the bot is
 * removed from a server (kicked, or the server deleted) its schedules and watches pause; when it is
 * added again they resume (see `src/workspaces/lifecycle.ts`, wired in `src/main.ts`).
 *
 * discord.js (with the `Guilds` intent, which the adapter always asks for) emits:
 * - `guildDelete` only for a real removal: a server that is merely unavailable (an outage) emits
 *   `guildUnavailable` instead, and nothing is paused;
 * - `guildCreate` only for a server joined while connected: the servers the bot is already in
 *   arrive before `ready` and emit nothing (a server back from an outage emits `guildAvailable`).
 *   So at `ready` every server the bot is in counts as added too: a bot removed, then added again
 *   while this process was down, gets its schedules and watches back on start. (A removal while it
 *   was down is not seen: nothing is paused for it.)
 */
import { Events, type Client, type Guild } from 'discord.js';
import type { Logger } from 'pino';
import { errInfo } from '../shared/requests.ts';

export interface GuildMembershipHandlers {
  /** The bot was removed from a server (kicked, banned, or the server was deleted). */
  onGuildRemoved?: (guildId: string) => Promise<void>;
  /** The bot was added to a server while connected. */
  onGuildAdded?: (guildId: string) => Promise<void>;
}

/**
 * Call `handlers` on `client`'s guild joins and removals, through `serve` (the adapter's tracking
 * of work in flight, which stops taking new work once the adapter stops). A handler's failure is
 * logged, never thrown into discord.js.
 */
export function watchGuildMembership(
  client: Pick<Client, 'on'>,
  handlers: GuildMembershipHandlers,
  logger: Logger,
  serve: (work: () => Promise<void>) => void,
): void {
  const call = (what: 'removed' | 'added', guild: Pick<Guild, 'id'>, handler: ((guildId: string) => Promise<void>) | undefined) => {
    logger.info({ guild: guild.id }, what === 'removed' ? 'removed from a discord server' : 'added to a discord server');
    if (!handler) return;
    serve(async () => {
      try {
        await handler(guild.id);
      } catch (err) {
        logger.error({ guild: guild.id, err: errInfo(err) }, `could not act on being ${what} ${what === 'removed' ? 'from' : 'to'} a discord server`);
      }
    });
  };
  client.on(Events.GuildDelete, (guild) => call('removed', guild, handlers.onGuildRemoved));
  client.on(Events.GuildCreate, (guild) => call('added', guild, handlers.onGuildAdded));
  client.on(Events.ClientReady, (ready) => {
    const { onGuildAdded } = handlers;
    if (!onGuildAdded) return;
    for (const guild of ready.guilds.cache.values()) {
      serve(async () => {
        try {
          await onGuildAdded(guild.id);
        } catch (err) {
          logger.error({ guild: guild.id, err: errInfo(err) }, 'could not resume the schedules and watches of a discord server the bot is in');
        }
      });
    }
  });
}
