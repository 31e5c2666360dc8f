import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function time(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

/** Wall time of a cold one-shot CLI command (a new process each time). */
export async function run(): Promise<void> {
  const runs = 7;
  const rows: [string, string, string[]][] = [
    ['node scripts/run.mjs cli show snapkv --json', process.execPath, ['scripts/run.mjs', 'cli', 'show', 'snapkv', '--json']],
    ['node --import tsx src/cli.ts show snapkv --json', process.execPath, ['--import', 'tsx', 'src/cli.ts', 'show', 'snapkv', '--json']],
    ['npm run -s cli -- show snapkv --json', 'npm', ['run', '-s', 'cli', '--', 'show', 'snapkv', '--json']],
  ];
  console.log(`\n## Cold one-shot CLI (${runs} runs each; target < 1500 ms)`);
  for (const [label, cmd, args] of rows) {
    time(cmd, args); // warm the OS file cache, not the process
    const ms = Array.from({ length: runs }, () => time(cmd, args));
    console.log(
      `${label.padEnd(52)} p50 ${percentile(ms, 50).toFixed(0).padStart(5)} ms   max ${Math.max(...ms)
        .toFixed(0)
        .padStart(5)} ms`,
    );
  }
}
