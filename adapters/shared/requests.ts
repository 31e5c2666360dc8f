/**
 * What both chat adapters do around a request: the request context they hand the core, how an
 * answer is delivered, and what happens when handling fails (a reference id the user is told and
 * the log line carries, with secrets scrubbed).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RequestContext } from '../../src/reply/context.ts';
import { redactUrlCredentials } from '../../src/text/redact-url.ts';

/**
 * How an answer is delivered:
 * - `update`: replace the message whose button was clicked (paging);
 * - `reply`: a new message answering the click, as visible as the message clicked (Slack);
 * - `ephemeral`: only the person who asked sees it;
 * - `public`: everyone in the channel sees it.
 */
export type Delivery = 'update' | 'reply' | 'ephemeral' | 'public';

/** The core's request context for a chat request; ids the platform did not send are left out. */
export function requestContext(
  platform: 'slack' | 'discord',
  ids: {
    userId?: string | null;
    channelId?: string | null;
    workspaceId?: string | null;
    threadId?: string | null;
    replyThreadId?: string | null;
    isDirect?: boolean;
  },
): RequestContext {
  return {
    platform,
    ...(ids.userId ? { userId: ids.userId } : {}),
    ...(ids.channelId ? { channelId: ids.channelId } : {}),
    ...(ids.isDirect ? { isDirect: true } : {}),
    ...(ids.workspaceId ? { workspaceId: ids.workspaceId } : {}),
    ...(ids.threadId ? { threadId: ids.threadId } : {}),
    ...(ids.replyThreadId ? { replyThreadId: ids.replyThreadId } : {}),
  };
}

/**
 * Anything that looks like a secret becomes `[redacted]`: Slack tokens and request signatures,
 * Discord bot tokens, the tokens in Discord interaction and webhook paths, the user name and
 * password in a URL (a configured API URL may carry them), and OAuth secrets in a logged body
 * (`client_secret`, `access_token`, `refresh_token`, Slack's authorisation codes).
 */
export function scrubSecrets(s: string): string {
  return (
    redactUrlCredentials(s)
      .replace(/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, '[redacted]')
      .replace(/\bv0=[0-9a-f]{64}\b/g, '[redacted]')
      .replace(/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b/g, '[redacted]')
      .replace(/\/(webhooks|interactions)\/(\d+)\/[^/?\s"']+/g, '/$1/$2/[redacted]')
      // OAuth fields in a logged request or response body (JSON or form): the app's secret, tokens, Slack's one-time codes.
      .replace(/((?:\\?")?(?:client_secret|refresh_token|access_token)(?:\\?")?\s*[:=]\s*(?:\\?")?)[^"\\&\s,}]+/g, '$1[redacted]')
      .replace(/\b\d{6,}\.\d{6,}\.[0-9a-f]{32,}\b/g, '[redacted]')
  );
}

/** Error details safe to log: no tokens, no request bodies. */
export function errInfo(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return { name: err.name, message: scrubSecrets(err.message), stack: scrubSecrets(err.stack ?? '') };
  }
  return { message: scrubSecrets(String(err)) };
}

/** What the user is told when handling their request failed. */
export function failureText(ref: string): string {
  return `Sorry, something went wrong on our side (ref ${ref}).`;
}

/**
 * Run `work`; when it fails, log the failure under a new reference id and try to `tell` the user
 * that id (`failureText`). Never rejects. `reason` turns an error into a short loggable cause.
 */
export async function withErrorReference(
  log: Logger,
  what: string,
  fields: Record<string, unknown>,
  work: () => Promise<void>,
  tell: ((text: string) => Promise<unknown>) | undefined,
  reason: (err: unknown) => string = (err) => scrubSecrets(err instanceof Error ? err.message : String(err)).slice(0, 300),
): Promise<void> {
  try {
    await work();
  } catch (err) {
    const ref = randomBytes(4).toString('hex');
    log.error({ ...fields, ref, reason: scrubSecrets(reason(err)), err: errInfo(err) }, `${what} failed`);
    if (!tell) return;
    try {
      await tell(failureText(ref));
    } catch (err2) {
      log.warn({ ...fields, ref, reason: scrubSecrets(reason(err2)) }, 'could not tell the user about the failure');
    }
  }
}
