import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedHeaders, slackSignature } from '../fakes/slack/sign.ts';
import {
  BOT_TOKEN,
  FORM,
  JSON_T,
  SECRET,
  actionBody,
  buttonsOf,
  eventBody,
  expectNoRejections,
  handlerActivity,
  post,
  responseId,
  slash,
  slashBody,
  startHttp,
  type HttpHarness,
  type Msg,
} from './harness.ts';
import { limitViolations, pings } from './check-limits.ts';

const handlers = handlerActivity();
let h: HttpHarness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await startHttp();
});
afterAll(async () => {
  await h.stop();
  process.off('unhandledRejection', onUnhandled);
  // No handler, failed delivery or hostile input above left a promise rejection unhandled.
  expect(unhandled).toEqual([]);
});
beforeEach(() => {
  h.api.reset();
});
expectNoRejections(() => h.api);

/**
 * Proof that the requests sent so far produce nothing more: `/papers help` sent after them is
 * answered, and every handler started so far has finished. Resolves with that answer's id.
 */
async function sentinel(): Promise<string> {
  const { body, responseUrl } = slashBody(h.api, 'help');
  expect((await post(h.base, body, FORM)).status).toBe(200);
  const id = responseId(responseUrl);
  await h.api.waitFor(() => h.api.responses.some((r) => r.id === id));
  await handlers.idle();
  return id;
}

describe('Slack HTTP mode: start-up', () => {
  it('checks the bot token with auth.test against SLACK_API_URL (normalised with a trailing /)', async () => {
    const h2 = await startHttp();
    try {
      const auth = h2.api.callsTo('auth.test');
      // The adapter's own check, then Bolt's: both with the bot token.
      expect(auth.map((c) => c.token)).toEqual([BOT_TOKEN, BOT_TOKEN]);
      expect(h2.adapter.botUserId).toBe('UBOT0001');
      expect(h2.adapter.port).toBeGreaterThan(0);
    } finally {
      await h2.stop();
    }
  });

  it('answers the url_verification challenge', async () => {
    const body = JSON.stringify({ token: 't', challenge: 'c-123-abc', type: 'url_verification' });
    const res = await post(h.base, body, JSON_T);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: 'c-123-abc' });
  });
});

