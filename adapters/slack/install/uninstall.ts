/**
 * When a workspace removes the app: `app_uninstalled` (the app is gone) and `tokens_revoked` (the
 * bot's token no longer works) delete that workspace's installation — every token — and pause its
 * schedules and watches, which resume if it installs again (see `WorkspaceEvents`). A revocation of
 * user tokens alone changes nothing: Paperboy only uses the bot's.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InstallationStore } from '../../../src/installations/store.ts';
import { errInfo } from '../../shared/requests.ts';

/** What the rest of Paperboy does when a workspace leaves or comes back. */
export interface WorkspaceEvents {
  /** The app was removed from the workspace (or its bot token revoked). */
  removed?: (workspaceId: string) => Promise<void>;
  /** The workspace installed the app (again). */
  installed?: (workspaceId: string) => Promise<void>;
}

export interface UninstallDeps {
  logger: Logger;
  /** OAuth mode: the installations, from which the workspace's is deleted. */
  installations?: InstallationStore;
  workspaces?: WorkspaceEvents;
  now?: () => Date;
}

const envelopeSchema = z.looseObject({
  team_id: z.string().min(1).optional(),
  enterprise_id: z.string().min(1).optional(),
  is_enterprise_install: z.boolean().optional(),
});

const revokedSchema = z.looseObject({
  tokens: z.looseObject({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }).optional(),
});

export function registerUninstallListeners(app: App, deps: UninstallDeps): void {
  const now = deps.now ?? (() => new Date());

  async function gone(body: unknown, why: 'app_uninstalled' | 'tokens_revoked'): Promise<void> {
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) {
      deps.logger.warn({ why }, 'uninstall event not understood');
      return;
    }
    const { team_id: teamId, enterprise_id: enterpriseId, is_enterprise_install: org } = envelope.data;
    const workspaceId = org ? enterpriseId : teamId;
    if (!workspaceId) {
      deps.logger.warn({ why }, 'uninstall event names no workspace');
      return;
    }
    try {
      if (deps.installations) {
        await deps.installations.deleteInstallation({ teamId, enterpriseId, isEnterpriseInstall: org === true }, now());
        deps.logger.info({ team: workspaceId, why }, 'workspace removed Paperboy: its installation and tokens are deleted');
      } else {
        deps.logger.error(
          { team: workspaceId, why },
          'Paperboy was removed from its Slack workspace: SLACK_BOT_TOKEN no longer works; reinstall the app and update the token',
        );
      }
      await deps.workspaces?.removed?.(workspaceId);
    } catch (err) {
      deps.logger.error({ err: errInfo(err), team: workspaceId, why }, 'handling a removed workspace failed');
    }
  }

  app.event('app_uninstalled', async ({ body }) => gone(body, 'app_uninstalled'));
  app.event('tokens_revoked', async ({ event, body }) => {
    const revoked = revokedSchema.safeParse(event);
    const bots = revoked.success ? (revoked.data.tokens?.bot ?? []) : [];
    if (bots.length === 0) {
      deps.logger.info('user tokens revoked; Paperboy uses only its bot token, nothing changes');
      return;
    }
    await gone(body, 'tokens_revoked');
  });
}
