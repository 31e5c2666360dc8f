/**
 * The acceptance scenario through Discord (the local fake: REST + gateway): the real bot in a child
 * process; `@Paperboy watch add <word>` in the guild channel; a separate `npm run -s cli -- ingest hf …`
 * process adds a paper with that word; the bot posts it to the channel, once, even after the same
 * ingest runs again (also with new upvote counts). A personal watch in a DM whose words match
 * nothing gets nothing. "Nothing more" is checked once the bot's watch notifier has finished a pass
 * over the re-ingested papers (its cursor in the state database), not after a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { messageCreatePayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';
import { dayBefore, removeTempDirs, runCli, tempDataDir } from '../ingest/helpers.ts';
import { startBot, watchPassCovered, type BotProcess } from './bot-process.ts';

const DAY = dayBefore(1);
const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const DM_CHANNEL = '100000000000000555';

/** The day's papers on the fake Hugging Face; the first matches the channel's watch. */
const papersOfTheDay = (upvotes: number) => [
  hfItem({ id: '2611.00011', title: 'Glimmerwave: Fast Speculative Decoding with Draft Trees', upvotes }),
  hfItem({ id: '2611.00012', title: 'Quiet Baselines for Image Captioning', upvotes: 9 }),
];

let fake: FakeDiscord;
const hf = new FakeHf();
let bot: BotProcess;
let dataDir: string;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  await hf.start();
  hf.setDay(DAY, papersOfTheDay(30));
  dataDir = tempDataDir();
  bot = startBot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATA_DIR: dataDir });
  await bot.waitForLog(/paperboy is running/, 60_000);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await hf.close();
  removeTempDirs();
});

const messagesTo = (channel: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`);
/** Posts of the bot's own (alerts), not replies to a message. */
const alertsTo = (channel: string) => messagesTo(channel).filter((r) => !(r.body as MessageBody).message_reference);

/** Send a message (a mention in the channel, or a DM) and wait for the bot's reply to it. */
async function say(content: string, opts: { dm?: boolean } = {}): Promise<string> {
  const id = snowflake();
  const from = fake.requests.length;
  const text = opts.dm ? content : `<@${fake.world.bot.id}> ${content}`;
  fake.dispatch(
    'MESSAGE_CREATE',
    messageCreatePayload(fake.world, {
      id,
      content: text,
      author: alice,
      mentions: opts.dm ? [] : [fake.world.bot],
      ...(opts.dm ? { dmChannelId: DM_CHANNEL } : {}),
    }),
  );
  const req: RecordedRequest = await fake.waitFor(
    (r) => r.method === 'POST' && (r.body as MessageBody | undefined)?.message_reference?.message_id === id,
    10_000,
    from,
  );
  return JSON.stringify(req.body);
}

describe('watches in Discord, with the ingest in another process', () => {
  it('watch add in the channel and in a DM; watch list shows each in its place', async () => {
    const channel = fake.world.channelId;
    expect(await say('watch add glimmerwave')).toMatch(/Watching “glimmerwave” in this channel as `w-[0-9a-f]+`/);
    expect(await say('watch add zeptoquark', { dm: true })).toMatch(/Watching “zeptoquark” here, for you as `w-[0-9a-f]+`/);
    const list = await say('watch list');
    expect(list).toContain('glimmerwave');
    expect(list).not.toContain('zeptoquark');
    expect(await say('watch list', { dm: true })).toContain('Your watches');
    expect(alertsTo(channel)).toHaveLength(0);
  });

  it('a separate ingest process adds a matching paper; the channel gets it once, even after re-ingests; the DM gets nothing', async () => {
    const channel = fake.world.channelId;
    const r = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(r.code, r.err).toBe(0);
    // Liveness only (the bot checks the store every 2 s): the alert arrives.
    const alert = await fake.waitFor(
      (q) => q.method === 'POST' && q.path === `/channels/${channel}/messages` && !(q.body as MessageBody).message_reference,
      30_000,
    );
    const body = JSON.stringify(alert.body);
    expect(body).toContain('Glimmerwave');
    expect(body).not.toContain('Quiet Baselines');
    expect((alert.body as MessageBody).allowed_mentions).toEqual({ parse: [] });

    const again = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ added: 0, updated: 0, failed: [] });
    // The papers move on Hugging Face: stored as updated, so the bot's notifier must look at them again.
    hf.setDay(DAY, papersOfTheDay(31));
    const updated = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(updated.code, updated.err).toBe(0);
    expect(JSON.parse(updated.out)).toMatchObject({ added: 0, updated: 1, failed: [] });
    // The signal: the bot's notifier finished a pass over the updated paper (after both ingests).
    await watchPassCovered(dataDir, 'discord');
    expect(alertsTo(channel)).toHaveLength(1);
    expect(alertsTo(DM_CHANNEL)).toHaveLength(0);
    expect(await say('watch list')).toContain('1 paper sent');
  }, 90_000);
});
