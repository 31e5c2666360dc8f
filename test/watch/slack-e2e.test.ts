/**
 * The acceptance scenario in Slack (HTTP mode, against the local fake Web API): the real bot in a
 * child process; `/papers watch add <word>` in C1; a separate `npm run -s cli -- ingest hf …`
 * process writing to the same DATA_DIR adds a paper with that word; the bot posts it to C1, once,
 * even after the same ingest runs again (also with new upvote counts); C2, whose watch matches
 * nothing, gets nothing. "Nothing more" is checked once the bot's watch notifier has finished a pass
 * over the re-ingested papers (its cursor in the state database), not after a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { dayBefore, removeTempDirs, runCli, tempDataDir } from '../ingest/helpers.ts';
import { BOT_TOKEN, post, SECRET, slashBody } from '../slack/harness.ts';
import { freePort, logLines, startBot, watchPassCovered, type BotProcess } from './bot-process.ts';

const DAY = dayBefore(1);
const zorblax = (upvotes: number) =>
  hfItem({
    id: '2611.00001',
    title: 'Zorblax: Sparse Key-Value Caches for Long-Context Language Models',
    summary: 'We introduce Zorblax, a method that prunes the key-value cache of large language models during long-context inference.',
    upvotes,
  });
const OTHER = hfItem({ id: '2611.00002', title: 'Quiet Baselines for Image Captioning', upvotes: 9 });

const api = new FakeSlackApi();
const hf = new FakeHf();
let bot: BotProcess;
let base: string;
let dataDir: string;

beforeAll(async () => {
  await api.start();
  await hf.start();
  hf.setDay(DAY, [zorblax(42), OTHER]);
  dataDir = tempDataDir();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  bot = startBot({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    PORT: String(port),
    SLACK_API_URL: api.apiUrl,
    DATA_DIR: dataDir,
  });
  await bot.waitForLog(/paperboy is running/, 60_000);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await api.stop();
  await hf.close();
  removeTempDirs();
});

/** Run `/papers <text>` in a channel; resolve with the text of the (ephemeral) answer. */
async function slash(text: string, channel: string): Promise<string> {
  const before = api.responses.length;
  const { body } = slashBody(api, text, { channel_id: channel });
  const sent = await post(base, body, 'application/x-www-form-urlencoded');
  expect(sent.status).toBe(200);
  await api.waitFor(() => api.responses.length > before, 10_000);
  return JSON.stringify(api.responses[before]!.body);
}

const postsTo = (channel: string) => api.callsTo('chat.postMessage').filter((c) => c.args['channel'] === channel);

describe('watches in Slack, with the ingest in another process', () => {
  let id = '';

  it('started with no admins list, the bot said at start-up that anyone may change schedules and watches', () => {
    expect(logLines(bot.logs).map((l) => l['msg'])).toContainEqual(
      expect.stringMatching(/^No slack admins are set \(no PAPERBOY_CONFIG file\): anyone in slack may/),
    );
  });

  it('/papers watch add zorblax in C1, and watch list shows it', async () => {
    const added = await slash('watch add zorblax', 'C1');
    id = /Watching “zorblax” in this channel as (w-[0-9a-f]+)/.exec(added)?.[1] ?? '';
    expect(id, added).not.toBe('');
    const list = await slash('watch list', 'C1');
    expect(list).toContain(id);
    expect(list).toContain('zorblax');
    expect(await slash('watch add quasar', 'C2')).toContain('Watching “quasar”');
    expect(await slash('watch list', 'C2')).not.toContain(id);
    // In a DM the watch is personal.
    expect(await slash('watch add quasar', 'D0001')).toContain('Watching “quasar” here, for you');
    expect(await slash('watch list', 'D0001')).toContain('Your watches');
  });

  it('a separate ingest process adds a matching paper; the bot posts it to C1, naming only that paper', async () => {
    const r = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ added: 2, failed: [] });
    // Liveness only (the bot checks the store every 2 s): the alert arrives.
    await api.waitFor(() => postsTo('C1').length > 0, 30_000);
    const [alert] = postsTo('C1');
    const blocks = JSON.stringify(alert!.args['blocks']);
    expect(blocks).toContain('Zorblax');
    expect(blocks).not.toContain('Quiet Baselines');
    expect(String(alert!.args['text'])).toMatch(/New paper: “zorblax”/);
    await bot.waitForLog(/"msg":"watch alert sent"/, 10_000);
    const sent = logLines(bot.logs).find((l) => l['msg'] === 'watch alert sent');
    expect(sent).toMatchObject({ watch: id, channel: 'C1', papers: 1 });
  }, 60_000);

  it('the same ingest again, then again with new upvote counts: once the bot has checked them, nothing more was posted; C2 never got anything', async () => {
    const r = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ added: 0, updated: 0, failed: [] });
    // The papers move on Hugging Face: stored as updated, so the bot's notifier must look at them again.
    hf.setDay(DAY, [zorblax(43), OTHER]);
    const updated = await runCli(['ingest', 'hf', '--date', DAY, '--json'], { DATA_DIR: dataDir, HF_API_URL: hf.url });
    expect(updated.code, updated.err).toBe(0);
    expect(JSON.parse(updated.out)).toMatchObject({ added: 0, updated: 1, failed: [] });
    // The signal: the bot's notifier finished a pass over the updated paper (after both ingests).
    await watchPassCovered(dataDir, 'slack');
    expect(postsTo('C1')).toHaveLength(1);
    expect(postsTo('C2')).toHaveLength(0);
    expect(postsTo('D0001')).toHaveLength(0);
    expect(postsTo('U0001')).toHaveLength(0);
    expect(await slash(`watch list`, 'C1')).toContain('1 paper sent');
  }, 60_000);

  it("the alert's paper is searchable in the bot, and watch matches lists it", async () => {
    const matches = await slash(`watch matches ${id}`, 'C1');
    expect(matches).toContain('Zorblax');
  });
});
