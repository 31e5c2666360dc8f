/**
 * Slack HTTP mode's front door on its own (`createHttpFront`, with a recording stand-in for Bolt's
 * receiver and a fixed clock): what is passed on to Bolt, what is refused with which status, what
 * is logged, and listening and closing.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES, createHttpFront, type HttpFront, type HttpFrontOptions } from '../../adapters/slack/http-front.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { FORM, JSON_T, SECRET } from './harness.ts';
import { capturedLogger } from './slack-harness.ts';

/** The fixed clock: a whole second. */
const NOW_S = 1_800_000_000;

let front: HttpFront | undefined;
afterEach(async () => {
  await front?.close();
  front = undefined;
});

async function start(opts: Partial<HttpFrontOptions> = {}) {
  const forwarded: { path: string | undefined; rawBody: string }[] = [];
  const log = capturedLogger();
  front = createHttpFront({
    signingSecret: SECRET,
    paths: ['/slack/events', '/slack/commands'],
    forward: (req, res) => {
      forwarded.push({ path: req.url, rawBody: String((req as IncomingMessage & { rawBody?: Buffer }).rawBody) });
      res.writeHead(200).end('bolt');
    },
    logger: log.logger,
    now: () => NOW_S * 1000,
    ...opts,
  });
  const port = await front.listen(0, '127.0.0.1');
  return { forwarded, log, base: `http://127.0.0.1:${port}`, port };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Send a request; resolves with the answer (or `reset` when the server dropped the connection). */
function send(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer | 'reset'> {
  return new Promise((resolve) => {
    const req = request(base + path, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve('reset'));
    });
    req.on('error', () => resolve('reset'));
    req.end(opts.body);
  });
}

const signed = (body: string, contentType: typeof JSON_T | typeof FORM = JSON_T, ts = NOW_S) => signedHeaders(SECRET, body, contentType, ts);
const event = (n = 1) => JSON.stringify({ type: 'event_callback', event_id: `Ev${n}`, event: { type: 'app_mention' } });

describe('Slack front door: what reaches Bolt', () => {
  it('a signed request to a Slack path is passed on with its body already read', async () => {
    const { base, forwarded, log } = await start();
    const body = event();
    const res = await send(base, '/slack/events', { headers: signed(body), body });
    expect(res).toMatchObject({ status: 200, body: 'bolt' });
    expect(forwarded).toEqual([{ path: '/slack/events', rawBody: body }]);
    expect(log.lines).toEqual([]);
  });

  it('the path is matched without its query string; a JSON content type with parameters is still JSON', async () => {
    const { base, forwarded } = await start();
    const body = event();
    const res = await send(base, '/slack/commands?team=T1', { headers: { ...signed(body), 'content-type': 'application/json; charset=utf-8' }, body });
    expect(res).toMatchObject({ status: 200 });
    expect(forwarded).toHaveLength(1);
  });

  it('a form without a payload (a slash command) and a form whose payload is an object are passed on', async () => {
    const { base, forwarded } = await start();
    const command = new URLSearchParams({ command: '/papers', text: 'search' }).toString();
    const click = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions' }) }).toString();
    expect(await send(base, '/slack/commands', { headers: signed(command, FORM), body: command })).toMatchObject({ status: 200 });
    expect(await send(base, '/slack/events', { headers: signed(click, FORM), body: click })).toMatchObject({ status: 200 });
    expect(forwarded.map((f) => f.rawBody)).toEqual([command, click]);
  });

  it('a signed body without a content type is read as form fields and passed on', async () => {
    const { base, forwarded } = await start();
    const body = 'command=%2Fpapers&text=search';
    const { 'content-type': _form, ...headers } = signed(body, FORM);
    expect(await send(base, '/slack/commands', { headers, body })).toMatchObject({ status: 200 });
    expect(forwarded.map((f) => f.rawBody)).toEqual([body]);
  });

  it('timestamps up to five minutes either side of now are accepted', async () => {
    const { base, forwarded } = await start();
    for (const [i, ts] of [NOW_S - 300, NOW_S + 300].entries()) {
      const body = event(i);
      expect(await send(base, '/slack/events', { headers: signed(body, JSON_T, ts), body }), String(ts)).toMatchObject({ status: 200 });
    }
    expect(forwarded).toHaveLength(2);
  });
});

