/**
 * `paperboy reseal-tokens`: re-seals every installation with the current key after a rotation, so
 * the old key can be dropped; says clearly what is missing, and never prints a token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resealCli } from '../../src/app/reseal-cli.ts';
import type { InstallationRecord } from '../../src/installations/installation.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import { KEY_A, KEY_B, KEY_C } from './helpers.ts';

const TOKEN = ['xoxb', 'reseal', '1234567890', 'secretpart'].join('-');
const NOW = new Date('2026-12-05T09:00:00Z');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function install(teamId: string): InstallationRecord {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { token: undefined, scopes: undefined, id: 'UINSTALLER' },
    bot: { token: `${TOKEN}-${teamId}`, scopes: ['chat:write'], id: 'B1', userId: 'UBOT1' },
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/** A data folder with two installations sealed with KEY_A. */
async function dataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-reseal-'));
  dirs.push(dir);
  const state = openSqliteState(dir, { encryptionKey: KEY_A });
  await state.installations.saveInstallation(install('T1'), NOW);
  await state.installations.saveInstallation(install('T2'), NOW);
  await state.close();
  return dir;
}

async function run(words: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await resealCli(words, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env });
  return { code, out, err };
}

describe('paperboy reseal-tokens', () => {
  it('re-seals every installation with the new key; afterwards the old key is not needed', async () => {
    const dir = await dataDir();
    const r = await run([], { DATA_DIR: dir, PAPERBOY_ENCRYPTION_KEY: KEY_B, PAPERBOY_ENCRYPTION_KEY_OLD: KEY_A });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(
      'Re-sealed 2 of 2 installations with the current key. Every installation is now sealed with PAPERBOY_ENCRYPTION_KEY: PAPERBOY_ENCRYPTION_KEY_OLD can be removed.\n',
    );
    expect(r.out).not.toContain(TOKEN);
    const state = openSqliteState(dir, { encryptionKey: KEY_B });
    try {
      const found = await state.installations.getInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false });
      expect(found?.bot?.token).toBe(`${TOKEN}-T2`);
    } finally {
      await state.close();
    }
    // Nothing is left to re-seal.
    expect(await run(['--json'], { DATA_DIR: dir, PAPERBOY_ENCRYPTION_KEY: KEY_B })).toMatchObject({ code: 0, out: '{"resealed":0,"installations":2}\n' });
  });

  it('fails clearly, changing nothing, when a record was sealed with a key it was not given', async () => {
    const dir = await dataDir();
    const r = await run([], { DATA_DIR: dir, PAPERBOY_ENCRYPTION_KEY: KEY_B, PAPERBOY_ENCRYPTION_KEY_OLD: KEY_C });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^paperboy reseal-tokens: .*key/);
    expect(r.err).not.toContain(KEY_C);
    // Still readable with the key that sealed it.
    const state = openSqliteState(dir, { encryptionKey: KEY_A });
    try {
      expect(await state.installations.getInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).toBeDefined();
    } finally {
      await state.close();
    }
  });

  it('needs the current key, and checks both keys before opening anything', async () => {
    const dir = await dataDir();
    expect(await run([], { DATA_DIR: dir })).toMatchObject({ code: 2, err: expect.stringMatching(/PAPERBOY_ENCRYPTION_KEY is not set/) });
    const bad = await run([], { DATA_DIR: dir, PAPERBOY_ENCRYPTION_KEY: 'nothex' });
    expect(bad).toMatchObject({ code: 2, err: expect.stringMatching(/PAPERBOY_ENCRYPTION_KEY: must be 64 hex characters/) });
    expect(bad.err).not.toContain('nothex');
  });

  it('explains itself, and refuses other words', async () => {
    expect(await run(['--help'], {})).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: paperboy reseal-tokens/) });
    expect(await run(['now'], {})).toMatchObject({ code: 1, err: expect.stringMatching(/unexpected "now"/) });
  });
});
