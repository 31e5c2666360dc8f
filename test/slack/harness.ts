import { afterEach, expect, vi } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { InteractionHandler } from '../../adapters/slack/interaction-handler.ts';
import { MessageHandler } from '../../adapters/slack/message-handler.ts';
import { ReactionHandler } from '../../adapters/slack/reactions.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import type { Logger } from 'pino';
import { testPaperboy } from '../helpers/paperboy.ts';

export const SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = ['xoxb', 'test', '1234567890', 'abcdefghij'].join('-');
export const APP_TOKEN = ['xapp', '1', 'test', '1234567890', 'abcdef'].join('-');
export const FORM = 'application/x-www-form-urlencoded';
export const JSON_T = 'application/json';

/** A message as the fake received it (a response_url body, or the arguments of a chat.* call). */
export type Msg = { text: string; blocks: unknown[]; response_type?: string; replace_original?: boolean };

export interface HttpHarness {
  api: FakeSlackApi;
  adapter: SlackAdapter;
  base: string;
  stop(): Promise<void>;
}

/**
 * Fake Slack Web API + the real Bolt app in HTTP mode on an ephemeral port. `stop()` fails when the
 * fake refused a message as Slack would (see also `expectNoRejections`).
 */
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
      expect(api.takeRejections(), 'messages Slack would have refused').toEqual([]);
    },
  };
}

/**
 * After each test of the calling file: the fake Slack refused nothing (no reply over a Block Kit
 * limit, too long or empty, on any path: answers, notices, fallbacks). Call at the top level.
 */
export function expectNoRejections(api: () => FakeSlackApi | undefined): void {
  afterEach(() => {
    expect(api()?.takeRejections() ?? [], 'messages Slack would have refused').toEqual([]);
  });
}

export interface Sent {
  status: number;
  body: string;
}

/** POST a body to the app, signed unless `headers` overrides it. */
export async function post(
  base: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  headers?: Record<string, string>,
  path = '/slack/events',
): Promise<Sent> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: headers ?? signedHeaders(SECRET, body, contentType),
    body,
  });
  return { status: res.status, body: await res.text() };
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

/** The id the fake records response_url posts under (`FakeSlackApi.responses[].id`). */
export const responseId = (responseUrl: string): string => responseUrl.slice(responseUrl.lastIndexOf('/') + 1);

/**
 * `/papers <text>` (as U0001 in C0001 unless `extra` says otherwise), signed and acknowledged with
 * 200; resolves with the answer posted to its own response_url.
 */
export async function slash(h: { api: FakeSlackApi; base: string }, text: string, extra: Record<string, string> = {}): Promise<Msg> {
  const { body, responseUrl } = slashBody(h.api, text, extra);
  const res = await post(h.base, body, FORM);
  expect(res.status).toBe(200);
  const id = responseId(responseUrl);
  await h.api.waitFor(() => h.api.responses.some((r) => r.id === id));
  return h.api.responses.find((r) => r.id === id)!.body as unknown as Msg;
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

/**
 * The adapter's request handlers (slash command, button, mention, DM, reaction), watched: how many
 * have started, and a way to wait until every one started so far has finished. "Nothing more
 * arrives" is then a fact, not a guess after a sleep: a handler that has returned sends nothing more.
 * Watches the handler classes of every adapter in the test file (spies on their prototypes).
 */
export interface HandlerActivity {
  readonly started: number;
  /** Wait until at least `atLeast` handler calls have started, then until all started have finished. */
  idle(atLeast?: number): Promise<void>;
}

let activity: HandlerActivity | undefined;

export function handlerActivity(): HandlerActivity {
  if (activity) return activity;
  const spies = [
    vi.spyOn(InteractionHandler.prototype, 'slashCommand'),
    vi.spyOn(InteractionHandler.prototype, 'button'),
    vi.spyOn(MessageHandler.prototype, 'mention'),
    vi.spyOn(MessageHandler.prototype, 'directMessage'),
    vi.spyOn(ReactionHandler.prototype, 'handle'),
  ];
  const runs = (): Promise<void>[] => spies.flatMap((s) => s.mock.results.map((r) => r.value as Promise<void>));
  const started = (): number => spies.reduce((n, s) => n + s.mock.calls.length, 0);
  activity = {
    get started() {
      return started();
    },
    async idle(atLeast = 0) {
      await vi.waitFor(
        () => {
          if (started() < atLeast) throw new Error(`${started()} of ${atLeast} Slack handler calls started`);
        },
        { timeout: 10_000, interval: 5 },
      );
      for (let seen = -1; seen !== started();) {
        seen = started();
        await Promise.allSettled(runs());
      }
    },
  };
  return activity;
}

/** A gate the test opens: work that awaits `closed` waits until `open()`. */
export interface Latch {
  readonly closed: Promise<void>;
  readonly isOpen: boolean;
  open(): void;
}

export function latch(): Latch {
  let release = (): void => {};
  let isOpen = false;
  const closed = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    closed,
    get isOpen() {
      return isOpen;
    },
    open() {
      isOpen = true;
      release();
    },
  };
}

/**
 * Hold every `paperboy.run` on `gate` (the command's work: it starts, then waits for the test),
 * counting the calls that have started. `restore()` puts `run` back.
 */
export function holdWork(paperboy: Paperboy, gate: Latch): { readonly started: number; restore(): void } {
  const run = paperboy.run.bind(paperboy);
  let started = 0;
  const spy = vi.spyOn(paperboy, 'run').mockImplementation(async (text: string, ctx: RequestContext): Promise<Reply> => {
    started += 1;
    await gate.closed;
    return run(text, ctx);
  });
  return {
    get started() {
      return started;
    },
    restore: () => spy.mockRestore(),
  };
}
