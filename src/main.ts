import { join } from 'node:path';
import type { Adapter } from './core/adapter.ts';
import { bootFromEnv } from './app/boot-env.ts';
import type { Posters } from './posting/poster.ts';

const HELP = `Usage: npm start [-- --help | --version]      (or: tsx src/main.ts)

Starts Paperboy. Which adapters run depends on the environment (.env is read if present):
  SLACK_BOT_TOKEN + SLACK_APP_TOKEN         Slack, Socket Mode
  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET    Slack, HTTP mode on PORT (default 3000) at HOST (default: all)
  SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET + SLACK_SIGNING_SECRET + PAPERBOY_ENCRYPTION_KEY
                                            Slack for many workspaces (OAuth, HTTP mode): each installs the
                                            app from /slack/install and gets its own token, sealed at rest
  DISCORD_TOKEN                             Discord
  (none of these)                           an interactive shell on this terminal
Slack and Discord can run in one process. In the shell, warnings go to DATA_DIR/paperboy.log
unless LOG_LEVEL is set (then JSON on stderr, as for the bots). Other settings: PAPERS_PATH, TOPICS_PATH, LOG_LEVEL,
DATA_DIR, DATABASE_URL, PAPERBOY_CONFIG, HF_API_URL, ARXIV_API_URL, OAI_URL, SLACK_API_URL, DISCORD_GUILD_ID,
DISCORD_API_URL, VOTE_EMOJI, HOST, METRICS_PORT (GET /healthz and /metrics), RETENTION_DAYS (default 365).
DATA_DIR defaults to the platform's data folder (~/.local/share/paperboy on Linux). See .env.example.
It takes no commands: for one command use \`npm run -s cli -- search kv\`, for many on stdin
\`npm run -s cli -- --batch\`.`;

type MainArgs = { kind: 'run' } | { kind: 'help' } | { kind: 'version' } | { kind: 'wrong'; message: string };

/** Options and words of the one-shot CLI, which people type after `npm start` by mistake. */
const CLI_FLAGS = new Set(['--batch', '--json']);
/** Longest suggested command echoed back. */
const MAX_ECHO = 200;

