import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { FakeSocketMode } from '../fakes/slack/socket-mode.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { APP_TOKEN, BOT_TOKEN, buttonsOf, expectNoRejections, handlerActivity, type Msg } from './harness.ts';
import { limitViolations, pings } from './check-limits.ts';

const handlers = handlerActivity();
let api: FakeSlackApi;
let socket: FakeSocketMode;
let adapter: SlackAdapter;
let openTokens: (string | undefined)[] = [];

beforeAll(async () => {
  api = new FakeSlackApi();
  await api.start();
  socket = new FakeSocketMode();
  await socket.start();
  api.socketUrl = socket.url;
  adapter = createSlackAdapter({
    config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: api.apiUrl, port: 0 },
    paperboy: await testPaperboy(),
    logger: silentLogger(),
    retries: 0,
    autoReconnect: false,
  });
  await adapter.start();
  await socket.connected();
  openTokens = api.callsTo('apps.connections.open').map((c) => c.token);
});
afterAll(async () => {
  await adapter.stop();
  await socket.stop();
  await api.stop();
});
beforeEach(() => {
  api.calls.length = 0;
  api.responses.length = 0;
});
expectNoRejections(() => api);

let dmSeq = 0;
/** A DM envelope (`text`) to the app behind `to`; resolves with its answer: chat.postMessage in the DM. */
async function dm(to: FakeSocketMode, fake: FakeSlackApi, text: string): Promise<Record<string, unknown>> {
  const answers = () => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0001' && c.outcome === 'ok');
  const before = answers().length;
  dmSeq += 1;
  await to.send('events_api', {
    type: 'event_callback',
    event_id: `EvSOCKETDM${dmSeq}`,
    event: { type: 'message', channel_type: 'im', user: 'U0001', text, ts: `1700001${String(dmSeq).padStart(3, '0')}.000100`, channel: 'D0001' },
  });
  await fake.waitFor(() => answers().length > before);
  return answers()[before]!.args;
}

