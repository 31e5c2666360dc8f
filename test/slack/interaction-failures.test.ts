/**
 * The slash command and button clicks, handler by handler (no Bolt): what the core is asked, how
 * each kind of button delivers its answer (response_url, chat.update, thread reply, ephemeral,
 * share), and every failure path: a bot that cannot post in the channel, a response_url that
 * fails, a payload without a response_url or channel, and the fallbacks for the failure notice.
 */
import { describe, expect, it } from 'vitest';
import type { Answered, Posted } from '../../adapters/slack/answer.ts';
import { InteractionHandler, legacySharedBy } from '../../adapters/slack/interaction-handler.ts';
import type { SlackRenderOptions } from '../../adapters/slack/render.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import { FAILURE_TEXT, capturedLogger, fakeClient, fakeRespond, platformError, respondError } from './slack-harness.ts';

const NO_UNFURL = { unfurl_links: false, unfurl_media: false };
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0001/1/abc';

function setup(opts: { fail?: Error } = {}) {
  const asked: { text: string; ctx: RequestContext; opts: SlackRenderOptions | undefined }[] = [];
  const posted: Parameters<Posted>[] = [];
  const log = capturedLogger();
  const slack = fakeClient();
  const r = fakeRespond();
  const handler = new InteractionHandler({
    answer: async (text, ctx, o) => {
      asked.push({ text, ctx, opts: o });
      if (opts.fail) throw opts.fail;
      return answerTo(text);
    },
    logger: log.logger,
    posted: (...args) => void posted.push(args),
  });
  return { handler, asked, posted, log, slack, r };
}

/** What the fake `answer` gives: a reply and its rendering. */
/** The message the fake `answer` renders for a command. */
const messageFor = (text: string) => ({ text: `answer to ${text}`, blocks: [] });
/** What the fake `answer` gives: a reply and its rendering. */
const answerTo = (text: string): Answered => ({ reply: { tone: 'ok', summary: `answer to ${text}`, blocks: [] }, message: messageFor(text) });

const slashCommand = (over: Record<string, unknown> = {}) => ({
  command: '/papers',
  text: 'search kv cache',
  user_id: 'U0001',
  channel_id: 'C0001',
  team_id: 'T0001',
  response_url: RESPONSE_URL,
  ...over,
});

/** A block_actions payload: a click by U0002 on `action_id` (value `command`). */
function click(
  action_id: string,
  command: string,
  where: {
    channel?: string | null;
    ephemeral?: boolean;
    messageTs?: string | null;
    threadTs?: string;
    blocks?: unknown[];
    noResponseUrl?: boolean;
    viaContainerOnly?: boolean;
  } = {},
) {
  const channel = where.channel === undefined ? 'C0001' : where.channel;
  const messageTs = where.messageTs === undefined ? '1700000001.000100' : where.messageTs;
  return {
    type: 'block_actions',
    user: { id: 'U0002' },
    team: { id: 'T0001' },
    ...(channel && !where.viaContainerOnly ? { channel: { id: channel } } : {}),
    ...(where.noResponseUrl ? {} : { response_url: RESPONSE_URL }),
    container: {
      type: 'message',
      ...(messageTs ? { message_ts: messageTs } : {}),
      ...(channel ? { channel_id: channel } : {}),
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      is_ephemeral: where.ephemeral ?? false,
    },
    ...(where.ephemeral ? {} : { message: { ...(messageTs ? { ts: messageTs } : {}), blocks: where.blocks ?? [] } }),
    actions: [{ type: 'button', action_id, value: command }],
  };
}

