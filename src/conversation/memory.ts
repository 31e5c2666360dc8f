/**
 * What Paperboy remembers of a conversation: the last list of papers it showed there, so that
 * `show 2`, `similar 3`, `more` and `back` refer to it. A conversation is one person in one place:
 * the shell session (or one `--batch` run), a Slack user in a channel or DM (a thread is its own
 * conversation), a Discord user in a channel or DM. A conversation is forgotten an hour after its
 * last list.
 */
import { MemoryEphemeralStore, type EphemeralStore } from '../ephemeral/store.ts';
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

export const IDLE_MS = 60 * 60 * 1000;
/** A scheduled post is answered in its thread for longer: a day. */
export const POST_IDLE_MS = 24 * 60 * 60 * 1000;
/** Expired entries are swept after this many new ones (the store keeps no more than an hour's worth). */
const PRUNE_EVERY = 500;

/** The conversation a request belongs to (JSON: any ids, and no NUL, which PostgreSQL text refuses). */
export function conversationKey(ctx: RequestContext): string {
  return JSON.stringify([ctx.platform, ctx.workspaceId ?? '', ctx.channelId ?? '', ctx.threadId ?? '', ctx.userId ?? '']);
}

/** A bot post, by platform and the adapter's name for it. */
function postKey(platform: RequestContext['platform'], post: string): string {
  return JSON.stringify([platform, post]);
}

/**
 * The last list per conversation, in an `EphemeralStore`: the state's (shared by every process, so
 * a follow-up may reach another process than the search) or, without one, this process's memory.
 * A list is kept for an hour after it was shown (a post's for a day).
 */
export class ConversationMemory {
  readonly #store: EphemeralStore;
  readonly #now: () => number;
  readonly #idleMs: number;
  #puts = 0;

  constructor(opts: { store?: EphemeralStore; now?: () => number; idleMs?: number } = {}) {
    this.#store = opts.store ?? new MemoryEphemeralStore();
    this.#now = opts.now ?? Date.now;
    this.#idleMs = opts.idleMs ?? IDLE_MS;
  }

  /** The last list shown in this conversation, if it is not older than the idle limit. */
  lastList(ctx: RequestContext): Promise<ShownList | undefined> {
    return this.#get('conversation', conversationKey(ctx));
  }

  /** What a post of the bot's own showed (a scheduled digest), for replies under it by anyone. */
  rememberPost(platform: RequestContext['platform'], post: string, list: ShownList): Promise<void> {
    return this.#put('post', postKey(platform, post), list, POST_IDLE_MS);
  }

  /** The list a post showed, when the request is a reply under it. */
  postList(ctx: RequestContext): Promise<ShownList | undefined> {
    return ctx.underPost ? this.#get('post', postKey(ctx.platform, ctx.underPost)) : Promise.resolve(undefined);
  }

  remember(ctx: RequestContext, list: ShownList): Promise<void> {
    return this.#put('conversation', conversationKey(ctx), list, this.#idleMs);
  }

  async #get(kind: string, key: string): Promise<ShownList | undefined> {
    const value = await this.#store.get(kind, key, new Date(this.#now()));
    return value === undefined ? undefined : (JSON.parse(value) as ShownList);
  }

  async #put(kind: string, key: string, list: ShownList, idleMs: number): Promise<void> {
    const now = this.#now();
    await this.#store.put(kind, key, JSON.stringify(list), new Date(now + idleMs));
    if (++this.#puts % PRUNE_EVERY === 0) await this.#store.prune(new Date(now));
  }
}