describe('Slack HTTP mode: /papers', () => {
  it('acks with 200, then responds once, ephemerally, through the response_url with a valid, shareable reply', async () => {
    const { body, responseUrl } = slashBody(h.api, 'search kv cache');
    const res = await post(h.base, body, FORM);
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.responses.length === 1);
    await handlers.idle();
    const r = h.api.responses[0]!;
    expect(responseUrl.endsWith(r.id)).toBe(true);
    expect(r.body.response_type).toBe('ephemeral');
    const msg = r.body as unknown as Msg;
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.text).toMatch(/kv cache/);
    const buttons = buttonsOf(msg.blocks);
    expect(buttons.find((b) => b.action_id === 'pb:share')?.value).toBe('search kv cache');
    expect(buttons.find((b) => b.action_id === 'pb:page:next')?.value).toBe('search kv cache --page 2');
    expect(buttons.some((b) => b.text === 'Abstract' && b.value.startsWith('show '))).toBe(true);
    expect(buttons.some((b) => b.text === 'Similar' && b.value.startsWith('similar '))).toBe(true);
    // The matched words are bold.
    expect(JSON.stringify(msg.blocks)).toMatch(/\*(KV|kv|cache)/);
    expect(h.api.deliveries).toBe(1);
  });

  it('bare /papers shows help', async () => {
    const msg = await slash(h, '');
    expect(msg.text).toMatch(/Paperboy commands/);
    expect(limitViolations(msg)).toEqual([]);
  });

  it('in a DM the reply has no "Post to channel" button', async () => {
    const msg = await slash(h, 'search kv cache', { channel_id: 'D0001' });
    expect(buttonsOf(msg.blocks).some((b) => b.action_id === 'pb:share')).toBe(false);
  });

  it.each([
    ['<!channel> kv cache', 'a channel ping'],
    ['<!here|here> <@U123|bob> <!subteam^S1|team>', 'mentions and a group ping'],
    ['<@U123> & <#C123|general>', 'a user and a channel'],
  ])('hostile text %s (%s): one valid reply that pings nobody', async (text) => {
    const msg = await slash(h, text);
    await handlers.idle();
    expect(limitViolations(msg)).toEqual([]);
    expect(pings(msg)).toEqual([]);
    expect(msg.text.length).toBeGreaterThan(0);
    expect(h.api.deliveries).toBe(1);
  });

  it('literal <!channel> typed as entities is echoed escaped', async () => {
    // Slack sends what the user typed with & < > escaped.
    const msg = await slash(h, 'xqzzy &lt;!channel&gt; &amp;');
    expect(pings(msg)).toEqual([]);
    expect(JSON.stringify(msg)).toContain('&lt;!channel&gt;');
  });

  it('5,000 characters, control characters, emoji and RTL text: one valid reply', async () => {
    for (const text of ['kv '.repeat(1700), 'kv\u0000\u0007\u001b[31m cache\u202e\u2066', '🧪📄 模型 キャッシュ مرحبا بالعالم שלום ‏kv‎']) {
      h.api.reset();
      const msg = await slash(h, text);
      await handlers.idle();
      expect(limitViolations(msg)).toEqual([]);
      expect(pings(msg)).toEqual([]);
      // No control or bidi-override characters reach Slack.
      expect(JSON.stringify(msg)).not.toMatch(/\\u00(0[0-8]|1[0-9a-f])|\u202e|\u2066/i);
      expect(h.api.deliveries).toBe(1);
    }
  });

  it('an expired response_url (404 for the answer and for the failure notice) is not retried, and the app keeps answering', async () => {
    h.api.failNext('response_url', { kind: 'http', status: 404 });
    h.api.failNext('response_url', { kind: 'http', status: 404 });
    const started = handlers.started;
    const { body } = slashBody(h.api, 'search kv cache');
    const res = await post(h.base, body, FORM);
    expect(res.status).toBe(200);
    await handlers.idle(started + 1);
    expect(h.api.responses).toHaveLength(0);
    expect((await slash(h, 'stats')).text).toMatch(/papers/i);
    expect(h.api.responses).toHaveLength(1);
  });
});

describe('Slack HTTP mode: request verification', () => {
  const body = () => slashBody(h.api, 'search kv cache').body;

  /** Nothing but the sentinel's answer arrives, and no handler ran for the refused requests. */
  async function onlySentinelAnswered(startedBefore: number): Promise<void> {
    const id = await sentinel();
    expect(h.api.responses.map((r) => r.id)).toEqual([id]);
    expect(h.api.deliveries).toBe(1);
    expect(handlers.started).toBe(startedBefore + 1);
  }

  it('wrong signature -> 401 and no reply', async () => {
    const started = handlers.started;
    const b = body();
    const headers = signedHeaders('not-the-secret', b, FORM);
    const res = await post(h.base, b, FORM, headers);
    expect(res.status).toBe(401);
    await onlySentinelAnswered(started);
  });

  it('missing signature headers -> 401 and no reply', async () => {
    const started = handlers.started;
    const b = body();
    const res = await post(h.base, b, FORM, { 'content-type': FORM });
    expect(res.status).toBe(401);
    const onlyTs = await post(h.base, b, FORM, { 'content-type': FORM, 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) });
    expect(onlyTs.status).toBe(401);
    await onlySentinelAnswered(started);
  });

  it('timestamp older than 5 minutes -> 401 (replay), even with a valid signature', async () => {
    const started = handlers.started;
    const b = body();
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await post(h.base, b, FORM, signedHeaders(SECRET, b, FORM, old));
    expect(res.status).toBe(401);
    await onlySentinelAnswered(started);
  });

  it('a signature over a different body -> 401 and no reply', async () => {
    const started = handlers.started;
    const b = body();
    const ts = Math.floor(Date.now() / 1000);
    const res = await post(h.base, b + '&text=extra', FORM, {
      'content-type': FORM,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SECRET, ts, b),
    });
    expect(res.status).toBe(401);
    await onlySentinelAnswered(started);
  });

  it('malformed (but signed) body -> 400 and no reply', async () => {
    const started = handlers.started;
    for (const [b, type] of [
      ['{"type": "event_callback", ', JSON_T],
      ['payload=%7Bnot-json', FORM],
    ] as const) {
      const res = await post(h.base, b, type);
      expect(res.status).toBe(400);
    }
    await onlySentinelAnswered(started);
  });
});