describe('Slack /papers', () => {
  it('in a channel: answered privately through the response_url, with a share button, for the asker in that channel', async () => {
    const { handler, asked, r } = setup();
    await handler.slashCommand(slashCommand(), r.respond);
    expect(asked).toEqual([
      { text: 'search kv cache', ctx: { platform: 'slack', userId: 'U0001', channelId: 'C0001', workspaceId: 'T0001' }, opts: { share: true } },
    ]);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', ...messageFor('search kv cache') }]);
  });

  it('in a DM: a direct request, without a share button', async () => {
    const { handler, asked, r } = setup();
    await handler.slashCommand(slashCommand({ channel_id: 'D0001', text: '' }), r.respond);
    expect(asked).toEqual([
      { text: 'help', ctx: { platform: 'slack', userId: 'U0001', channelId: 'D0001', workspaceId: 'T0001', isDirect: true }, opts: { share: false } },
    ]);
  });

  it('a payload it cannot read is answered with nothing and logged as a warning naming the bad fields', async () => {
    const { handler, asked, r, log } = setup();
    await handler.slashCommand({ command: '/papers', text: 'x', user_id: 'U0001' }, r.respond);
    expect(asked).toEqual([]);
    expect(r.sent).toEqual([]);
    expect(log.at('warn')).toEqual([expect.objectContaining({ issues: expect.arrayContaining(['channel_id', 'response_url']) })]);
  });

  it('a failure is logged as an error and told privately with its reference id', async () => {
    const { handler, r, log } = setup({ fail: new Error('index unavailable') });
    await handler.slashCommand(slashCommand(), r.respond);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', text: expect.stringMatching(FAILURE_TEXT) }]);
    const ref = FAILURE_TEXT.exec(String(r.sent[0]!.text))![1];
    expect(log.at('error')).toEqual([expect.objectContaining({ ref, user: 'U0001', channel: 'C0001', reason: 'index unavailable' })]);
  });
});

describe('Slack buttons: what is asked and what is ignored', () => {
  it('the click is asked as the clicker, in the channel, workspace and thread of the message', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:run:1', 'show snapkv', { threadTs: '1700000000.000100' }), r.respond, slack.client);
    expect(asked[0]!.ctx).toEqual({ platform: 'slack', userId: 'U0002', channelId: 'C0001', workspaceId: 'T0001', threadId: '1700000000.000100' });
  });

  it('the channel and thread are read from the container when the payload has no channel or message', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:run:1', 'show snapkv', { ephemeral: true, viaContainerOnly: true, threadTs: '1700000000.000100' }), r.respond, slack.client);
    expect(asked[0]!.ctx).toMatchObject({ channelId: 'C0001', threadId: '1700000000.000100' });
  });

  it('a button without a command, a foreign action id or an unreadable payload runs nothing; only the unreadable one is a warning', async () => {
    const { handler, asked, slack, r, log } = setup();
    await handler.button(click('pb:run:1', ''), r.respond, slack.client);
    await handler.button(click('other:thing', 'show snapkv'), r.respond, slack.client);
    expect(log.lines).toEqual([]);
    await handler.button({ type: 'block_actions', actions: [] }, r.respond, slack.client);
    expect(asked).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(r.sent).toEqual([]);
    expect(log.at('warn')).toHaveLength(1);
  });
});

describe('Slack: "Shared by" on messages posted before buttons carried it', () => {
  it('is read from the first context line that says exactly that, skipping other blocks and malformed ones', () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'Shared by <@U0NOTME>' } },
      { type: 'actions', elements: [{ type: 'button', text: 'Shared by <@U0NOTME>' }] },
      { type: 'context' },
      { type: 'context', elements: 'Shared by <@U0NOTME>' },
      {
        type: 'context',
        elements: [{ type: 'image' }, { type: 'mrkdwn', text: 'Shared by <@U0NOTME> and <@U0OTHER>' }, { type: 'mrkdwn', text: 'see Shared by <@U0NOTME>' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@W0ENTER1>' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U0LATER>' }] },
    ];
    expect(legacySharedBy(blocks)).toBe('W0ENTER1');
    expect(legacySharedBy([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@u0lower>' }] }])).toBeUndefined();
    expect(legacySharedBy([])).toBeUndefined();
  });
});

