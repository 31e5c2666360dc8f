/**
 * `npm start -- <args>` (`node scripts/run.mjs main …`) in a child process: it accepts only
 * `--help`, `-h` and `--version`; anything else is one line on stderr pointing to the CLI, exit 2,
 * and no shell. Arguments are checked before the papers load, so each run is quick.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../ingest/helpers.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('pb-args-');

function start(args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/run.mjs', 'main', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // Were the shell opened by mistake, it would print its banner and quit.
    input: 'quit\n',
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      XDG_DATA_HOME: process.env['XDG_DATA_HOME'] ?? '',
      NO_COLOR: '1',
      DATA_DIR: tempDir(),
    },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm start arguments', () => {
  it('--help and -h print the usage, which says where commands go', () => {
    for (const flag of ['--help', '-h']) {
      const r = start([flag]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^Usage: npm start \[-- --help \| --version\]/);
      expect(r.out).toContain('npm run -s cli -- --batch');
      expect(r.err).toBe('');
    }
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = start(['--version']);
    expect(r).toEqual({ code: 0, out: `paperboy ${version}\n`, err: '' });
  });

  it('a command is not run and the shell does not open: one line points to the CLI, exit 2', () => {
    expect(start(['search', 'kv'])).toEqual({
      code: 2,
      out: '',
      err: 'paperboy: npm start takes no command (it runs the bot, or the shell); run the CLI instead: npm run -s cli -- search kv\n',
    });
    // Words a shell would split are quoted, so the suggestion can be pasted as it is.
    expect(start(['search', "kv 'cache'"]).err).toContain(`npm run -s cli -- search 'kv '\\''cache'\\'''\n`);
  });

  it('--batch (with or without --json) points to the CLI batch mode, exit 2', () => {
    expect(start(['--batch'])).toEqual({
      code: 2,
      out: '',
      err: 'paperboy: npm start has no batch mode (it runs the bot, or the shell); run the CLI instead: npm run -s cli -- --batch\n',
    });
    expect(start(['--batch', '--json']).err).toMatch(/run the CLI instead: npm run -s cli -- --batch --json\n$/);
  });

  it('an unknown option is named, exit 2, and nothing else happens', () => {
    for (const args of [['--foo'], ['--version', '--foo']]) {
      expect(start(args)).toEqual({
        code: 2,
        out: '',
        err: 'paperboy: unknown option --foo for npm start (it takes only --help and --version); one command: npm run -s cli -- <command>\n',
      });
    }
  });
});
