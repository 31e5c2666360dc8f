/**
 * What the Slack handlers share: how they get an answer rendered for Slack, how they report an
 * answer posted for everyone, and the posting options every answer uses. The listeners build
 * these; the message and interaction handlers use them.
 */
import type { RequestContext } from '../../src/reply/context.ts';
import type { SlackMessage, SlackRenderOptions } from './render.ts';

/** Run a command and render its reply for Slack. */
export type Answer = (text: string, ctx: RequestContext, opts?: SlackRenderOptions) => Promise<SlackMessage>;

/**
 * Tell the core that an answer (`msg`, as `Answer` returned it) was posted for everyone to see:
 * `result` is `chat.postMessage`'s answer (its `ts`). Never throws.
 */
export type Posted = (msg: SlackMessage, where: { channel: string; team?: string | undefined }, result: { ts?: unknown } | undefined) => void;

/** Options that keep Slack from unfurling paper links into big previews. */
export const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;
