/**
 * `@Paperboy saved` (and the other personal commands: save, unsave) mentioned in a channel answers
 * the asker alone: an ephemeral message (in the thread the mention was in), else a DM; never a
 * post in the channel. The real Bolt app in HTTP mode against the fake Slack Web API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { limitViolations } from './check-limits.ts';
import { JSON_T, eventBody, expectNoRejections, handlerActivity, post, slash as slashAs, startHttp, type HttpHarness, type Msg } from './harness.ts';

const USER = 'U0PERS01';
const handlers = handlerActivity();

let h: HttpHarness;
let reading: Reading;
let dir: string;
let paperboy: Paperboy;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-personal-'));
  paperboy = await newTestPaperboy();
  reading = startReading({ paperboy, logger: silentLogger(), store: SqliteReadingListStore.open(join(dir, 'state.db')) });
  h = await startHttp({ paperboy });
  // Seven papers on USER's reading list (two pages of `saved`), through /papers.
  await slash('search kv cache --limit 10');
  for (let i = 1; i <= 7; i++) expect((await slash(`save ${i}`)).text).toMatch(/^Saved /);
});
afterAll(async () => {
  await h.stop();
  await reading.store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => h.api.reset());
expectNoRejections(() => h.api);

const slash = (text: string): Promise<Msg> => slashAs(h, text, { user_id: USER });

let tsSeq = 0;
/** `@Paperboy <text>` by USER in `channel` (in thread `threadTs`); resolves once `done` holds and its handler has finished. */
async function mention(text: string, done: () => boolean, where: { channel?: string; threadTs?: string; user?: string } = {}): Promise<void> {
  tsSeq += 1;
  const ev = {
    type: 'app_mention',
    user: where.user ?? USER,
    text: `<@UBOT0001> ${text}`,
    ts: `1710000${String(tsSeq).padStart(3, '0')}.000100`,
    channel: where.channel ?? 'C0PUBLIC',
    team: 'T0001',
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
  };
  const res = await post(h.base, eventBody(ev), JSON_T);
  expect(res.status).toBe(200);
  await h.api.waitFor(done);
  // Nothing else follows: the handler has returned.
  await handlers.idle();
}

const settled =
  (method: string, n = 1) =>
  () =>
    h.api.callsTo(method).length === n;
const list = /^Your reading list: 7 papers/;

describe('Slack: personal commands mentioned in a channel answer only the asker', () => {
  it('@Paperboy saved: an ephemeral message to the asker, nothing posted in the channel', async () => {
    await mention('saved', settled('chat.postEphemeral'));
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    const [eph] = h.api.callsTo('chat.postEphemeral');
    expect(eph!.args).toMatchObject({ channel: 'C0PUBLIC', user: USER, text: expect.stringMatching(list) });
    // A top-level mention: the ephemeral message is in the channel, not in a thread under it.
    expect(eph!.args.thread_ts).toBeUndefined();
    expect(limitViolations(eph!.args as { text: string; blocks: unknown[] })).toEqual([]);
  });

  it('in a thread, the ephemeral answer is in that thread; save and unsave are private too', async () => {
    const thread = '1710000999.000100';
    await mention('saved', settled('chat.postEphemeral'), { threadTs: thread });
    expect(h.api.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({
      channel: 'C0PUBLIC',
      user: USER,
      thread_ts: thread,
      text: expect.stringMatching(list),
    });
    await mention('bookmark snapkv', settled('chat.postEphemeral', 2), { threadTs: thread });
    await mention('unsave snapkv', settled('chat.postEphemeral', 3), { threadTs: thread });
    expect(h.api.callsTo('chat.postEphemeral').map((c) => c.args.text)).toEqual([
      expect.stringMatching(list),
      expect.stringMatching(/^Saved SnapKV/),
      expect.stringMatching(/^Removed SnapKV/),
    ]);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  it('`next` after `saved` (page 2 of the reading list) is private too', async () => {
    await mention('saved', settled('chat.postEphemeral'), { channel: 'C0PAGING' });
    await mention('next', settled('chat.postEphemeral', 2), { channel: 'C0PAGING' });
    expect(String(h.api.callsTo('chat.postEphemeral')[1]!.args.text)).toMatch(/^Your reading list: 7 papers · showing 6–7 · page 2 of 2/);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });

  it('when Slack refuses the ephemeral message (not_in_channel), the answer goes to the asker as a DM', async () => {
    h.api.dmChannels.set(USER, 'D0PERS01');
    h.api.failNext('chat.postEphemeral', { kind: 'platform', error: 'not_in_channel' });
    await mention('saved', settled('chat.postMessage'));
    const posts = h.api.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args).toMatchObject({ channel: USER, text: expect.stringMatching(list) });
  });

  it('when the DM fails too, the channel is told only that something went wrong', async () => {
    h.api.failNext('chat.postEphemeral', { kind: 'platform', error: 'not_in_channel' });
    h.api.failNext('chat.postMessage', { kind: 'platform', error: 'cannot_dm_bot' });
    await mention('saved', settled('chat.postMessage', 2));
    const [dm, notice] = h.api.callsTo('chat.postMessage');
    expect(dm!.args.channel).toBe(USER);
    expect(notice!.args).toMatchObject({ channel: 'C0PUBLIC', text: expect.stringMatching(/^Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\.$/) });
    expect(notice!.args.blocks).toBeUndefined();
  });

  it('other commands still answer in a thread for everyone; in a DM, saved answers in the DM', async () => {
    await mention('search kv cache', settled('chat.postMessage'));
    expect(h.api.callsTo('chat.postMessage')[0]!.args).toMatchObject({ channel: 'C0PUBLIC', thread_ts: expect.any(String) });
    await mention('saved', settled('chat.postMessage', 2), { channel: 'D0PERS01' });
    expect(h.api.callsTo('chat.postMessage')[1]!.args).toMatchObject({ channel: 'D0PERS01', text: expect.stringMatching(list) });
    expect(h.api.callsTo('chat.postEphemeral')).toEqual([]);
  });
});

describe('the core marks personal replies, however they were asked', () => {
  it('personal commands by name, alias, / or /papers, as a follow-up page or a rank; not other commands', async () => {
    const ctx = { platform: 'slack' as const, userId: 'U0MARK01', channelId: 'C0MARK', workspaceId: 'T1' };
    // Seven saved papers (two pages of `saved`), the last by rank.
    await paperboy.run('search kv cache --limit 10', ctx);
    for (let i = 1; i <= 6; i++) await paperboy.run(`save ${i}`, ctx);
    expect((await paperboy.run('save 7', ctx)).personal).toBe(true);
    for (const t of ['saved', 'saved --bibtex', 'SAVED', '/saved', '/papers saved', 'reading-list', 'bookmark snapkv', 'unsave snapkv']) {
      expect((await paperboy.run(t, ctx)).personal, t).toBe(true);
    }
    for (const t of ['search saved', '"saved"', 'cite snapkv', 'show snapkv', 'help saved', 'stats']) {
      expect((await paperboy.run(t, ctx)).personal, t).toBeUndefined();
    }
    // `next` after a reading list runs `saved --page 2`: personal too; after a search it is not.
    await paperboy.run('saved', ctx);
    expect((await paperboy.run('next', ctx)).personal).toBe(true);
    await paperboy.run('search kv cache', ctx);
    expect((await paperboy.run('next', ctx)).personal).toBeUndefined();
  });
});
