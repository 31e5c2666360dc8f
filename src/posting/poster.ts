import type { Platform } from '../reply/context.ts';
import type { Reply } from '../reply/reply.ts';

/**
 * Where a post goes on one platform: a channel, and the workspace it is in (Slack team id,
 * Discord guild id) when known. Slack uses the workspace to pick that workspace's token; rows
 * stored before workspaces were recorded (old schedules) have none.
 */
export type PostTarget = { channelId: string; workspaceId?: string };

/** Sends a reply to a channel on one platform (an adapter's `post`). */
export type Poster = (target: PostTarget, reply: Reply) => Promise<void>;

/** The platforms this process can post to: schedules and watches of the others are left to other processes. */
export type Posters = Partial<Record<Platform, Poster>>;
