import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackRefusal } from './block-kit.ts';

/**
 * A local fake of the Slack Web API (node:http) for tests and benchmarks. Point a Bolt app at it with
 * `clientOptions.slackApiUrl = fake.apiUrl`. It records every call and every `response_url` post,
 * hands out local response URLs, and can be told to fail calls the way Slack does (`failNext`:
 * platform errors, HTTP errors, 429 with `Retry-After`).
 *
 * Like Slack, it refuses a message it could not post (over a Block Kit limit, text too long, no
 * text: see block-kit.ts), in Slack's words: `{ ok: false, error: 'invalid_blocks', errors }` from
 * `chat.postMessage` / `chat.update` / `chat.postEphemeral`, HTTP 400 `invalid_blocks` from a
 * response_url. Each refusal is also kept in `rejections`, which the test harness expects to be
 * empty after every test: a reply over a limit fails the test on whatever path it took.
 */

export interface ApiCall {
  method: string;
  /** Arguments, with JSON-looking form fields (`blocks`, ...) parsed. */
  args: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
  /** How the fake answered: `ok`, the Slack error (`invalid_blocks`, ...) or `http_<status>`. */
  outcome: string;
  at: number;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

/** A message the fake refused because Slack would have (not a failure asked for with `failNext`). */
export interface Rejection {
  /** `chat.postMessage`, ..., or `response_url`. */
  where: string;
  error: string;
  errors: string[];
}

/** How the fake should answer one future call. */
export type Failure = { kind: 'platform'; error: string } | { kind: 'http'; status: number } | { kind: 'ratelimit'; retryAfter: number };

type Waiter = { check: () => boolean; resolve: () => void };

/** A workspace of the fake: its bot token, bot user and the OAuth code that installs it. */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  token: string;
  /** The code Slack would hand the redirect after someone approved the install there. */
  code: string;
  /** Who approved it. */
  installerId: string;
}

