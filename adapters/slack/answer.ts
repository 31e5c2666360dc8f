/**
 * What the Slack handlers share: how they get an answer rendered for Slack, how they report an
 * answer posted for everyone, and the posting options every answer uses. The listeners build
 * these; the message and interaction handlers use them.
 */
import type { RequestContext } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { SlackMessage, SlackRenderOptions } from './render.ts';

/** An answer: the core's reply, and the Slack message rendered from it. */
export interface Answered {
  reply: Reply;
  message: SlackMessage;
}

/** Run a command and render its reply for Slack. */
export type Answer = (text: string, ctx: RequestContext, opts?: SlackRenderOptions) => Promise<Answered>;

/**
 * Tell the core that an answer was posted for everyone to see: `result` is `chat.postMessage`'s
 * answer (its `ts`). Never throws.
 */
export type Posted = (answered: Answered, where: { channel: string; team?: string | undefined }, result: { ts?: unknown } | undefined) => void;

/** Options that keep Slack from unfurling paper links into big previews. */
export const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;
