/**
 * A local fake of Discord for tests and benchmarks: REST under `/api/v10` and a JSON gateway
 * (no compression) on one loopback port. It speaks enough of the protocol for the real
 * discord.js v14 client: HELLO -> IDENTIFY -> READY -> GUILD_CREATE, heartbeats and ACKs,
 * RESUME (missed events replayed, then RESUMED; an unknown session gets op 9), and lets a test
 * dispatch any event and inspect every REST request the bot made.
 *
 * Like Discord, it rejects a message body that breaks a limit (400 `50035 Invalid Form Body` with
 * the errors tree, or `50006` for an empty message: see `form-body.ts`) on every route that takes
 * one, and records why in `RecordedRequest.invalid`; `invalidRequests` lists them, so a test can
 * assert that no reply on any path was rejected. On demand it answers 429 with Discord's body and
 * rate-limit headers (`rateLimit`), and drops the gateway connection (`dropConnections`) or asks
 * the client to reconnect (`requestReconnect`, op 7).
 *
 * Usage: `const fake = await FakeDiscord.start(); ... rest: { api: fake.apiUrl } ...; await fake.close()`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeProblem, rejection, type BodyKind } from './form-body.ts';
import { guildCreatePayload, messageObject, readyPayload, snowflake, userObject, type World } from './payloads.ts';

export const FAKE_TOKEN = ['MTAwMDAwMDAwMDAwMDAwMDAw', 'GfakeA', 'fake-token-for-tests-only-000000000000'].join('.');

export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The `Authorization` header was `Bot <the right token>`. */
  authorized: boolean;
  /** Whether any `Authorization` header was sent. */
  sentAuth: boolean;
  at: number;
  /** What the fake answered (status and body), e.g. the created message with its id. */
  status?: number;
  response?: unknown;
  /** Why the fake rejected the body as Discord would (400, code 50035 or 50006), one line per field. */
  invalid?: string[];
}

/** A 429 the fake answers on demand (`rateLimit`). */
export interface RateLimitSpec {
  /** Seconds to wait: the body's `retry_after`; the `Retry-After` header is this rounded up, as Discord sends it. Default 0.3. */
  retryAfter?: number;
  /**
   * `user`: this route's bucket is used up (`X-RateLimit-Remaining: 0`); `shared`: the resource is
   * limited for everyone (the bucket is not used up); `global`: every route (`X-RateLimit-Global`).
   * Default `user`.
   */
  scope?: 'user' | 'shared' | 'global';
  /** How many matching requests get the 429 (then the rule is dropped). Default 1. */
  times?: number;
}

/** A RESUME (op 6) the fake received. */
export interface ResumeRecord {
  token: unknown;
  session_id: unknown;
  seq: unknown;
  /** The session was one the fake gave out in READY and still knows (it answered RESUMED, else op 9). */
  accepted: boolean;
}

export interface CannedFailure {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  /** How many matching requests fail (then the rule is dropped). */
  times: number;
}

export interface GatewayFrame {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

export interface FakeDiscordOptions {
  world?: Partial<World>;
  token?: string;
  heartbeatIntervalMs?: number;
  /** Added to every REST response (ms), to simulate a slow Discord. */
  restDelayMs?: number;
  /** Accept IDENTIFY but never send READY (a gateway that hangs during start-up). */
  neverReady?: boolean;
}

type Waiter = { pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void };

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfter: number;
  scope: 'user' | 'shared' | 'global';
  times: number;
  bucket: string;
}

/** What the fake answers one request with. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  invalid?: string[];
}

/** A gateway session: what READY started, the events dispatched in it (for a RESUME to replay) and its connection. */
interface Session {
  id: string;
  socket: WebSocket | undefined;
  /** Dispatched frames with their sequence numbers, oldest first (bounded). */
  log: { s: number; frame: string }[];
}

/** Events kept per session for replay on RESUME. */
const REPLAY_LIMIT = 1000;

export class FakeDiscord {
  readonly world: World;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  /** IDENTIFY payloads received (`d`). */
  readonly identifies: Record<string, unknown>[] = [];
  /** RESUME payloads received, and whether the fake accepted them. */
  readonly resumes: ResumeRecord[] = [];
  /** The session ids given out in READY, in order. */
  readonly sessionIds: string[] = [];
  heartbeats = 0;
  restDelayMs: number;
  neverReady: boolean;

  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #ready = new Set<WebSocket>();
  readonly #failures: CannedFailure[] = [];
  readonly #rateLimits: RateLimitRule[] = [];
  readonly #sessions = new Map<string, Session>();
  readonly #sessionOf = new Map<WebSocket, Session>();
  readonly #waiters = new Set<Waiter>();
  readonly #heartbeatMs: number;
  #seq = 0;
  #port = 0;