describe('Slack buttons: payloads with parts missing', () => {
  const bare = (action_id: string, command: string, parts: Record<string, unknown>) => ({
    type: 'block_actions',
    user: { id: 'U0002' },
    response_url: RESPONSE_URL,
    actions: [{ type: 'button', action_id, value: command }],
    ...parts,
  });

  it('without a container: the channel and message ts come from the payload, and the page updates the message', async () => {
    const { handler, slack, r } = setup();
    await handler.button(
      bare('pb:page:next', 'search kv cache --page 2', { channel: { id: 'C0001' }, message: { ts: '1700000001.000100' } }),
      r.respond,
      slack.client,
    );
    expect(slack.callsTo('update')).toEqual([{ channel: 'C0001', ts: '1700000001.000100', ...messageFor('search kv cache --page 2') }]);
    expect(r.sent).toEqual([]);
  });

  it('without a container or message: the page replaces the original through the response_url', async () => {
    const { handler, slack, r } = setup();
    await handler.button(bare('pb:page:next', 'search kv cache --page 2', { channel: { id: 'C0001' } }), r.respond, slack.client);
    expect(r.sent).toEqual([{ replace_original: true, ...messageFor('search kv cache --page 2') }]);
    expect(slack.calls).toEqual([]);
  });

  it('a container naming the message but no message body: chat.update all the same', async () => {
    const { handler, slack, r } = setup();
    const container = { type: 'message', message_ts: '1700000001.000100', channel_id: 'C0001' };
    await handler.button(bare('pb:page:next', 'search kv cache --page 2', { container }), r.respond, slack.client);
    expect(slack.callsTo('update')).toEqual([{ channel: 'C0001', ts: '1700000001.000100', ...messageFor('search kv cache --page 2') }]);
  });

  it('with a null team (org-wide installs): thread replies and shares are posted and reported without a team', async () => {
    const { handler, slack, r, posted } = setup();
    const where = { team: null, channel: { id: 'C0001' }, message: { ts: '1700000001.000100' } };
    await handler.button(bare('pb:run:1', 'abstract snapkv', where), r.respond, slack.client);
    await handler.button(bare('pb:share', 'show snapkv', where), r.respond, slack.client);
    expect(slack.callsTo('postMessage').map((a) => a.channel)).toEqual(['C0001', 'C0001']);
    expect(posted.map(([, w]) => w)).toEqual([
      { channel: 'C0001', team: undefined },
      { channel: 'C0001', team: undefined },
    ]);
  });

  it('without a posted hook (nothing counts votes) thread replies and shares are still posted', async () => {
    const slack = fakeClient();
    const handler = new InteractionHandler({ answer: async (text) => answerTo(text), logger: capturedLogger().logger });
    await handler.button(click('pb:run:1', 'abstract snapkv'), undefined, slack.client);
    await handler.button(click('pb:share', 'show snapkv'), undefined, slack.client);
    expect(slack.calls.map((c) => c.method)).toEqual(['postMessage', 'postMessage']);
  });
});

