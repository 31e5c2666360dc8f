/**
 * Child-process timing for `npm run bench:ingest`: the CLI (`node scripts/run.mjs cli ...`) started
 * against a given DATA_DIR, its wall time to the first output byte and to exit.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.built');

export interface CliRun {
  /** Spawn to the first byte on stdout (the answer). */
  firstOutputMs: number;
  /** Spawn to exit. */
  exitMs: number;
  /** Lines written to stdout. */
  lines: number;
  /** True when run.mjs rebuilt dist/ during the run (someone edited src/): the timing includes a build. */
  rebuilt: boolean;
  /** Runs thrown away before this one because dist/ was rebuilt during them (`runCliSteady`). */
  retries?: number;
}

function stampMtime(): number {
  return existsSync(STAMP) ? statSync(STAMP).mtimeMs : -1;
}

/**
 * Run `node scripts/run.mjs cli <args>` with `env` added to the environment (stdin: `input`, or
 * nothing). Rejects on a non-zero exit or after `timeoutMs`.
 */
export function runCli(args: readonly string[], env: Record<string, string>, input?: string, timeoutMs = 180_000): Promise<CliRun> {
  const before = stampMtime();
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'run.mjs'), 'cli', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let first = NaN;
    let lines = 0;
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (Number.isNaN(first)) first = performance.now() - t0;
      for (const b of d) if (b === 10) lines++;
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (err.length < 4000) err += d.toString();
    });
    if (input !== undefined && child.stdin) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exitMs = performance.now() - t0;
      const rebuilt = stampMtime() !== before;
      if (code !== 0) {
        const e = new Error(`cli ${args.join(' ')} exited ${signal ?? code}: ${err.trim().split('\n').slice(0, 8).join(' | ')}`);
        reject(Object.assign(e, { rebuilt }));
        return;
      }
      resolve({ firstOutputMs: first, exitMs, lines, rebuilt });
    });
  });
}

/** `runCli`, run again (at most twice more) when dist/ was rebuilt during the run (someone edited src/). */
export async function runCliSteady(args: readonly string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  for (let i = 0; ; i++) {
    try {
      const r = await runCli(args, env, input);
      if (!r.rebuilt || i >= 2) return { ...r, retries: i };
    } catch (err) {
      // A rebuild during the run makes its timing include a build: run it again.
      if (!(err as { rebuilt?: boolean }).rebuilt || i >= 2) throw err;
    }
  }
}