  private constructor(opts: FakeDiscordOptions) {
    this.world = {
      bot: { id: '100000000000000042', username: 'Paperboy', bot: true },
      applicationId: '100000000000000042',
      guildId: '100000000000000100',
      channelId: '100000000000000200',
      botRoleId: '100000000000000300',
      ...opts.world,
    };
    this.token = opts.token ?? FAKE_TOKEN;
    this.#heartbeatMs = opts.heartbeatIntervalMs ?? 45_000;
    this.restDelayMs = opts.restDelayMs ?? 0;
    this.neverReady = opts.neverReady ?? false;
    this.#server = createServer((req, res) => void this.#onHttp(req, res));
    this.#wss = new WebSocketServer({ server: this.#server, path: '/gateway' });
    this.#wss.on('connection', (ws) => this.#onSocket(ws));
  }

  /** Start listening on a free loopback port. */
  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    fake.#server.listen(0, '127.0.0.1');
    await once(fake.#server, 'listening');
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** The value for discord.js `rest.api` / `DISCORD_API_URL`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/gateway`;
  }

  /** Make the next `times` requests matching `method` + `path` fail with `status` and Discord error `code`. */
  fail(method: string, path: RegExp, status: number, code: number, message: string, times = 1): void {
    this.#failures.push({ method, path, status, body: { code, message }, times });
  }

  /**
   * Make the next `times` requests matching `method` + `path` answer 429 as Discord does: body
   * `{ message, retry_after, global }` and the headers discord.js reads (`Retry-After`, and
   * `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Reset-After`, `-Bucket`, `-Scope`, or for a
   * global limit `X-RateLimit-Global` and `-Scope: global`).
   */
  rateLimit(method: string, path: RegExp, spec: RateLimitSpec = {}): void {
    const n = this.#rateLimits.length;
    this.#rateLimits.push({ method, path, retryAfter: spec.retryAfter ?? 0.3, scope: spec.scope ?? 'user', times: spec.times ?? 1, bucket: `fakebucket${n}` });
  }

  /** Requests whose body the fake rejected as Discord would (see `RecordedRequest.invalid`). */
  get invalidRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.invalid !== undefined);
  }

  /** Every body rejected since request number `from`, as `METHOD path: field: why` (for `expect(...).toEqual([])`). */
  invalidSummary(from = 0): string[] {
    return this.requests
      .slice(from)
      .flatMap((r) => (r.invalid ?? []).map((why) => `${r.method} ${r.path.replace(/\/[\w-]*secret[\w-]*/, '/<token>')}: ${why}`));
  }

  /** Resolve with the first request (already recorded or future) matching `pred`. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000, from = 0): Promise<RecordedRequest> {
    const seen = this.requests.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`fake discord: no matching request within ${timeoutMs} ms; got:\n${this.requests.map((r) => `  ${r.method} ${r.path}`).join('\n')}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Requests whose path matches. */
  find(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /**
   * Send a DISPATCH event (op 0) in every session: at once to a connected one, and kept for a
   * disconnected one, to be replayed when it resumes (as Discord does).
   */
  dispatch(t: string, d: unknown): void {
    const s = ++this.#seq;
    const frame = JSON.stringify({ op: 0, t, s, d });
    for (const session of this.#sessions.values()) this.#deliver(session, s, frame);
  }

  /** Number of identified (or resumed) gateway connections. */
  get connections(): number {
    return this.#ready.size;
  }

  /**
   * Drop every gateway connection abruptly (no close frame, as a network failure does): the client
   * sees code 1006 and should RESUME its session. Returns how many were dropped.
   */
  dropConnections(): number {
    const ready = [...this.#ready];
    for (const ws of ready) {
      this.#ready.delete(ws);
      ws.terminate();
    }
    return ready.length;
  }

  /** Send op 7 Reconnect on every connection: the client should close and RESUME its session. Returns how many were asked. */
  requestReconnect(): number {
    const ready = [...this.#ready];
    for (const ws of ready) this.#send(ws, { op: 7, d: null });
    return ready.length;
  }

  /** Forget every session: a RESUME after this gets op 9 Invalid Session (not resumable), and the client must IDENTIFY again. */
  invalidateSessions(): void {
    this.#sessions.clear();
  }

  async close(): Promise<void> {
    for (const ws of this.#sockets) ws.terminate();
    for (const w of this.#waiters) this.#waiters.delete(w);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- gateway ------------------------------------------------------------------------------

  #send(ws: WebSocket, frame: GatewayFrame): void {
    ws.send(JSON.stringify(frame));
  }

  /** Log a dispatch in `session` and send it if the session is connected. */
  #deliver(session: Session, s: number, frame: string): void {
    session.log.push({ s, frame });
    if (session.log.length > REPLAY_LIMIT) session.log.shift();
    if (session.socket && this.#ready.has(session.socket)) session.socket.send(frame);
  }

  #dispatchIn(session: Session, t: string, d: unknown): void {
    const s = ++this.#seq;
    this.#deliver(session, s, JSON.stringify({ op: 0, t, s, d }));
  }

  #onSocket(ws: WebSocket): void {
    this.#sockets.add(ws);
    ws.on('close', (code: number) => {
      this.#sockets.delete(ws);
      this.#ready.delete(ws);
      const session = this.#sessionOf.get(ws);
      this.#sessionOf.delete(ws);
      if (session?.socket === ws) {
        session.socket = undefined;
        // A client that closes normally (1000, 1001) ends its session; any other close keeps it resumable.
        if (code === 1000 || code === 1001) this.#sessions.delete(session.id);
      }
    });
    this.#send(ws, { op: 10, d: { heartbeat_interval: this.#heartbeatMs, _trace: ['fake-gateway'] }, s: null, t: null });
    ws.on('message', (raw: Buffer) => {
      let frame: GatewayFrame;
      try {
        frame = JSON.parse(raw.toString()) as GatewayFrame;
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (frame.op) {
        case 1:
          this.heartbeats++;
          this.#send(ws, { op: 11, d: null });
          break;
        case 2: {
          const d = frame.d as Record<string, unknown>;
          this.identifies.push(d);
          if (d['token'] !== this.token) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          if (this.neverReady) return;
          this.#ready.add(ws);
          const session: Session = { id: `session-${snowflake()}`, socket: ws, log: [] };
          this.#sessions.set(session.id, session);
          this.#sessionOf.set(ws, session);
          this.sessionIds.push(session.id);
          this.#dispatchIn(session, 'READY', readyPayload(this.world, session.id, this.gatewayUrl));
          this.#dispatchIn(session, 'GUILD_CREATE', guildCreatePayload(this.world));
          break;
        }
        case 6: {
          const d = (typeof frame.d === 'object' && frame.d !== null ? frame.d : {}) as Record<string, unknown>;
          const session = typeof d['session_id'] === 'string' ? this.#sessions.get(d['session_id']) : undefined;
          const accepted = d['token'] === this.token && session !== undefined;
          this.resumes.push({ token: d['token'], session_id: d['session_id'], seq: d['seq'], accepted });
          if (d['token'] !== this.token) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          if (!session) {
            // Not resumable: the client must IDENTIFY again.
            this.#send(ws, { op: 9, d: false });
            return;
          }
          if (session.socket && session.socket !== ws) session.socket.terminate();
          session.socket = ws;
          this.#sessionOf.set(ws, session);
          // Replay what the session missed, then RESUMED.
          const after = typeof d['seq'] === 'number' ? d['seq'] : 0;
          for (const e of session.log) if (e.s > after) ws.send(e.frame);
          this.#ready.add(ws);
          this.#dispatchIn(session, 'RESUMED', {});
          break;
        }
        default:
          break;
      }
    });
  }

  // ---- REST ---------------------------------------------------------------------------------

  async #onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const auth = req.headers.authorization;
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/api\/v10/, ''),
      query: url.searchParams,
      body,
      authorized: auth === `Bot ${this.token}`,
      sentAuth: auth !== undefined,
      at: performance.now(),
    };
    if (this.restDelayMs > 0) await new Promise((r) => setTimeout(r, this.restDelayMs));
    const answer = this.#answer(rec, url.pathname.startsWith('/api/v10/'));
    rec.status = answer.status;
    rec.response = answer.body;
    if (answer.invalid) rec.invalid = answer.invalid;
    // Record after routing decisions so waiters see the request once its answer is known.
    this.requests.push(rec);
    for (const w of this.#waiters) {
      if (w.pred(rec)) {
        this.#waiters.delete(w);
        w.resolve(rec);
      }
    }
    if (answer.status === 204) {
      res.writeHead(204, answer.headers ?? {}).end();
      return;
    }
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  #answer(r: RecordedRequest, versioned: boolean): Answer {
    if (!versioned) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    const failure = this.#failures.find((f) => f.method === r.method && f.path.test(r.path));
    if (failure) {
      failure.times--;
      if (failure.times <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      return { status: failure.status, body: failure.body };
    }
    const limited = this.#rateLimits.find((l) => l.method === r.method && l.path.test(r.path));
    if (limited) {
      limited.times--;
      if (limited.times <= 0) this.#rateLimits.splice(this.#rateLimits.indexOf(limited), 1);
      return tooManyRequests(limited);
    }
    const kind = bodyKind(r);
    const rejected = kind ? rejection(kind, r.body) : undefined;
    if (rejected) return { status: 400, body: rejected.reply, invalid: rejected.problems.map(describeProblem) };
    const [status, body] = this.#route(r);
    return { status, body };
  }

  #route(r: RecordedRequest): [number, unknown] {
    const m = (re: RegExp) => re.exec(r.path);
    const needsBot = !/^\/(interactions|webhooks)\//.test(r.path);
    if (needsBot && !r.authorized) return [401, { message: '401: Unauthorized', code: 0 }];

    if (r.method === 'GET' && r.path === '/gateway/bot') {
      return [200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } }];
    }
    if (r.method === 'GET' && r.path === '/users/@me') return [200, { ...userObject(this.world.bot), verified: true, flags: 0 }];
    if (r.method === 'GET' && (r.path === '/applications/@me' || r.path === '/oauth2/applications/@me')) {
      return [
        200,
        {
          id: this.world.applicationId,
          name: 'Paperboy',
          description: '',
          bot_public: true,
          bot_require_code_grant: false,
          flags: 0,
          bot: userObject(this.world.bot),
        },
      ];
    }
    let match = m(/^\/channels\/(\d+)\/messages$/);
    if (r.method === 'POST' && match) return [200, this.#message(match[1]!, r.body)];
    match = m(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
    if (r.method === 'POST' && match) return r.query.get('with_response') === 'true' ? [200, this.#callbackResponse(match[1]!, r.body)] : [204, null];
    match = m(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/);
    if (match && (r.method === 'POST' || r.method === 'PATCH')) return [200, this.#message(this.world.channelId, r.body)];
    match = m(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    if (r.method === 'PUT' && match) {
      if (match[1] !== this.world.applicationId) return [403, { message: 'Missing Access', code: 50001 }];
      const list = Array.isArray(r.body) ? r.body : [];
      return [
        200,
        list.map((c: Record<string, unknown>) => ({
          id: snowflake(),
          application_id: match[1],
          version: snowflake(),
          ...c,
          ...(match[2] ? { guild_id: match[2] } : {}),
        })),
      ];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  /**
   * What Discord answers a callback with `with_response=true`: the interaction and, for a reply
   * that creates a message (types 4 and 5), that message. Its id is what the bot learns.
   */
  #callbackResponse(interactionId: string, body: unknown): Record<string, unknown> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as { type?: unknown; data?: unknown };
    const data = (typeof b.data === 'object' && b.data !== null ? b.data : {}) as Record<string, unknown>;
    const creates = b.type === 4 || b.type === 5;
    const message = creates ? this.#message(this.world.channelId, data) : undefined;
    const ephemeral = typeof data['flags'] === 'number' && (data['flags'] & 64) !== 0;
    return {
      interaction: {
        id: interactionId,
        type: 2,
        ...(message ? { response_message_id: message['id'], response_message_loading: b.type === 5, response_message_ephemeral: ephemeral } : {}),
      },
      ...(message ? { resource: { type: b.type, message } } : {}),
    };
  }

  #message(channelId: string, body: unknown): Record<string, unknown> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    return messageObject({
      id: snowflake(),
      channel_id: channelId,
      author: userObject(this.world.bot),
      content: b['content'] ?? '',
      embeds: b['embeds'] ?? [],
      components: b['components'] ?? [],
      type: b['message_reference'] ? 19 : 0,
    });
  }
}

/** Which kind of body a request carries that Discord validates as a message (undefined: none). */
function bodyKind(r: RecordedRequest): BodyKind | undefined {
  if (r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path)) return 'message';
  if (r.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path)) return 'callback';
  if (r.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(r.path)) return 'message';
  if (r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/(@original|\d+)$/.test(r.path)) return 'message';
  return undefined;
}

/** Discord's 429: the body, and the headers of a per-route (`user`), resource (`shared`) or `global` limit. */
function tooManyRequests(l: RateLimitRule): Answer {
  const global = l.scope === 'global';
  const headers: Record<string, string> = { 'Retry-After': String(Math.ceil(l.retryAfter)), 'X-RateLimit-Scope': l.scope };
  if (global) {
    headers['X-RateLimit-Global'] = 'true';
  } else {
    headers['X-RateLimit-Limit'] = '5';
    headers['X-RateLimit-Remaining'] = l.scope === 'shared' ? '4' : '0';
    headers['X-RateLimit-Reset'] = (Date.now() / 1000 + l.retryAfter).toFixed(3);
    headers['X-RateLimit-Reset-After'] = l.retryAfter.toFixed(3);
    headers['X-RateLimit-Bucket'] = l.bucket;
  }
  const message = l.scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  return { status: 429, body: { message, retry_after: l.retryAfter, global }, headers };
}