describe('Slack paging buttons (update)', () => {
  it('on an ephemeral answer: the page replaces it through the response_url, shareable in a channel', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { ephemeral: true }), r.respond, slack.client);
    expect(asked[0]!.opts).toEqual({ share: true });
    expect(r.sent).toEqual([{ replace_original: true, ...messageFor('search kv cache --page 2') }]);
    expect(slack.calls).toEqual([]);
  });

  it('on an ephemeral answer in a DM: no share button', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { ephemeral: true, channel: 'D0001' }), r.respond, slack.client);
    expect(asked[0]!.opts).toEqual({ share: false });
    expect(asked[0]!.ctx).toMatchObject({ isDirect: true });
  });

  it('on a message without a ts: replaced through the response_url as well', async () => {
    const { handler, slack, r } = setup();
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { messageTs: null }), r.respond, slack.client);
    expect(r.sent).toEqual([{ replace_original: true, ...messageFor('search kv cache --page 2') }]);
    expect(slack.calls).toEqual([]);
  });

  it('on a channel message: chat.update in place, keeping "Shared by" from the action id, else from the message', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:page:next.by-U0SHARER', 'search kv cache --page 2'), r.respond, slack.client);
    const legacy = [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Shared by <@U0OLD01>' }] }];
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { blocks: legacy }), r.respond, slack.client);
    await handler.button(click('pb:page:next', 'search kv cache --page 2'), r.respond, slack.client);
    expect(asked.map((a) => a.opts)).toEqual([{ sharedBy: 'U0SHARER' }, { sharedBy: 'U0OLD01' }, {}]);
    expect(slack.callsTo('update')[0]).toEqual({ channel: 'C0001', ts: '1700000001.000100', ...messageFor('search kv cache --page 2') });
    expect(slack.callsTo('update')).toHaveLength(3);
    expect(r.sent).toEqual([]);
  });

  it('when the bot is not in the channel, the page replaces the message through the response_url (logged at info)', async () => {
    const { handler, slack, r, log } = setup();
    slack.failNext('update', platformError('not_in_channel'));
    await handler.button(click('pb:page:next', 'search kv cache --page 2'), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'in_channel', replace_original: true, ...messageFor('search kv cache --page 2') }]);
    expect(log.at('info')).toEqual([expect.objectContaining({ user: 'U0002', channel: 'C0001', button: 'update', reason: 'not_in_channel' })]);
    expect(log.at('error')).toEqual([]);
  });

  it('other refusals are failures: the clicker is told by an ephemeral notice, the message is not touched', async () => {
    const { handler, slack, r, log } = setup();
    slack.failNext('update', platformError('invalid_blocks'));
    await handler.button(click('pb:page:next', 'search kv cache --page 2'), r.respond, slack.client);
    expect(r.sent).toEqual([]);
    expect(slack.callsTo('postEphemeral')).toEqual([{ channel: 'C0001', user: 'U0002', text: expect.stringMatching(FAILURE_TEXT) }]);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'invalid_blocks', button: 'update' })]);
  });

  it('not in the channel and no response_url: a failure (nothing else can reach the message)', async () => {
    const { handler, slack, r, log } = setup();
    slack.failNext('update', platformError('not_in_channel'));
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { noResponseUrl: true }), undefined, slack.client);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'not_in_channel' })]);
    expect(slack.callsTo('postEphemeral')).toEqual([{ channel: 'C0001', user: 'U0002', text: expect.stringMatching(FAILURE_TEXT) }]);
    expect(r.sent).toEqual([]);
  });

  it('an ephemeral answer without a response_url cannot be paged: logged as an error, and the notice that cannot go either as a warning', async () => {
    const { handler, slack, log } = setup();
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { ephemeral: true, noResponseUrl: true }), undefined, slack.client);
    expect(slack.calls).toEqual([]);
    const [error] = log.at('error');
    expect(error).toMatchObject({ reason: 'no response_url in the payload' });
    expect(log.at('warn')).toEqual([expect.objectContaining({ ref: error!.ref })]);
  });
});

describe('Slack answer buttons (reply: Abstract, Similar)', () => {
  it('on an ephemeral answer: a new ephemeral answer through the response_url', async () => {
    const { handler, asked, slack, r } = setup();
    await handler.button(click('pb:run:1', 'abstract snapkv', { ephemeral: true }), r.respond, slack.client);
    expect(asked[0]!.opts).toEqual({ share: true });
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, ...messageFor('abstract snapkv') }]);
    expect(slack.calls).toEqual([]);
  });

  it('on a channel message: a reply in the thread under it (or in its thread), reported as posted', async () => {
    const { handler, slack, r, posted } = setup();
    await handler.button(click('pb:run:1', 'abstract snapkv'), r.respond, slack.client);
    await handler.button(click('pb:run:1', 'abstract snapkv', { threadTs: '1700000000.000100' }), r.respond, slack.client);
    expect(slack.callsTo('postMessage')).toEqual([
      { channel: 'C0001', thread_ts: '1700000001.000100', ...messageFor('abstract snapkv'), ...NO_UNFURL },
      { channel: 'C0001', thread_ts: '1700000000.000100', ...messageFor('abstract snapkv'), ...NO_UNFURL },
    ]);
    expect(posted).toHaveLength(2);
    expect(posted[0]).toEqual([answerTo('abstract snapkv'), { channel: 'C0001', team: 'T0001' }, expect.objectContaining({ ts: expect.any(String) })]);
    expect(r.sent).toEqual([]);
  });

  it('on a message in a DM: a new message in the DM, not a thread', async () => {
    const { handler, slack, r } = setup();
    await handler.button(click('pb:run:1', 'abstract snapkv', { channel: 'D0001' }), r.respond, slack.client);
    expect(slack.callsTo('postMessage')).toEqual([{ channel: 'D0001', ...messageFor('abstract snapkv'), ...NO_UNFURL }]);
  });

  it('when the bot is not in the channel: only the clicker gets it, through the response_url; nothing reported as posted', async () => {
    const { handler, slack, r, posted, log } = setup();
    slack.failNext('postMessage', platformError('channel_not_found'));
    await handler.button(click('pb:run:1', 'abstract snapkv'), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, ...messageFor('abstract snapkv') }]);
    expect(posted).toEqual([]);
    expect(log.at('info')).toEqual([expect.objectContaining({ reason: 'channel_not_found' })]);
  });
});

