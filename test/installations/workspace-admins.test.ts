/**
 * A workspace's own admin in Slack OAuth mode is whoever installed Paperboy there; the check reads
 * the installation (sealed) and withholds the right on any doubt.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installerAdmins } from '../../src/installations/workspace-admins.ts';
import { mayManageChannel } from '../../src/reply/admins.ts';
import { openMemoryState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { KEY_A } from './helpers.ts';

let state: State | undefined;
afterEach(async () => {
  await state?.close();
  state = undefined;
});

async function installed(): Promise<State> {
  state = openMemoryState({ encryptionKey: KEY_A });
  await state.installations.saveInstallation(
    {
      team: { id: 'T2', name: 'Two' },
      enterprise: undefined,
      user: { token: undefined, scopes: undefined, id: 'UOWNER' },
      bot: { token: ['xoxb', 'two', '1234567890', 'abcdef'].join('-'), scopes: ['chat:write'], id: 'B2', userId: 'UBOT2' },
      isEnterpriseInstall: false,
    },
    new Date('2026-12-05T09:00:00Z'),
  );
  return state;
}

describe('installerAdmins', () => {
  it('is the installing user of that workspace, on Slack only', async () => {
    const admins = installerAdmins((await installed()).installations);
    expect(await admins('slack', 'T2', 'UOWNER')).toBe(true);
    expect(await admins('slack', 'T2', 'U1')).toBe(false);
    expect(await admins('slack', 'T9', 'UOWNER')).toBe(false);
    expect(await admins('discord', 'T2', 'UOWNER')).toBe(false);
  });

  it('after an uninstall nobody is, and a store failure withholds the right', async () => {
    const s = await installed();
    const admins = installerAdmins(s.installations);
    await s.installations.deleteInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false }, new Date('2026-12-05T10:00:00Z'));
    expect(await admins('slack', 'T2', 'UOWNER')).toBe(false);
    vi.spyOn(s.installations, 'getInstallation').mockRejectedValueOnce(new Error('database is locked'));
    expect(await admins('slack', 'T2', 'UOWNER')).toBe(false);
  });
});

describe('mayManageChannel', () => {
  const owner = async (_p: string, ws: string, user: string) => ws === 'T2' && user === 'UOWNER';
  it('anyone without a list; a listed admin; the workspace admin of their own workspace only', async () => {
    expect(await mayManageChannel({}, { platform: 'slack', userId: 'U1', workspaceId: 'T1' })).toBe(true);
    const admins = { slack: ['UADMIN'] };
    expect(await mayManageChannel(admins, { platform: 'slack', userId: 'UADMIN', workspaceId: 'T2' }, owner)).toBe(true);
    expect(await mayManageChannel(admins, { platform: 'slack', userId: 'UOWNER', workspaceId: 'T2' }, owner)).toBe(true);
    expect(await mayManageChannel(admins, { platform: 'slack', userId: 'UOWNER', workspaceId: 'T1' }, owner)).toBe(false);
    expect(await mayManageChannel(admins, { platform: 'slack', userId: 'UOWNER', workspaceId: 'T2' })).toBe(false);
    expect(await mayManageChannel(admins, { platform: 'slack', userId: 'UOWNER' }, owner)).toBe(false);
    expect(await mayManageChannel(admins, { platform: 'slack', workspaceId: 'T2' }, owner)).toBe(false);
  });
});
