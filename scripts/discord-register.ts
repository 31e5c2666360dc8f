/**
 * `npm run discord:register`: register the `/papers` slash command for the bot in DISCORD_TOKEN
 * (in DISCORD_GUILD_ID only when set: instant, good for testing; else globally), then print the
 * invite URL. Idempotent: one bulk overwrite.
 */
import { REST } from 'discord.js';
import { config as loadDotenv } from 'dotenv';
import { inviteUrl } from '../adapters/discord/permissions.ts';
import { fetchApplication, registerCommands, registerFailureMessage } from '../adapters/discord/register.ts';
import { buildSlashCommand } from '../adapters/discord/slash-command.ts';
import { createPaperboy } from '../src/app/boot.ts';
import { loadConfig } from '../src/app/config.ts';
import { openMemoryState } from '../src/state/sqlite-state.ts';
import { silentLogger } from '../src/app/logger.ts';
import { startScheduling } from '../src/schedule/index.ts';
import { startIngest } from '../src/ingest/index.ts';
import { startWatching } from '../src/watch/index.ts';
import { startVotes } from '../src/votes/index.ts';
import { startReading } from '../src/reading/index.ts';

/** Register and print; returns the process exit code. */
export async function main(env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const cfg = loadConfig(env);
  if (!cfg.ok) {
    out(`discord:register: configuration problems:\n${cfg.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 2;
  }
  const discord = cfg.config.discord;
  if (!discord) {
    out('discord:register: DISCORD_TOKEN is not set. Put the bot token in .env (see docs/discord.md).');
    return 2;
  }
  const { paperboy, library } = await createPaperboy({
    ...(cfg.config.papersPath ? { papersPath: cfg.config.papersPath } : {}),
    ...(cfg.config.topicsPath ? { topicsPath: cfg.config.topicsPath } : {}),
    logger: silentLogger(),
  });
  // The features register their commands (`schedule`, `ingest`, `watch`, `top`, reading lists) so
  // /papers includes them. Only their definitions are needed: over a state in memory, no timers,
  // and neither DATA_DIR nor the config file is touched.
  const state = openMemoryState();
  const logger = silentLogger();
  const scheduling = await startScheduling({ store: state.schedules, paperboy, posters: {}, logger, start: false });
  startIngest({ config: cfg.config, paperboy, library, settings: { admins: {}, sources: [] }, logger, jobs: false });
  await startWatching({ store: state.watches, paperboy, library, admins: {}, posters: {}, logger, notify: false }).close();
  await scheduling.close();
  await startVotes({ store: state.votes, paperboy, logger }).close();
  startReading({ store: state.reading, paperboy, logger });
  await state.close();
  const definition = buildSlashCommand(paperboy.commands);
  const rest = new REST({ retries: 1, ...(discord.apiUrl ? { api: discord.apiUrl.replace(/\/+$/, '') } : {}) }).setToken(discord.token);
  try {
    const app = await fetchApplication(rest);
    const result = await registerCommands(rest, app.id, [definition], discord.guildId);
    const names = (definition.options ?? []).map((o) => o.name).join(', ');
    out(
      result.scope === 'global'
        ? `Registered /${definition.name} globally for ${app.name ?? app.id} (subcommands: ${names}). New global commands can take a few minutes to appear.`
        : `Registered /${definition.name} in server ${result.scope.guildId} for ${app.name ?? app.id} (subcommands: ${names}).`,
    );
    out(`Invite the bot (scopes bot + applications.commands, only the permissions it uses):\n  ${inviteUrl(app.id)}`);
    return 0;
  } catch (err) {
    out(`discord:register: ${registerFailureMessage(err, discord.apiUrl)}`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  loadDotenv({ quiet: true });
  void main(process.env, (l) => process.stdout.write(`${l}\n`)).then((code) => process.exit(code));
}
