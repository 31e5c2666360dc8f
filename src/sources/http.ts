/**
 * A small, careful HTTP GET for the live sources: a descriptive User-Agent, a timeout per attempt,
 * retries with exponential backoff and jitter on 5xx / network errors, `Retry-After` honoured on
 * 429 (and 503), and every failure turned into a `SourceError` with a short, readable reason.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { SourceError } from './types.ts';
import { redactUrlCredentials } from '../text/redact-url.ts';

/** Sent with every request unless the caller gives its own. */
export const DEFAULT_USER_AGENT = 'Paperboy/0.1 (research-paper chat bot for Slack and Discord)';

export interface HttpOptions {
  /** Default `DEFAULT_USER_AGENT`. */
  userAgent?: string;
  /** Per attempt, headers and body included. Default 10 000. */
  timeoutMs?: number;
  /** Total attempts (1 = no retry). Default 3. */
  tries?: number;
  /** Backoff before retry n (0-based) is `baseDelayMs * 2^n` with equal jitter. Default 1000. */
  baseDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the fetch fails at once. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Waits between attempts (tests inject a recorder). Default: a real timer, cut short by `signal`. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
  /** Retries are logged at warn, requests at debug (url and reason only, never headers). */
  logger?: Logger;
  /** Extra request headers (`accept`, ...). */
  headers?: Record<string, string>;
  /** Aborts the whole fetch, retries included (`SourceError` reason `aborted`). */
  signal?: AbortSignal;
  /** Awaited before every attempt, retries included (the arXiv client's rate limit). */
  beforeAttempt?: () => Promise<void>;
  /**
   * Non-2xx statuses whose body is wanted rather than a failure (arXiv sends its error feed with
   * HTTP 400). Only `fetchResponse` reports the status; `fetchText` ignores this option.
   */
  acceptStatus?: (status: number) => boolean;
}

/** A response body with its status (2xx, or one allowed by `acceptStatus`). */
export interface TextResponse {
  status: number;
  body: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_TRIES = 3;
export const DEFAULT_BASE_DELAY_MS = 1000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** What one attempt ended with, when it did not end with a body. */
interface Failure {
  reason: string;
  status?: number;
  cause?: unknown;
  /** Worth another attempt. */
  retry: boolean;
  /** Server-requested wait before the next attempt (from `Retry-After`). */
  retryAfterMs?: number;
}

/**
 * GET `url` and return the body as text. Resolves only for a 2xx answer; everything else throws a
 * `SourceError` whose `reason` says what happened (`HTTP 404`, `HTTP 503 after 3 tries`,
 * `timed out after 10 s (3 tries)`, `connection refused after 3 tries`).
 */
export async function fetchText(url: string, opts: HttpOptions = {}): Promise<string> {
  const { acceptStatus: _ignored, ...rest } = opts;
  return (await fetchResponse(url, rest)).body;
}

/** Like `fetchText`, but also returns the status, and the body of statuses `acceptStatus` allows. */
export async function fetchResponse(url: string, opts: HttpOptions = {}): Promise<TextResponse> {
  const tries = Math.max(1, Math.floor(opts.tries ?? DEFAULT_TRIES));
  const baseDelayMs = opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms, undefined, opts.signal ? { signal: opts.signal } : {}));

  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw new SourceError('aborted', url, { cause: opts.signal.reason });
    if (opts.beforeAttempt) await opts.beforeAttempt();
    opts.logger?.debug({ url: redactUrlCredentials(url), attempt: attempt + 1, tries }, 'source request');
    const outcome = await attemptOnce(url, opts);
    if (!('reason' in outcome)) return outcome;

    const failure = outcome;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) {
      throw new SourceError(`${failure.reason}: Retry-After ${formatSeconds(failure.retryAfterMs)} exceeds the ${formatSeconds(maxRetryAfterMs)} limit`, url, {
        status: failure.status,
        cause: failure.cause,
      });
    }
    const last = attempt + 1 >= tries;
    if (!failure.retry || last) {
      throw new SourceError(withTries(failure.reason, attempt + 1, failure.retry), url, {
        status: failure.status,
        cause: failure.cause,
      });
    }
    const waitMs = failure.retryAfterMs ?? backoffMs(attempt, baseDelayMs, random);
    opts.logger?.warn(
      { url: redactUrlCredentials(url), attempt: attempt + 1, tries, reason: failure.reason, delayMs: Math.round(waitMs) },
      'source request failed; retrying',
    );
    try {
      await sleep(waitMs);
    } catch (err) {
      if (opts.signal?.aborted) throw new SourceError('aborted', url, { cause: err });
      throw err;
    }
  }
}

