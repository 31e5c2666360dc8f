/**
 * Slack HTTP mode's front door against hostile and unlucky requests: bodies Bolt would crash on, a
 * replayed signed request, a timestamp from the future, and the address it listens on.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import { MemoryEphemeralStore } from '../../src/ephemeral/store.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { BOT_TOKEN, FORM, JSON_T, post, SECRET, slash, slashBody, startHttp, type HttpHarness } from './harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp();
});
afterAll(async () => {
  await h.stop();
});

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('bodies that are not objects', () => {
  it('a signed JSON `null`, `[]` or `42` gets 400, and the bot keeps answering', async () => {
    for (const body of ['null', '[]', '42', '"text"']) {
      const res = await post(h.base, body, JSON_T);
      expect(res.status, body).toBe(400);
    }
    const answer = await slash(h, 'search kv cache');
    expect(answer.text).toMatch(/kv cache/i);
  });

  it('a signed form whose payload is `null` or not JSON gets 400, and the bot keeps answering', async () => {
    for (const body of ['payload=null', 'payload=%5B%5D', 'payload=%7Bnot-json']) {
      const res = await post(h.base, body, FORM);
      expect(res.status, body).toBe(400);
    }
    const answer = await slash(h, 'show snapkv');
    expect(answer.text).toMatch(/SnapKV/);
  });
});

describe('replays and timestamps', () => {
  it('the same signed slash command sent twice is answered once; the copy gets 401', async () => {
    const { body, responseUrl } = slashBody(h.api, 'search speculative decoding');
    const headers = signedHeaders(SECRET, body, FORM);
    const first = await post(h.base, body, FORM, headers);
    const copy = await post(h.base, body, FORM, headers);
    expect(first.status).toBe(200);
    expect(copy.status).toBe(401);
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    await h.api.waitFor(() => h.api.responses.some((r) => r.id === id));
    // A later command is answered after the copy would have been: the copy produced nothing.
    await slash(h, 'help');
    expect(h.api.responses.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('a copy marked as Slack’s retry is acknowledged (200) and still runs nothing', async () => {
    const { body, responseUrl } = slashBody(h.api, 'search lora');
    const headers = signedHeaders(SECRET, body, FORM);
    expect((await post(h.base, body, FORM, headers)).status).toBe(200);
    expect((await post(h.base, body, FORM, { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    await slash(h, 'help');
    expect(h.api.responses.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('a request dated an hour ahead, or six minutes ahead, is refused (401) and runs nothing; four minutes ahead is fine', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [3600, 360]) {
      const { body, responseUrl } = slashBody(h.api, 'search future');
      const res = await post(h.base, body, FORM, signedHeaders(SECRET, body, FORM, now + ahead));
      expect(res.status, `${ahead} s ahead`).toBe(401);
      await slash(h, 'help');
      expect(h.api.responses.some((r) => r.id === responseUrl.slice(responseUrl.lastIndexOf('/') + 1))).toBe(false);
    }
    const { body } = slashBody(h.api, 'help');
    expect((await post(h.base, body, FORM, signedHeaders(SECRET, body, FORM, now + 240))).status).toBe(200);
  });

  it('an unsigned copy of a real signature cannot spend it: the signed original still runs', async () => {
    const { body, responseUrl } = slashBody(h.api, 'search attention');
    const headers = signedHeaders(SECRET, body, FORM);
    // Same signature headers, different body: fails verification, records nothing.
    expect((await post(h.base, `${body}&text=evil`, FORM, headers)).status).toBe(401);
    expect((await post(h.base, body, FORM, headers)).status).toBe(200);
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    await h.api.waitFor(() => h.api.responses.some((r) => r.id === id));
  });

  it('only the Slack endpoints are served', async () => {
    const res = await fetch(`${h.base}/other`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
    expect((await fetch(`${h.base}/slack/events`)).status).toBe(404);
  });
});

describe('HOST', () => {
  it('is validated with the other settings', () => {
    const bad = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, HOST: 'not a host!' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toContain('HOST: must be an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name (localhost)');
    const good = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, HOST: '127.0.0.1' });
    expect(good.ok && good.config.slack?.host).toBe('127.0.0.1');
  });

  it('HOST=127.0.0.1 binds loopback only: 127.0.0.2 is refused; without HOST every address is served', async () => {
    const api = new FakeSlackApi();
    await api.start();
    const paperboy = await testPaperboy();
    const make = (host?: string) =>
      createSlackAdapter({
        config: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: api.apiUrl, port: 0, ...(host ? { host } : {}) },
        paperboy,
        logger: silentLogger(),
        retries: 0,
      });
    const loopback = make('127.0.0.1');
    const everywhere = make();
    await loopback.start();
    await everywhere.start();
    try {
      expect(await accepts('127.0.0.1', loopback.port!)).toBe(true);
      expect(await accepts('127.0.0.2', loopback.port!)).toBe(false);
      expect(await accepts('127.0.0.2', everywhere.port!)).toBe(true);
    } finally {
      await loopback.stop();
      await everywhere.stop();
      await api.stop();
    }
  });
});

describe('credentials in SLACK_API_URL', () => {
  it('are in neither the start-up error nor any log line', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => void lines.push(l) });
    const adapter = createSlackAdapter({
      // Port 9 on loopback: nothing listens, the connection is refused.
      config: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: 'http://proxyuser:s3cretpass@127.0.0.1:9/api/', port: 0 },
      paperboy: await testPaperboy(),
      logger,
      retries: 0,
    });
    const err = await adapter.start().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('http://[redacted]@127.0.0.1:9/api/');
    expect((err as Error).message).not.toContain('s3cretpass');
    expect(lines.join('\n')).not.toContain('s3cretpass');
    await adapter.stop();
  });
});

describe('several processes behind one load balancer (one shared store)', () => {
  it('a replay sent to another process than the original is refused; so is a repeated event id', async () => {
    const api = new FakeSlackApi();
    await api.start();
    const shared = new MemoryEphemeralStore();
    const paperboy = await testPaperboy();
    const make = () =>
      createSlackAdapter({
        config: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: api.apiUrl, port: 0 },
        paperboy,
        logger: silentLogger(),
        retries: 0,
        shared,
      });
    const [a, b] = [make(), make()];
    await a.start();
    await b.start();
    try {
      const base = (x: typeof a) => `http://127.0.0.1:${x.port}`;
      const { body } = slashBody(api, 'help');
      const headers = signedHeaders(SECRET, body, FORM);
      expect((await post(base(a), body, FORM, headers)).status).toBe(200);
      expect((await post(base(b), body, FORM, headers)).status).toBe(401);

      // The same event, delivered again with a new signature (Slack's retry), to the other process.
      const event = JSON.stringify({
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvShared0001',
        event: { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> help', ts: '1700000900.000100', channel: 'C0001' },
      });
      expect((await post(base(a), event, JSON_T)).status).toBe(200);
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
      const retry = {
        ...signedHeaders(SECRET, event, JSON_T, Math.floor(Date.now() / 1000) + 1),
        'x-slack-retry-num': '1',
        'x-slack-retry-reason': 'http_timeout',
      };
      expect((await post(base(b), event, JSON_T, retry)).status).toBe(200);
      // A later mention is answered; the retried event never was.
      const later = JSON.stringify({
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvShared0002',
        event: { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> help', ts: '1700000901.000100', channel: 'C0001' },
      });
      expect((await post(base(b), later, JSON_T)).status).toBe(200);
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 2);
      expect(api.callsTo('chat.postMessage').map((c) => c.args.thread_ts)).toEqual(['1700000900.000100', '1700000901.000100']);
    } finally {
      await a.stop();
      await b.stop();
      await api.stop();
    }
  });
});