describe('Slack Save buttons (ephemeral)', () => {
  it('answered to the clicker alone through the response_url', async () => {
    const { handler, slack, r } = setup();
    await handler.button(click('pb:me:1', 'save snapkv'), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, ...messageFor('save snapkv') }]);
    expect(slack.calls).toEqual([]);
  });

  it('without a response_url: chat.postEphemeral to the clicker, in the thread of the message when there is one', async () => {
    const { handler, slack } = setup();
    await handler.button(click('pb:me:1', 'save snapkv', { noResponseUrl: true }), undefined, slack.client);
    await handler.button(click('pb:me:1', 'save snapkv', { noResponseUrl: true, threadTs: '1700000000.000100' }), undefined, slack.client);
    expect(slack.callsTo('postEphemeral')).toEqual([
      { channel: 'C0001', user: 'U0002', ...messageFor('save snapkv') },
      { channel: 'C0001', user: 'U0002', thread_ts: '1700000000.000100', ...messageFor('save snapkv') },
    ]);
  });

  it('with neither a response_url nor a channel: a logged failure, nobody to tell', async () => {
    const { handler, slack, log } = setup();
    await handler.button(click('pb:me:1', 'save snapkv', { noResponseUrl: true, channel: null }), undefined, slack.client);
    expect(slack.calls).toEqual([]);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'no response_url or channel to answer in' })]);
    expect(log.at('warn')).toHaveLength(1);
  });
});

