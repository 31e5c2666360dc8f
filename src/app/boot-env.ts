import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { createPaperboy, type Booted } from './boot.ts';
import { loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { fileKind } from '../files/read-file.ts';
import { startupProblem } from './startup-problem.ts';
import { openState } from '../state/open.ts';
import type { State } from '../state/state.ts';

/** A booted Paperboy with its config, logger and state (every store, opened once), or why it could not boot. */
export type BootResult = ({ ok: true; config: Config; logger: Logger; state: State } & Booted) | { ok: false; message: string };

export interface BootFromEnvOptions {
  /**
   * Default log level `warn` instead of `info` (no LOG_LEVEL set). A function decides from the
   * validated config, i.e. after `.env` is read (the bot: quiet when only the shell runs).
   */
  quiet: boolean | ((config: Config) => boolean);
  /**
   * With LOG_LEVEL unset, log only errors while the papers load, then switch to the default level:
   * the caller reports skipped chunks itself (the shell prints one human line instead of a JSON
   * warning per chunk). An explicit LOG_LEVEL is always obeyed. A function decides from the config.
   */
  quietLoad?: boolean | ((config: Config) => boolean);
  env?: NodeJS.ProcessEnv;
  workerBuilds?: boolean;
  /** Check and use the Slack and Discord settings (default true; the one-shot CLI needs none). */
  platforms?: boolean;
  /** Check the whole state database when opening it (the bot: yes; one-shot commands: no, it reads every page). */
  integrityCheck?: boolean;
  /**
   * Keep conversations (the last list, for `show 2` and `more`) in the state, shared by every
   * process (default true: a follow-up on Slack may reach another process than its search). A
   * terminal's conversation is its own run's (one shell session, one `--batch` run): kept in this
   * process, so two terminals on one data folder do not answer each other's `show 2`, and no
   * query writes to the database. A function decides from the config.
   */
  sharedConversations?: boolean | ((config: Config) => boolean);
}

/**
 * Paths named in the config that do not exist or are not what they should be (a named pipe would
 * hang start-up), as problems, so they are listed with the rest. `stat` does not open the path.
 */
function missingPaths(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [key, what, folderOk] of [
    ['PAPERS_PATH', 'a Daily Papers page file or a folder of them', true],
    ['TOPICS_PATH', 'a topics file', false],
    ['PAPERBOY_CONFIG', 'a config file (see examples/paperboy.config.json)', false],
  ] as const) {
    const value = env[key]?.trim();
    if (!value) continue;
    const shown = `"${value.slice(0, 200)}"`;
    let info: Stats;
    try {
      info = statSync(value);
    } catch {
      out.push(`${key}: ${shown} does not exist; it should name ${what}`);
      continue;
    }
    if (!info.isFile() && !(folderOk && info.isDirectory())) out.push(`${key}: ${shown} is ${fileKind(info)}; it should name ${what}`);
  }
  return out;
}

/**
 * Read `.env` (if present) and the environment, validate them, and build the Paperboy.
 * Every failure comes back as a message for the user, never a stack trace; configuration
 * problems (bad values, missing files) are listed all at once.
 */
export async function bootFromEnv(opts: BootFromEnvOptions): Promise<BootResult> {
  if (!opts.env) loadDotenv({ quiet: true });
  const env = opts.env ?? process.env;
  const cfg = loadConfig(env, { platforms: opts.platforms ?? true });
  const problems = [...(cfg.ok ? [] : cfg.problems), ...missingPaths(env)];
  if (!cfg.ok || problems.length > 0) {
    return { ok: false, message: `paperboy: configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and the README.` };
  }
  const config = cfg.config;
  const quiet = typeof opts.quiet === 'function' ? opts.quiet(config) : opts.quiet;
  const level = config.logLevel ?? (quiet ? 'warn' : 'info');
  const quietLoad = !config.logLevel && (typeof opts.quietLoad === 'function' ? opts.quietLoad(config) : (opts.quietLoad ?? false));
  const logger = createLogger(quietLoad ? 'error' : level);
  const shared = typeof opts.sharedConversations === 'function' ? opts.sharedConversations(config) : (opts.sharedConversations ?? true);
  let state: State | undefined;
  try {
    state = await openState({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      integrityCheck: opts.integrityCheck ?? false,
      encryptionKey: config.encryptionKey,
      oldEncryptionKey: config.oldEncryptionKey,
    });
    const booted = await createPaperboy({
      store: state.papers,
      storeId: state.id,
      dataLocation: state.location,
      ...(shared ? { conversations: state.ephemeral } : {}),
      workerBuilds: opts.workerBuilds ?? false,
      ...(config.papersPath ? { papersPath: config.papersPath } : {}),
      ...(config.topicsPath ? { topicsPath: config.topicsPath } : {}),
      cacheDir: join(config.dataDir, 'index-cache'),
      logger,
    });
    logger.level = level;
    return { ok: true, config, logger, state, ...booted };
  } catch (err) {
    await state?.close().catch(() => undefined);
    const e = err as Error;
    if (e.name === 'PapersLoadError' || e.name === 'TopicsLoadError') return { ok: false, message: `paperboy: ${e.message}` };
    const problem = startupProblem(err, config.dataDir);
    if (problem !== undefined) return { ok: false, message: `paperboy: ${problem}` };
    throw err;
  }
}