describe('Slack Socket Mode', () => {
  it('connects with the app token through apps.connections.open', () => {
    expect(adapter.mode).toBe('socket');
    expect(openTokens).toEqual([APP_TOKEN]);
    expect(socket.connections).toBe(1);
    expect(adapter.botUserId).toBe('UBOT0001');
  });

  it('slash_commands envelope: acked with its envelope_id, then answered ephemerally through the response_url', async () => {
    const envelope_id = 'env-slash-0001';
    const ack = await socket.send(
      'slash_commands',
      {
        command: '/papers',
        text: 'search kv cache',
        user_id: 'U0001',
        channel_id: 'C0001',
        team_id: 'T0001',
        response_url: api.responseUrl(),
        trigger_id: 't1',
      },
      { envelope_id },
    );
    expect(ack.envelope_id).toBe(envelope_id);
    await api.waitFor(() => api.responses.length === 1);
    const r = api.responses[0]!.body as unknown as Msg & { response_type: string };
    expect(r.response_type).toBe('ephemeral');
    expect(limitViolations(r)).toEqual([]);
    expect(buttonsOf(r.blocks).some((b) => b.action_id === 'pb:share')).toBe(true);
  });

  it('events_api app_mention: acked, answered in a thread; a retried envelope is not answered twice', async () => {
    const payload = {
      type: 'event_callback',
      team_id: 'T0001',
      event_id: 'EvSOCKET01',
      event: { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> <!channel> stats', ts: '1700000900.000100', channel: 'C0001' },
    };
    const ack = await socket.send('events_api', payload, { envelope_id: 'env-mention-1' });
    expect(ack.envelope_id).toBe('env-mention-1');
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    const again = await socket.send('events_api', payload, { retry_attempt: 1, retry_reason: 'timeout', envelope_id: 'env-mention-2' });
    expect(again.envelope_id).toBe('env-mention-2');
    // A DM sent after the retry is answered, and every handler started so far has finished.
    await dm(socket, api, 'help');
    await handlers.idle();
    const calls = api.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0001');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.token).toBe(BOT_TOKEN);
    expect(calls[0]!.args.thread_ts).toBe('1700000900.000100');
    expect(pings(calls[0]!.args)).toEqual([]);
  });

  it('events_api message.im: answered in the DM', async () => {
    await socket.send('events_api', {
      type: 'event_callback',
      event_id: 'EvSOCKET02',
      event: { type: 'message', channel_type: 'im', user: 'U0001', text: 'topics', ts: '1700000901.000100', channel: 'D0001' },
    });
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    expect(api.callsTo('chat.postMessage')[0]!.args.channel).toBe('D0001');
  });

  it('interactive block_actions: acked, paging replaces the ephemeral message', async () => {
    const ack = await socket.send(
      'interactive',
      {
        type: 'block_actions',
        user: { id: 'U0001' },
        team: { id: 'T0001' },
        channel: { id: 'C0001' },
        container: { type: 'message', message_ts: '1700000902.000100', channel_id: 'C0001', is_ephemeral: true },
        response_url: api.responseUrl(),
        trigger_id: 't2',
        actions: [{ type: 'button', action_id: 'pb:page:next', value: 'search kv cache --page 2', block_id: 'b' }],
      },
      { envelope_id: 'env-button-1' },
    );
    expect(ack.envelope_id).toBe('env-button-1');
    await api.waitFor(() => api.responses.length === 1);
    const r = api.responses[0]!.body;
    expect(r.replace_original).toBe(true);
    expect(String(r.text)).toMatch(/page 2/i);
  });
});

describe('Slack Socket Mode: reconnecting', () => {
  /** A Socket Mode app that reconnects (the default), on its own fakes. */
  async function reconnecting(): Promise<{ fake: FakeSlackApi; server: FakeSocketMode; stop: () => Promise<void> }> {
    const fake = new FakeSlackApi();
    await fake.start();
    const server = new FakeSocketMode();
    await server.start();
    fake.socketUrl = server.url;
    const a = createSlackAdapter({
      config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl, port: 0 },
      paperboy: await testPaperboy(),
      logger: silentLogger(),
      retries: 0,
    });
    await a.start();
    await server.connected();
    return {
      fake,
      server,
      stop: async () => {
        await a.stop();
        await server.stop();
        await fake.stop();
        expect(fake.takeRejections()).toEqual([]);
      },
    };
  }

  // The Socket Mode client waits 5 s (its ping timeout) before it reconnects: these tests wait for it.
  it("Slack's disconnect message (warning, then refresh_requested): the app opens a new connection each time and answers on it", async () => {
    const { fake, server, stop } = await reconnecting();
    try {
      expect(String((await dm(server, fake, 'stats')).text)).toMatch(/papers/i);
      server.disconnect('warning');
      await server.connected(2);
      expect(fake.callsTo('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN, APP_TOKEN]);
      expect(String((await dm(server, fake, 'show snapkv')).text)).toMatch(/^SnapKV/);
      server.disconnect('refresh_requested');
      await server.connected(3);
      expect(fake.callsTo('apps.connections.open')).toHaveLength(3);
      expect(String((await dm(server, fake, 'help')).text)).toMatch(/Paperboy commands/);
    } finally {
      await stop();
    }
  }, 60_000);

  it('a connection dropped without a word: the app opens a new one and answers a command sent on it', async () => {
    const { fake, server, stop } = await reconnecting();
    try {
      server.drop();
      await server.connected(2);
      expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
      const ack = await server.send(
        'slash_commands',
        {
          command: '/papers',
          text: 'show snapkv',
          user_id: 'U0001',
          channel_id: 'C0001',
          team_id: 'T0001',
          response_url: fake.responseUrl(),
          trigger_id: 't9',
        },
        { envelope_id: 'env-after-drop' },
      );
      expect(ack.envelope_id).toBe('env-after-drop');
      await fake.waitFor(() => fake.responses.length === 1);
      expect(String(fake.responses[0]!.body.text)).toMatch(/^SnapKV/);
    } finally {
      await stop();
    }
  }, 60_000);
});

describe('Slack start-up errors', () => {
  /** start() against a fake Web API prepared by `setup`; the start-up error, or undefined when it started. */
  async function startFailure(setup: (fake: FakeSlackApi) => void): Promise<{ error: Error | undefined; port: number | undefined }> {
    const fake = new FakeSlackApi();
    await fake.start();
    setup(fake);
    const a = createSlackAdapter({
      config: { botToken: BOT_TOKEN, signingSecret: 'secret-secret', apiUrl: fake.apiUrl, port: 0 },
      paperboy: await testPaperboy(),
      logger: silentLogger(),
      retries: 0,
    });
    try {
      const error = await a.start().then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      return { error, port: a.port };
    } finally {
      await a.stop();
      await fake.stop();
    }
  }

  it('a rejected bot token fails start() with a message naming auth.test, the Slack error and the variable', async () => {
    const { error, port } = await startFailure((fake) => {
      fake.authError = 'invalid_auth';
    });
    expect(error?.message).toMatch(/auth\.test said "invalid_auth".*SLACK_BOT_TOKEN/);
    expect(port).toBeUndefined();
  });

  it('an unreachable Slack API fails start() as a network problem, not a token problem, and logs no stray warning', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    for (const appToken of [undefined, APP_TOKEN]) {
      const a = createSlackAdapter({
        config: { botToken: BOT_TOKEN, ...(appToken ? { appToken } : { signingSecret: 'secret-secret' }), apiUrl: 'http://127.0.0.1:9/api', port: 0 },
        paperboy: await testPaperboy(),
        logger: createLogger('info', sink),
        retries: 1,
        autoReconnect: false,
      });
      const failure = await a.start().then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(failure?.message).toMatch(/could not reach the Slack API at http:\/\/127\.0\.0\.1:9\/api\/ \(.+\) — a network problem, not a token problem/);
      expect(failure?.message).toMatch(/SLACK_API_URL/);
      expect(failure?.message).not.toMatch(/SLACK_BOT_TOKEN|SLACK_APP_TOKEN|said "/);
      // start() rejects after the client's last attempt, before any listener or socket exists: nothing runs on.
      await a.stop();
    }
    // The client's retries ("http request failed") are not warnings: start()'s error says it all.
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('an HTTP 5xx at start-up says Slack is having trouble, not that the token is wrong', async () => {
    const { error } = await startFailure((fake) => fake.failNext('auth.test', { kind: 'http', status: 503 }));
    expect(error?.message).toMatch(/auth\.test got http_503 from .* Slack is having trouble/);
    expect(error?.message).not.toMatch(/SLACK_BOT_TOKEN/);
  });

  it('a rejected app token fails start() naming apps.connections.open and SLACK_APP_TOKEN', async () => {
    const fake = new FakeSlackApi();
    await fake.start(); // socketUrl unset: apps.connections.open answers invalid_auth
    const a = createSlackAdapter({
      config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl, port: 0 },
      paperboy: await testPaperboy(),
      logger: silentLogger(),
      retries: 0,
      autoReconnect: false,
    });
    try {
      await expect(a.start()).rejects.toThrow(/apps\.connections\.open said "invalid_auth".*SLACK_APP_TOKEN/);
    } finally {
      await a.stop();
      await fake.stop();
    }
  });

  it('HTTP mode without a signing secret fails with a clear message', async () => {
    const a = createSlackAdapter({ config: { botToken: BOT_TOKEN, port: 0 }, paperboy: await testPaperboy(), logger: silentLogger() });
    await expect(a.start()).rejects.toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('stop() is idempotent and post() after stop says the adapter is not running', async () => {
    const fake = new FakeSlackApi();
    await fake.start();
    const a = createSlackAdapter({
      config: { botToken: BOT_TOKEN, signingSecret: 'secret-secret', apiUrl: fake.apiUrl, port: 0 },
      paperboy: await testPaperboy(),
      logger: silentLogger(),
    });
    await a.start();
    const port = a.port!;
    await a.stop();
    await a.stop();
    await expect(a.post({ channelId: 'C1' }, { tone: 'ok', summary: 's', blocks: [] })).rejects.toThrow(/not running/);
    await expect(fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).rejects.toThrow();
    await fake.stop();
  });
});
