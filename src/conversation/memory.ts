/**
 * What Paperboy remembers of a conversation: the last list of papers it showed there, so that
 * `show 2`, `similar 3`, `more` and `back` refer to it. A conversation is one person in one place:
 * the shell session (or one `--batch` run), a Slack user in a channel or DM (a thread is its own
 * conversation), a Discord user in a channel or DM. Memory is bounded: least recently used
 * conversations are forgotten first, and any idle for an hour.
 */
import type { RequestContext } from '../core/context.ts';

/** The last list of papers shown in a conversation. */
export interface ShownList {
  /** When the reply was about one paper (a `show` reply), that paper: `similar` alone means it. */
  paperId?: string;
  /** Paper ids in the order shown. */
  ids: string[];
  /** The rank printed beside the first one (6 on page 2 of 5 per page). */
  firstRank: number;
  /** Commands that show the next / previous page of the same list. */
  next?: string;
  prev?: string;
}

export const MAX_CONVERSATIONS = 10_000;
export const IDLE_MS = 60 * 60 * 1000;

/** The conversation a request belongs to. */
export function conversationKey(ctx: RequestContext): string {
  return [ctx.platform, ctx.workspaceId ?? '', ctx.channelId ?? '', ctx.threadId ?? '', ctx.userId ?? ''].join('\u0000');
}

export class ConversationMemory {
  readonly #lists = new Map<string, { list: ShownList; at: number }>();
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
    const key = conversationKey(ctx);
    const entry = this.#lists.get(key);
    if (!entry) return undefined;
    if (this.#now() - entry.at > this.#idleMs) {
      this.#lists.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.#lists.delete(key);
    entry.at = this.#now();
    this.#lists.set(key, entry);
    return entry.list;
  }

  remember(ctx: RequestContext, list: ShownList): void {
    const key = conversationKey(ctx);
    this.#lists.delete(key);
    this.#lists.set(key, { list, at: this.#now() });
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
