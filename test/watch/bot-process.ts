/**
 * The real bot (`node scripts/run.mjs main`, what `npm start` runs) in a child process, for the
 * watch end-to-end tests. It is spawned asynchronously: the fakes it talks to answer on the
 * test's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { vi } from 'vitest';
import { STATE_DB_FILE } from '../../src/db/sqlite.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { Platform } from '../../src/watch/watch.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { ROOT } from '../ingest/helpers.ts';

export interface BotProcess {
  child: ChildProcess;
  /** stderr (JSON log lines) so far. */
  readonly logs: string;
  /** Resolve once a log line matches (rejects after `timeoutMs`, or when the bot exits). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Start the bot with exactly these settings (nothing from the caller's environment leaks in). */
export function startBot(env: Record<string, string>): BotProcess {
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '',
    NO_COLOR: '1',
    LOG_LEVEL: 'info',
    ...env,
  };
  const child = spawn(process.execPath, ['scripts/run.mjs', 'main'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  let exited = false;
  const waiters = new Set<() => void>();
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    logs += d;
    for (const w of [...waiters]) w();
  });
  child.stdout.resume();
  child.on('exit', () => {
    exited = true;
    for (const w of [...waiters]) w();
  });
  return {
    child,
    get logs() {
      return logs;
    },
    waitForLog(re, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(logs)) {
            done();
            resolve();
          } else if (exited) {
            done();
            reject(new Error(`the bot exited before logging ${re}:\n${logs}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no log line matching ${re} within ${timeoutMs} ms:\n${logs}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (exited) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** The bot's JSON log lines. */
export function logLines(logs: string): Record<string, unknown>[] {
  return logs
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Resolve once the bot's watch notifier has finished a pass over everything the paper store in
 * `dataDir` holds now: the notifier moves its cursor for `platform` (in the watch store) to the
 * store's revision only at the end of a complete pass, after that pass's alerts were posted. So
 * once this resolves, whatever the bot was going to post about those papers has reached the fake.
 * Rejects when no such pass finishes within `timeoutMs` (liveness: the bot checks every 2 s).
 */
export async function watchPassCovered(dataDir: string, platform: Platform, timeoutMs = 30_000): Promise<number> {
  const file = join(dataDir, STATE_DB_FILE);
  const papers = SqlitePaperStore.open(file);
  const watches = SqliteWatchStore.open(file);
  try {
    const revision = await papers.revision();
    await vi.waitFor(
      async () => {
        const cursor = await watches.cursor(platform);
        if (cursor === undefined || cursor < revision) throw new Error(`the bot's ${platform} watch cursor is ${cursor}, not yet at revision ${revision}`);
      },
      { timeout: timeoutMs, interval: 50 },
    );
    return revision;
  } finally {
    await watches.close();
    await papers.close();
  }
}
