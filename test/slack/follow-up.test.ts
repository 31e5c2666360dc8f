import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, slashBody, startHttp, type HttpHarness } from './harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttp();
});
afterAll(() => h.stop());

type Msg = { text: string };

async function slash(text: string, extra: Record<string, string> = {}): Promise<Msg> {
  const before = h.api.responses.length;
  const { body } = slashBody(h.api, text, extra);
  await post(h.base, body, 'application/x-www-form-urlencoded');
  await h.api.waitFor(() => h.api.responses.length === before + 1);
  return h.api.responses[before]!.body as unknown as Msg;
}

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