describe('Slack "Post to channel" (public)', () => {
  it('posts the answer for everyone as shared by the clicker, reported as posted', async () => {
    const { handler, asked, slack, r, posted } = setup();
    await handler.button(click('pb:share', 'show snapkv', { ephemeral: true }), r.respond, slack.client);
    expect(asked[0]!.opts).toEqual({ sharedBy: 'U0002' });
    expect(slack.callsTo('postMessage')).toEqual([{ channel: 'C0001', ...messageFor('show snapkv'), ...NO_UNFURL }]);
    expect(posted).toEqual([[answerTo('show snapkv'), { channel: 'C0001', team: 'T0001' }, expect.objectContaining({ ts: expect.any(String) })]]);
    expect(r.sent).toEqual([]);
  });

  it.each(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action'])(
    'bot cannot post (%s): shared through the response_url for everyone, logged at info',
    async (error) => {
      const { handler, slack, r, posted, log } = setup();
      slack.failNext('postMessage', platformError(error));
      await handler.button(click('pb:share', 'show snapkv', { ephemeral: true }), r.respond, slack.client);
      expect(r.sent).toEqual([{ response_type: 'in_channel', replace_original: false, ...messageFor('show snapkv') }]);
      expect(posted).toEqual([]);
      expect(log.at('info')).toEqual([expect.objectContaining({ reason: error, button: 'public' })]);
      expect(log.at('error')).toEqual([]);
    },
  );

  it('when the response_url refuses the share too: a warning, and the clicker is told how to invite the bot', async () => {
    const { handler, slack, r, log } = setup();
    slack.failNext('postMessage', platformError('not_in_channel'));
    r.failNext(respondError(500));
    await handler.button(click('pb:share', 'show snapkv', { ephemeral: true }), r.respond, slack.client);
    expect(r.sent).toHaveLength(2);
    expect(r.sent[1]).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: "I can't post in this channel (not_in_channel). Invite me with `/invite @Paperboy` and try again.",
    });
    expect(log.at('warn')).toEqual([expect.objectContaining({ reason: 'response_url http_500', button: 'public' })]);
    expect(log.at('error')).toEqual([]);
  });

  it('other refusals are failures, told to the clicker through the response_url (the answer was ephemeral)', async () => {
    const { handler, slack, r, log } = setup();
    slack.failNext('postMessage', platformError('invalid_blocks'));
    await handler.button(click('pb:share', 'show snapkv', { ephemeral: true }), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(FAILURE_TEXT) }]);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'invalid_blocks' })]);
  });

  it('not in the channel and no response_url: a failure, told with chat.postEphemeral', async () => {
    const { handler, slack, log } = setup();
    slack.failNext('postMessage', platformError('not_in_channel'));
    await handler.button(click('pb:share', 'show snapkv', { noResponseUrl: true }), undefined, slack.client);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'not_in_channel' })]);
    expect(slack.callsTo('postEphemeral')).toEqual([{ channel: 'C0001', user: 'U0002', text: expect.stringMatching(FAILURE_TEXT) }]);
  });

  it('without a channel: nothing is run, the failure is logged and told through the response_url', async () => {
    const { handler, asked, slack, r, log } = setup();
    await handler.button(click('pb:share', 'show snapkv', { channel: null }), r.respond, slack.client);
    expect(asked).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(log.at('error')).toEqual([expect.objectContaining({ reason: 'no channel to share to' })]);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(FAILURE_TEXT) }]);
  });
});

describe('Slack buttons: telling the clicker about a failure', () => {
  it('on a channel message: an ephemeral notice to the clicker (text only), no response_url post', async () => {
    const { handler, slack, r, log } = setup({ fail: new Error('index unavailable') });
    await handler.button(click('pb:run:1', 'abstract snapkv'), r.respond, slack.client);
    const notices = slack.callsTo('postEphemeral');
    expect(notices).toEqual([{ channel: 'C0001', user: 'U0002', text: expect.stringMatching(FAILURE_TEXT) }]);
    const ref = FAILURE_TEXT.exec(String(notices[0]!.text))![1];
    expect(log.at('error')).toEqual([expect.objectContaining({ ref, user: 'U0002', channel: 'C0001', button: 'reply' })]);
    expect(r.sent).toEqual([]);
  });

  it('when the ephemeral notice is refused (any reason), it goes through the response_url, logged at info', async () => {
    const { handler, slack, r, log } = setup({ fail: new Error('index unavailable') });
    slack.failNext('postEphemeral', platformError('invalid_auth'));
    await handler.button(click('pb:run:1', 'abstract snapkv'), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(FAILURE_TEXT) }]);
    expect(log.at('info')).toEqual([expect.objectContaining({ reason: 'invalid_auth', button: 'reply' })]);
    expect(log.at('warn')).toEqual([]);
  });

  it('refused and no response_url: the notice is given up with a warning (the failure itself is an error)', async () => {
    const { handler, slack, log } = setup({ fail: new Error('index unavailable') });
    slack.failNext('postEphemeral', platformError('not_in_channel'));
    await handler.button(click('pb:run:1', 'abstract snapkv', { noResponseUrl: true }), undefined, slack.client);
    expect(log.at('error')).toHaveLength(1);
    expect(log.at('warn')).toEqual([expect.objectContaining({ ref: log.at('error')[0]!.ref, reason: 'not_in_channel' })]);
  });

  it('on an ephemeral answer: told through the response_url without replacing the answer', async () => {
    const { handler, slack, r } = setup({ fail: new Error('index unavailable') });
    await handler.button(click('pb:page:next', 'search kv cache --page 2', { ephemeral: true }), r.respond, slack.client);
    expect(r.sent).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(FAILURE_TEXT) }]);
    expect(slack.calls).toEqual([]);
  });
});
