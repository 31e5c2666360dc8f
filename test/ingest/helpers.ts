import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDirs } from '../helpers/temp-dir.ts';

/** The repository root (where `scripts/run.mjs` lives). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export interface CliEnv {
  DATA_DIR: string;
  HF_API_URL?: string;
  ARXIV_API_URL?: string;
}

/**
 * Run the real CLI (`node scripts/run.mjs cli …`, as `npm run -s cli` does) in a child process,
 * asynchronously: the fakes answer on this process's event loop, so a synchronous spawn would
 * deadlock.
 */
export function runCli(args: string[], env: CliEnv, opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1' };
  // Nothing from the caller's environment may point the child elsewhere.
  for (const k of ['PAPERS_PATH', 'TOPICS_PATH', 'PAPERBOY_CONFIG', 'HF_API_URL', 'ARXIV_API_URL', 'SLACK_BOT_TOKEN', 'DISCORD_TOKEN']) delete childEnv[k];
  Object.assign(childEnv, env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run.mjs', 'cli', ...args], { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : -2), out, err });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The one JSON document a `--json` run printed (with stderr in the message when it is not JSON). */
export function parseJson<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.out}\nstderr:\n${r.err}`);
  }
}

/** The JSON lines of a `--batch --json` run. */
export function parseJsonLines(r: CliResult): Record<string, unknown>[] {
  return r.out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}\nstderr:\n${r.err}`);
      }
    });
}

const dirs = tempDirs('paperboy-ingest-');

/** A fresh temp directory for DATA_DIR; `removeTempDirs` deletes them all. */
export function tempDataDir(): string {
  return dirs.make();
}

export function removeTempDirs(): void {
  dirs.removeAll();
}

/** `YYYY-MM-DD` of `n` days before now (UTC). */
export function dayBefore(n: number, now = new Date()): string {
  return new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

/** A search `--json` result row. */
export interface Row {
  id: string;
  title: string;
  arxivId: string | null;
  published: string | null;
  upvotes: number | null;
}
