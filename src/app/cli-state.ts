/**
 * What a one-shot command of its own (`paperboy import`, `paperboy reseal-tokens`) needs before it
 * works: `.env` and the environment validated (no chat-platform settings), then the state opened.
 * Each step says what is wrong on stderr and gives `undefined` (the command exits with 2).
 */
import { config as loadDotenv } from 'dotenv';
import { loadConfig, type Config } from './config.ts';
import { startupProblem } from './startup-problem.ts';
import { openState } from '../state/open.ts';
import type { State } from '../state/state.ts';

export interface CliConfigIo {
  stderr: { write(text: string): unknown };
  /** The environment (tests); absent: `.env` is read, then `process.env`. */
  env?: Record<string, string | undefined>;
}

const say = (io: CliConfigIo, text: string) => io.stderr.write(`${text}\n`);

/** The validated configuration, or undefined after listing every problem. */
export function cliConfig(io: CliConfigIo): Config | undefined {
  if (!io.env) loadDotenv({ quiet: true });
  const cfg = loadConfig(io.env ?? process.env, { platforms: false });
  if (cfg.ok) return cfg.config;
  say(io, `paperboy: configuration problems:\n${cfg.problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example and the README.`);
  return undefined;
}

/**
 * The state (`DATA_DIR`, or `DATABASE_URL`), or undefined after saying why it cannot be opened.
 * With `keys`, the encryption keys come along (for the Slack installations).
 */
export async function openCliState(io: CliConfigIo, config: Config, opts: { keys?: boolean } = {}): Promise<State | undefined> {
  try {
    return await openState({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      ...(opts.keys ? { encryptionKey: config.encryptionKey, oldEncryptionKey: config.oldEncryptionKey } : {}),
    });
  } catch (err) {
    const problem = startupProblem(err, config.dataDir);
    if (problem === undefined) throw err;
    say(io, `paperboy: ${problem}`);
    return undefined;
  }
}
