/** Where Paperboy talks to people. */
export type Platform = 'shell' | 'slack' | 'discord';

/** Who may manage a channel's shared settings, per platform; a platform without a list lets anyone. */
export type Admins = Partial<Record<Platform, readonly string[]>>;

/**
 * Whether a user is an admin of their own workspace (Slack OAuth mode: the person who installed
 * Paperboy there). Such an admin manages that workspace's channels, beside the operator's `Admins`;
 * ingesting, which changes the library every workspace shares, stays the operator's.
 */
export type WorkspaceAdmins = (platform: Platform, workspaceId: string, userId: string) => Promise<boolean>;

/** Who asked, and where. Adapters fill this in; commands that act on a channel (schedules) need it. */
export interface RequestContext {
  platform: Platform;
  /** Platform user id of the person who typed the command. */
  userId?: string;
  /** Platform channel id the command was typed in (or the DM channel). */
  channelId?: string;
  /** The request came from a direct message with the bot (watches made there are personal). */
  isDirect?: boolean;
  /** Slack team id / Discord guild id. */
  workspaceId?: string;
  /** The thread the message is in (Slack thread ts, Discord thread id): a conversation of its own. */
  threadId?: string;
  /**
   * The thread the answer starts (Slack answers a channel mention in a thread under it): a reply
   * typed in that thread continues from this answer (`@Paperboy similar`, `show 2`).
   */
  replyThreadId?: string;
  /**
   * The bot post the message is a reply under (a thread under a scheduled digest), as the adapter
   * named it in `Paperboy.rememberPost`: follow-ups there refer to that post.
   */
  underPost?: string;
}

export const SHELL_CONTEXT: RequestContext = { platform: 'shell', userId: 'local', channelId: 'shell' };
