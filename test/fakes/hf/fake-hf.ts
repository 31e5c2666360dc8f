import { createServer, type IncomingMessage, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the Hugging Face Daily Papers API (node:http on 127.0.0.1, a free port) for tests
 * and end-to-end runs of the CLI in a child process (`HF_API_URL=<fake.url>`). It serves
 * `GET /api/daily_papers?date=YYYY-MM-DD&limit=N&p=P` from days set with `setDay`, logs every
 * request, and can be told to fail the next requests (`fail`). The request handling and fault
 * queue (`FakeHttpServer`) are shared with the arXiv fake.
 *
 * A child process reaches it over plain HTTP, but the fake runs on the test's event loop: start
 * the child asynchronously (`execFile`, `spawn`), never with `spawnSync`/`execFileSync`.
 */

/** One request the fake received. */
export interface FakeRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Header names are lower case (`user-agent`). */
  headers: IncomingHttpHeaders;
  /** `Date.now()` when it arrived. */
  at: number;
  /** The fault applied to it, if any. */
  fault?: FakeFault['kind'];
}

/** How the fake answers one of the next requests (in order; `times` repeats it, default 1). */
export type FakeFault = (
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** 200 with a body that does not parse (broken JSON / XML). */
  | { kind: 'malformed' }
  /** 200 with this exact body. */
  | { kind: 'raw'; body: string; contentType?: string; status?: number }
  /** Never answers (the socket is closed when the fake closes). */
  | { kind: 'hang' }
  /** Destroys the socket before answering. */
  | { kind: 'reset' }
  /** Sends the headers and part of a body, then destroys the socket. */
  | { kind: 'truncate' }
) & { times?: number };

/**
 * The shared part of the fakes: a node:http server, a request log, a fault queue. `answer` is
 * called for requests that no fault claims.
 */
