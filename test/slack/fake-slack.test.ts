/**
 * The fake Slack Web API refuses what Slack refuses, the way Slack answers, as seen by the real Web
 * API client (the one Bolt uses) and by a plain POST to a response_url; and it rate-limits with a
 * `Retry-After` header the client honours. What the end-to-end tests' "Slack refused nothing"
 * guarantee rests on.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { SLACK_DOCUMENTED_LIMITS as DOC, slackRefusal } from '../fakes/slack/block-kit.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { BOT_TOKEN } from './harness.ts';

let api: FakeSlackApi;
beforeAll(async () => {
  api = new FakeSlackApi();
  await api.start();
});
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.takeRejections();
});

const client = (opts: { retries?: number; rejectRateLimitedCalls?: boolean } = {}) =>
  new webApi.WebClient(BOT_TOKEN, {
    slackApiUrl: api.apiUrl,
    retryConfig: { retries: opts.retries ?? 0, minTimeout: 10, maxTimeout: 10 },
    rejectRateLimitedCalls: opts.rejectRateLimitedCalls ?? false,
  });

type Block = Record<string, unknown>;
const x = (n: number) => 'x'.repeat(n);
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (text: string, extra: Record<string, unknown> = {}): Block => ({
  type: 'button',
  action_id: 'a',
  text: { type: 'plain_text', text },
  value: 'v',
  ...extra,
});
const buttons = (n: number): Block[] => Array.from({ length: n }, (_, i) => button('ok', { action_id: `a${i}` }));
const mrkdwn = (n: number): Block[] => Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'x' }));

/** The Slack error `chat.postMessage` answers the real client with (undefined when posted). */
async function postError(args: { text?: string; blocks?: Block[] }): Promise<{ error: string; errors?: string[] } | undefined> {
  try {
    await client().chat.postMessage({ channel: 'C0001', ...args } as Parameters<webApi.WebClient['chat']['postMessage']>[0]);
    return undefined;
  } catch (err) {
    const e = err as { code?: string; data?: { error: string; errors?: string[]; response_metadata?: { messages?: string[] } } };
    expect(e.code).toBe(webApi.ErrorCode.PlatformError);
    if (e.data?.errors) expect(e.data.response_metadata?.messages).toEqual(e.data.errors.map((m) => `[ERROR] ${m}`));
    return { error: e.data!.error, ...(e.data!.errors ? { errors: e.data!.errors } : {}) };
  }
}

