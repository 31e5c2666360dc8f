/**
 * The bot's last resort, in a real child process (vitest intercepts these events in its own):
 * a stray promise rejection is logged and the process keeps serving; an uncaught exception is
 * logged and the process stops through `fatal` (the bot stops cleanly and exits 1).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(then: 'exit' | 'throw') {
  const script = `
    import { installLastResort } from ${JSON.stringify(`${ROOT}src/app/last-resort.ts`)};
    import { createLogger } from ${JSON.stringify(`${ROOT}src/app/logger.ts`)};
    const logger = createLogger('info');
    installLastResort(logger, (err) => { process.stdout.write('fatal: ' + err.message + '\\n'); process.exit(1); });
    void Promise.reject(new Error('a handler slipped'));
    // Macrotasks run after Node has reported the rejection.
    setImmediate(() => setImmediate(() => {
      process.stdout.write('still serving\\n');
      if (${JSON.stringify(then)} === 'throw') setImmediate(() => { throw new Error('boom'); });
      else process.exit(0);
    }));
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('installLastResort', () => {
  it('a stray rejection is logged and the process keeps serving', () => {
    const r = run('exit');
    expect(r.stdout).toBe('still serving\n');
    expect(r.stderr).toMatch(/unhandled promise rejection \(logged; still serving\)/);
    expect(r.stderr).toMatch(/a handler slipped/);
    expect(r.status).toBe(0);
  });

  it('an uncaught exception is logged as fatal and ends through the graceful stop, with exit 1', () => {
    const r = run('throw');
    expect(r.stdout).toBe('still serving\nfatal: boom\n');
    expect(r.stderr).toMatch(/"level":60.*uncaught exception: stopping/);
    expect(r.status).toBe(1);
  });
});