describe('Slack front door: refusals', () => {
  /**
   * Send, expect `status` with Slack's no-retry header, nothing passed on, and one warning naming
   * the status and why (`why`: what an operator reads to tell a replay from a clock or secret problem).
   */
  async function refused(s: Awaited<ReturnType<typeof start>>, status: number, why: RegExp, path: string, opts: Parameters<typeof send>[2]) {
    const before = s.log.at('warn').length;
    const res = await send(s.base, path, opts);
    expect(res).toMatchObject({ status, headers: { 'x-slack-no-retry': '1' } });
    expect(s.forwarded).toEqual([]);
    expect(s.log.at('warn').slice(before)).toEqual([expect.objectContaining({ path, status, why: expect.stringMatching(why) })]);
  }

  it('unsigned, or with a timestamp that is not a whole number: 401', async () => {
    const s = await start();
    const body = event();
    await refused(s, 401, /unsigned/, '/slack/events', { headers: { 'content-type': JSON_T }, body });
    const { 'x-slack-signature': sig } = signed(body);
    await refused(s, 401, /unsigned/, '/slack/events', { headers: { 'content-type': JSON_T, 'x-slack-signature': sig! }, body });
    await refused(s, 401, /unsigned/, '/slack/events', { headers: { ...signed(body), 'x-slack-request-timestamp': `${NOW_S}.5` }, body });
    await refused(s, 401, /unsigned/, '/slack/events', { headers: { ...signed(body), 'x-slack-request-timestamp': 'soon' }, body });
  });

  it('more than five minutes before or after now: 401, even correctly signed', async () => {
    const s = await start();
    const body = event();
    await refused(s, 401, /five-minute window/, '/slack/events', { headers: signed(body, JSON_T, NOW_S - 301), body });
    await refused(s, 401, /five-minute window/, '/slack/events', { headers: signed(body, JSON_T, NOW_S + 301), body });
  });

  it('a signature that does not match the body: 401', async () => {
    const s = await start();
    await refused(s, 401, /signature mismatch/, '/slack/events', { headers: signed(event(1)), body: event(2) });
  });

  it('a replay of a verified request: 401; marked as a Slack retry it is acknowledged (200, logged at info) and not passed on', async () => {
    const s = await start();
    const body = event();
    const headers = signed(body);
    expect(await send(s.base, '/slack/events', { headers, body })).toMatchObject({ status: 200 });
    s.forwarded.length = 0;
    await refused(s, 401, /replay/, '/slack/events', { headers, body });
    const retry = await send(s.base, '/slack/events', { headers: { ...headers, 'x-slack-retry-num': '1' }, body });
    expect(retry).toMatchObject({ status: 200 });
    expect(s.forwarded).toEqual([]);
    expect(s.log.at('info')).toEqual([expect.objectContaining({ path: '/slack/events', retryNum: '1' })]);
  });

  it('a signed body Bolt could not handle: 400 (JSON not an object, form payload not an object, not JSON at all)', async () => {
    const s = await start();
    for (const body of ['null', '[1]', '"x"']) await refused(s, 400, /JSON body is not an object/, '/slack/events', { headers: signed(body), body });
    await refused(s, 400, /JSON body is not an object/, '/slack/events', {
      headers: { ...signed('[]'), 'content-type': 'application/json; charset=utf-8' },
      body: '[]',
    });
    for (const body of ['payload=null', 'payload=%5B%5D'])
      await refused(s, 400, /payload is not a JSON object/, '/slack/events', { headers: signed(body, FORM), body });
    await refused(s, 400, /not valid JSON/, '/slack/events', { headers: signed('{nope'), body: '{nope' });
    await refused(s, 400, /not valid JSON/, '/slack/events', { headers: signed('payload=%7Bnope', FORM), body: 'payload=%7Bnope' });
  });

  it('a body over the limit is not read to the end nor passed on: the connection is dropped (413, logged)', async () => {
    const s = await start();
    const body = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
    // A keep-alive client, and no idle timeout on the server: the connection closes only if the server drops it.
    front!.server.keepAliveTimeout = 0;
    const agent = new Agent({ keepAlive: true });
    let dropped!: Promise<void>;
    const res = await new Promise<Answer | 'reset'>((resolve) => {
      const req = request(`${s.base}/slack/events`, { method: 'POST', agent, headers: { 'content-type': JSON_T } }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: '' }));
        r.on('error', () => resolve('reset'));
      });
      dropped = new Promise((closed) => req.on('socket', (socket) => socket.once('close', () => closed())));
      req.on('error', () => resolve('reset'));
      req.end(body);
    });
    await dropped;
    agent.destroy();
    // The server stops reading while the client is still sending: it sees a 413 or a reset.
    if (res !== 'reset') expect(res.status).toBe(413);
    expect(s.forwarded).toEqual([]);
    expect(s.log.at('warn')).toEqual([expect.objectContaining({ status: 413, why: 'body too large' })]);
  });

  it('a body of exactly the limit is read (and here refused only for being unsigned)', async () => {
    const s = await start();
    const body = Buffer.alloc(MAX_BODY_BYTES, 'a');
    await refused(s, 401, /unsigned/, '/slack/events', { headers: { 'content-type': JSON_T }, body });
  });

  it('a check that throws (the shared store is down) is a 500 and an error log, and the server keeps serving', async () => {
    const s = await start({
      seen: () => Promise.reject(new Error('store down')),
    });
    const body = event();
    const res = await send(s.base, '/slack/events', { headers: signed(body), body });
    expect(res).toMatchObject({ status: 500, headers: { 'x-slack-no-retry': '1' } });
    expect(s.log.at('error')).toEqual([expect.objectContaining({ err: expect.objectContaining({ message: 'store down' }) })]);
    expect(await send(s.base, '/healthz', { method: 'GET' })).toMatchObject({ status: 404 });
  });
});