describe('the fake Web API refuses what Slack refuses', () => {
  it.each<[string, Block[], string]>([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'no more than 50 items allowed [json-pointer:/blocks]'],
    ['section text of 3,001', [section(x(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['an empty section text', [section('')], 'must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    ['a section with neither text nor fields', [{ type: 'section' }], 'must provide text or fields [json-pointer:/blocks/0]'],
    ['11 fields', [{ type: 'section', fields: mrkdwn(11) }], 'no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
    [
      'a field of 2,001',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: x(2001) }] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      'header text of 151',
      [{ type: 'header', text: { type: 'plain_text', text: x(151) } }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], 'must be "plain_text" [json-pointer:/blocks/0/text/type]'],
    ['11 context elements', [{ type: 'context', elements: mrkdwn(11) }], 'no more than 10 items allowed [json-pointer:/blocks/0/elements]'],
    ['an empty context', [{ type: 'context', elements: [] }], 'must provide at least 1 item [json-pointer:/blocks/0/elements]'],
    ['26 elements in an actions block', [{ type: 'actions', elements: buttons(26) }], 'no more than 25 items allowed [json-pointer:/blocks/0/elements]'],
    ['button text of 76', [{ type: 'actions', elements: [button(x(76))] }], 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    ['an empty button text', [{ type: 'actions', elements: [button('')] }], 'must be more than 0 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    [
      'a button value of 2,001',
      [{ type: 'actions', elements: [button('ok', { value: x(2001) })] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'an action_id of 256',
      [{ type: 'actions', elements: [button('ok', { action_id: x(256) })] }],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'one action_id twice in a block',
      [{ type: 'actions', elements: [button('a'), button('b')] }],
      'action_id "a" is already used in this block [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    ['a block_id of 256', [{ type: 'divider', block_id: x(256) }], 'must be less than 256 characters [json-pointer:/blocks/0/block_id]'],
    [
      'one block_id twice',
      [
        { type: 'divider', block_id: 'b' },
        { type: 'divider', block_id: 'b' },
      ],
      'block_id "b" is already used in this message [json-pointer:/blocks/1/block_id]',
    ],
    ['an unknown block type', [{ type: 'table' }], 'failed to match all allowed schemas [json-pointer:/blocks/0]'],
  ])('%s: invalid_blocks, naming the field', async (_name, blocks, message) => {
    expect(await postError({ text: 'fallback', blocks })).toEqual({ error: 'invalid_blocks', errors: [message] });
    expect(api.takeRejections()).toEqual([{ where: 'chat.postMessage', error: 'invalid_blocks', errors: [message] }]);
    expect(api.callsTo('chat.postMessage').map((c) => c.outcome)).toEqual(['invalid_blocks']);
  });

  it('takes a message exactly at every limit', async () => {
    const blocks: Block[] = [
      { type: 'header', text: { type: 'plain_text', text: x(150) } },
      section(x(3000)),
      { type: 'section', fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: x(200) })) },
      { type: 'context', elements: mrkdwn(10) },
      { type: 'actions', block_id: x(255), elements: [...buttons(24), button(x(75), { action_id: x(255), value: x(2000) })] },
      ...Array.from({ length: 45 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(DOC.blocks);
    expect(await postError({ text: x(DOC.messageText), blocks })).toBeUndefined();
    expect(api.rejections).toEqual([]);
  });

  it('text past 40,000 characters: msg_too_long; no text and no blocks: no_text; blocks alone are enough', async () => {
    expect(await postError({ text: x(40_001) })).toEqual({ error: 'msg_too_long' });
    expect(await postError({ text: '' })).toEqual({ error: 'no_text' });
    expect(await postError({})).toEqual({ error: 'no_text' });
    expect(await postError({ blocks: [section('hi')] })).toBeUndefined();
    expect(api.takeRejections().map((r) => r.error)).toEqual(['msg_too_long', 'no_text', 'no_text']);
  });

  it('blocks whose text adds up past 12,000 characters: msg_blocks_too_long', async () => {
    expect(await postError({ text: 't', blocks: Array.from({ length: 5 }, () => section(x(2500))) })).toEqual({ error: 'msg_blocks_too_long' });
    expect(await postError({ text: 't', blocks: Array.from({ length: 4 }, () => section(x(2500))) })).toBeUndefined();
    expect(api.takeRejections().map((r) => r.error)).toEqual(['msg_blocks_too_long']);
  });

  it('chat.update and chat.postEphemeral are checked the same way', async () => {
    const c = client();
    const blocks = [section(x(3001))] as unknown as webApi.KnownBlock[];
    await expect(c.chat.update({ channel: 'C0001', ts: '1.1', text: 't', blocks })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(c.chat.postEphemeral({ channel: 'C0001', user: 'U0001', text: 't', blocks })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(api.takeRejections().map((r) => r.where)).toEqual(['chat.update', 'chat.postEphemeral']);
  });
});

describe('a fake response_url refuses like an incoming webhook', () => {
  const respond = async (body: unknown): Promise<{ status: number; text: string }> => {
    const res = await fetch(api.responseUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };

  it('HTTP 400 with the error name for an invalid message, 200 ok for a valid one; only the valid one is recorded', async () => {
    expect(await respond({ text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: x(151) } }] })).toEqual({
      status: 400,
      text: 'invalid_blocks',
    });
    expect(await respond({ text: x(40_001) })).toEqual({ status: 400, text: 'msg_too_long' });
    expect(await respond({ response_type: 'ephemeral' })).toEqual({ status: 400, text: 'no_text' });
    expect(await respond({ delete_original: true })).toEqual({ status: 200, text: 'ok' });
    expect(await respond({ text: 'fine', blocks: [section('fine')] })).toEqual({ status: 200, text: 'ok' });
    expect(api.responses.map((r) => r.body)).toEqual([{ delete_original: true }, { text: 'fine', blocks: [section('fine')] }]);
    expect(api.takeRejections()).toEqual([
      { where: 'response_url', error: 'invalid_blocks', errors: ['must be less than 151 characters [json-pointer:/blocks/0/text/text]'] },
      { where: 'response_url', error: 'msg_too_long', errors: [] },
      { where: 'response_url', error: 'no_text', errors: [] },
    ]);
  });
});

describe('the fake rate-limits like Slack: HTTP 429 with Retry-After', () => {
  it('the Web API client waits Retry-After, retries, and the call succeeds', async () => {
    api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfter: 1 });
    const c = client({ retries: 1 });
    const waits: number[] = [];
    c.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const res = await c.chat.postMessage({ channel: 'C0001', text: 'hello' });
    expect(res.ok).toBe(true);
    expect(waits).toEqual([1]);
    expect(api.callsTo('chat.postMessage').map((call) => call.outcome)).toEqual(['http_429', 'ok']);
  });

  it('a client that rejects rate-limited calls gets the Retry-After seconds', async () => {
    api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfter: 7 });
    await expect(client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C0001', text: 'hello' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });
});

describe("Paperboy's Slack budgets stay within Slack's documented limits", () => {
  it('adapters/slack/limits.ts asks no more than Slack allows', () => {
    const pairs: [keyof typeof SLACK_LIMITS, number][] = [
      ['blocks', DOC.blocks],
      ['sectionText', DOC.sectionText],
      ['fieldText', DOC.fieldText],
      ['fields', DOC.fields],
      ['headerText', DOC.headerText],
      ['contextElements', DOC.contextElements],
      ['textObject', DOC.textObject],
      ['buttonText', DOC.buttonText],
      ['id', DOC.id],
      ['buttonValue', DOC.buttonValue],
      ['actionsElements', DOC.actionsElements],
      ['totalText', DOC.blocksText],
      ['fallbackText', DOC.messageText],
    ];
    expect(pairs.map(([k]) => k).sort()).toEqual(Object.keys(SLACK_LIMITS).sort());
    for (const [key, slack] of pairs) expect(SLACK_LIMITS[key], key).toBeLessThanOrEqual(slack);
  });

  it('slackRefusal passes a plain text message', () => {
    expect(slackRefusal({ text: 'hello' })).toBeUndefined();
  });
});
