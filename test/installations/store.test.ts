/**
 * The installation store's contract, on SQLite and on PostgreSQL (`eachBackend`): installations
 * saved, read, replaced and uninstalled per workspace and per org-wide install; listed without
 * tokens; OAuth states consumed exactly once across processes; records re-sealed on read and all
 * at once after a key rotation; no token in the clear anywhere in the database; and a store
 * without a key that still opens.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/db/errors.ts';
import type { InstallationQuery, InstallationRecord } from '../../src/installations/installation.ts';
import { parseKey, TokenCryptoError } from '../../src/installations/token-crypto.ts';
import { eachBackend } from '../helpers/backends.ts';
import { KEY_A, KEY_B, KEY_C, rawQuery, useKeyedStates } from './helpers.ts';

const T0 = new Date('2026-11-26T09:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

// Built from parts, so no token-shaped literal is in the source.
const BOT_TOKEN = ['xoxb', '1111', '2222', 'BotTokenOfAcme'].join('-');
const USER_TOKEN = ['xoxp', '3333', '4444', 'UserTokenOfAda'].join('-');
const BOT_REFRESH = ['xoxe', '1', 'BotRefreshTokenOfAcme'].join('-');
const USER_REFRESH = ['xoxe', '1', 'UserRefreshTokenOfAda'].join('-');
const SECRETS = [BOT_TOKEN, USER_TOKEN, BOT_REFRESH, USER_REFRESH];

/** A workspace install as Bolt hands it over after `oauth.v2.access`, every token in it. */
function workspaceInstall(teamId = 'T1', over: Partial<InstallationRecord> = {}): InstallationRecord {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { token: USER_TOKEN, refreshToken: USER_REFRESH, expiresAt: 1_800_000_000, scopes: ['search:read'], id: 'U1' },
    bot: { token: BOT_TOKEN, refreshToken: BOT_REFRESH, expiresAt: 1_800_000_000, scopes: ['chat:write', 'app_mentions:read'], id: 'B1', userId: 'UBOT1' },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
    metadata: '{"from":"install page"}',
    ...over,
  };
}

/** An org-wide install: no team, keyed by the organisation. */
function orgInstall(enterpriseId = 'E1'): InstallationRecord {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: 'Grid Org' },
    user: { token: undefined, scopes: undefined, id: 'U9' },
    bot: { token: `${BOT_TOKEN}-org`, scopes: ['chat:write'], id: 'B9', userId: 'UBOT9' },
    appId: 'A1',
    enterpriseUrl: 'https://grid.enterprise.slack.com/',
    isEnterpriseInstall: true,
    authVersion: 'v2',
  };
}

const team = (teamId: string, enterpriseId?: string): InstallationQuery => ({ teamId, enterpriseId, isEnterpriseInstall: false });
const org = (enterpriseId: string): InstallationQuery => ({ teamId: undefined, enterpriseId, isEnterpriseInstall: true });

