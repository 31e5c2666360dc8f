/**
 * Fakes for testing the Slack handlers directly (no Bolt, no HTTP): a Web API client and a
 * `respond` that record what they were asked to send and fail the way Slack fails, and a logger
 * whose lines the test can read.
 */
import type { App, RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { createLogger } from '../../src/app/logger.ts';

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A debug-level logger whose lines (parsed) land in `lines`. */
export function capturedLogger(): { logger: Logger; lines: LogLine[]; at(level: keyof typeof LEVEL): LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('debug', {
    write(line: string) {
      for (const l of line.split('\n').filter(Boolean)) lines.push(JSON.parse(l) as LogLine);
    },
  });
  return { logger, lines, at: (level) => lines.filter((l) => l.level === LEVEL[level]) };
}

/** A Web API platform error as @slack/web-api throws it (`not_in_channel`, ...). */
export function platformError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
}

/** A response_url refusal as Bolt's `respond` throws it. */
export function respondError(statusCode: number): Error {
  return Object.assign(new Error(`An HTTP protocol error occurred: statusCode = ${statusCode}`), { code: 'slack_bolt_respond_error', statusCode });
}

export type ChatMethod = 'postMessage' | 'postEphemeral' | 'update';

export interface FakeClient {
  /** Pass as the handlers' client. */
  client: App['client'];
  /** Every chat.* call in order, with its arguments (the failed ones too). */
  calls: { method: ChatMethod; args: Record<string, unknown> }[];
  callsTo(method: ChatMethod): Record<string, unknown>[];
  /** The next call to `method` throws `err`. */
  failNext(method: ChatMethod, err: Error): void;
}

/** A Web API client whose chat.postMessage answers with a fresh `ts` (`1800000001.000100`, ...). */
export function fakeClient(): FakeClient {
  const calls: FakeClient['calls'] = [];
  const failures = new Map<ChatMethod, Error[]>();
  let ts = 1_800_000_000;
  const call = (method: ChatMethod) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    const failure = failures.get(method)?.shift();
    if (failure !== undefined) throw failure;
    ts += 1;
    if (method === 'postMessage') return { ok: true, channel: args.channel, ts: `${ts}.000100` };
    if (method === 'postEphemeral') return { ok: true, message_ts: `${ts}.000200` };
    return { ok: true, channel: args.channel, ts: args.ts };
  };
  const client = { chat: { postMessage: call('postMessage'), postEphemeral: call('postEphemeral'), update: call('update') } } as unknown as App['client'];
  return {
    client,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    failNext(method, err) {
      failures.set(method, [...(failures.get(method) ?? []), err]);
    },
  };
}

export interface FakeRespond {
  respond: RespondFn;
  /** Every body sent to the response_url, in order (the refused ones too). */
  sent: RespondArguments[];
  /** The next post to the response_url throws `err`. */
  failNext(err: Error): void;
}

export function fakeRespond(): FakeRespond {
  const sent: RespondArguments[] = [];
  const failures: Error[] = [];
  const respond = (async (args: string | RespondArguments) => {
    sent.push(typeof args === 'string' ? { text: args } : args);
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
  }) as unknown as RespondFn;
  return { respond, sent, failNext: (err) => failures.push(err) };
}

/** The text users see when a request failed, with its reference id. */
export const FAILURE_TEXT = /^Sorry, something went wrong on our side \(ref ([0-9a-f]{8})\)\.$/;