/** One attempt: the body on a 2xx answer, else what went wrong. */
async function attemptOnce(url: string, opts: HttpOptions): Promise<TextResponse | Failure> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${formatSeconds(timeoutMs)}`));
  }, timeoutMs);
  const outer = opts.signal;
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  const aborted = (cause: unknown): Failure | undefined => {
    if (timedOut) return { reason: `timed out after ${formatSeconds(timeoutMs)}`, retry: true, cause };
    if (outer?.aborted) throw new SourceError('aborted', url, { cause });
    return undefined;
  };

  try {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: '*/*', ...opts.headers, 'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT },
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (err) {
      return aborted(err) ?? { reason: networkReason(err), retry: true, cause: err };
    }

    if (!res.ok && !opts.acceptStatus?.(res.status)) {
      await res.body?.cancel().catch(() => undefined);
      const status = res.status;
      const reason = `HTTP ${status}`;
      if (status === 429 || status === 503) {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), opts.now ?? Date.now);
        return retryAfterMs === undefined ? { reason, status, retry: true } : { reason, status, retry: true, retryAfterMs };
      }
      return { reason, status, retry: status >= 500 };
    }

    try {
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return aborted(err) ?? { reason: `could not read the response body (${networkReason(err)})`, retry: true, cause: err };
    }
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/** `HTTP 503 after 3 tries`, `timed out after 10 s (3 tries)`; unchanged after a single try. */
function withTries(reason: string, tries: number, retried: boolean): string {
  if (!retried || tries <= 1) return reason;
  return /\bafter\b/.test(reason) ? `${reason} (${tries} tries)` : `${reason} after ${tries} tries`;
}

/**
 * Delay before retry `attempt` (0-based): exponential `base * 2^attempt` with equal jitter, i.e.
 * uniformly in `[half, full)` of that value — never a thundering herd, never zero.
 */
export function backoffMs(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const full = baseDelayMs * 2 ** attempt;
  const r = Math.min(Math.max(random(), 0), 1);
  return full / 2 + (full / 2) * r;
}

/** `Retry-After` as milliseconds to wait: delta-seconds or an HTTP-date. `undefined` if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: () => number = Date.now): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

/** A short reason for a failed `fetch()` from the error code undici puts on `err.cause`. */
export function networkReason(err: unknown): string {
  const code = errorCode(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return 'host not found (DNS)';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'response timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return 'network unreachable';
    default:
      break;
  }
  if (code !== undefined && /CERT|SSL|TLS/i.test(code)) return `TLS error (${code})`;
  const message = innermost(err);
  return code !== undefined ? `network error (${code})` : `network error${message ? `: ${message}` : ''}`;
}

/** The first `code` found on the error, its `cause` chain, or the first of an AggregateError's errors. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  const nested = errorCode((err as { cause?: unknown }).cause, depth + 1) ?? (err instanceof AggregateError ? errorCode(err.errors[0], depth + 1) : undefined);
  // Prefer the most specific (innermost) code: undici wraps socket errors in its own.
  return nested ?? (typeof code === 'string' ? code : undefined);
}

function innermost(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || !(err instanceof Error)) return undefined;
  return innermost(err.cause, depth + 1) ?? (err.message || undefined);
}

/** `10 s`, `0.2 s`, `1.5 s` */
function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number(s.toFixed(s < 1 ? 3 : 1))} s`;
}