eachBackend((backend) => {
  const open = useKeyedStates();

  /** An empty database with one process on it, holding key A. */
  async function fresh() {
    const db = await backend.fresh();
    const state = await open(backend, db, { encryptionKey: KEY_A });
    return { db, state, store: state.installations };
  }

  /** The stored rows' key ids and whether each still holds a sealed record. */
  async function sealedColumns(where: string) {
    return rawQuery<{ id: string; key_id: string | null; sealed: string | null }>(
      backend.name,
      where,
      'SELECT id, key_id, sealed FROM installations ORDER BY id',
    );
  }

  describe('installations', () => {
    it('saves a workspace install and reads it back whole, tokens included (also from a second process)', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall(), T0);
      expect(await store.getInstallation(team('T1'))).toEqual(workspaceInstall());
      const other = await open(backend, db, { encryptionKey: KEY_A });
      expect(await other.installations.getInstallation(team('T1', 'E-ignored'))).toEqual(workspaceInstall());
      expect(await store.getInstallation(team('T2'))).toBeUndefined();
    });

    it('keeps fields Bolt adds that this store does not know', async () => {
      const { store } = await fresh();
      const withExtra = { ...workspaceInstall(), futureField: { nested: [1, 2] } };
      await store.saveInstallation(withExtra, T0);
      expect(await store.getInstallation(team('T1'))).toEqual(withExtra);
    });

    it('saving the same workspace again replaces its record (a refreshed token) and keeps when it was installed', async () => {
      const { store } = await fresh();
      await store.saveInstallation(workspaceInstall(), T0);
      const refreshed = workspaceInstall('T1', {
        bot: { token: 'xoxb-new', scopes: ['chat:write'], id: 'B1', userId: 'UBOT1' },
        team: { id: 'T1', name: 'Renamed' },
      });
      await store.saveInstallation(refreshed, later(HOUR));
      expect(await store.getInstallation(team('T1'))).toEqual(refreshed);
      expect(await store.listInstallations()).toEqual([
        {
          id: 'team:T1',
          isEnterpriseInstall: false,
          teamId: 'T1',
          teamName: 'Renamed',
          appId: 'A1',
          botUserId: 'UBOT1',
          installedAt: T0,
          updatedAt: later(HOUR),
          sealedWith: parseKey(KEY_A).id,
        },
      ]);
    });

    it('an org-wide install is kept by its organisation, apart from the workspaces in it', async () => {
      const { store } = await fresh();
      await store.saveInstallation(orgInstall('E1'), T0);
      await store.saveInstallation(workspaceInstall('T1', { enterprise: { id: 'E1' } }), T0);
      expect(await store.getInstallation(org('E1'))).toEqual(orgInstall('E1'));
      expect((await store.getInstallation(team('T1', 'E1')))?.bot?.token).toBe(BOT_TOKEN);
      expect(await store.getInstallation(org('E2'))).toBeUndefined();
      // An org id asked for as a workspace, or a query naming neither, finds nothing.
      expect(await store.getInstallation(team('E1'))).toBeUndefined();
      expect(await store.getInstallation({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: false })).toBeUndefined();
      expect((await store.listInstallations()).map((s) => [s.id, s.isEnterpriseInstall, s.enterpriseId, s.teamId])).toEqual([
        ['enterprise:E1', true, 'E1', undefined],
        ['team:T1', false, 'E1', 'T1'],
      ]);
    });

    it('refuses an installation with neither a team nor (org-wide) an enterprise id, and one that is not an installation', async () => {
      const { store } = await fresh();
      await expect(store.saveInstallation({ ...workspaceInstall(), team: undefined }, T0)).rejects.toThrow(/needs team\.id/);
      await expect(store.saveInstallation({ ...orgInstall(), enterprise: undefined }, T0)).rejects.toThrow(/needs enterprise\.id/);
      const noUser = { team: { id: 'T1' }, enterprise: undefined } as unknown as InstallationRecord;
      await expect(store.saveInstallation(noUser, T0)).rejects.toThrow();
      expect(await store.listInstallations({ includeUninstalled: true })).toEqual([]);
    });

    it('uninstalling deletes the sealed record and says whether one was there; ids and times stay', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall('T1'), T0);
      await store.saveInstallation(orgInstall('E1'), T0);
      expect(await store.deleteInstallation(team('T1'), later(HOUR))).toBe(true);
      expect(await store.deleteInstallation(team('T1'), later(2 * HOUR))).toBe(false);
      expect(await store.deleteInstallation(team('T404'), later(HOUR))).toBe(false);
      expect(await store.deleteInstallation(org('E1'), later(HOUR))).toBe(true);
      expect(await store.getInstallation(team('T1'))).toBeUndefined();
      expect(await store.getInstallation(org('E1'))).toBeUndefined();
      expect(await sealedColumns(db.where)).toEqual([
        { id: 'enterprise:E1', key_id: null, sealed: null },
        { id: 'team:T1', key_id: null, sealed: null },
      ]);
      expect(await store.listInstallations()).toEqual([]);
      expect(await store.listInstallations({ includeUninstalled: true })).toEqual([
        expect.objectContaining({ id: 'enterprise:E1', uninstalledAt: later(HOUR) }),
        {
          id: 'team:T1',
          isEnterpriseInstall: false,
          teamId: 'T1',
          teamName: 'Team T1',
          appId: 'A1',
          botUserId: 'UBOT1',
          installedAt: T0,
          updatedAt: later(HOUR),
          uninstalledAt: later(HOUR),
        },
      ]);
    });

    it('installing again after an uninstall is a new installation from that time', async () => {
      const { store } = await fresh();
      await store.saveInstallation(workspaceInstall(), T0);
      await store.deleteInstallation(team('T1'), later(HOUR));
      await store.saveInstallation(workspaceInstall(), later(3 * HOUR));
      expect(await store.getInstallation(team('T1'))).toEqual(workspaceInstall());
      const [summary] = await store.listInstallations();
      expect(summary).toMatchObject({ installedAt: later(3 * HOUR), updatedAt: later(3 * HOUR) });
      expect(summary?.uninstalledAt).toBeUndefined();
    });

    it('lists installations by id with their plain fields only: no token, no sealed record', async () => {
      const { store } = await fresh();
      await store.saveInstallation(workspaceInstall('T2'), T0);
      await store.saveInstallation(orgInstall('E1'), T0);
      await store.saveInstallation(workspaceInstall('T10', { team: { id: 'T10' }, appId: undefined }), T0);
      const list = await store.listInstallations();
      expect(list.map((s) => s.id)).toEqual(['enterprise:E1', 'team:T10', 'team:T2']);
      expect(list[1]).toEqual({
        id: 'team:T10',
        isEnterpriseInstall: false,
        teamId: 'T10',
        botUserId: 'UBOT1',
        installedAt: T0,
        updatedAt: T0,
        sealedWith: parseKey(KEY_A).id,
      });
      expect(Object.keys(list[1]!)).not.toContain('teamName');
      const shown = JSON.stringify(list);
      for (const secret of SECRETS) expect(shown).not.toContain(secret);
      expect(shown).not.toContain('pb1.');
    });

    it('a sealed record moved into another workspace’s row does not open there', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall('T1'), T0);
      await store.saveInstallation(workspaceInstall('T2', { bot: { token: 'xoxb-t2', scopes: [], id: 'B2', userId: 'UBOT2' } }), T0);
      const [t1] = await rawQuery<{ sealed: string }>(backend.name, db.where, "SELECT sealed FROM installations WHERE id = 'team:T1'");
      const update =
        backend.name === 'SQLite' ? "UPDATE installations SET sealed = ? WHERE id = 'team:T2'" : "UPDATE installations SET sealed = $1 WHERE id = 'team:T2'";
      await rawQuery(backend.name, db.where, update, [t1!.sealed]);
      const err = await store.getInstallation(team('T2')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TokenCryptoError);
      expect((err as TokenCryptoError).problem).toBe('tampered');
      expect((await store.getInstallation(team('T1')))?.bot?.token).toBe(BOT_TOKEN);
    });
  });

  describe('OAuth install states', () => {
    it('a state is consumed once, with its metadata; after that it is unknown', async () => {
      const { store } = await fresh();
      expect(await store.issueState('state-1', later(10 * 60_000), '{"scopes":["chat:write"]}')).toBe(true);
      expect(await store.issueState('state-2', later(10 * 60_000))).toBe(true);
      expect(await store.consumeState('state-1', later(60_000))).toEqual({ ok: true, metadata: '{"scopes":["chat:write"]}' });
      expect(await store.consumeState('state-1', later(60_000))).toEqual({ ok: false, why: 'unknown' });
      expect(await store.consumeState('state-2', later(60_000))).toEqual({ ok: true });
    });

    it('a state never issued is refused', async () => {
      const { store } = await fresh();
      await store.issueState('state-1', later(HOUR));
      expect(await store.consumeState('forged', T0)).toEqual({ ok: false, why: 'unknown' });
      expect(await store.consumeState('', T0)).toEqual({ ok: false, why: 'unknown' });
      expect(await store.consumeState('state-1', T0)).toMatchObject({ ok: true });
    });

    it('an expired state is refused (from the moment it expires), and cannot be used later either', async () => {
      const { store } = await fresh();
      await store.issueState('state-1', later(10 * 60_000));
      expect(await store.consumeState('state-1', later(10 * 60_000))).toEqual({ ok: false, why: 'expired' });
      expect(await store.consumeState('state-1', T0)).toEqual({ ok: false, why: 'unknown' });
    });

    it('issuing a state already issued changes nothing: it keeps its expiry and metadata', async () => {
      const { store } = await fresh();
      expect(await store.issueState('state-1', later(60_000), 'first')).toBe(true);
      expect(await store.issueState('state-1', later(HOUR), 'second')).toBe(false);
      expect(await store.consumeState('state-1', later(2 * 60_000))).toEqual({ ok: false, why: 'expired' });
    });

    it('keeps a hash of each state, never the state', async () => {
      const { db, store } = await fresh();
      await store.issueState('state-secret-value', later(HOUR), 'meta');
      const stored = await rawQuery<{ state_hash: string }>(backend.name, db.where, 'SELECT state_hash FROM installation_states');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.state_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0]!.state_hash).not.toContain('state-secret-value');
    });

    it('two processes consuming the same states at once: each state is consumed by exactly one', async () => {
      const db = await backend.fresh();
      const a = (await open(backend, db)).installations;
      const b = (await open(backend, db)).installations;
      const states = Array.from({ length: 20 }, (_, i) => `state-${i}`);
      for (const s of states) await a.issueState(s, later(HOUR), s);
      const results = await Promise.all(states.flatMap((s) => [a.consumeState(s, later(60_000)), b.consumeState(s, later(60_000))]));
      const won = results.filter((r) => r.ok);
      expect(won).toHaveLength(states.length);
      expect(won.map((r) => (r.ok ? r.metadata : undefined)).sort()).toEqual([...states].sort());
      expect(results.filter((r) => !r.ok)).toEqual(states.map(() => ({ ok: false, why: 'unknown' })));
    });

    it('pruning deletes the states expired by then, and only those', async () => {
      const { store } = await fresh();
      await store.issueState('old-1', later(60_000));
      await store.issueState('old-2', later(2 * 60_000));
      await store.issueState('live', later(HOUR));
      expect(await store.pruneStates(later(2 * 60_000))).toBe(2);
      expect(await store.pruneStates(later(2 * 60_000))).toBe(0);
      expect(await store.consumeState('old-1', T0)).toEqual({ ok: false, why: 'unknown' });
      expect(await store.consumeState('live', later(2 * 60_000))).toMatchObject({ ok: true });
    });
  });

  describe('key rotation', () => {
    const idA = parseKey(KEY_A).id;
    const idB = parseKey(KEY_B).id;

    it('a record sealed with the old key is read with new + old keys and re-sealed with the new one on the way', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall('T1'), T0);
      await store.saveInstallation(workspaceInstall('T2'), T0);
      const rotated = (await open(backend, db, { encryptionKey: KEY_B, oldEncryptionKey: KEY_A })).installations;
      expect(await rotated.getInstallation(team('T1'))).toEqual(workspaceInstall('T1'));
      const rows = await sealedColumns(db.where);
      expect(rows.map((r) => [r.id, r.key_id, r.sealed?.split('.')[1]])).toEqual([
        ['team:T1', idB, idB],
        ['team:T2', idA, idA],
      ]);
      // Now readable with the new key alone; the other record is not yet.
      const newOnly = (await open(backend, db, { encryptionKey: KEY_B })).installations;
      expect(await newOnly.getInstallation(team('T1'))).toEqual(workspaceInstall('T1'));
      const err = await newOnly.getInstallation(team('T2')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TokenCryptoError);
      expect((err as Error).message).toContain(`sealed with encryption key ${idA}`);
    });

    it('resealAll re-seals every installed record the old key sealed, once, and says how many', async () => {
      const { db, store } = await fresh();
      for (const t of ['T1', 'T2', 'T3']) await store.saveInstallation(workspaceInstall(t), T0);
      await store.saveInstallation(orgInstall('E1'), T0);
      await store.deleteInstallation(team('T3'), later(HOUR));
      expect(await store.resealAll()).toBe(0);
      const rotated = (await open(backend, db, { encryptionKey: KEY_B, oldEncryptionKey: KEY_A })).installations;
      await rotated.getInstallation(team('T1'));
      expect(await rotated.resealAll()).toBe(2);
      expect(await rotated.resealAll()).toBe(0);
      expect((await rotated.listInstallations({ includeUninstalled: true })).map((s) => [s.id, s.sealedWith])).toEqual([
        ['enterprise:E1', idB],
        ['team:T1', idB],
        ['team:T2', idB],
        ['team:T3', undefined],
      ]);
      const newOnly = (await open(backend, db, { encryptionKey: KEY_B })).installations;
      expect(await newOnly.getInstallation(team('T2'))).toEqual(workspaceInstall('T2'));
      expect(await newOnly.getInstallation(org('E1'))).toEqual(orgInstall('E1'));
    });

    it('a record sealed with a key the store does not have is refused, naming that key’s id, by reads and by resealAll', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall(), T0);
      const wrong = (await open(backend, db, { encryptionKey: KEY_C, oldEncryptionKey: KEY_B })).installations;
      for (const attempt of [wrong.getInstallation(team('T1')), wrong.resealAll()]) {
        const err = await attempt.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TokenCryptoError);
        expect((err as TokenCryptoError).problem).toBe('unknown-key');
        expect((err as Error).message).toContain(idA);
        expect((err as Error).message.toLowerCase()).not.toContain(KEY_A.slice(0, 16));
      }
      // Nothing was changed by the failed attempts.
      expect((await sealedColumns(db.where)).map((r) => r.key_id)).toEqual([idA]);
    });
  });

  describe('without an encryption key', () => {
    it('the store opens; saving, reading and re-sealing installations say OAuth mode needs the key; the rest works', async () => {
      const db = await backend.fresh();
      await (await open(backend, db, { encryptionKey: KEY_A })).installations.saveInstallation(workspaceInstall(), T0);
      const store = (await open(backend, db)).installations;
      for (const attempt of [store.saveInstallation(workspaceInstall('T2'), T0), store.getInstallation(team('T1')), store.resealAll()]) {
        const err = await attempt.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TokenCryptoError);
        expect((err as Error).message).toMatch(/^OAuth mode needs PAPERBOY_ENCRYPTION_KEY/);
        expect(err).not.toBeInstanceOf(StateStoreError);
      }
      expect((await store.listInstallations()).map((s) => s.id)).toEqual(['team:T1']);
      expect(await store.issueState('s', later(HOUR))).toBe(true);
      expect(await store.consumeState('s', T0)).toEqual({ ok: true });
      expect(await store.deleteInstallation(team('T1'), later(HOUR))).toBe(true);
    });

    it('a malformed key is refused when the state is opened', async () => {
      const db = await backend.fresh();
      await expect(open(backend, db, { encryptionKey: 'not-a-key' })).rejects.toThrow(/^PAPERBOY_ENCRYPTION_KEY must be 64 hex characters/);
    });
  });

  describe('no token in the clear', () => {
    it('after saving, re-sealing and uninstalling, no stored row holds a token or a sealed record’s plaintext', async () => {
      const { db, store } = await fresh();
      await store.saveInstallation(workspaceInstall('T1'), T0);
      await store.saveInstallation(workspaceInstall('T2'), T0);
      await store.saveInstallation(orgInstall('E1'), T0);
      await store.issueState('state-1', later(HOUR), 'meta');
      const rotated = (await open(backend, db, { encryptionKey: KEY_B, oldEncryptionKey: KEY_A })).installations;
      await rotated.resealAll();
      await rotated.deleteInstallation(team('T2'), later(HOUR));
      const sql =
        backend.name === 'SQLite'
          ? 'SELECT quote(id) || quote(sealed) || quote(team_name) AS t FROM installations'
          : 'SELECT i::text AS t FROM installations i';
      const rows = await rawQuery<{ t: string }>(backend.name, db.where, sql);
      expect(rows).toHaveLength(3);
      const text = rows.map((r) => r.t).join('\n');
      expect(text).toContain('team:T1');
      for (const secret of [...SECRETS, `${BOT_TOKEN}-org`]) expect(text).not.toContain(secret);
      if (backend.name === 'PostgreSQL') {
        const states = await rawQuery<{ t: string }>(backend.name, db.where, 'SELECT s::text AS t FROM installation_states s');
        expect(states.map((r) => r.t).join('\n')).not.toContain('state-1');
      }
    });

    if (backend.name === 'SQLite') {
      it('no file in the data folder (state.db, -wal, -shm) holds a token, while open and after closing', async () => {
        const { db, state, store } = await fresh();
        await store.saveInstallation(workspaceInstall('T1'), T0);
        await store.saveInstallation(orgInstall('E1'), T0);
        await store.getInstallation(team('T1'));
        const rotated = await open(backend, db, { encryptionKey: KEY_B, oldEncryptionKey: KEY_A });
        await rotated.installations.resealAll();
        const files = (): string[] => readdirSync(db.where).map((f) => join(db.where, f));
        const assertNoSecret = () => {
          for (const file of files()) {
            const bytes = readFileSync(file);
            for (const secret of [...SECRETS, `${BOT_TOKEN}-org`]) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
            // Nor in UTF-16.
            expect(bytes.includes(Buffer.from(BOT_TOKEN, 'utf16le')), file).toBe(false);
          }
        };
        expect(
          files()
            .map((f) => f.slice(db.where.length + 1))
            .sort(),
        ).toEqual(['state.db', 'state.db-shm', 'state.db-wal']);
        assertNoSecret();
        await rotated.close();
        await state.close();
        assertNoSecret();
        // The check would see a token: a control, written where the store never writes one.
        await rawQuery(backend.name, db.where, 'INSERT INTO state_meta (key, value) VALUES (?, ?)', ['control', BOT_TOKEN]);
        expect(files().some((f) => readFileSync(f).includes(BOT_TOKEN))).toBe(true);
      });
    }
  });
});

describe('the installations module', () => {
  it('imports no Slack library (the core never imports an adapter’s)', () => {
    const dir = join(import.meta.dirname, '../../src/installations');
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/from '@slack\//);
  });
});
