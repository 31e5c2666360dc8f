/**
 * A local fake of Discord for tests and benchmarks: REST under `/api/v10` and a JSON gateway
 * (no compression) on one loopback port. It speaks enough of the protocol for the real
 * discord.js v14 client: HELLO -> IDENTIFY -> READY -> GUILD_CREATE, heartbeats and ACKs,
 * RESUME, and lets a test dispatch any event and inspect every REST request the bot made.
 *
 * Usage: `const fake = await FakeDiscord.start(); ... rest: { api: fake.apiUrl } ...; await fake.close()`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
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

export class FakeDiscord {
  readonly world: World;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  /** IDENTIFY payloads received (`d`). */
  readonly identifies: Record<string, unknown>[] = [];
  heartbeats = 0;
  restDelayMs: number;
  neverReady: boolean;

  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #ready = new Set<WebSocket>();
  readonly #failures: CannedFailure[] = [];
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

  /** Send a DISPATCH event (op 0) to every identified connection. */
  dispatch(t: string, d: unknown): void {
    const frame = JSON.stringify({ op: 0, t, s: ++this.#seq, d });
    for (const ws of this.#ready) ws.send(frame);
  }

  /** Number of identified gateway connections. */
  get connections(): number {
    return this.#ready.size;
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

  #onSocket(ws: WebSocket): void {
    this.#sockets.add(ws);
    ws.on('close', () => {
      this.#sockets.delete(ws);
      this.#ready.delete(ws);
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
          const sessionId = `session-${snowflake()}`;
          this.#send(ws, { op: 0, t: 'READY', s: ++this.#seq, d: readyPayload(this.world, sessionId, this.gatewayUrl) });
          this.#send(ws, { op: 0, t: 'GUILD_CREATE', s: ++this.#seq, d: guildCreatePayload(this.world) });
          break;
        }
        case 6:
          this.#ready.add(ws);
          this.#send(ws, { op: 0, t: 'RESUMED', s: ++this.#seq, d: {} });
          break;
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
    const [status, payload] = this.#route(rec, url.pathname.startsWith('/api/v10/'));
    rec.status = status;
    rec.response = payload;
    // Record after routing decisions so waiters see the request once its answer is known.
    this.requests.push(rec);
    for (const w of this.#waiters) {
      if (w.pred(rec)) {
        this.#waiters.delete(w);
        w.resolve(rec);
      }
    }
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  #route(r: RecordedRequest, versioned: boolean): [number, unknown] {
    if (!versioned) return [404, { message: '404: Not Found', code: 0 }];
    const failure = this.#failures.find((f) => f.method === r.method && f.path.test(r.path));
    if (failure) {
      failure.times--;
      if (failure.times <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      return [failure.status, failure.body];
    }
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