/** A word as a shell would need it typed again: as it is when plain, else in single quotes. */
function shellWord(word: string): string {
  const w = word.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * What `npm start -- <args>` asks for: the bot or shell (no arguments), `--help` / `-h`,
 * `--version`, or else a mistake, explained in one line that points where the arguments belong
 * (commands and `--batch` are the CLI's: `npm run -s cli -- …`).
 */
function readArgs(args: readonly string[]): MainArgs {
  if (args.length === 0) return { kind: 'run' };
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  if (args.every((a) => a === '--version')) return { kind: 'version' };
  if (args.some((a) => CLI_FLAGS.has(a) || !a.startsWith('-'))) {
    let cli = `npm run -s cli -- ${args.map(shellWord).join(' ')}`;
    if (cli.length > MAX_ECHO) cli = `${cli.slice(0, MAX_ECHO - 1)}…`;
    const what = args.includes('--batch') ? 'has no batch mode' : 'takes no command';
    return { kind: 'wrong', message: `paperboy: npm start ${what} (it runs the bot, or the shell); run the CLI instead: ${cli}` };
  }
  const unknown = shellWord(args.find((a) => a !== '--version')!).slice(0, 60);
  return {
    kind: 'wrong',
    message: `paperboy: unknown option ${unknown} for npm start (it takes only --help and --version); one command: npm run -s cli -- <command>`,
  };
}

async function main(): Promise<number> {
  const args = readArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (args.kind === 'version') {
    const { readFile } = await import('node:fs/promises');
    const { packagePath } = await import('./files/package-root.ts');
    const pkg = JSON.parse(await readFile(packagePath('package.json'), 'utf8')) as { version: string };
    process.stdout.write(`paperboy ${pkg.version}\n`);
    return 0;
  }
  if (args.kind === 'wrong') {
    process.stderr.write(args.message + '\n');
    return 2;
  }
  // Which adapters run is decided from the validated config, after `.env` is read.
  const shellOnly = (config: { slack?: unknown; discord?: unknown }) => !config.slack && !config.discord;
  // The shell says in one line which page chunks were skipped (below) instead of a JSON warning each.
  // Shell alone: the conversation is this session's, not the state's (see `sharedConversations`).
  const booted = await bootFromEnv({
    quiet: shellOnly,
    quietLoad: shellOnly,
    workerBuilds: true,
    integrityCheck: true,
    sharedConversations: (config) => !shellOnly(config),
  });
  if (!booted.ok) {
    process.stderr.write(booted.message + '\n');
    return 2;
  }
  const { config, logger, paperboy, problems, library, state } = booted;
  if (config.dataHome.note) {
    process.stderr.write(`paperboy: ${config.dataHome.note}\n`);
    logger.warn({ dataDir: config.dataDir }, config.dataHome.note);
  }
  if (shellOnly(config) && config.logLevel === undefined) {
    // The shell is a conversation: warnings (a retried request, an ingest day that failed, which
    // the reply explains too) go to a log file rather than between the replies. LOG_LEVEL set:
    // JSON on stderr, as for the bots.
    const { logFile, redirectLogs, SHELL_LOG_FILE } = await import('./app/logger.ts');
    try {
      redirectLogs(logger, logFile(join(config.dataDir, SHELL_LOG_FILE)));
    } catch (err) {
      logger.warn({ err }, `cannot write ${SHELL_LOG_FILE} in DATA_DIR; logging on stderr`);
    }
  }
  const adapters: Adapter[] = [];
  const posters: Posters = {};
  // A workspace (Slack team, Discord server) that removes the bot: its schedules and watches pause, and resume when it is back.
  const { workspaceEvents } = await import('./workspaces/events.ts');
  // Slack OAuth mode: whoever installed Paperboy in a workspace manages that workspace's schedules and watches.
  const { installerAdmins } = await import('./installations/workspace-admins.ts');
  const workspaceAdmins = config.slack?.oauth ? { workspaceAdmins: installerAdmins(state.installations) } : {};

  // `/healthz` and `/metrics`: on Slack HTTP mode's port, else on METRICS_PORT when it is set.
  const { opsRoutes, startOpsServer } = await import('./app/ops.ts');
  const routes = opsRoutes({ state, library, logger });
  const slackServesOps = config.slack !== undefined && config.slack.appToken === undefined;
  if (config.slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.ts');
    const slack = createSlackAdapter({
      config: config.slack,
      paperboy,
      logger,
      shared: state.ephemeral,
      installations: state.installations,
      // A workspace that removes the app: its schedules and watches pause, and resume when it installs again.
      workspaces: workspaceEvents(state, 'slack', logger.child({ component: 'workspaces' })),
      ...(slackServesOps ? { routes } : {}),
    });
    adapters.push(slack);
    if (slack.post) posters.slack = slack.post.bind(slack);
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.ts');
    const guilds = workspaceEvents(state, 'discord', logger.child({ component: 'workspaces' }));
    const discord = createDiscordAdapter({
      config: config.discord,
      paperboy,
      logger,
      shared: state.ephemeral,
      onGuildRemoved: guilds.removed,
      onGuildAdded: guilds.installed,
    });
    adapters.push(discord);
    if (discord.post) posters.discord = discord.post.bind(discord);
  }

  let exitShell: Promise<void> | undefined;
  // One outgoing pace for scheduled posts and watch alerts: a message a second per channel, spaced per workspace.
  const { createPacer } = await import('./posting/pace.ts');
  const pacer = createPacer();
  // In the shell, a post says what it is: `── scheduled post ──` or `── watch alert ──`.
  let schedulePosters = posters;
  let watchPosters = posters;
  if (adapters.length === 0) {
    const { createShellAdapter } = await import('../adapters/shell/shell.ts');
    const n = paperboy.deps.papers.length;
    const { shellBanner, skippedChunksNote } = await import('../adapters/shell/notes.ts');
    // With LOG_LEVEL=warn (or lower) the loader's warnings are on stderr already; the note says so.
    const note = skippedChunksNote(problems, { logged: logger.isLevelEnabled('warn') && config.logLevel !== undefined });
    const shell = createShellAdapter({
      paperboy,
      historyFile: join(config.dataDir, 'shell-history'),
      banner: shellBanner({ papers: n, dated: paperboy.deps.papers.filter((p) => p.published).length, note }),
    });
    adapters.push(shell);
    posters.shell = shell.post.bind(shell);
    schedulePosters = { ...posters, shell: shell.poster('schedule') };
    watchPosters = { ...posters, shell: shell.poster('watch') };
    exitShell = shell.done;
  }

  const { startScheduling } = await import('./schedule/index.ts');
  const { startupProblem } = await import('./app/startup-problem.ts');
  const { loadScheduleConfig } = await import('./app/config-file.ts');
  let scheduling: Awaited<ReturnType<typeof startScheduling>>;
  let settings: Awaited<ReturnType<typeof loadScheduleConfig>>;
  try {
    // The config file (schedules, scheduled ingests, admins), read once for every feature.
    settings = await loadScheduleConfig(config.scheduleConfigPath, { topics: paperboy.deps.topics, now: new Date() });
    // Timers start after the adapters are connected, so catch-up posts have somewhere to go.
    scheduling = await startScheduling({
      store: state.schedules,
      settings,
      paperboy,
      posters: schedulePosters,
      logger,
      start: false,
      pacer,
      ...workspaceAdmins,
    });
  } catch (err) {
    const problem = startupProblem(err, config.dataDir);
    if (problem === undefined) throw err;
    process.stderr.write(`paperboy: ${problem}\n`);
    return 2;
  }

  const { startVotes } = await import('./votes/index.ts');
  const { startWatching } = await import('./watch/index.ts');
  // Reactions on the bot's one-paper posts are votes; `top` lists them.
  const voting = startVotes({ store: state.votes, config, paperboy, logger });
  // Watches: new papers matching a channel's watch are posted there as they arrive (from any process).
  // Chat platforms without an admins list: anyone there may change schedules and watches. Said at start-up.
  const { missingAdminsWarnings } = await import('./app/admins-warning.ts');
  const chat = [...(config.slack ? (['slack'] as const) : []), ...(config.discord ? (['discord'] as const) : [])];
  for (const line of missingAdminsWarnings(chat, settings.admins, settings.file)) logger.warn(line);
  const watching = startWatching({
    store: state.watches,
    paperboy,
    library,
    admins: settings.admins,
    posters: watchPosters,
    logger,
    notify: true,
    pacer,
    ...workspaceAdmins,
  });

  const { startIngest } = await import('./ingest/index.ts');
  const ingesting = startIngest({ config, paperboy, library, settings, logger, jobs: true });
  // Reading lists (`save`, `unsave`, `saved`, `cite`): each person's own list in DATA_DIR/state.db.
  const { startReading } = await import('./reading/index.ts');
  startReading({ store: state.reading, paperboy, logger });
  // Retention: once a day, run records, posted history and old alerts past RETENTION_DAYS go.
  const { createRetention } = await import('./state/retention.ts');
  const retention = createRetention({ state, days: config.retentionDays, logger: logger.child({ component: 'retention' }) });
  // Papers another process stores (a cron'd `paperboy ingest hf`) are picked up within seconds.
  library.watch();

  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'stopping');
    // 1. No new background work: scheduled posts, alerts and ingests stop (posts in flight finish).
    await scheduling.scheduler.stop();
    await watching.notifier?.stop();
    await retention.stop();
    await ingesting.close();
    // 2. The adapters take no new requests and answer what they acknowledged (up to 10 s each),
    //    while the stores are still open.
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await ops?.close();
    // 3. The rest, and the state (every store) last.
    await watching.close();
    await scheduling.close();
    await voting.close();
    await library.close();
    await state.close();
  };
  process.once('SIGINT', () => void stop('SIGINT').then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));
  // No single request or event may end the bot: a stray rejection is logged and serving goes on;
  // an uncaught exception stops it cleanly (exit 1) for the supervisor to restart.
  const { installLastResort } = await import('./app/last-resort.ts');
  installLastResort(logger, () => {
    void stop('uncaught exception').finally(() => process.exit(1));
  });

  try {
    for (const a of adapters) await a.start();
    if (!slackServesOps && config.metricsPort !== undefined) {
      ops = await startOpsServer(routes, config.metricsPort, config.host);
      logger.info({ port: ops.port, host: config.host }, 'health and metrics served');
    }
  } catch (err) {
    // Start-up failures (a rejected token, a port in use) are explained by the adapter's message.
    process.stderr.write(`paperboy: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop('start-up failed');
    return 1;
  }
  await scheduling.scheduler.start();
  watching.notifier?.start();
  retention.start();
  logger.info({ adapters: adapters.map((a) => a.name) }, 'paperboy is running');
  if (exitShell) {
    await exitShell;
    await stop('shell closed');
    return 0;
  }
  return await new Promise<number>(() => {});
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`paperboy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
