/**
 * What Paperboy remembers of a conversation: the last list of papers it showed there, so that
 * `show 2`, `similar 3`, `more` and `back` refer to it. A conversation is one person in one place:
 * the shell session (or one `--batch` run), a Slack user in a channel or DM (a thread is its own
 * conversation), a Discord user in a channel or DM. Memory is bounded: least recently used
 * conversations are forgotten first, and any idle for an hour.
 */
import type { RequestContext } from '../reply/context.ts';

/** The last list of papers shown in a conversation. */
export interface ShownList {
  /** When the reply was about one paper (a `show` reply), that paper: `similar` alone means it. */
  paperId?: string;
  /** Paper ids in the order shown. */
  ids: string[];
  /** The rank printed beside the first one (6 on page 2 of 5 per page). */
  firstRank: number;
  /** Set when a reply that lists things showed no papers (a search that found nothing, `topics`): the old list ended there. */
  ended?: true;
  /** Commands that show the next / previous page of the same list. */
  next?: string;
  prev?: string;
}

export const MAX_CONVERSATIONS = 10_000;
export const IDLE_MS = 60 * 60 * 1000;
/** A scheduled post is answered in its thread for longer: a day. */
export const POST_IDLE_MS = 24 * 60 * 60 * 1000;

/** The conversation a request belongs to. */
export function conversationKey(ctx: RequestContext): string {
  return [ctx.platform, ctx.workspaceId ?? '', ctx.channelId ?? '', ctx.threadId ?? '', ctx.userId ?? ''].join('\u0000');
}

export class ConversationMemory {
  readonly #lists = new Map<string, { list: ShownList; at: number; idleMs: number }>();
  readonly #now: () => number;
  readonly #max: number;
  readonly #idleMs: number;

  constructor(opts: { now?: () => number; max?: number; idleMs?: number } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#max = opts.max ?? MAX_CONVERSATIONS;
    this.#idleMs = opts.idleMs ?? IDLE_MS;
  }

  /** The last list shown in this conversation, if it is not older than the idle limit. */
  lastList(ctx: RequestContext): ShownList | undefined {
    return this.#get(conversationKey(ctx));
  }

  #get(key: string): ShownList | undefined {
    const entry = this.#lists.get(key);
    if (!entry) return undefined;
    if (this.#now() - entry.at > entry.idleMs) {
      this.#lists.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.#lists.delete(key);
    entry.at = this.#now();
    this.#lists.set(key, entry);
    return entry.list;
  }

  /** What a post of the bot's own showed (a scheduled digest), for replies under it by anyone. */
  rememberPost(platform: RequestContext['platform'], post: string, list: ShownList): void {
    this.#put(`post\u0000${platform}\u0000${post}`, list, POST_IDLE_MS);
  }

  /** The list a post showed, when the request is a reply under it. */
  postList(ctx: RequestContext): ShownList | undefined {
    return ctx.underPost ? this.#get(`post\u0000${ctx.platform}\u0000${ctx.underPost}`) : undefined;
  }

  remember(ctx: RequestContext, list: ShownList): void {
    this.#put(conversationKey(ctx), list);
  }

  #put(key: string, list: ShownList, idleMs = this.#idleMs): void {
    this.#lists.delete(key);
    this.#lists.set(key, { list, at: this.#now(), idleMs });
    while (this.#lists.size > this.#max) {
      const oldest = this.#lists.keys().next().value;
      if (oldest === undefined) break;
      this.#lists.delete(oldest);
    }
  }

  get size(): number {
    return this.#lists.size;
  }
}
