/**
 * Registering `/papers` with Discord: one bulk overwrite (`PUT`), so running it again is
 * harmless and removes commands this bot no longer has.
 */
import type { REST, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import { DiscordRestError } from './discord-api.ts';
import { unreachableMessage } from './network.ts';
import { describeRestError } from './rest-error.ts';

const Application = z.object({ id: z.string().regex(/^\d{15,21}$/), name: z.string().optional() });
const Registered = z.array(z.object({ id: z.string(), name: z.string() }));

async function call<T>(op: string, fn: () => Promise<unknown>, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await fn();
  } catch (err) {
    throw new DiscordRestError(op, describeRestError(err));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`Discord ${op}: unexpected response (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** The bot's application (id and name), read with the bot token. */
export function fetchApplication(rest: REST): Promise<z.infer<typeof Application>> {
  return call('get application', () => rest.get('/applications/@me'), Application);
}

export interface RegisterResult {
  applicationId: string;
  scope: { guildId: string } | 'global';
  commands: { id: string; name: string }[];
}

/**
 * What a failed registration says: a network failure (Discord never answered) explained as one,
 * not a token problem; Discord's own refusals as they are (`Discord get application failed: 401 …`).
 * `apiUrl`: DISCORD_API_URL when set.
 */
export function registerFailureMessage(err: unknown, apiUrl: string | undefined): string {
  return unreachableMessage(err, apiUrl) ?? (err instanceof Error ? err.message : String(err));
}

/** Overwrite the application's commands (in one guild when `guildId` is set, else globally) with `commands`. */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  commands: RESTPostAPIChatInputApplicationCommandsJSONBody[],
  guildId?: string,
): Promise<RegisterResult> {
  const route = guildId ? `/applications/${applicationId}/guilds/${guildId}/commands` : `/applications/${applicationId}/commands`;
  const registered = await call('register commands', () => rest.put(route as `/${string}`, { body: commands }), Registered);
  return { applicationId, scope: guildId ? { guildId } : 'global', commands: registered };
}
