/**
 * Slack wants every slash command and button click acknowledged within 3 s, however long the work
 * takes (else the user sees "dispatch_failed"). Here the work is held on a latch the test opens:
 * the acknowledgement (HTTP 200, or the Socket Mode envelope ack) must arrive while the work is
 * still waiting, and the answer after it is released, through the response_url. With `await ack()`
 * after the work in adapters/slack/listeners.ts, no ack arrives while the latch is closed and these
 * tests fail.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { FakeSocketMode } from '../fakes/slack/socket-mode.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import {
  APP_TOKEN,
  BOT_TOKEN,
  FORM,
  actionBody,
  expectNoRejections,
  handlerActivity,
  holdWork,
  latch,
  post,
  responseId,
  slashBody,
  startHttp,
  type HttpHarness,
  type Latch,
} from './harness.ts';

const handlers = handlerActivity();
let paperboy: Paperboy;
let h: HttpHarness;
let api: FakeSlackApi;
let socket: FakeSocketMode;
let socketAdapter: SlackAdapter;

beforeAll(async () => {
  paperboy = await newTestPaperboy();
  h = await startHttp({ paperboy });
  api = new FakeSlackApi();
  await api.start();
  socket = new FakeSocketMode();
  await socket.start();
  api.socketUrl = socket.url;
  socketAdapter = createSlackAdapter({
    config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: api.apiUrl, port: 0 },
    paperboy,
    logger: silentLogger(),
    retries: 0,
    autoReconnect: false,
  });
  await socketAdapter.start();
  await socket.connected();
});
afterAll(async () => {
  await socketAdapter.stop();
  await socket.stop();
  await api.stop();
  await h.stop();
});
beforeEach(() => {
  api.reset();
  h.api.reset();
});
expectNoRejections(() => api);
expectNoRejections(() => h.api);

let gate: Latch;
let work: ReturnType<typeof holdWork>;
/** Hold Paperboy's work until the test opens the gate. */
function hold(): void {
  gate = latch();
  work = holdWork(paperboy, gate);
}
afterEach(async () => {
  gate.open();
  // Whatever the test left running finishes here, not in the next test.
  await handlers.idle();
  work.restore();
});

/** The ack arrived with the work started and still held: nothing answered yet. */
async function heldWhenAcked(fake: FakeSlackApi): Promise<void> {
  expect(gate.isOpen).toBe(false);
  await vi.waitFor(() => expect(work.started).toBe(1), { timeout: 10_000 });
  expect(fake.responses).toEqual([]);
  expect(fake.deliveries).toBe(0);
}

/** Release the work; resolves with the answer posted to `responseUrl`. */
async function release(fake: FakeSlackApi, responseUrl: string): Promise<Record<string, unknown>> {
  gate.open();
  const id = responseId(responseUrl);
  await fake.waitFor(() => fake.responses.some((r) => r.id === id));
  return fake.responses.find((r) => r.id === id)!.body;
}

describe('a slow command is acknowledged before its work finishes', () => {
  it('HTTP /papers: 200 while the work is held, the answer through the response_url once it is released', async () => {
    hold();
    const { body, responseUrl } = slashBody(h.api, 'show snapkv');
    const res = await post(h.base, body, FORM);
    expect(res.status).toBe(200);
    await heldWhenAcked(h.api);
    const answer = await release(h.api, responseUrl);
    expect(answer).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^SnapKV/) });
  });

  it('HTTP button (Next on an ephemeral list): 200 while the work is held, the page replaced once it is released', async () => {
    hold();
    const { body, responseUrl } = actionBody(h.api, { action_id: 'pb:page:next', value: 'search kv cache --page 2' }, { ephemeral: true });
    const res = await post(h.base, body, FORM);
    expect(res.status).toBe(200);
    await heldWhenAcked(h.api);
    const answer = await release(h.api, responseUrl);
    expect(answer).toMatchObject({ replace_original: true, text: expect.stringMatching(/page 2 of/i) });
  });

  it('Socket Mode /papers: the envelope is acked while the work is held, the answer through the response_url once it is released', async () => {
    hold();
    const responseUrl = api.responseUrl();
    const ack = await socket.send(
      'slash_commands',
      { command: '/papers', text: 'show snapkv', user_id: 'U0001', channel_id: 'C0001', team_id: 'T0001', response_url: responseUrl, trigger_id: 't1' },
      { envelope_id: 'env-slow-slash' },
    );
    expect(ack.envelope_id).toBe('env-slow-slash');
    await heldWhenAcked(api);
    const answer = await release(api, responseUrl);
    expect(answer).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^SnapKV/) });
  });

  it('Socket Mode button: the envelope is acked while the work is held, the page replaced once it is released', async () => {
    hold();
    const responseUrl = api.responseUrl();
    const ack = await socket.send(
      'interactive',
      {
        type: 'block_actions',
        user: { id: 'U0001' },
        team: { id: 'T0001' },
        channel: { id: 'C0001' },
        container: { type: 'message', message_ts: '1700000902.000100', channel_id: 'C0001', is_ephemeral: true },
        response_url: responseUrl,
        trigger_id: 't2',
        actions: [{ type: 'button', action_id: 'pb:page:next', value: 'search kv cache --page 2', block_id: 'b' }],
      },
      { envelope_id: 'env-slow-button' },
    );
    expect(ack.envelope_id).toBe('env-slow-button');
    await heldWhenAcked(api);
    const answer = await release(api, responseUrl);
    expect(answer).toMatchObject({ replace_original: true, text: expect.stringMatching(/page 2 of/i) });
  });
});
