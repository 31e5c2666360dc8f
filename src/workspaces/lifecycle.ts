/**
 * A workspace that removes Paperboy, and comes back: its schedules and watches pause with a reason
 * of their own (`WORKSPACE_REMOVED_REASON`) and resume when it returns. Only those: a schedule or
 * watch a person paused (or one paused because its channel is gone) stays as it was. What is still
 * paused for this reason `WORKSPACE_PURGE_DAYS` later is deleted by the daily retention pass.
 *
 * Callers: the Slack adapter on `app_uninstalled` / `tokens_revoked` (removed) and on a completed
 * install (returned); the Discord adapter on `guildDelete` / `guildCreate` (wired in `main.ts`).
 */
import type { Platform } from '../reply/context.ts';
import type { ScheduleStore } from '../schedule/store.ts';
import type { WatchStore } from '../watch/store.ts';

/** The pause reason of schedules and watches whose workspace removed the bot (shown by `list`). */
export const WORKSPACE_REMOVED_REASON = 'Paperboy was removed from this workspace';

/** Schedules and watches still paused for that reason this many days later are deleted. */
export const WORKSPACE_PURGE_DAYS = 30;

const DAY_MS = 86_400_000;

/** The two stores a workspace's posts live in (the state root's `schedules` and `watches`). */
export interface WorkspaceStores {
  schedules: Pick<ScheduleStore, 'pauseWorkspace' | 'resumeWorkspace' | 'purgePaused'>;
  watches: Pick<WatchStore, 'pauseWorkspace' | 'resumeWorkspace' | 'purgePaused'>;
}

/** How many schedules and watches a step changed. */
export interface WorkspaceCounts {
  schedules: number;
  watches: number;
}

function checkWorkspace(what: string, platform: Platform, workspaceId: string): void {
  if (platform === 'shell') throw new Error(`${what}: the shell has no workspaces (platform must be "slack" or "discord")`);
  if (workspaceId.trim() === '') throw new Error(`${what}: a workspace id (Slack team id or Discord guild id) is required`);
}

/**
 * The bot was removed from `workspaceId` on `platform` (Slack team id, Discord guild id): pause
 * every running schedule and watch there with `WORKSPACE_REMOVED_REASON`. Idempotent (a second
 * call finds nothing running). Returns how many were paused.
 */
export async function workspaceRemoved(stores: WorkspaceStores, platform: Platform, workspaceId: string, now: Date): Promise<WorkspaceCounts> {
  checkWorkspace('workspaceRemoved', platform, workspaceId);
  const schedules = await stores.schedules.pauseWorkspace(platform, workspaceId, WORKSPACE_REMOVED_REASON, now);
  const watches = await stores.watches.pauseWorkspace(platform, workspaceId, WORKSPACE_REMOVED_REASON, now);
  return { schedules, watches };
}

/**
 * The bot is back in `workspaceId` (installed again, added to the server again): resume what
 * `workspaceRemoved` paused there, and nothing else. Schedules restart their timetables at `now`
 * (missed slots are not caught up); watches send papers that arrive from now on. Idempotent.
 * Returns how many were resumed.
 */
export async function workspaceReturned(stores: WorkspaceStores, platform: Platform, workspaceId: string, now: Date): Promise<WorkspaceCounts> {
  checkWorkspace('workspaceReturned', platform, workspaceId);
  const schedules = await stores.schedules.resumeWorkspace(platform, workspaceId, WORKSPACE_REMOVED_REASON, now);
  const watches = await stores.watches.resumeWorkspace(platform, workspaceId, WORKSPACE_REMOVED_REASON);
  return { schedules, watches };
}

/**
 * Delete the schedules and watches paused by `workspaceRemoved` more than `days` (default
 * `WORKSPACE_PURGE_DAYS`) before `now`, on every platform (the retention pass calls this daily).
 * Config-file schedules are kept (paused): their file owns them. Returns how many went.
 */
export async function purgeRemovedWorkspaces(stores: WorkspaceStores, now: Date, days = WORKSPACE_PURGE_DAYS): Promise<WorkspaceCounts> {
  const before = new Date(now.getTime() - days * DAY_MS);
  const schedules = await stores.schedules.purgePaused(WORKSPACE_REMOVED_REASON, before);
  const watches = await stores.watches.purgePaused(WORKSPACE_REMOVED_REASON, before);
  return { schedules, watches };
}
