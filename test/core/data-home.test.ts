import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformDataHome, resolveDataHome } from '../../src/app/data-home.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const make = useTempDirs('paperboy-home-');
const temp = { make };

/** A folder with a database in it, as a run of Paperboy leaves one. */
function withState(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'state.db'), '');
  return dir;
}

describe('where the data is', () => {
  it('is the platform data folder by default, the same from every folder', () => {
    const home = join(temp.make(), 'share', 'paperboy');
    const a = resolveDataHome(undefined, { cwd: temp.make(), home });
    const b = resolveDataHome(undefined, { cwd: '/', home });
    expect(a).toEqual({ dir: home, source: 'home' });
    expect(b).toEqual(a);
  });

  it('follows XDG_DATA_HOME on Linux, made absolute', () => {
    if (process.platform !== 'linux') return;
    expect(platformDataHome({ XDG_DATA_HOME: '/data/xdg' })).toBe('/data/xdg/paperboy');
    expect(platformDataHome({ XDG_DATA_HOME: '  ', HOME: '/home/ada' })).toBe('/home/ada/.local/share/paperboy');
  });

  it('is DATA_DIR when set, absolute against the folder it runs in', () => {
    const home = temp.make();
    expect(resolveDataHome('state', { cwd: '/srv/bot', home })).toEqual({ dir: '/srv/bot/state', source: 'DATA_DIR' });
    expect(resolveDataHome('/var/lib/paperboy', { cwd: '/srv/bot', home })).toEqual({ dir: '/var/lib/paperboy', source: 'DATA_DIR' });
    expect(resolveDataHome('  ', { cwd: '/srv/bot', home })).toEqual({ dir: home, source: 'home' });
  });

  it('keeps using an older version’s ./.paperboy until it is moved, and says how to move it', () => {
    const project = temp.make();
    const home = join(temp.make(), 'paperboy');
    const legacy = withState(join(project, '.paperboy'));
    const r = resolveDataHome(undefined, { cwd: project, home });
    expect(r.dir).toBe(legacy);
    expect(r.source).toBe('legacy');
    expect(r.note).toContain(`mv "${legacy}"/* "${home}"/`);
    expect(r.note).toContain(`DATA_DIR=${legacy}`);
    // From another folder the home is used: the note is what tells the user to move the data.
    expect(resolveDataHome(undefined, { cwd: temp.make(), home })).toEqual({ dir: home, source: 'home' });
  });

  it('uses the home once it has a database, and says the old folder is not used', () => {
    const project = temp.make();
    const home = withState(join(temp.make(), 'paperboy'));
    const legacy = withState(join(project, '.paperboy'));
    const r = resolveDataHome(undefined, { cwd: project, home });
    expect(r).toMatchObject({ dir: home, source: 'home' });
    expect(r.note).toContain(`${legacy} holds data from an older version that is not used`);
  });

  it('ignores a ./.paperboy without a database (an empty folder, a shell history)', () => {
    const project = temp.make();
    mkdirSync(join(project, '.paperboy'));
    writeFileSync(join(project, '.paperboy', 'shell-history'), 'show snapkv\n');
    const home = join(temp.make(), 'paperboy');
    expect(resolveDataHome(undefined, { cwd: project, home })).toEqual({ dir: home, source: 'home' });
  });
});