describe('Slack front door: requests that go wrong midway', () => {
  it('a client that hangs up halfway through its body is logged as an error, and the server keeps serving', async () => {
    const s = await start();
    // Resolves once the server has the first bytes of the body.
    const arrived = new Promise<void>((resolve) => front!.server.once('request', (r: IncomingMessage) => r.once('data', () => resolve())));
    const req = request(`${s.base}/slack/events`, { method: 'POST', headers: { 'content-type': JSON_T, 'content-length': '1000' } });
    req.on('error', () => {});
    req.write('{"type":');
    await arrived;
    req.destroy();
    await vi.waitFor(() => expect(s.log.at('error')).toHaveLength(1), { timeout: 10_000 });
    expect(s.forwarded).toEqual([]);
    const body = event();
    expect(await send(s.base, '/slack/events', { headers: signed(body), body })).toMatchObject({ status: 200 });
  });

  it('a receiver that fails after it has answered: the answer stands, the failure is logged, the server keeps serving', async () => {
    let calls = 0;
    const s = await start({
      forward: (_req, res) => {
        calls += 1;
        res.writeHead(202).end('accepted');
        if (calls === 1) throw new Error('listener blew up');
      },
    });
    const body = event(1);
    expect(await send(s.base, '/slack/events', { headers: signed(body), body })).toMatchObject({ status: 202, body: 'accepted' });
    expect(s.log.at('error')).toEqual([expect.objectContaining({ err: expect.objectContaining({ message: 'listener blew up' }) })]);
    const again = event(2);
    expect(await send(s.base, '/slack/events', { headers: signed(again), body: again })).toMatchObject({ status: 202 });
  });
});

describe('Slack front door: other paths', () => {
  it('only POSTs to the Slack paths are Slack requests; other paths and methods are 404 without a word', async () => {
    const s = await start();
    const body = event();
    for (const [method, path] of [
      ['GET', '/slack/events'],
      ['POST', '/other'],
      ['POST', '/'],
      ['PUT', '/slack/events'],
    ] as const) {
      expect(await send(s.base, path, { method, headers: signed(body), body: method === 'GET' ? undefined : body }), `${method} ${path}`).toMatchObject({
        status: 404,
      });
    }
    expect(s.forwarded).toEqual([]);
    expect(s.log.lines).toEqual([]);
  });

  it('extra routes answer GETs on their path (query string ignored), and only GETs', async () => {
    const s = await start({ routes: { '/healthz': (_req, res) => void res.writeHead(200).end('ok') } });
    expect(await send(s.base, '/healthz?probe=1', { method: 'GET' })).toMatchObject({ status: 200, body: 'ok' });
    expect(await send(s.base, '/healthz', { method: 'POST', body: '' })).toMatchObject({ status: 404 });
  });
});

describe('Slack front door: listening and closing', () => {
  it('listens on the host it is given and reports the port; closing stops new connections', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect((front!.server.address() as { address: string }).address).toBe('127.0.0.1');
    await front!.close();
    expect(await send(s.base, '/healthz', { method: 'GET' })).toBe('reset');
    // Closing twice, or a front that never listened, is fine.
    await front!.close();
    front = undefined;
  });

  it('a port already taken rejects listen(); closing a front that never listened resolves', async () => {
    const s = await start();
    const other = createHttpFront({ signingSecret: SECRET, paths: [], forward: () => {}, logger: s.log.logger });
    await expect(other.listen(s.port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('without a host it listens on every interface', async () => {
    const log = capturedLogger();
    const any = createHttpFront({ signingSecret: SECRET, paths: [], forward: () => {}, logger: log.logger });
    await any.listen(0);
    try {
      expect((any.server.address() as { address: string }).address).toMatch(/^(::|0\.0\.0\.0)$/);
    } finally {
      await any.close();
    }
  });
});
