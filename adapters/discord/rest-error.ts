/**
 * Turning a failed Discord REST call into a loggable description: status, Discord's error code,
 * its message and a hint. Never includes the request URL (interaction and webhook URLs carry
 * tokens) or the request body.
 */
import { scrubSecrets } from '../shared/requests.ts';

export interface RestFailure {
  status?: number;
  code?: number | string;
  reason: string;
  hint?: string;
}

const HINTS: Record<number, string> = {
  10003: 'the channel no longer exists or the bot cannot see it',
  10008: 'the message was deleted',
  10062: 'the interaction expired (Discord allows 3 s to acknowledge and 15 min to follow up)',
  40060: 'the interaction was already acknowledged',
  50001: 'the bot has no access to this channel (View Channel / Read Message History)',
  50013: 'the bot lacks a permission in this channel (Send Messages, Embed Links or Send Messages in Threads)',
  50035: 'Discord rejected the message body as invalid',
};

function prop(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null && key in err ? (err as Record<string, unknown>)[key] : undefined;
}

/** Describe any error thrown by `@discordjs/rest` (or the network) without secrets. */
export function describeRestError(err: unknown): RestFailure {
  const status = prop(err, 'status');
  const code = prop(err, 'code');
  const raw = prop(err, 'rawError');
  const rawMessage = prop(raw, 'message');
  const message = typeof rawMessage === 'string' ? rawMessage : err instanceof Error ? err.message : String(err);
  const out: RestFailure = { reason: scrubSecrets(message.split('\n')[0]!).slice(0, 300) || 'unknown error' };
  if (typeof status === 'number') out.status = status;
  if (typeof code === 'number' || typeof code === 'string') out.code = code;
  const hint = typeof code === 'number' ? HINTS[code] : undefined;
  if (hint) out.hint = hint;
  else if (typeof status === 'number' && status >= 500) out.hint = 'Discord had a server error; the request was retried';
  else if (status === 401) out.hint = 'the bot token was rejected';
  else if (status === 429) out.hint = 'rate limited';
  return out;
}