describe('Slack HTTP mode: mentions and DMs', () => {
  it('@Paperboy <command> answers in a thread under the mention, bot mention stripped', async () => {
    const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> search kv cache', ts: '1700000100.000100', channel: 'C0001', team: 'T0001' };
    const res = await post(h.base, eventBody(ev), JSON_T);
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.token).toBe(BOT_TOKEN);
    expect(call.args.channel).toBe('C0001');
    expect(call.args.thread_ts).toBe('1700000100.000100');
    expect(call.args.text).toMatch(/kv cache/);
    const msg = call.args as unknown as Msg;
    expect(limitViolations(msg)).toEqual([]);
    expect(buttonsOf(msg.blocks).some((b) => b.action_id === 'pb:share')).toBe(false);
  });

  it('a mention inside a thread answers in that thread; a bare mention shows help', async () => {
    const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001>', ts: '1700000200.000100', thread_ts: '1700000150.000100', channel: 'C0001' };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.args.thread_ts).toBe('1700000150.000100');
    expect(call.args.text).toMatch(/Paperboy commands/);
  });

  it('a retried delivery of the same event (X-Slack-Retry-Num: 1) produces exactly one answer', async () => {
    const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> stats', ts: '1700000300.000100', channel: 'C0001' };
    const body = eventBody(ev, 'EvRETRY0001');
    const first = await post(h.base, body, JSON_T);
    const headers = { ...signedHeaders(SECRET, body, JSON_T), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };
    const retry = await post(h.base, body, JSON_T, headers);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    await sentinel();
    expect(h.api.callsTo('chat.postMessage').map((c) => c.args.thread_ts)).toEqual(['1700000300.000100']);
  });

  it('a DM to the bot is answered in the DM', async () => {
    const ev = { type: 'message', channel_type: 'im', user: 'U0001', text: 'show snapkv', ts: '1700000400.000100', channel: 'D0001' };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.args.channel).toBe('D0001');
    expect(call.args.thread_ts).toBeUndefined();
    expect(String(call.args.text)).toMatch(/SnapKV/);
    expect(limitViolations(call.args as unknown as Msg)).toEqual([]);
  });

  it('ignores bot messages, edits/joins, its own messages and channel messages: a later request is answered, these never', async () => {
    const base = { type: 'message', channel_type: 'im', text: 'stats', channel: 'D0001' };
    const events = [
      { ...base, user: 'U0001', subtype: 'message_changed', ts: '1.1' },
      { ...base, user: 'U0001', subtype: 'channel_join', ts: '1.2' },
      { ...base, bot_id: 'B999', user: 'U0999', ts: '1.3' },
      { ...base, subtype: 'bot_message', bot_id: 'B999', ts: '1.4' },
      { ...base, user: 'UBOT0001', ts: '1.5' },
      { ...base, channel_type: 'channel', channel: 'C0001', user: 'U0001', ts: '1.6' },
    ];
    for (const ev of events) expect((await post(h.base, eventBody(ev), JSON_T)).status).toBe(200);
    const id = await sentinel();
    expect(h.api.responses.map((r) => r.id)).toEqual([id]);
    expect(h.api.deliveries).toBe(1);
  });

  it('a refused answer and notice (not_in_channel) do not stop the app: the next mention is answered', async () => {
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'not_in_channel' });
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'not_in_channel' });
    const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> stats', ts: '1700000500.000100', channel: 'C0009' };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 2);
    const ok = { ...ev, ts: '1700000501.000100', channel: 'C0001' };
    await post(h.base, eventBody(ok), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 3);
    expect(h.api.callsTo('chat.postMessage').map((c) => [c.args.channel, c.outcome])).toEqual([
      ['C0009', 'not_in_channel'],
      ['C0009', 'not_in_channel'],
      ['C0001', 'ok'],
    ]);
  });
});

