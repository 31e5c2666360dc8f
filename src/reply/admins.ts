import type { Admins, RequestContext, WorkspaceAdmins } from './context.ts';

/**
 * Whether the asker may change a channel's shared settings (schedules, watches): anyone where the
 * config file lists no admins for the platform; else a listed admin (the operator's), or an admin
 * of the asker's own workspace (`workspaceAdmins`: in Slack OAuth mode, who installed Paperboy
 * there) — who thereby manages only that workspace's channels.
 */
export async function mayManageChannel(admins: Admins, ctx: RequestContext, workspaceAdmins?: WorkspaceAdmins): Promise<boolean> {
  const list = admins[ctx.platform];
  if (!list) return true;
  if (ctx.userId === undefined) return false;
  if (list.includes(ctx.userId)) return true;
  if (!workspaceAdmins || !ctx.workspaceId) return false;
  return workspaceAdmins(ctx.platform, ctx.workspaceId, ctx.userId);
}
