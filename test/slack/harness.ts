import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import type { Logger } from 'pino';
import { testPaperboy } from '../helpers/paperboy.ts';

export const SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = ['xoxb', 'test', '1234567890', 'abcdefghij'].join('-');
export const APP_TOKEN = ['xapp', '1', 'test', '1234567890', 'abcdef'].join('-');

export interface HttpHarness {
  api: FakeSlackApi;
  adapter: SlackAdapter;
  base: string;
  stop(): Promise<void>;
}

/** Fake Slack Web API + the real Bolt app in HTTP mode on an ephemeral port. */
export async function startHttp(opts: { logger?: Logger; paperboy?: Paperboy; retries?: number } = {}): Promise<HttpHarness> {
  const api = new FakeSlackApi();
  await api.start();
  const adapter = createSlackAdapter({
    config: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: api.apiUrl.replace(/\/$/, ''), port: 0 },
    paperboy: opts.paperboy ?? (await testPaperboy()),
    logger: opts.logger ?? silentLogger(),
    retries: opts.retries ?? 0,
  });
  await adapter.start();
  return {
    api,
    adapter,
    base: `http://127.0.0.1:${adapter.port}`,
    async stop() {
      await adapter.stop();
      await api.stop();
    },
  };
}

export interface Sent {
  status: number;
  body: string;
  ms: number;
}

/** POST a body to the app, signed unless `headers` overrides it. */
export async function post(
  base: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  headers?: Record<string, string>,
  path = '/slack/events',
): Promise<Sent> {
  const t0 = performance.now();
  const res = await fetch(base + path, {
    method: 'POST',
    headers: headers ?? signedHeaders(SECRET, body, contentType),
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text, ms: performance.now() - t0 };
}

let seq = 0;
export function nextId(prefix: string): string {
  seq += 1;
  return `${prefix}${String(seq).padStart(6, '0')}`;
}

/** Form body of a `/papers` slash command. */
export function slashBody(api: FakeSlackApi, text: string, extra: Record<string, string> = {}): { body: string; responseUrl: string } {
  const responseUrl = api.responseUrl();
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'fake',
    channel_id: 'C0001',
    channel_name: 'papers',
    user_id: 'U0001',
    user_name: 'ann',
    command: '/papers',
    text,
    api_app_id: 'A0001',
    response_url: responseUrl,
    trigger_id: nextId('trig'),
    ...extra,
  }).toString();
  return { body, responseUrl };
}

/** JSON body of an Events API callback. */
export function eventBody(event: Record<string, unknown>, eventId = nextId('Ev')): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0001', user_id: 'UBOT0001', is_bot: true }],
    event,
  });
}

export interface ButtonSpec {
  action_id: string;
  value: string;
}

/** Form body of a `block_actions` interaction. */
export function actionBody(
  api: FakeSlackApi,
  button: ButtonSpec,
  where: { ephemeral: boolean; channel?: string; messageTs?: string; threadTs?: string; blocks?: unknown[] },
): { body: string; responseUrl: string; payload: Record<string, unknown> } {
  const responseUrl = api.responseUrl();
  const channel = where.channel ?? 'C0001';
  const messageTs = where.messageTs ?? '1700000001.000100';
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: 'U0002', username: 'bob', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channel,
      is_ephemeral: where.ephemeral,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    },
    trigger_id: nextId('trig'),
    team: { id: 'T0001', domain: 'fake' },
    channel: { id: channel, name: 'papers' },
    response_url: responseUrl,
    actions: [
      { type: 'button', block_id: 'b1', action_id: button.action_id, value: button.value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000002.1' },
    ],
  };
  if (!where.ephemeral)
    payload.message = { type: 'message', ts: messageTs, ...(where.threadTs ? { thread_ts: where.threadTs } : {}), blocks: where.blocks ?? [] };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), responseUrl, payload };
}

/** All buttons in a list of blocks. */
export function buttonsOf(blocks: unknown): { action_id: string; value: string; text: string }[] {
  const out: { action_id: string; value: string; text: string }[] = [];
  for (const b of (blocks as { type: string; elements?: { type: string; action_id: string; value: string; text: { text: string } }[] }[]) ?? []) {
    if (b.type !== 'actions') continue;
    for (const el of b.elements ?? []) if (el.type === 'button') out.push({ action_id: el.action_id, value: el.value, text: el.text.text });
  }
  return out;
}