describe('Slack HTTP mode: rate limits', () => {
  it('with retries off, a 429 on the answer and on its notice is given up, and the next mention is answered', async () => {
    h.api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfter: 0 });
    h.api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfter: 0 });
    const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> stats', ts: '1700000800.000100', channel: 'C0001' };
    const res = await post(h.base, eventBody(ev), JSON_T);
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 2);
    await post(h.base, eventBody({ ...ev, ts: '1700000801.000100' }), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 3);
    expect(h.api.callsTo('chat.postMessage').map((c) => c.outcome)).toEqual(['http_429', 'http_429', 'ok']);
  });

  it('with retries on, the Web API client waits out a 429 (Retry-After: 1) and the answer still arrives', async () => {
    const h2 = await startHttp({ retries: 2 });
    try {
      h2.api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfter: 1 });
      const ev = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> show snapkv', ts: '1700000850.000100', channel: 'C0001' };
      expect((await post(h2.base, eventBody(ev), JSON_T)).status).toBe(200);
      await h2.api.waitFor(() => h2.api.callsTo('chat.postMessage').some((c) => c.outcome === 'ok'));
      const calls = h2.api.callsTo('chat.postMessage');
      expect(calls.map((c) => c.outcome)).toEqual(['http_429', 'ok']);
      // The same answer, sent again.
      expect(calls[1]!.args).toEqual(calls[0]!.args);
      expect(String(calls[1]!.args.text)).toMatch(/^SnapKV/);
    } finally {
      await h2.stop();
    }
  });
});

