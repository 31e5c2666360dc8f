/**
 * A watch whose channel is gone pauses itself: the real Slack adapter (HTTP mode, fake Web API)
 * answering `channel_not_found`, and the real Discord adapter (fake Discord) answering 10003.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import { createLogger, silentLogger } from '../../src/app/logger.ts';
import type { Posters } from '../../src/posting/poster.ts';
import { createWatchNotifier } from '../../src/watch/notifier.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { startHttp, type HttpHarness } from '../slack/harness.ts';
import { feedPaper, openLibrary, openPaperStore, openWatchStore, tempDb } from './helpers.ts';

let harness: HttpHarness | undefined;
let fake: FakeDiscord | undefined;
let discord: DiscordAdapter | undefined;
afterEach(async () => {
  await harness?.stop();
  await discord?.stop();
  await fake?.close();
  harness = undefined;
  discord = undefined;
  fake = undefined;
});

async function scenario(platform: 'slack' | 'discord', channelId: string, posters: Posters) {
  const file = tempDb();
  const papers = openPaperStore(file);
  const watches = openWatchStore(file);
  const library = await openLibrary(papers);
  const lines: string[] = [];
  const notifier = createWatchNotifier({
    store: watches,
    papers,
    library,
    posters,
    logger: createLogger('info', { write: (s: string) => void lines.push(s) }),
    sleep: async () => {},
  });
  await watches.insertWatch({ id: 'w-0001', platform, channelId, personal: false, query: 'zorblax' }, new Date(Date.now() - 60_000), 20);
  await papers.upsertBatch([feedPaper({ arxivId: '2611.00001', title: 'Zorblax: Sparse Caches' })]);
  const reports = await notifier.runPass();
  return { reports, watches, lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>), papers, notifier };
}

describe('a watch whose channel is gone pauses itself and says so in the log', () => {
  it('Slack: channel_not_found', async () => {
    harness = await startHttp();
    const { api, adapter } = harness;
    api.failNext('chat.postMessage', { kind: 'platform', error: 'channel_not_found' });
    const s = await scenario('slack', 'CGONE', { slack: (c, r) => adapter.post(c, r) });
    expect(s.reports).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 1, paused: true, detail: expect.stringMatching(/channel_not_found/) })]);
    expect(await s.watches.getWatch('w-0001')).toMatchObject({ paused: true, pausedReason: expect.stringMatching(/channel_not_found/) });
    expect(s.lines).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/^watch paused: its channel is gone/), channel: 'CGONE' }));
    expect(api.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('Slack: not_in_channel is recorded as failed, and the watch keeps running', async () => {
    harness = await startHttp();
    const { api, adapter } = harness;
    api.failNext('chat.postMessage', { kind: 'platform', error: 'not_in_channel' });
    const s = await scenario('slack', 'C1', { slack: (c, r) => adapter.post(c, r) });
    expect(s.reports).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 1, detail: expect.stringMatching(/not_in_channel/) })]);
    expect((await s.watches.getWatch('w-0001'))?.paused).toBe(false);
    expect(await s.watches.deliveries('w-0001')).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringMatching(/not_in_channel/) })]);
  });

  it('Discord: Unknown Channel (10003)', async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
    discord = createDiscordAdapter({
      config: { token: fake.token, apiUrl: fake.apiUrl },
      paperboy: await newTestPaperboy(),
      logger: silentLogger(),
      restRetries: 0,
    });
    await discord.start();
    const gone = '100000000000000999';
    fake.fail('POST', new RegExp(`^/channels/${gone}/messages$`), 404, 10003, 'Unknown Channel');
    const d = discord;
    const s = await scenario('discord', gone, { discord: (c, r) => d.post(c, r) });
    expect(s.reports).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 1, paused: true, detail: expect.stringMatching(/10003/) })]);
    expect(await s.watches.getWatch('w-0001')).toMatchObject({ paused: true });
    expect(s.lines).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/^watch paused: its channel is gone/), channel: gone }));
  });
});
