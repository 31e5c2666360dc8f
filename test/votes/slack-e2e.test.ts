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
import { APP_TOKEN, BOT_TOKEN, buttonsOf, eventBody, post, slashBody, startHttp, type HttpHarness } from '../slack/harness.ts';

const { tempDb, cleanups } = useTempStores('paperboy-votes-slack-');
const JSON_T = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

type Msg = { text: string; blocks: unknown[]; response_type?: string };

async function votingBot(): Promise<{ paperboy: Paperboy; voting: Voting }> {
  const paperboy = await newTestPaperboy();
  const voting = startVotes({ config: { dataDir: '' }, paperboy, logger: silentLogger(), store: SqliteVoteStore.open(tempDb()) });
  cleanups.push(() => voting.close());
  return { paperboy, voting };
}

/** Wait until `check` holds (polled), or fail after `ms`. */
async function until(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const voteCount = async (v: Voting, channelId = 'C0001') => (await v.store.votes({ platform: 'slack', channelId, since: new Date(0), limit: 100 })).length;

describe('votes in Slack, HTTP mode', () => {
  let h: HttpHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  async function slash(text: string): Promise<Msg> {
    const before = h!.api.responses.length;
    const { body } = slashBody(h!.api, text);
    await post(h!.base, body, FORM);
    await h!.api.waitFor(() => h!.api.responses.length === before + 1);
    return h!.api.responses[before]!.body as unknown as Msg;
  }

  async function reaction(type: 'reaction_added' | 'reaction_removed', ts: string, reaction: string, user = 'U0002', channel = 'C0001'): Promise<void> {
    const res = await post(
      h!.base,
      eventBody({ type, user, reaction, item_user: 'UBOT0001', item: { type: 'message', channel, ts }, event_ts: `${Date.now() / 1000}` }),
      JSON_T,
    );
    expect(res.status).toBe(200);
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
    await until(async () => (await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: answer })) !== undefined, 'the post record');
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: answer })).toMatchObject({ workspaceId: 'T0001' });

    // Reactions that are no votes: the bot's own, an emoji that does not count, a message that is not ours.
    await reaction('reaction_added', answer, '+1', 'UBOT0001');
    await reaction('reaction_added', answer, 'eyes');
    await reaction('reaction_added', '1700000001.000100', '+1');
    // A vote, with a skin tone.
    await reaction('reaction_added', answer, '+1::skin-tone-2');
    await until(async () => (await voteCount(voting)) === 1, 'the vote');

    const top = await slash('top');
    expect(top.response_type).toBe('ephemeral');
    expect(top.text).toMatch(/Most voted here/);
    const blocks = JSON.stringify(top.blocks);
    expect(blocks).toMatch(/SnapKV/);
    expect(blocks).toMatch(/\*1 vote\*/);
    expect(buttonsOf(top.blocks).some((b) => b.value.startsWith('show '))).toBe(true);
    // `show 1` follows up on the list.
    expect((await slash('show 1')).text).toMatch(/^SnapKV/);

    // A second counted emoji by the same person: still one vote; removing one of the two keeps it.
    await reaction('reaction_added', answer, 'fire');
    await reaction('reaction_removed', answer, '+1::skin-tone-2');
    await new Promise((r) => setTimeout(r, 150));
    expect(await voteCount(voting)).toBe(1);
    await reaction('reaction_removed', answer, 'fire');
    await until(async () => (await voteCount(voting)) === 0, 'the vote to go');
    const none = await slash('top');
    expect(none.text).toMatch(/No votes in this channel in the last 30 days yet/);
    expect(JSON.stringify(none.blocks)).toMatch(/👍 ⭐ ❤️ 🔥/);
  });

  it('a scheduled paper of the day and a shared show answer are votable; an ephemeral /papers show is not', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api } = h;
    const show = await slash('show zipcache');
    expect(show.response_type).toBe('ephemeral');

    // "Post to channel" on it: a message for everyone, with a ts.
    const share = buttonsOf(show.blocks).find((b) => b.action_id === 'pb:share')!;
    const { actionBody } = await import('../slack/harness.ts');
    await post(h.base, actionBody(api, share, { ephemeral: true }).body, FORM);
    await api.waitFor(() => api.callsTo('chat.postMessage').length === 1);
    const shared = api.lastPostedTs!;

    const potd = await paperboy.run('show snapkv', { platform: 'slack', channelId: 'C0001', userId: 'scheduler' });
    await h.adapter.post('C0001', potd);
    const scheduled = api.lastPostedTs!;
    // A list is not about one paper: no record.
    await h.adapter.post('C0001', await paperboy.run('search kv cache', { platform: 'slack', channelId: 'C0001', userId: 'scheduler' }));
    const list = api.lastPostedTs!;

    await until(
      async () => (await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: scheduled })) !== undefined,
      'the scheduled post record',
    );
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: shared })).toMatchObject({ paperId: expect.any(String) });
    expect(await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: list })).toBeUndefined();

    await reaction('reaction_added', shared, 'star', 'U0005');
    await reaction('reaction_added', scheduled, 'heart', 'U0005');
    await reaction('reaction_added', scheduled, 'heart', 'U0006');
    await reaction('reaction_added', list, 'heart', 'U0007');
    await until(async () => (await voteCount(voting)) === 3, 'three votes');
    const top = await slash('top');
    const order = [...JSON.stringify(top.blocks).matchAll(/\*(\d) votes?\*/g)].map((m) => Number(m[1]));
    expect(order).toEqual([2, 1]);
    expect(top.text).toMatch(/2 papers/);
  });

  it('a post to a user id (a personal watch alert) is recorded under the DM channel Slack answers with, so reactions there vote', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    const { api } = h;
    api.dmChannels.set('U0003', 'D0003');
    await h.adapter.post('U0003', await paperboy.run('show snapkv', { platform: 'slack', channelId: 'U0003', userId: 'scheduler' }));
    const ts = api.lastPostedTs!;
    await until(async () => (await voting.store.findPost({ platform: 'slack', channelId: 'D0003', messageId: ts })) !== undefined, 'the post record in the DM');
    await reaction('reaction_added', ts, '+1', 'U0003', 'D0003');
    await until(async () => (await voteCount(voting, 'D0003')) === 1, 'the vote in the DM');
  });

  it('a malformed reaction event is acknowledged and ignored', async () => {
    const { paperboy, voting } = await votingBot();
    h = await startHttp({ paperboy });
    for (const event of [
      { type: 'reaction_added', user: 'U0002', reaction: '+1', item: { type: 'message', channel: 'C0001' } },
      { type: 'reaction_added', reaction: '+1', item: { type: 'message', channel: 'C0001', ts: '1.1' } },
      { type: 'reaction_added', user: 'U0002', reaction: '+1', item: { type: 'file', file: 'F1' } },
      { type: 'reaction_removed', user: 'U0002', reaction: 'x'.repeat(500), item: { type: 'message', channel: 'C0001', ts: '1.1' } },
    ]) {
      const res = await post(h.base, eventBody(event), JSON_T);
      expect(res.status).toBe(200);
    }
    expect(await voteCount(voting)).toBe(0);
    expect((await slash('stats')).text).toMatch(/papers/i);
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
      await until(async () => (await voting.store.findPost({ platform: 'slack', channelId: 'C0001', messageId: ts })) !== undefined, 'the post record');
      const item = { type: 'message', channel: 'C0001', ts };
      await socket.send('events_api', {
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvVOTE02',
        event: { type: 'reaction_added', user: 'U0002', reaction: 'thumbsup', item_user: 'UBOT0001', item },
      });
      await until(async () => (await voteCount(voting)) === 1, 'the vote');
      await socket.send('events_api', {
        type: 'event_callback',
        team_id: 'T0001',
        event_id: 'EvVOTE03',
        event: { type: 'reaction_removed', user: 'U0002', reaction: '+1', item_user: 'UBOT0001', item },
      });
      await until(async () => (await voteCount(voting)) === 0, 'the vote to go');
    } finally {
      await adapter.stop();
      await socket.stop();
      await api.stop();
    }
  });
});
