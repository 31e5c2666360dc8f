/**
 * The installation store holds what Bolt hands over and gives back what Bolt expects, without
 * importing Bolt: an `InstallationStore` and a `StateStore` written on it as the Slack adapter will
 * write them compile against Bolt's own types (`@slack/bolt`, re-exported from `@slack/oauth`) and
 * round-trip an installation and an install state.
 */
import type { Installation, InstallationQuery, InstallationStore as BoltInstallationStore, InstallURLOptions, StateStore } from '@slack/bolt';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { InstallationQuery as OurQuery, InstallationRecord } from '../../src/installations/installation.ts';
import type { InstallationStore } from '../../src/installations/store.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { KEY_A } from './helpers.ts';

const NOW = new Date('2026-11-26T09:00:00Z');

/** Bolt's installation store on ours. */
function boltInstallationStore(store: InstallationStore, now: () => Date): BoltInstallationStore {
  return {
    storeInstallation: (installation) => store.saveInstallation(installation, now()),
    fetchInstallation: async (query) => {
      const found = await store.getInstallation(query);
      if (!found) throw new Error('no installation');
      return found;
    },
    deleteInstallation: async (query) => {
      await store.deleteInstallation(query, now());
    },
  };
}

/** Bolt's state store on ours: the state is random, the install options ride as metadata. */
function boltStateStore(store: InstallationStore, ttlMs: number): StateStore {
  return {
    generateStateParam: async (installOptions, now) => {
      const state = `st-${now.getTime()}`;
      await store.issueState(state, new Date(now.getTime() + ttlMs), JSON.stringify(installOptions));
      return state;
    },
    verifyStateParam: async (now, state) => {
      const r = await store.consumeState(state, now);
      if (!r.ok) throw new Error(`state ${r.why}`);
      return JSON.parse(r.metadata ?? '{}') as InstallURLOptions;
    },
  };
}

describe('Bolt’s shapes', () => {
  const states: State[] = [];
  afterEach(async () => {
    for (const s of states.splice(0)) await s.close();
  });

  it('an installation record and a query are Bolt’s, both ways', () => {
    expectTypeOf<Installation>().toExtend<InstallationRecord>();
    expectTypeOf<Installation<'v2', true>>().toExtend<InstallationRecord>();
    expectTypeOf<InstallationRecord>().toExtend<Installation>();
    expectTypeOf<InstallationQuery<boolean>>().toExtend<OurQuery>();
  });

  it('Bolt’s stores written on the installation store round-trip an installation and a state', async () => {
    const state = openMemoryState({ encryptionKey: KEY_A });
    states.push(state);
    const installations = boltInstallationStore(state.installations, () => NOW);
    const installation: Installation<'v2', false> = {
      team: { id: 'T1', name: 'Acme' },
      enterprise: undefined,
      user: { token: undefined, scopes: undefined, id: 'U1' },
      bot: { token: 'xoxb-1', scopes: ['chat:write'], id: 'B1', userId: 'UBOT' },
      appId: 'A1',
      isEnterpriseInstall: false,
      authVersion: 'v2',
    };
    await installations.storeInstallation(installation);
    expect(await installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).toEqual(installation);
    await installations.deleteInstallation?.({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(installations.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow('no installation');

    const stateStore = boltStateStore(state.installations, 600_000);
    const options: InstallURLOptions = { scopes: ['chat:write'], redirectUri: 'https://bot.example/slack/oauth_redirect' };
    const param = await stateStore.generateStateParam(options, NOW);
    expect(await stateStore.verifyStateParam(NOW, param)).toEqual(options);
    await expect(stateStore.verifyStateParam(NOW, param)).rejects.toThrow('state unknown');
  });
});