export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** Messages refused as Slack would refuse them; see `takeRejections`. */
  readonly rejections: Rejection[] = [];
  botUserId = 'UBOT0001';
  botId = 'BBOT0001';
  teamId = 'T0001';
  /** When set, `auth.test` answers `{ ok: false, error }`. */
  authError: string | undefined;
  /** What `apps.connections.open` hands out (the fake Socket Mode server's URL). */
  socketUrl: string | undefined;
  readonly #failures = new Map<string, Failure[]>();
  readonly #expired = new Set<string>();
  readonly #waiters: Waiter[] = [];
  #server: Server | undefined;
  #port = 0;
  #ts = 1_700_000_000;
  /** The `ts` the last chat.postMessage was answered with. */
  lastPostedTs: string | undefined;
  /**
   * User id -> the bot's DM channel with them: chat.postMessage to a user id posts in that DM and
   * answers with the DM's channel id, as Slack does.
   */
  readonly dmChannels = new Map<string, string>();
  #responseSeq = 0;
  /** OAuth: the app's credentials `oauth.v2.access` accepts (unset: it refuses every exchange). */
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** OAuth: workspaces that can install (by code) and whose tokens `auth.test` knows. */
  readonly workspaces: FakeWorkspace[] = [];

  /**
   * A workspace that can install the app: `oauth.v2.access` with its code answers with its token,
   * once (Slack's codes are single-use); `auth.test` with that token names its team and bot user.
   */
  addWorkspace(teamId: string, teamName = `Team ${teamId}`): FakeWorkspace {
    const n = this.workspaces.length + 1;
    const w: FakeWorkspace = {
      teamId,
      teamName,
      botUserId: `UBOT${teamId}`,
      botId: `BBOT${teamId}`,
      token: ['xoxb', teamId.toLowerCase(), String(1000000000 + n), 'oauthtokenfake'].join('-'),
      code: `code-${teamId}-${n}`,
      installerId: `UINSTALL${n}`,
    };
    this.workspaces.push(w);
    return w;
  }
  readonly #usedCodes = new Set<string>();

  /** Base URL for `slackApiUrl` (ends with `/`). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api/`;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A fresh local response_url. */
  responseUrl(): string {
    this.#responseSeq += 1;
    return `http://127.0.0.1:${this.#port}/response/r${this.#responseSeq}`;
  }

  /** Make a response_url answer 404 `expired_url`, like Slack after 30 minutes / 5 uses. */
  expire(url: string): void {
    this.#expired.add(url.slice(url.lastIndexOf('/') + 1));
  }

  /** The next call to `method` (or `response_url` for response posts) fails this way. */
  failNext(method: string, failure: Failure): void {
    const list = this.#failures.get(method) ?? [];
    list.push(failure);
    this.#failures.set(method, list);
  }

  /** Calls of one method (`chat.postMessage`, ...). */
  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Everything that would reach a person: messages, updates and response_url posts. */
  get deliveries(): number {
    return this.callsTo('chat.postMessage').length + this.callsTo('chat.update').length + this.callsTo('chat.postEphemeral').length + this.responses.length;
  }

  /** The refusals so far, forgotten (for a test that sends an invalid message on purpose). */
  takeRejections(): Rejection[] {
    return this.rejections.splice(0);
  }

  /**
   * Resolve once `check()` holds (re-checked after every request), or reject after `timeoutMs`: a
   * liveness bound for a loaded machine, not a speed requirement.
   */
  waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { check, resolve: () => {} };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `fake Slack: condition not met within ${timeoutMs} ms (calls: ${this.calls.map((c) => c.method).join(', ')}; responses: ${this.responses.length})`,
          ),
        );
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(waiter);
    });
  }

  /** Forget calls, responses and pending failures (not `rejections`: those fail the test). */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.#failures.clear();
    this.#expired.clear();
    this.authError = undefined;
  }

  #notify(): void {
    for (const w of [...this.#waiters]) {
      if (w.check()) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  #takeFailure(method: string): Failure | undefined {
    const list = this.#failures.get(method);
    const f = list?.shift();
    if (list && list.length === 0) this.#failures.delete(method);
    return f;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;

    if (path.startsWith('/response/')) {
      const id = path.slice('/response/'.length);
      const failure = this.#takeFailure('response_url');
      if (this.#expired.has(id) || failure) {
        const status = failure?.kind === 'http' ? failure.status : failure?.kind === 'ratelimit' ? 429 : 404;
        res.writeHead(status, { 'content-type': 'text/plain', ...(failure?.kind === 'ratelimit' ? { 'retry-after': String(failure.retryAfter) } : {}) });
        res.end(failure?.kind === 'platform' ? failure.error : failure?.kind === 'ratelimit' ? 'rate_limited' : 'expired_url');
        this.#notify();
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('invalid_payload');
        this.rejections.push({ where: 'response_url', error: 'invalid_payload', errors: [] });
        this.#notify();
        return;
      }
      const refusal = slackRefusal(body);
      if (refusal) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(refusal.error);
        this.rejections.push({ where: 'response_url', ...refusal });
        this.#notify();
        return;
      }
      this.responses.push({ id, body, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      this.#notify();
      return;
    }

    if (!path.startsWith('/api/')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : (args.token as string | undefined);
    delete args.token;
    const call: ApiCall = { method, args, token, outcome: 'ok', at: Date.now() };
    this.calls.push(call);

    const failure = this.#takeFailure(method);
    if (failure) {
      if (failure.kind === 'http') {
        call.outcome = `http_${failure.status}`;
        res.writeHead(failure.status);
        res.end();
      } else if (failure.kind === 'ratelimit') {
        call.outcome = 'http_429';
        res.writeHead(429, { 'retry-after': String(failure.retryAfter), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      } else {
        call.outcome = failure.error;
        json(res, { ok: false, error: failure.error });
      }
      this.#notify();
      return;
    }
    const refusal = MESSAGE_METHODS.has(method) ? slackRefusal(args) : undefined;
    if (refusal) {
      call.outcome = refusal.error;
      this.rejections.push({ where: method, ...refusal });
      json(res, {
        ok: false,
        error: refusal.error,
        ...(refusal.errors.length > 0 ? { errors: refusal.errors, response_metadata: { messages: refusal.errors.map((e) => `[ERROR] ${e}`) } } : {}),
      });
      this.#notify();
      return;
    }
    const answer = this.#answer(method, args, token);
    if (answer.ok !== true) call.outcome = String(answer.error);
    json(res, answer);
    this.#notify();
  }

  #answer(method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    switch (method) {
      case 'auth.test': {
        if (this.authError) return { ok: false, error: this.authError };
        const w = this.workspaces.find((x) => x.token === token);
        if (w)
          return {
            ok: true,
            url: `https://${w.teamId.toLowerCase()}.slack.test/`,
            team: w.teamName,
            user: 'paperboy',
            team_id: w.teamId,
            user_id: w.botUserId,
            bot_id: w.botId,
          };
        if (this.workspaces.length > 0 && token !== undefined && token.includes('oauthtokenfake')) return { ok: false, error: 'invalid_auth' };
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'paperboy',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      }
      case 'oauth.v2.access': {
        if (!this.clientId || args.client_id !== this.clientId || args.client_secret !== this.clientSecret) return { ok: false, error: 'invalid_client_id' };
        const code = typeof args.code === 'string' ? args.code : '';
        const w = this.workspaces.find((x) => x.code === code);
        if (!w || this.#usedCodes.has(code)) return { ok: false, error: 'invalid_code' };
        this.#usedCodes.add(code);
        return {
          ok: true,
          app_id: 'AFAKEAPP',
          authed_user: { id: w.installerId },
          scope: 'app_mentions:read,chat:write,commands',
          token_type: 'bot',
          access_token: w.token,
          bot_user_id: w.botUserId,
          team: { id: w.teamId, name: w.teamName },
          enterprise: null,
          is_enterprise_install: false,
        };
      }
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'chat.postMessage':
        this.#ts += 1;
        this.lastPostedTs = `${this.#ts}.000100`;
        return { ok: true, channel: this.dmChannels.get(String(args.channel)) ?? args.channel, ts: this.lastPostedTs, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        this.#ts += 1;
        return { ok: true, message_ts: `${this.#ts}.000200` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** Methods that post a message, checked the way Slack checks one. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    return raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if ((v.startsWith('[') || v.startsWith('{')) && k !== 'text') {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON: keep the string
      }
    }
    out[k] = v;
  }
  return out;
}
