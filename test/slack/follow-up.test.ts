import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_T, eventBody, expectNoRejections, post, slash as slashAs, startHttp, type HttpHarness, type Msg } from './harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp();
});
afterAll(() => h.stop());
expectNoRejections(() => h.api);

const slash = (text: string, extra: Record<string, string> = {}): Promise<Msg> => slashAs(h, text, extra);

describe('Slack: follow-ups refer to the last list in the conversation', () => {
  it('/papers show 2 after a search shows result 2; another user in the channel has no list', async () => {
    const list = await slash('search kv cache compression');
    const direct = await slash('search kv cache compression --limit 2', { user_id: 'U0009' });
    expect(list.text).toMatch(/kv cache compression/);
    const second = await slash('show 2');
    // The second result of the user's list, the same paper the other user's 2-result list ends with.
    const other = await slash(`show 2`, { user_id: 'U0009' });
    expect(second.text).toBe(other.text);
    expect(direct.text).toMatch(/kv cache/);
    const stranger = await slash('show 2', { user_id: 'U0777' });
    expect(stranger.text).toMatch(/no list to take result 2 from/);
    const past = await slash('show 42');
    expect(past.text).toBe('No result 42: the last list shows results 1–5.');
  });
});

describe("Slack: a thread under Paperboy's answer continues from it", () => {
  async function mention(text: string, ts: string, threadTs?: string, user = 'U0042'): Promise<string> {
    const before = h.api.callsTo('chat.postMessage').length;
    const ev = { type: 'app_mention', user, text: `<@UBOT0001> ${text}`, ts, channel: 'C0042', team: 'T0001', ...(threadTs ? { thread_ts: threadTs } : {}) };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === before + 1);
    return String(h.api.callsTo('chat.postMessage')[before]!.args.text);
  }

  it('show 2 and similar in the reply thread refer to the answer above them', async () => {
    const top = '1700009000.000100';
    const list = await mention('search kv cache compression', top);
    expect(list).toMatch(/kv cache compression/);
    const second = await mention('show 2', '1700009001.000100', top);
    const direct = await slash('search kv cache compression');
    expect(direct.text).toMatch(/kv cache/);
    expect(second).toBe((await slash('show 2')).text);
    // After a show reply in the thread, `similar` alone means that paper.
    const similar = await mention('similar', '1700009002.000100', top);
    expect(similar).toMatch(/^Similar to /);
    // Another thread knows nothing of it.
    expect(await mention('show 2', '1700009003.000100', '1700008000.000100')).toMatch(/no list to take result 2 from/);
  });
});

describe('Slack: a thread under a scheduled post refers to that post', () => {
  it('anyone replying in the thread of a posted digest gets its papers by number', async () => {
    const { SHELL_CONTEXT } = await import('../../src/reply/context.ts');
    const { testPaperboy } = await import('../helpers/paperboy.ts');
    const bot = await testPaperboy();
    const digest = await bot.run('digest 5 kv cache', { ...SHELL_CONTEXT, userId: 'scheduler-test' });
    const ids = digest.data?.type === 'results' ? digest.data.results.map((r) => r.id) : [];
    expect(ids).toHaveLength(5);
    await h.adapter.post({ channelId: 'C0077' }, digest);
    const ts = h.api.lastPostedTs!;
    const before = h.api.callsTo('chat.postMessage').length;
    const ev = { type: 'app_mention', user: 'U0099', text: '<@UBOT0001> show 3', ts: '1800000000.000100', thread_ts: ts, channel: 'C0077', team: 'T0001' };
    await post(h.base, eventBody(ev), JSON_T);
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === before + 1);
    const answer = h.api.callsTo('chat.postMessage')[before]!.args;
    expect(answer.thread_ts).toBe(ts);
    const third = await bot.run(`show ${ids[2]}`, { ...SHELL_CONTEXT, userId: 'check' });
    expect(String(answer.text)).toBe(third.summary);
  });
});
