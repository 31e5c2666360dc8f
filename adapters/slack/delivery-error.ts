/**
 * A short, loggable reason for a failed Slack call: the platform error code (`channel_not_found`,
 * `not_in_channel`, `msg_blocks_too_long`, ...), `rate_limited`, `http_<status>` for a response_url,
 * or the error message.
 */
export function deliveryFailureReason(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; message?: unknown; retryAfter?: unknown };
    if (e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') return e.data.error;
    if (e.code === 'slack_webapi_rate_limited_error') return `rate_limited (retry after ${String(e.retryAfter)} s)`;
    if (e.code === 'slack_webapi_http_error' && typeof e.statusCode === 'number') return `http_${e.statusCode}`;
    if (e.code === 'slack_bolt_respond_error' && typeof e.statusCode === 'number') {
      return e.statusCode === 404 ? 'response_url_expired (http_404)' : `response_url http_${e.statusCode}`;
    }
    if (typeof e.message === 'string') return e.message.slice(0, 300);
  }
  return String(err).slice(0, 300);
}

/** Platform error codes after which posting as the bot cannot work in that conversation. */
export const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * Whether a failed Web API call says the bot cannot post in that conversation (`not_in_channel`,
 * `channel_not_found`, ...): an interaction's `response_url` may still reach it.
 */
export function botCannotPostHere(err: unknown): boolean {
  return NOT_A_MEMBER.has(deliveryFailureReason(err));
}

/**
 * Slack platform errors that can go away on their own (Slack's side was busy or failing). Every
 * other platform error (`channel_not_found`, `not_in_channel`, `is_archived`, `invalid_auth`,
 * `account_inactive`, `missing_scope`, `invalid_blocks`, `msg_too_long`, ...) says something about
 * the token, the channel or the message that a retry cannot change.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * Whether a failed Web API call is worth retrying: rate limits, 5xx/408 responses, network errors
 * and Slack's own transient errors are; a platform error about the token, channel or message, or
 * any other 4xx, is not.
 */
export function isRetryableSlackError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return true;
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown };
  if (e.code === 'slack_webapi_platform_error') {
    return typeof e.data?.error !== 'string' || TRANSIENT_PLATFORM_ERRORS.has(e.data.error);
  }
  if (e.code === 'slack_webapi_http_error' && typeof e.statusCode === 'number') {
    return e.statusCode >= 500 || e.statusCode === 408 || e.statusCode === 429;
  }
  // Rate limits, network/request errors, timeouts and anything unknown: try again.
  return true;
}

/**
 * A scheduled/explicit post that Slack refused. `reason` is the Slack error code or a short cause;
 * `retryable` is false when retrying cannot help (the scheduler
 * then gives up at once instead of backing off).
 */
export class SlackDeliveryError extends Error {
  /** The channel does not exist (or the bot cannot see it): watches posting there pause themselves. */
  readonly channelGone: boolean;
  constructor(
    readonly channelId: string,
    readonly reason: string,
    readonly retryable = true,
  ) {
    super(`Slack refused the message to ${channelId}: ${reason}`);
    this.name = 'SlackDeliveryError';
    this.channelGone = reason === 'channel_not_found';
  }
}
