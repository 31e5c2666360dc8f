/**
 * Votes through the real Bolt app against the local fake Slack: a `show` answer in a channel,
 * reactions on it (signed Events API requests in HTTP mode; envelopes in Socket Mode), and `top`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { startVotes, type Voting } from '../../src/votes/index.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import { FakeSocketMode } from '../fakes/slack/socket-mode.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { useTempStores } from '../helpers/temp-store.ts';
import {
  APP_TOKEN,
  BOT_TOKEN,
  FORM,
  JSON_T,
  actionBody,
  buttonsOf,
  eventBody,
  expectNoRejections,
  handlerActivity,
  post,
  slash,
  startHttp,
  type HttpHarness,
} from '../slack/harness.ts';

const { tempDb, cleanups } = useTempStores('paperboy-votes-slack-');
const handlers = handlerActivity();

async function votingBot(): Promise<{ paperboy: Paperboy; voting: Voting }> {
  const paperboy = await newTestPaperboy();
  const voting = startVotes({ paperboy, logger: silentLogger(), store: SqliteVoteStore.open(tempDb()) });
  cleanups.push(async () => {
    await voting.close();
    await voting.store.close();
  });
  return { paperboy, voting };
}

/** Liveness bound for polling the vote store (a loaded machine), not a speed requirement. */
const POLL = { timeout: 10_000, interval: 10 };

const votes = (v: Voting, channelId = 'C0001') => v.store.votes({ platform: 'slack', channelId, since: new Date(0), limit: 100 });
const voteCount = async (v: Voting, channelId = 'C0001') => (await votes(v, channelId)).length;
/** Resolves once Paperboy has recorded the post (`channelId`, `messageId`) as votable. */
const recorded = (v: Voting, channelId: string, messageId: string) =>
  expect.poll(async () => (await v.store.findPost({ platform: 'slack', channelId, messageId })) !== undefined, POLL).toBe(true);

