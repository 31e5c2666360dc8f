/**
 * Bolt's `InstallationStore` on Paperboy's (`src/installations`): every workspace's installation,
 * tokens sealed at rest, in the shared state. Bolt's `authorize` asks it for the token of each
 * incoming request's workspace; a workspace that never installed (or uninstalled) has none, and
 * Bolt acknowledges its requests without running a listener.
 */
import type { Installation, InstallationQuery, InstallationStore as BoltInstallationStore } from '@slack/bolt';
import type { InstallationStore } from '../../../src/installations/store.ts';

export interface InstallationEvents {
  /** A workspace (or organisation) installed the app, for the first time or again. Never throws into Bolt. */
  installed?: (workspaceId: string) => Promise<void>;
}

/** Raised when no installation answers a query: Bolt's authorize turns it into "not authorised". */
export class NotInstalledError extends Error {
  constructor(query: InstallationQuery<boolean>) {
    super(`Paperboy is not installed in ${query.isEnterpriseInstall ? `organisation ${query.enterpriseId ?? '?'}` : `workspace ${query.teamId ?? '?'}`}`);
    this.name = 'NotInstalledError';
  }
}

export function boltInstallationStore(store: InstallationStore, now: () => Date, events: InstallationEvents = {}): BoltInstallationStore {
  return {
    async storeInstallation(installation: Installation): Promise<void> {
      await store.saveInstallation(installation, now());
      const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
      if (id !== undefined) await events.installed?.(id);
    },
    async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
      const found = await store.getInstallation(query);
      if (!found) throw new NotInstalledError(query);
      return found;
    },
    async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
      await store.deleteInstallation(query, now());
    },
  };
}
