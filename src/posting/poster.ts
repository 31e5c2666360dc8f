import type { Platform } from '../reply/context.ts';
import type { Reply } from '../reply/reply.ts';

/** Sends a reply to a channel on one platform (an adapter's `post`). */
export type Poster = (channelId: string, reply: Reply) => Promise<void>;

/** The platforms this process can post to: schedules and watches of the others are left to other processes. */
export type Posters = Partial<Record<Platform, Poster>>;