describe('votes in Slack, HTTP mode', () => {
  let h: HttpHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });
  expectNoRejections(() => h?.api);

  async function sendEvent(event: Record<string, unknown>): Promise<void> {
    const res = await post(h!.base, eventBody(event), JSON_T);
    expect(res.status).toBe(200);
  }

  async function reaction(type: 'reaction_added' | 'reaction_removed', ts: string, reaction: string, user = 'U0002', channel = 'C0001'): Promise<void> {
    await sendEvent({ type, user, reaction, item_user: 'UBOT0001', item: { type: 'message', channel, ts }, event_ts: '1700009999.000100' });
  }

  it('@Paperboy show snapkv, a 👍 on the answer: top shows 1 vote; the reaction removed: no votes', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api, base } = h;

    // The answer to a mention is posted in a thread under it; its ts is what reactions name.
    const mention = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> show snapkv', ts: '1700005000.000100', channel: 'C0001', team: 'T0001' };
    await post(base, eventBody(mention), JSON_T);
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    const answer = api.lastPostedTs!;
    expect(String(api.callsTo('chat.postMessage')[0]!.args.text)).toMatch(/SnapKV/);
    await recorded(voting, 'C0001', answer);
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: answer })).toMatchObject({ workspaceId: 'T0001' });

    // Reactions that are no votes: the bot's own, an emoji that does not count, a message that is not ours.
    let mark = handlers.started;
    await reaction('reaction_added', answer, '+1', 'UBOT0001');
    await reaction('reaction_added', answer, 'eyes');
    await reaction('reaction_added', '1700000001.000100', '+1');
    // A vote, with a skin tone.
    await reaction('reaction_added', answer, '+1::skin-tone-2');
    // Handled, all but the bot's own (Bolt drops that before any listener).
    await handlers.idle(mark + 3);
    expect((await votes(voting)).map((v) => v.userId)).toEqual(['U0002']);

    const top = await slash(h, 'top');
    expect(top.response_type).toBe('ephemeral');
    expect(top.text).toMatch(/Most voted here/);
    const blocks = JSON.stringify(top.blocks);
    expect(blocks).toMatch(/SnapKV/);
    expect(blocks).toMatch(/\*1 vote\*/);
    expect(buttonsOf(top.blocks).some((b) => b.value.startsWith('show '))).toBe(true);
    // `show 1` follows up on the list.
    expect((await slash(h, 'show 1')).text).toMatch(/^SnapKV/);

    // A second counted emoji by the same person: still one vote; removing one of the two keeps it.
    mark = handlers.started;
    await reaction('reaction_added', answer, 'fire');
    await reaction('reaction_removed', answer, '+1::skin-tone-2');
    await handlers.idle(mark + 2);
    expect(await voteCount(voting)).toBe(1);
    await reaction('reaction_removed', answer, 'fire');
    await handlers.idle(mark + 3);
    expect(await voteCount(voting)).toBe(0);
    const none = await slash(h, 'top');
    expect(none.text).toMatch(/No votes in this channel in the last 30 days yet/);
    expect(JSON.stringify(none.blocks)).toMatch(/👍 ⭐ ❤️ 🔥/);
  });

  it('a scheduled paper of the day and a shared show answer are votable; an ephemeral /papers show is not', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api } = h;
    const show = await slash(h, 'show zipcache');
    expect(show.response_type).toBe('ephemeral');

    // "Post to channel" on it: a message for everyone, with a ts.
    const share = buttonsOf(show.blocks).find((b) => b.action_id === 'pb:share')!;
    await post(h.base, actionBody(api, share, { ephemeral: true }).body, FORM);
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    const shared = api.lastPostedTs!;

    const potd = await paperboy.run('show snapkv', { platform: 'slack', channelId: 'C0001', userId: 'scheduler' });
    await h.adapter.post({ channelId: 'C0001' }, potd);
    const scheduled = api.lastPostedTs!;
    // A list is not about one paper: no record.
    await h.adapter.post({ channelId: 'C0001' }, await paperboy.run('search kv cache', { platform: 'slack', channelId: 'C0001', userId: 'scheduler' }));
    const list = api.lastPostedTs!;

    await recorded(voting, 'C0001', scheduled);
    await recorded(voting, 'C0001', shared);
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: shared })).toMatchObject({ paperId: expect.any(String) });
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: list })).toBeUndefined();

    const mark = handlers.started;
    await reaction('reaction_added', shared, 'star', 'U0005');
    await reaction('reaction_added', scheduled, 'heart', 'U0005');
    await reaction('reaction_added', scheduled, 'heart', 'U0006');
    await reaction('reaction_added', list, 'heart', 'U0007');
    await handlers.idle(mark + 4);
    expect((await votes(voting)).map((v) => v.userId).sort()).toEqual(['U0005', 'U0005', 'U0006']);
    const top = await slash(h, 'top');
    const order = [...JSON.stringify(top.blocks).matchAll(/\*(\d) votes?\*/g)].map((m) => Number(m[1]));
    expect(order).toEqual([2, 1]);
    expect(top.text).toMatch(/2 papers/);
  });

  it('a post to a user id (a personal watch alert) is recorded under the DM channel Slack answers with, so reactions there vote', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api } = h;
    api.dmChannels.set('U0003', 'D0003');
    await h.adapter.post({ channelId: 'U0003' }, await paperboy.run('show snapkv', { platform: 'slack', channelId: 'U0003', userId: 'scheduler' }));
    const ts = api.lastPostedTs!;
    await recorded(voting, 'D0003', ts);
    const mark = handlers.started;
    await reaction('reaction_added', ts, '+1', 'U0003', 'D0003');
    await handlers.idle(mark + 1);
    expect((await votes(voting, 'D0003')).map((v) => v.userId)).toEqual(['U0003']);
  });

  it('reactions on a votable post that are not on a message, or malformed, are acknowledged and never counted', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api, base } = h;
    const mention = { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> show snapkv', ts: '1700006000.000100', channel: 'C0001', team: 'T0001' };
    await post(base, eventBody(mention), JSON_T);
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    const answer = api.lastPostedTs!;
    await recorded(voting, 'C0001', answer);

    // Each names the channel and ts of the votable answer with a counted emoji: only the item type
    // or a malformed field keeps it from counting.
    const started = handlers.started;
    const onAnswer = { channel: 'C0001', ts: answer };
    const notCounted = [
      // A reaction on a file (its item is not a message).
      { type: 'reaction_added', user: 'U0002', reaction: '+1', item: { type: 'file', file: 'F0001', ...onAnswer } },
      { type: 'reaction_added', user: 'U0003', reaction: 'star', item: { type: 'file_comment', file_comment: 'Fc0001', ...onAnswer } },
      // Malformed: a user id no Slack id is as long as, an emoji name past 100 characters, no item type.
      { type: 'reaction_added', user: `U${'0'.repeat(80)}`, reaction: '+1', item: { type: 'message', ...onAnswer } },
      { type: 'reaction_added', user: 'U0004', reaction: `+1::${'x'.repeat(120)}`, item: { type: 'message', ...onAnswer } },
      { type: 'reaction_added', user: 'U0005', reaction: '+1', item: onAnswer },
    ];
    for (const event of notCounted) await sendEvent(event);
    // A well-formed reaction after them counts; once every reaction above has been handled, it is the only vote.
    await sendEvent({ type: 'reaction_added', user: 'U0009', reaction: '+1', item: { type: 'message', ...onAnswer } });
    await handlers.idle(started + notCounted.length + 1);
    expect((await votes(voting)).map((v) => v.userId)).toEqual(['U0009']);
    expect((await slash(h, 'stats')).text).toMatch(/papers/i);
  });
});

describe('votes in Slack, Socket Mode', () => {
  it('reaction_added / reaction_removed envelopes add and remove the vote', async () => {
    const { paperboy, voting } = await votingBot();
    const api = new FakeSlackApi();
    await api.start();
    const socket = new FakeSocketMode();
    await socket.start();
    api.socketUrl = socket.url;
    const adapter = createSlackAdapter({
      config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: api.apiUrl, port: 0 },
      paperboy,
      logger: silentLogger(),
      retries: 0,
      autoReconnect: false,
    });
    try {
      await adapter.start();
      await socket.connected();
      await socket.send('events_api', {
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvVOTE01',
        event: { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> show snapkv', ts: '1700007000.000100', channel: 'C0001' },
      });
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
      const ts = api.lastPostedTs!;
      await recorded(voting, 'C0001', ts);
      const item = { type: 'message', channel: 'C0001', ts };
      await socket.send('events_api', {
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvVOTE02',
        event: { type: 'reaction_added', user: 'U0002', reaction: 'thumbsup', item_user: 'UBOT0001', item },
      });
      await expect.poll(() => voteCount(voting), POLL).toBe(1);
      await socket.send('events_api', {
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvVOTE03',
        event: { type: 'reaction_removed', user: 'U0002', reaction: '+1', item_user: 'UBOT0001', item },
      });
      await expect.poll(() => voteCount(voting), POLL).toBe(0);
    } finally {
      await adapter.stop();
      await socket.stop();
      await api.stop();
      expect(api.takeRejections()).toEqual([]);
    }
  });
});