export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  readonly #faults: FakeFault[] = [];
  #server: Server | undefined;
  #port = 0;

  readonly #answer: (req: FakeRequest, res: ServerResponse) => void;
  readonly #malformed: { body: string; contentType: string };

  /** `answer` serves requests no fault claims; `malformed` is the broken body of the `malformed` fault. */
  constructor(answer: (req: FakeRequest, res: ServerResponse) => void, malformed: { body: string; contentType: string }) {
    this.#answer = answer;
    this.#malformed = malformed;
  }

  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection, hanging ones included. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Queue a fault for the next request(s). */
  fail(fault: FakeFault): void {
    this.#faults.push({ ...fault });
  }

  /** Forget requests and pending faults. */
  reset(): void {
    this.requests.length = 0;
    this.#faults.length = 0;
  }

  #takeFault(): FakeFault | undefined {
    const fault = this.#faults[0];
    if (!fault) return undefined;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.#faults.shift();
    else fault.times = left;
    return fault;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: FakeRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      at: Date.now(),
    };
    this.requests.push(record);
    const fault = this.#takeFault();
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case undefined:
        this.#answer(record, res);
        return;
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers);
        res.end(fault.body ?? `fake: HTTP ${fault.status}`);
        return;
      }
      case 'malformed':
        res.writeHead(200, { 'content-type': this.#malformed.contentType });
        res.end(this.#malformed.body);
        return;
      case 'raw':
        res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? this.#malformed.contentType });
        res.end(fault.body);
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'truncate':
        res.writeHead(200, { 'content-type': this.#malformed.contentType, 'content-length': '100000' });
        res.write(this.#malformed.body.slice(0, 10));
        setTimeout(() => req.socket.destroy(), 10);
        return;
    }
  }
}

/** A URL where nothing listens (a port that was just closed): requests get ECONNREFUSED. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Fields for `hfItem`; everything but `id` has a realistic default. */
export interface HfItemInit {
  /** arXiv id, `2411.01234`. */
  id: string;
  title?: string;
  summary?: string;
  upvotes?: number;
  authors?: string[];
  /** Listing time (`item.publishedAt`); `setDay` fills it in from its date when absent. */
  listedAt?: string;
  /** The arXiv submission time (`item.paper.publishedAt`). */
  submittedAt?: string;
  numComments?: number;
  githubRepo?: string | null;
  githubStars?: number | null;
  projectPage?: string | null;
  aiSummary?: string | null;
  keywords?: string[] | null;
  /** Merged into `item.paper` last; a key set to `undefined` is removed. */
  paper?: Record<string, unknown>;
  /** Merged into the item last; a key set to `undefined` is removed. */
  item?: Record<string, unknown>;
}

/** A Daily Papers API item shaped like the real thing (extra fields and all). */
export function hfItem(init: HfItemInit): Record<string, unknown> {
  const title = init.title ?? `A Study of Paper ${init.id}`;
  const authors = init.authors ?? ['Ada Lovelace', 'Alan Turing'];
  const submittedAt = init.submittedAt ?? '2024-11-01T17:59:59.000Z';
  const paper: Record<string, unknown> = {
    id: init.id,
    authors: authors.map((name, i) => ({
      _id: `6727a1b2c3d4e5f6a7b8c9${String(i).padStart(2, '0')}`,
      name,
      hidden: false,
      status: 'admin_assigned',
      statusLastChangedAt: '2024-11-04T09:12:00.000Z',
    })),
    publishedAt: submittedAt,
    submittedOnDailyAt: init.listedAt ?? null,
    title,
    summary: init.summary ?? `We study paper ${init.id}. Our method improves throughput by 2.1x\nwhile keeping accuracy within 0.5% of the baseline.`,
    upvotes: init.upvotes ?? 7,
    discussionId: `6727a1b2c3d4e5f6a7b8d0${init.id.replace(/\D/g, '').slice(-2)}`,
    githubRepo: init.githubRepo === undefined ? null : init.githubRepo,
    githubStars: init.githubStars === undefined ? null : init.githubStars,
    projectPage: init.projectPage === undefined ? null : init.projectPage,
    ai_summary: init.aiSummary === undefined ? `A short AI summary of ${init.id}.` : init.aiSummary,
    ai_keywords: init.keywords === undefined ? ['efficiency', 'language models'] : init.keywords,
  };
  const item: Record<string, unknown> = {
    paper: merge(paper, init.paper),
    title,
    thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${init.id}.png`,
    numComments: init.numComments ?? 1,
    submittedBy: {
      _id: '60f1abe7544c2adfd699860c',
      avatarUrl: 'https://cdn-avatars.huggingface.co/v1/production/uploads/avatar.png',
      fullname: 'Paper Submitter',
      name: 'submitter',
      type: 'user',
      isPro: false,
      isHf: false,
    },
    isAuthorParticipating: false,
  };
  if (init.listedAt !== undefined) item.publishedAt = init.listedAt;
  return merge(item, init.item);
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!extra) return base;
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The fake Hugging Face API. `start()` resolves to the base URL for `HF_API_URL`. */
export class FakeHf {
  readonly #days = new Map<string, unknown[]>();
  readonly #http = new FakeHttpServer((req, res) => this.#answer(req, res), {
    body: '[{"paper": {"id": "2411.0',
    contentType: 'application/json; charset=utf-8',
  });

  /** Every request, in order. */
  get requests(): FakeRequest[] {
    return this.#http.requests;
  }

  /** `http://127.0.0.1:<port>` (valid after `start`). */
  get url(): string {
    return this.#http.origin;
  }

  async start(): Promise<string> {
    await this.#http.start();
    return this.url;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /**
   * The items listed on `date` (any JSON values, so broken items can be served). Plain-object items
   * without `publishedAt` get `<date>T08:00:00.000Z`.
   */
  setDay(date: string, items: unknown[]): void {
    this.#days.set(
      date,
      items.map((item) =>
        typeof item === 'object' && item !== null && !Array.isArray(item) && !('publishedAt' in item)
          ? { ...item, publishedAt: `${date}T08:00:00.000Z` }
          : item,
      ),
    );
  }

  /** Queue a fault for the next request(s). */
  fail(fault: FakeFault): void {
    this.#http.fail(fault);
  }

  /** Forget requests and pending faults (days stay). */
  reset(): void {
    this.#http.reset();
  }

  #answer(req: FakeRequest, res: ServerResponse): void {
    if (req.method !== 'GET' || req.path !== '/api/daily_papers') {
      sendJson(res, { error: 'Not Found' }, 404);
      return;
    }
    const date = req.query.date;
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      sendJson(res, { error: '"date" must be a valid date' }, 400);
      return;
    }
    const limit = Number(req.query.limit ?? 50);
    const page = Number(req.query.p ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(page) || page < 0) {
      sendJson(res, { error: 'bad paging' }, 400);
      return;
    }
    const items = (date !== undefined ? this.#days.get(date) : undefined) ?? [];
    sendJson(res, items.slice(page * limit, (page + 1) * limit));
  }
}
