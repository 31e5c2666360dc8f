/**
 * Buttons on a message shared through the response_url fallback ("Post to channel" in a channel
 * the bot is not in): every Web API call there fails with `not_in_channel`, so paging, Abstract,
 * Similar and failure notices go through the click's own response_url. The real Bolt app in HTTP
 * mode against the fake Slack Web API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { limitViolations } from './check-limits.ts';
import { FORM, actionBody, buttonsOf, expectNoRejections, handlerActivity, post, slash, startHttp, type HttpHarness, type Msg } from './harness.ts';

/** A channel the bot is not a member of. */
const CHANNEL = 'C0NOBOT1';
const handlers = handlerActivity();

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp();
});
afterAll(() => h.stop());
beforeEach(() => h.api.reset());
expectNoRejections(() => h.api);
const fail = (method: string, error = 'not_in_channel', times = 1) => {
  for (let i = 0; i < times; i++) h.api.failNext(method, { kind: 'platform', error });
};

/**
 * `/papers search kv cache` in CHANNEL, then "Post to channel": chat.postMessage is refused, so
 * the search is shared through the response_url. The shared message, as everyone sees it.
 */
async function sharedSearch(): Promise<Msg> {
  const search = await slash(h, 'search kv cache', { channel_id: CHANNEL });
  const share = buttonsOf(search.blocks).find((b) => b.action_id === 'pb:share')!;
  fail('chat.postMessage');
  await post(h.base, actionBody(h.api, share, { ephemeral: true, channel: CHANNEL }).body, FORM);
  await h.api.waitFor(() => h.api.responses.length === 2);
  const shared = h.api.responses[1]!.body as unknown as Msg;
  expect(shared.response_type).toBe('in_channel');
  h.api.reset();
  return shared;
}

/** Click `button` on the shared message (posted at `ts`); resolves after the response_url post, once the click's handler has finished. */
async function click(button: { action_id: string; value: string }, shared: Msg, ts = '1700000700.000100'): Promise<{ responseUrl: string; msg: Msg }> {
  const before = h.api.responses.length;
  const { body, responseUrl } = actionBody(h.api, button, { ephemeral: false, channel: CHANNEL, messageTs: ts, blocks: shared.blocks });
  const res = await post(h.base, body, FORM);
  expect(res.status).toBe(200);
  await h.api.waitFor(() => h.api.responses.length === before + 1);
  await handlers.idle();
  expect(h.api.responses).toHaveLength(before + 1);
  return { responseUrl, msg: h.api.responses[before]!.body as unknown as Msg };
}

describe('Slack: buttons on a message shared through the response_url (bot not in the channel)', () => {
  it('Next ▶ replaces the shared message through the click\'s response_url, keeping "Shared by"', async () => {
    const shared = await sharedSearch();
    const next = buttonsOf(shared.blocks).find((b) => b.action_id.startsWith('pb:page:next'))!;
    fail('chat.update');
    const { responseUrl, msg } = await click(next, shared);
    expect(h.api.callsTo('chat.update')).toHaveLength(1);
    expect(responseUrl.endsWith(h.api.responses[0]!.id)).toBe(true);
    expect(msg).toMatchObject({ replace_original: true, response_type: 'in_channel' });
    expect(msg.text).toMatch(/page 2/i);
    expect(JSON.stringify(msg.blocks)).toContain('Shared by <@U0002>');
    expect(limitViolations(msg)).toEqual([]);
    // Nothing else was tried: no failure notice.
    expect(h.api.callsTo('chat.postEphemeral')).toEqual([]);
  });

  it.each(['not_in_channel', 'channel_not_found'])('Abstract and Similar (%s) answer the clicker through the response_url', async (error) => {
    const shared = await sharedSearch();
    const buttons = buttonsOf(shared.blocks);
    for (const [label, pattern] of [
      ['Abstract', /SnapKV|KV/],
      ['Similar', /^Similar to /],
    ] as const) {
      const button = buttons.find((b) => b.text === label)!;
      expect(button, label).toMatchObject({ text: label });
      fail('chat.postMessage', error);
      const posts = h.api.callsTo('chat.postMessage').length;
      const { msg } = await click(button, shared);
      // The thread answer was tried first (the bot may have joined since).
      expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts + 1);
      expect(h.api.callsTo('chat.postMessage')[posts]!.args).toMatchObject({ channel: CHANNEL, thread_ts: '1700000700.000100' });
      expect(msg).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(msg.text, label).toMatch(pattern);
      expect(limitViolations(msg)).toEqual([]);
    }
    expect(h.api.callsTo('chat.postEphemeral')).toEqual([]);
  });

  it('a failure is told to the clicker through the response_url when chat.postEphemeral is refused too', async () => {
    const shared = await sharedSearch();
    const next = buttonsOf(shared.blocks).find((b) => b.action_id.startsWith('pb:page:next'))!;
    fail('chat.update');
    // The response_url refuses the page, then takes the notice.
    h.api.failNext('response_url', { kind: 'http', status: 500 });
    fail('chat.postEphemeral');
    const { msg } = await click(next, shared);
    expect(h.api.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(msg).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(msg.text).toMatch(/^Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\.$/);
  });

  it('other refusals are not covered up: an invalid_blocks update is a failure the clicker is told about', async () => {
    const shared = await sharedSearch();
    const next = buttonsOf(shared.blocks).find((b) => b.action_id.startsWith('pb:page:next'))!;
    fail('chat.update', 'invalid_blocks');
    fail('chat.postEphemeral');
    const { msg } = await click(next, shared);
    expect(msg.replace_original).toBe(false);
    expect(msg.text).toMatch(/^Sorry, something went wrong on our side/);
  });

  it('with the bot in the channel, the same buttons still use the Web API (thread reply, chat.update)', async () => {
    const shared = await sharedSearch();
    const buttons = buttonsOf(shared.blocks);
    const fire = (b: { action_id: string; value: string }) =>
      post(h.base, actionBody(h.api, b, { ephemeral: false, channel: CHANNEL, messageTs: '1700000700.000100', blocks: shared.blocks }).body, FORM);
    await fire(buttons.find((b) => b.text === 'Abstract')!);
    await fire(buttons.find((b) => b.action_id.startsWith('pb:page:next'))!);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1 && h.api.callsTo('chat.update').length === 1);
    await handlers.idle();
    expect(h.api.responses).toEqual([]);
  });
});
