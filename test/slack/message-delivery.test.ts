/**
 * Mentions and DMs, handler by handler (no Bolt): what the core is asked (command text and
 * request context), where the answer is posted, what is reported as posted (votes), and what
 * happens when Slack refuses a message.
 */
import { describe, expect, it } from 'vitest';
import type { Answered, Posted } from '../../adapters/slack/answer.ts';
import { MessageHandler } from '../../adapters/slack/message-handler.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import { FAILURE_TEXT, capturedLogger, fakeClient, platformError } from './slack-harness.ts';

const BOT = 'UBOT0001';
const NO_UNFURL = { unfurl_links: false, unfurl_media: false };

function setup(opts: { personal?: boolean; fail?: Error; botUserId?: string } = {}) {
  const asked: { text: string; ctx: RequestContext }[] = [];
  const posted: Parameters<Posted>[] = [];
  const log = capturedLogger();
  const slack = fakeClient();
  const handler = new MessageHandler({
    answer: async (text, ctx) => {
      asked.push({ text, ctx });
      if (opts.fail) throw opts.fail;
      return {
        reply: { tone: 'ok', summary: `answer to ${text}`, blocks: [], ...(opts.personal === true ? { personal: true as const } : {}) },
        message: { text: `answer to ${text}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `answer to ${text}` } }] },
      };
    },
    logger: log.logger,
    botUserId: () => opts.botUserId ?? BOT,
    posted: (...args) => void posted.push(args),
  });
  return { handler, asked, posted, log, slack };
}

const mention = (over: Record<string, unknown> = {}) => ({
  type: 'app_mention',
  user: 'U0001',
  text: `<@${BOT}> search kv cache`,
  ts: '1700000100.000100',
  channel: 'C0001',
  team: 'T0001',
  ...over,
});

const dm = (over: Record<string, unknown> = {}) => ({
  type: 'message',
  channel_type: 'im',
  user: 'U0001',
  text: 'show snapkv',
  ts: '1700000200.000100',
  channel: 'D0001',
  team: 'T0001',
  ...over,
});

describe('Slack mentions', () => {
  it('a top-level mention: the command without the mention, answered in a new thread under it, reported as posted', async () => {
    const { handler, asked, posted, slack } = setup();
    await handler.mention(mention(), slack.client);
    expect(asked).toEqual([
      { text: 'search kv cache', ctx: { platform: 'slack', userId: 'U0001', channelId: 'C0001', workspaceId: 'T0001', replyThreadId: '1700000100.000100' } },
    ]);
    expect(slack.calls.map((c) => c.method)).toEqual(['postMessage']);
    const [args] = slack.callsTo('postMessage');
    expect(args).toEqual({ channel: 'C0001', thread_ts: '1700000100.000100', text: 'answer to search kv cache', blocks: expect.any(Array), ...NO_UNFURL });
    expect(posted).toEqual([
      [
        expect.objectContaining({ message: expect.objectContaining({ text: 'answer to search kv cache' }) }),
        { channel: 'C0001', team: 'T0001' },
        expect.objectContaining({ ts: expect.any(String) }),
      ],
    ]);
  });

  it('a mention inside a thread is a follow-up there: the thread is the conversation and the post it is under', async () => {
    const { handler, asked, slack } = setup();
    await handler.mention(mention({ thread_ts: '1700000050.000100' }), slack.client);
    expect(asked[0]!.ctx).toEqual({
      platform: 'slack',
      userId: 'U0001',
      channelId: 'C0001',
      workspaceId: 'T0001',
      threadId: '1700000050.000100',
      replyThreadId: '1700000050.000100',
      underPost: 'C0001/1700000050.000100',
    });
    expect(slack.callsTo('postMessage')[0]).toMatchObject({ channel: 'C0001', thread_ts: '1700000050.000100' });
  });

  it('a mention by a bot is never answered (no bot loops); one Paperboy cannot read is skipped with a warning', async () => {
    const { handler, asked, slack, log } = setup();
    await handler.mention(mention({ bot_id: 'B0OTHER' }), slack.client);
    expect(log.lines).toEqual([]);
    await handler.mention({ type: 'app_mention', text: 'hi' }, slack.client);
    expect(asked).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(log.at('warn')).toHaveLength(1);
  });

  it('a mention in a DM channel is a direct request', async () => {
    const { handler, asked, slack } = setup();
    await handler.mention(mention({ channel: 'D0009' }), slack.client);
    expect(asked[0]!.ctx).toMatchObject({ channelId: 'D0009', isDirect: true });
  });

  it('when answering fails, the error is logged with a reference id and the thread is told that id (text only)', async () => {
    const { handler, slack, log, posted } = setup({ fail: new Error('index unavailable') });
    await handler.mention(mention(), slack.client);
    const [notice] = slack.callsTo('postMessage');
    expect(notice).toEqual({ channel: 'C0001', thread_ts: '1700000100.000100', text: expect.stringMatching(FAILURE_TEXT) });
    const ref = FAILURE_TEXT.exec(String(notice!.text))![1];
    expect(log.at('error')).toEqual([expect.objectContaining({ ref, user: 'U0001', channel: 'C0001', reason: 'index unavailable' })]);
    expect(posted).toEqual([]);
  });

  it('when Slack refuses the answer, the refusal reason is logged and the thread still gets the failure notice', async () => {
    const { handler, slack, log, posted } = setup();
    slack.failNext('postMessage', platformError('invalid_blocks'));
    await handler.mention(mention(), slack.client);
    expect(slack.callsTo('postMessage').map((a) => a.text)).toEqual(['answer to search kv cache', expect.stringMatching(FAILURE_TEXT)]);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'invalid_blocks' })]);
    expect(posted).toEqual([]);
  });
});

describe('Slack mentions asking for something personal (reading list)', () => {
  it('top-level: an ephemeral message to the asker in the channel, not in a thread; nothing reported as posted', async () => {
    const { handler, slack, posted } = setup({ personal: true });
    await handler.mention(mention({ text: `<@${BOT}> saved` }), slack.client);
    expect(slack.calls.map((c) => c.method)).toEqual(['postEphemeral']);
    expect(slack.callsTo('postEphemeral')[0]).toEqual({ channel: 'C0001', user: 'U0001', text: 'answer to saved', blocks: expect.any(Array) });
    expect(posted).toEqual([]);
  });

  it('in a thread: the ephemeral message is in that thread', async () => {
    const { handler, slack } = setup({ personal: true });
    await handler.mention(mention({ text: `<@${BOT}> saved`, thread_ts: '1700000050.000100' }), slack.client);
    expect(slack.callsTo('postEphemeral')[0]).toMatchObject({ channel: 'C0001', user: 'U0001', thread_ts: '1700000050.000100' });
  });

  it('when the ephemeral message is refused, the answer goes as a DM (the user id as channel) and the fallback is logged at info', async () => {
    const { handler, slack, log } = setup({ personal: true });
    slack.failNext('postEphemeral', platformError('user_not_in_channel'));
    await handler.mention(mention({ text: `<@${BOT}> saved` }), slack.client);
    expect(slack.calls.map((c) => c.method)).toEqual(['postEphemeral', 'postMessage']);
    expect(slack.callsTo('postMessage')[0]).toEqual({ channel: 'U0001', text: 'answer to saved', blocks: expect.any(Array), ...NO_UNFURL });
    expect(log.at('info')).toEqual([expect.objectContaining({ user: 'U0001', channel: 'C0001', reason: 'user_not_in_channel' })]);
    expect(log.at('error')).toEqual([]);
  });

  it('a mention without a user (a workflow post) has nobody to answer privately: the answer goes in the thread', async () => {
    const { handler, slack } = setup({ personal: true });
    await handler.mention(mention({ text: `<@${BOT}> saved`, user: undefined }), slack.client);
    expect(slack.calls.map((c) => c.method)).toEqual(['postMessage']);
    expect(slack.callsTo('postMessage')[0]).toMatchObject({ channel: 'C0001', thread_ts: '1700000100.000100', text: 'answer to saved' });
  });

  it('a personal answer asked in a DM is posted in the DM like any other', async () => {
    const { handler, slack } = setup({ personal: true });
    await handler.directMessage(dm({ text: 'saved' }), slack.client);
    expect(slack.calls.map((c) => c.method)).toEqual(['postMessage']);
    expect(slack.callsTo('postMessage')[0]).toMatchObject({ channel: 'D0001', text: 'answer to saved' });
  });
});

describe('Slack mentions without a posted hook', () => {
  it('are answered all the same (nothing counts votes)', async () => {
    const slack = fakeClient();
    const handler = new MessageHandler({
      answer: async (text): Promise<Answered> => ({ reply: { tone: 'ok', summary: text, blocks: [] }, message: { text: `answer to ${text}`, blocks: [] } }),
      logger: capturedLogger().logger,
      botUserId: () => BOT,
    });
    await handler.mention(mention(), slack.client);
    expect(slack.callsTo('postMessage')).toEqual([expect.objectContaining({ channel: 'C0001', text: 'answer to search kv cache' })]);
  });
});

describe('Slack DMs', () => {
  it('a message typed in a DM is answered in the DM, not in a thread, as a direct request', async () => {
    const { handler, asked, slack, posted } = setup();
    await handler.directMessage(dm(), slack.client);
    expect(asked).toEqual([{ text: 'show snapkv', ctx: { platform: 'slack', userId: 'U0001', channelId: 'D0001', workspaceId: 'T0001', isDirect: true } }]);
    expect(slack.callsTo('postMessage')).toEqual([{ channel: 'D0001', text: 'answer to show snapkv', blocks: expect.any(Array), ...NO_UNFURL }]);
    expect(posted).toEqual([[expect.anything(), { channel: 'D0001', team: 'T0001' }, expect.anything()]]);
  });

  it('edits, joins, bot posts, its own messages, messages without a user and channel messages are not answered', async () => {
    const { handler, asked, slack, log } = setup();
    for (const ev of [
      dm({ subtype: 'message_changed' }),
      dm({ subtype: 'channel_join' }),
      dm({ bot_id: 'B0OTHER' }),
      dm({ user: BOT }),
      dm({ user: undefined }),
      dm({ channel_type: 'channel', channel: 'C0001' }),
      dm({ channel_type: undefined }),
      { type: 'message', text: 'unreadable' },
    ]) {
      await handler.directMessage(ev, slack.client);
    }
    expect(asked).toEqual([]);
    expect(slack.calls).toEqual([]);
    // Ordinary channel traffic: nothing for an operator.
    expect(log.lines).toEqual([]);
    // The same DM, plain, is answered.
    await handler.directMessage(dm(), slack.client);
    expect(asked).toHaveLength(1);
  });

  it('a failure in a DM is told in the DM, outside any thread', async () => {
    const { handler, slack } = setup({ fail: new Error('boom') });
    await handler.directMessage(dm(), slack.client);
    expect(slack.callsTo('postMessage')).toEqual([{ channel: 'D0001', text: expect.stringMatching(FAILURE_TEXT) }]);
  });
});
