/**
 * The adapters' side of a workspace's lifecycle: callbacks an adapter calls with a workspace id
 * when the bot is removed from it or comes back (Slack `WorkspaceEvents`, Discord
 * `onGuildRemoved` / `onGuildAdded`), running `lifecycle.ts` on the state's stores and logging
 * what changed.
 */
import type { Logger } from 'pino';
import type { Platform } from '../reply/context.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { workspaceRemoved, workspaceReturned, WORKSPACE_PURGE_DAYS, type WorkspaceStores } from './lifecycle.ts';

export interface WorkspaceLifecycleEvents {
  /** The bot was removed from the workspace: pause its schedules and watches. */
  removed: (workspaceId: string) => Promise<void>;
  /** The bot is in the workspace (again): resume what its removal paused. */
  installed: (workspaceId: string) => Promise<void>;
}

/**
 * Callbacks for one platform's adapter. They throw (a store failure) for the adapter to log; the
 * adapter never crashes on them.
 */
export function workspaceEvents(stores: WorkspaceStores, platform: Platform, logger: Logger, clock: Clock = systemClock): WorkspaceLifecycleEvents {
  return {
    async removed(workspaceId) {
      const paused = await workspaceRemoved(stores, platform, workspaceId, clock.now());
      logger.info(
        { platform, workspace: workspaceId, schedules: paused.schedules, watches: paused.watches, purgeAfterDays: WORKSPACE_PURGE_DAYS },
        'workspace removed the bot: its schedules and watches are paused',
      );
    },
    async installed(workspaceId) {
      const resumed = await workspaceReturned(stores, platform, workspaceId, clock.now());
      if (resumed.schedules + resumed.watches > 0) {
        logger.info(
          { platform, workspace: workspaceId, schedules: resumed.schedules, watches: resumed.watches },
          'workspace is back: its schedules and watches resume',
        );
      }
    },
  };
}
