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

/** A scheduled/explicit post that Slack refused. `reason` is the Slack error code or a short cause. */
export class SlackDeliveryError extends Error {
  constructor(
    readonly channelId: string,
    readonly reason: string,
  ) {
    super(`Slack refused the message to ${channelId}: ${reason}`);
    this.name = 'SlackDeliveryError';
  }
}