describe('Slack HTTP mode: buttons', () => {
  async function ephemeralSearch(text: string): Promise<Msg> {
    const msg = await slash(h, text);
    h.api.reset();
    return msg;
  }

  it('Next on an ephemeral reply replaces it in place through the response_url', async () => {
    const first = await ephemeralSearch('search kv cache');
    const next = buttonsOf(first.blocks).find((b) => b.action_id === 'pb:page:next')!;
    const { body } = actionBody(h.api, next, { ephemeral: true });
    const res = await post(h.base, body, FORM);
    expect(res.status).toBe(200);
    await h.api.waitFor(() => h.api.responses.length === 1);
    const r = h.api.responses[0]!.body;
    expect(r.replace_original).toBe(true);
    expect(String(r.text)).toMatch(/page 2 of/i);
    expect(limitViolations(r as unknown as Msg)).toEqual([]);
    const prev = buttonsOf((r as unknown as Msg).blocks).find((b) => b.action_id === 'pb:page:prev');
    expect(prev?.value).toMatch(/^search kv cache( --page 1)?$/);
  });

  it('Next on a shared message updates it with chat.update, keeping "Shared by" from the button itself', async () => {
    const first = await ephemeralSearch('search kv cache');
    const share = buttonsOf(first.blocks).find((b) => b.action_id === 'pb:share')!;
    await post(h.base, actionBody(h.api, share, { ephemeral: true }).body, FORM);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const posted = h.api.callsTo('chat.postMessage')[0]!.args as unknown as Msg;
    const next = buttonsOf(posted.blocks).find((b) => b.action_id.startsWith('pb:page:next'))!;
    expect(next.action_id).toBe('pb:page:next.by-U0002');
    // The message's blocks are not read: the button says who shared it.
    await post(h.base, actionBody(h.api, next, { ephemeral: false, messageTs: '1700000700.000100', blocks: [] }).body, FORM);
    await h.api.waitFor(() => h.api.callsTo('chat.update').length === 1);
    const update = h.api.callsTo('chat.update')[0]!.args as unknown as Msg;
    expect(JSON.stringify(update.blocks)).toContain('Shared by <@U0002>');
    expect(buttonsOf(update.blocks).some((b) => b.action_id === 'pb:page:next.by-U0002')).toBe(true);
    expect(limitViolations(update)).toEqual([]);
  });

  it('Next on a channel message posted by an earlier version updates it with chat.update (keeping "Shared by")', async () => {
    const first = await ephemeralSearch('search kv cache');
    const next = buttonsOf(first.blocks).find((b) => b.action_id === 'pb:page:next')!;
    const shared = [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U0001>' }] }];
    const { body } = actionBody(h.api, next, { ephemeral: false, messageTs: '1700000600.000100', blocks: shared });
    await post(h.base, body, FORM);
    await h.api.waitFor(() => h.api.callsTo('chat.update').length === 1);
    const call = h.api.callsTo('chat.update')[0]!;
    expect(call.args.ts).toBe('1700000600.000100');
    expect(call.args.channel).toBe('C0001');
    expect(JSON.stringify(call.args.blocks)).toContain('Shared by <@U0001>');
    expect(limitViolations(call.args as unknown as Msg)).toEqual([]);
    expect(h.api.responses).toHaveLength(0);
  });

  it('Abstract on an ephemeral reply answers with a new ephemeral message', async () => {
    const first = await ephemeralSearch('search kv cache');
    const abstract = buttonsOf(first.blocks).find((b) => b.text === 'Abstract')!;
    const { body } = actionBody(h.api, abstract, { ephemeral: true });
    await post(h.base, body, FORM);
    await h.api.waitFor(() => h.api.responses.length === 1);
    const r = h.api.responses[0]!.body;
    expect(r.replace_original).toBe(false);
    expect(r.response_type).toBe('ephemeral');
    expect(limitViolations(r as unknown as Msg)).toEqual([]);
    expect(JSON.stringify(r.blocks)).toMatch(/"type":"section"/);
  });

  it('Similar on a thread message answers in the thread', async () => {
    const first = await ephemeralSearch('search kv cache');
    const similar = buttonsOf(first.blocks).find((b) => b.text === 'Similar')!;
    const { body } = actionBody(h.api, similar, { ephemeral: false, messageTs: '1700000700.000200', threadTs: '1700000700.000100' });
    await post(h.base, body, FORM);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.args.thread_ts).toBe('1700000700.000100');
    expect(limitViolations(call.args as unknown as Msg)).toEqual([]);
  });

  it('Post to channel re-runs the command and posts it for everyone, without a share button', async () => {
    const first = await ephemeralSearch('search kv cache');
    const share = buttonsOf(first.blocks).find((b) => b.action_id === 'pb:share')!;
    const { body } = actionBody(h.api, share, { ephemeral: true });
    await post(h.base, body, FORM);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.args.channel).toBe('C0001');
    expect(call.args.thread_ts).toBeUndefined();
    const msg = call.args as unknown as Msg;
    expect(msg.text).toBe(first.text);
    expect(JSON.stringify(msg.blocks)).toContain('Shared by <@U0002>');
    expect(buttonsOf(msg.blocks).some((b) => b.action_id === 'pb:share')).toBe(false);
    expect(buttonsOf(msg.blocks).some((b) => b.action_id === 'pb:page:next.by-U0002')).toBe(true);
    expect(pings(msg, 'U0002')).toEqual([]);
    expect(limitViolations(msg)).toEqual([]);
  });

  it('Post to channel where the bot is not a member falls back to the response_url (in_channel)', async () => {
    const first = await ephemeralSearch('stats');
    const share = buttonsOf(first.blocks).find((b) => b.action_id === 'pb:share')!;
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'not_in_channel' });
    const { body } = actionBody(h.api, share, { ephemeral: true });
    await post(h.base, body, FORM);
    await h.api.waitFor(() => h.api.responses.length === 1);
    expect(h.api.responses[0]!.body.response_type).toBe('in_channel');
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a button payload with a foreign action_id or no value is acknowledged with 200 and answered with nothing', async () => {
    for (const btn of [
      { action_id: 'somebody-else', value: 'stats' },
      { action_id: 'pb:run:1', value: '' },
    ]) {
      const { body } = actionBody(h.api, btn, { ephemeral: true });
      const res = await post(h.base, body, FORM);
      expect(res.status).toBe(200);
    }
    const id = await sentinel();
    expect(h.api.responses.map((r) => r.id)).toEqual([id]);
    expect(h.api.deliveries).toBe(1);
  });
});

describe('Slack adapter: post() for scheduled messages', () => {
  it('posts a rendered reply that pings nobody, and rejects with the Slack reason when refused', async () => {
    const reply = {
      tone: 'ok' as const,
      summary: 'Digest <!channel>',
      blocks: [{ kind: 'paragraph' as const, text: [{ kind: 'text' as const, text: 'hi <!here>' }] }],
    };
    await h.adapter.post({ channelId: 'C0042' }, reply);
    const call = h.api.callsTo('chat.postMessage')[0]!;
    expect(call.args.channel).toBe('C0042');
    expect(pings(call.args)).toEqual([]);
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'channel_not_found' });
    await expect(h.adapter.post({ channelId: 'C0043' }, reply)).rejects.toThrow(/channel_not_found/);
  });
});
