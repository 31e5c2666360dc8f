import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';

/** The folder older versions kept their data in, relative to the folder they were started from. */
export const LEGACY_DATA_DIR = '.paperboy';
const STATE_FILE = 'state.db';

/** Where Paperboy keeps its state, and why there. */
export interface DataHome {
  /** Absolute path of the data folder. */
  dir: string;
  /** `DATA_DIR`: set by the user; `home`: the platform's data folder; `legacy`: an older version's `./.paperboy`. */
  source: 'DATA_DIR' | 'home' | 'legacy';
  /** Something the user should know about where the data is (a folder left by an older version); one paragraph. */
  note?: string;
}

export interface DataHomeOptions {
  /** Relative `DATA_DIR` values and the legacy folder are looked up from here. */
  cwd: string;
  /** The platform's data folder for Paperboy (default from `env-paths`: `$XDG_DATA_HOME/paperboy` on Linux). */
  home?: string;
}

/**
 * The platform's data folder for Paperboy, the same wherever the command runs: on Linux
 * `$XDG_DATA_HOME/paperboy` (`~/.local/share/paperboy` when it is unset), on macOS
 * `~/Library/Application Support/paperboy`, on Windows `%LOCALAPPDATA%\paperboy\Data`.
 */
export function platformDataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'linux') {
    // As env-paths does, but from the given environment (env-paths reads process.env).
    const xdg = env['XDG_DATA_HOME']?.trim();
    return join(xdg ? resolve(xdg) : join(env['HOME']?.trim() || homedir(), '.local', 'share'), 'paperboy');
  }
  return envPaths('paperboy', { suffix: '' }).data;
}

/**
 * Where the data is. `DATA_DIR` wins, made absolute against `cwd`. Otherwise the platform's data
 * folder, so an installed `paperboy` finds the same state from any folder. One exception keeps an
 * upgrade from losing anything: when `./.paperboy` holds a database (the old default) and the
 * platform folder does not, the old folder is used, with a note saying how to move it.
 */
export function resolveDataHome(dataDir: string | undefined, opts: DataHomeOptions): DataHome {
  if (dataDir !== undefined && dataDir.trim() !== '') return { dir: resolve(opts.cwd, dataDir.trim()), source: 'DATA_DIR' };
  const home = resolve(opts.home ?? platformDataHome());
  const legacy = resolve(opts.cwd, LEGACY_DATA_DIR);
  const legacyHasState = legacy !== home && existsSync(join(legacy, STATE_FILE));
  if (!legacyHasState) return { dir: home, source: 'home' };
  if (!existsSync(join(home, STATE_FILE))) {
    return {
      dir: legacy,
      source: 'legacy',
      note:
        `Using the data in ${legacy}, where older versions kept it. Paperboy now keeps its data in ${home}, ` +
        `the same from every folder. To move it there, stop the bot and run: mkdir -p "${home}" && mv "${legacy}"/* "${home}"/ ` +
        `(or set DATA_DIR=${legacy} to keep it where it is).`,
    };
  }
  return {
    dir: home,
    source: 'home',
    note: `${legacy} holds data from an older version that is not used: Paperboy's data is in ${home}. Set DATA_DIR=${legacy} to use the old folder instead, or remove it.`,
  };
}
