import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { createPaperboy, type Booted } from './boot.ts';
import { loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import type { PaperStore } from './store/paper-store.ts';
import { STATE_DB_FILE } from './store/sqlite/open.ts';
import { SqlitePaperStore } from './store/sqlite/paper-store.ts';

export type BootResult =
  | ({ ok: true; config: Config; logger: Logger; store: PaperStore } & Booted)
  | { ok: false; message: string };

/**
 * Read `.env` (if present) and the environment, validate them, and build the Paperboy.
 * Every failure comes back as a message for the user, never a stack trace.
 */
export async function bootFromEnv(opts: { quiet: boolean; env?: NodeJS.ProcessEnv; workerBuilds?: boolean }): Promise<BootResult> {
  if (!opts.env) loadDotenv({ quiet: true });
  const env = opts.env ?? process.env;
  const cfg = loadConfig(env);
  if (!cfg.ok) {
    return { ok: false, message: `paperboy: configuration problems:\n${cfg.problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and the README.` };
  }
  const config = cfg.config;
  const logger = createLogger(config.logLevel ?? (opts.quiet ? 'warn' : 'info'));
  let store: SqlitePaperStore | undefined;
  try {
    store = SqlitePaperStore.open(join(config.dataDir, STATE_DB_FILE));
    const booted = await createPaperboy({
      store,
      workerBuilds: opts.workerBuilds ?? false,
      ...(config.papersPath ? { papersPath: config.papersPath } : {}),
      ...(config.topicsPath ? { topicsPath: config.topicsPath } : {}),
      cacheDir: join(config.dataDir, 'index-cache'),
      logger,
    });
    return { ok: true, config, logger, store, ...booted };
  } catch (err) {
    await store?.close();
    const e = err as Error;
    if (e.name === 'PapersLoadError' || e.name === 'TopicsLoadError' || e.name === 'StateStoreError') return { ok: false, message: `paperboy: ${e.message}` };
    throw err;
  }
}
