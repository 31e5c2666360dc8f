/**
 * The front door of Slack HTTP mode: Paperboy's own HTTP server. It reads each request's body (up
 * to a limit) and refuses what no real Slack request looks like before Bolt's HTTPReceiver sees it:
 * a request whose signature does not verify, whose timestamp is more than five minutes off in
 * either direction (Bolt refuses only old ones), whose signature was seen before (a replay), or
 * whose body is not an object (`null`, `[]`, `payload=null`: Bolt would crash on them and take
 * the process down). What passes goes to Bolt with the body already read (`rawBody`), which
 * verifies it again and dispatches it. Only the Slack endpoints are served; anything else is 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';
import { seenBefore, type SeenBefore } from '../shared/seen.ts';

/** Slack's window for a request's timestamp, either side of now. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;
/** A signature is good for ten minutes (five either side of its timestamp): it is remembered that long. */
export const SIGNATURE_TTL_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000;
/** The largest body read (Bolt's own default). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpFrontOptions {
  signingSecret: string;
  /** The paths Slack posts to (`/slack/events`, …). */
  paths: readonly string[];
  /** Bolt's receiver: handles a request whose body has been read into `rawBody`. */
  forward: (req: IncomingMessage, res: ServerResponse) => void;
  logger: Logger;
  /** Signatures already seen (replays): the shared store's, or (default) this process's memory. */
  seen?: SeenBefore;
  /** Other GET paths served on the same port (`/healthz`, `/metrics`). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  now?: () => number;
}

export interface HttpFront {
  readonly server: Server;
  /** Listen on `port` (0: any free port) at `host` (absent: every interface); resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stop accepting connections and close idle ones; resolves when the server has closed. */
  close(): Promise<void>;
}

/** Why a request is refused, and with which status. */
type Verdict = { ok: true; body: Buffer } | { ok: false; status: number; why: string } | { ok: 'duplicate' };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve('too-large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether a parsed JSON value is an object (not null, not an array, not a scalar). */
function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether the body is one Bolt can handle: a JSON object, or form fields whose `payload` (if any) is a JSON object. */
function bodyShapeProblem(body: Buffer, contentType: string | undefined): string | undefined {
  const text = body.toString('utf8');
  try {
    if (contentType?.startsWith('application/json')) return isObject(JSON.parse(text)) ? undefined : 'the JSON body is not an object';
    const payload = new URLSearchParams(text).get('payload');
    if (payload !== null && !isObject(JSON.parse(payload))) return 'the form payload is not a JSON object';
    return undefined;
  } catch {
    return 'the body is not valid JSON';
  }
}

/** Check one Slack request: signature, timestamp window, replay, body shape. */
async function check(req: IncomingMessage, opts: Required<Pick<HttpFrontOptions, 'signingSecret' | 'now'>> & { seen: SeenBefore }): Promise<Verdict> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too-large') return { ok: false, status: 413, why: 'body too large' };
  const signature = header(req, 'x-slack-signature');
  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  if (!signature || !Number.isInteger(timestamp)) return { ok: false, status: 401, why: 'unsigned request' };
  const nowMs = opts.now();
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) return { ok: false, status: 401, why: 'timestamp outside the five-minute window' };
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
  if (!isValidSlackRequest({ signingSecret: opts.signingSecret, body: body.toString('utf8'), headers, nowMilliseconds: nowMs })) {
    return { ok: false, status: 401, why: 'signature mismatch' };
  }
  // Recorded only once verified: an unsigned request cannot spend a real signature. A request
  // Slack marks as a retry of one already received is acknowledged and dropped (nothing runs
  // twice); any other repeat is a replay and refused.
  if (await opts.seen('slack-signature', signature)) {
    return header(req, 'x-slack-retry-num') !== undefined ? { ok: 'duplicate' } : { ok: false, status: 401, why: 'replayed request (signature seen before)' };
  }
  const shape = bodyShapeProblem(body, header(req, 'content-type'));
  if (shape) return { ok: false, status: 400, why: shape };
  return { ok: true, body };
}

function refuse(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  // X-Slack-No-Retry: a refused request is not worth Slack's retries.
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-slack-no-retry': '1' });
  res.end();
}

/** Create the front door (not listening yet). */
export function createHttpFront(options: HttpFrontOptions): HttpFront {
  const { logger, forward } = options;
  const paths = new Set(options.paths);
  const seen = options.seen ?? seenBefore({ ttlMs: SIGNATURE_TTL_MS, now: options.now ?? Date.now });
  const now = options.now ?? Date.now;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = req.method === 'GET' ? options.routes?.[path] : undefined;
    if (route) {
      route(req, res);
      return;
    }
    if (req.method !== 'POST' || !paths.has(path)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
      return;
    }
    const verdict = await check(req, { signingSecret: options.signingSecret, now, seen });
    if (verdict.ok === 'duplicate') {
      logger.info({ path, retryNum: header(req, 'x-slack-retry-num') }, 'duplicate delivery ignored');
      res.writeHead(200).end();
      return;
    }
    if (!verdict.ok) {
      logger.warn({ path, status: verdict.status, why: verdict.why, retryNum: header(req, 'x-slack-retry-num') }, 'slack request refused');
      refuse(res, verdict.status);
      return;
    }
    Object.assign(req, { rawBody: verdict.body });
    forward(req, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Nothing a request does may end the process: log it and answer 500.
      logger.error({ err }, 'slack request failed before it reached the app');
      refuse(res, 500);
    });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen({ port, ...(host ? { host } : {}) }, () => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
