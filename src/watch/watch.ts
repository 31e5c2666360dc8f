import type { RequestContext } from '../reply/context.ts';

/** Platforms a watch can post to (the same names as `RequestContext.platform`). */
export type Platform = RequestContext['platform'];

/** At most this many watches per channel (a DM counts as the person's own channel). */
export const MAX_WATCHES_PER_CHANNEL = 20;
/** Papers shown in one alert; the rest are behind its "and N more" button. */
export const ALERT_PAPERS = 5;
/** Longest watch query (characters) and most content words in it. */
export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_WORDS = 12;
export const MAX_AUTHOR_LENGTH = 100;
/** A paper whose alert failed is offered again with the watch's next alerts, at most this many alerts in all. */
export const MAX_ALERT_TRIES = 3;

/** A watch as the user asked for it. */
export interface WatchSpec {
  /** Short, typeable id: `w-3f9a`. */
  id: string;
  platform: Platform;
  /** Slack team / Discord guild, when the platform said. */
  workspaceId?: string;
  /** The channel alerts are posted to (for a personal watch: the DM channel). */
  channelId: string;
  /** Made in a direct message: the person's own watch, not the channel's. */
  personal: boolean;
  /** Platform user id of whoever made it. */
  createdBy?: string;
  /** The words to watch for (quotes make a phrase); may be empty when `author` is set. */
  query: string;
  /** Only papers by this author (accents and case ignored). */
  author?: string;
}

/** A watch as stored, with its state. */
export interface Watch extends WatchSpec {
  /** Only papers first stored after this instant are sent. */
  createdAt: Date;
  paused: boolean;
  /** Why it is paused (`paused by U123`, `channel_not_found: ...`). */
  pausedReason?: string;
  pausedAt?: Date;
}

/** Where one (watch, paper) delivery stands. */
export type DeliveryStatus = 'pending' | 'posted' | 'failed';

/** One alert: one message of a watch, with the papers it carries. */
export interface AlertRecord {
  id: number;
  watchId: string;
  status: DeliveryStatus;
  /** Send attempts (retries included). */
  attempts: number;
  /** Why it failed. */
  reason?: string;
  claimedAt: Date;
  finishedAt?: Date;
  /** Paper ids in the order the alert lists them. */
  paperIds: string[];
}

/** One (watch, paper) row. */
export interface DeliveryRecord {
  watchId: string;
  paperId: string;
  /** The alert that carries it (the latest one, when it was offered again). */
  alertId: number;
  status: DeliveryStatus;
  /** Send attempts over every alert it was in. */
  attempts: number;
  /** Alerts it was in (1, or more when an earlier one failed). */
  tries: number;
  reason?: string;
  claimedAt: Date;
  finishedAt?: Date;
}
