/**
 * The real bot (`node scripts/run.mjs main`, what `npm start` runs) in a child process, for
 * end-to-end tests. It is spawned asynchronously: the fakes it talks to answer on the test's
 * event loop. Only the settings given reach it (nothing from the caller's environment leaks in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { packageRoot } from '../../src/files/package-root.ts';

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
  const child = spawn(process.execPath, ['scripts/run.mjs', 'main'], { cwd: packageRoot(), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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
