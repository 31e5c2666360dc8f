import type { WorkspaceAdmins } from '../reply/context.ts';
import type { InstallationStore } from './store.ts';

/**
 * A workspace's own admin, from its Slack installation: the person who installed Paperboy there
 * (Slack OAuth mode). Nobody is, for a workspace without an installation, on another platform, or
 * when the store cannot say (a failure to read counts as "no": it only ever withholds a right).
 */
export function installerAdmins(store: InstallationStore): WorkspaceAdmins {
  return async (platform, workspaceId, userId) => {
    if (platform !== 'slack') return false;
    try {
      const installation = await store.getInstallation({ teamId: workspaceId, enterpriseId: undefined, isEnterpriseInstall: false });
      return installation !== undefined && installation.user.id === userId;
    } catch {
      return false;
    }
  };
}
