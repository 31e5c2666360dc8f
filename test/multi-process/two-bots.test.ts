/**
 * Issue #18's acceptance, end to end: two `npm start` processes in Slack HTTP mode, each with its
 * own DATA_DIR and one DATABASE_URL to a fresh database (a fresh schema here), create the schema
 * themselves; a schedule added through one is listed by the other and its slot is posted exactly
 * once; a paper ingested by a third process is found by both; `show 2` after a search answered
 * by the other process shows result 2; /healthz and /metrics answer on both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/backends.ts';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { ROOT, removeTempDirs, runCli, tempDataDir, type CliEnv } from '../ingest/helpers.ts';
import { freePort } from '../helpers/bot-process.ts';

const SECRET = 'two-bots-signing-secret-0123456789';
const BOT_TOKEN = ['xoxb', 'twobots', '1234567890', 'abcdefghij'].join('-');
const describePg = describe.runIf(TEST_DATABASE_URL !== undefined);
const title = TEST_DATABASE_URL ? 'two bots on one PostgreSQL' : 'two bots on one PostgreSQL (skipped: TEST_DATABASE_URL is not set)';

interface Bot {
  port: number;
  log: () => string;
  child: ChildProcess;
}

describePg(title, () => {
  const schema = `t_bots_${process.pid}_${Date.now().toString(36)}`;
  const api = new FakeSlackApi();
  const hf = new FakeHf();
  let databaseUrl: string;
  let hfUrl: string;
  const bots: Bot[] = [];

  function start(): Promise<Bot> {
    return freePort().then((port) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const k of ['SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'PAPERS_PATH', 'TOPICS_PATH', 'PAPERBOY_CONFIG', 'METRICS_PORT']) delete env[k];
      Object.assign(env, {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: api.apiUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(tempDataDir(), 'data'),
        DATABASE_URL: databaseUrl,
        HF_API_URL: hfUrl,
        LOG_LEVEL: 'info',
      });
      const child = spawn(process.execPath, ['scripts/run.mjs', 'main'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
      const bot = { port, child, log: () => log };
      bots.push(bot);
      return bot;
    });
  }

  /** `/papers <text>` to one bot as U0001 in C0001; resolves with the answer posted to its response_url. */
  async function slash(bot: Bot, text: string): Promise<string> {
    const responseUrl = api.responseUrl();
    const body = new URLSearchParams({
      team_id: 'T0001',
      channel_id: 'C0001',
      user_id: 'U0001',
      command: '/papers',
      text,
      response_url: responseUrl,
      trigger_id: `t${Date.now()}`,
    }).toString();
    const res = await fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(SECRET, body, 'application/x-www-form-urlencoded'),
      body,
    });
    expect(res.status).toBe(200);
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    await api.waitFor(() => api.responses.some((r) => r.id === id), 30_000);
    return JSON.stringify(api.responses.find((r) => r.id === id)!.body);
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
    await api.start();
    hfUrl = await hf.start();
    hf.setDay('2026-12-03', [hfItem({ id: '2612.01234', title: 'Quokkaformer: Sparse Attention for Marsupial Genomes', upvotes: 50 })]);
    // Both start at once against the empty schema: they take turns creating it.
    const [a, b] = await Promise.all([start(), start()]);
    for (const bot of [a, b]) await vi.waitFor(() => expect(bot.log()).toContain('paperboy is running'), { timeout: 90_000, interval: 100 });
  }, 120_000);

  afterAll(async () => {
    for (const bot of bots) bot.child.kill('SIGTERM');
    await Promise.all(bots.map((b) => new Promise((r) => (b.child.exitCode !== null ? r(undefined) : b.child.once('exit', r)))));
    await api.stop();
    await hf.close();
    removeTempDirs();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('`show 2` answered by the other bot shows result 2 of the search', async () => {
    const [a, b] = bots as [Bot, Bot];
    const results = await slash(a, 'search kv cache compression');
    // The second result's title, as Slack shows it: `2. *Title*`.
    const second = /"text":"2\. \*([^*]+)\*/.exec(results)?.[1];
    expect(second, results.slice(0, 500)).toBeTruthy();
    const shown = await slash(b, 'show 2');
    expect(shown, shown.slice(0, 600)).toContain(second!.slice(0, 30));
  });

  it('a paper ingested by a third process is found by both bots', async () => {
    const ingested = await runCli(['ingest', 'hf', '--date', '2026-12-03'], {
      DATA_DIR: join(tempDataDir(), 'data'),
      DATABASE_URL: databaseUrl,
      HF_API_URL: hfUrl,
    } as CliEnv);
    expect(ingested.code, ingested.err).toBe(0);
    for (const bot of bots) {
      await vi.waitFor(async () => expect(await slash(bot, 'search quokkaformer marsupial')).toContain('Quokkaformer'), { timeout: 30_000, interval: 500 });
    }
  });

  it('a schedule added through one bot is listed by the other, and its slot is posted exactly once', async () => {
    const [a, b] = bots as [Bot, Bot];
    // A slot more than a minute ahead: by then both bots have armed a timer for it (the other one
    // learns of the schedule at its next check, within a minute), so they race for it.
    const slot = new Date(Math.ceil((Date.now() + 65_000) / 60_000) * 60_000);
    const added = await slash(a, `schedule add "${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *" digest --count 1`);
    const id = /Scheduled (s-[0-9a-f]+)/.exec(added)?.[1];
    expect(id, added.slice(0, 400)).toMatch(/^s-[0-9a-f]+$/);
    expect(await slash(b, 'schedule list')).toContain(id!);
    // The signal that both tried: one posted, the other found the slot taken (its claim conflict).
    const conflicts = async () => {
      let n = 0;
      for (const bot of bots) {
        const text = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
        n += Number(/paperboy_claim_conflicts_total\{kind="schedule"\} (\d+)/.exec(text)?.[1] ?? 0);
      }
      return n;
    };
    await vi.waitFor(
      async () => {
        expect(api.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0001')).toHaveLength(1);
        expect(await conflicts()).toBe(1);
      },
      { timeout: slot.getTime() - Date.now() + 60_000, interval: 500 },
    );
  }, 240_000);

  it('/healthz and /metrics answer on both bots', async () => {
    for (const bot of bots) {
      const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', process: 'ok', database: 'ok', index: 'ok' });
      const metrics = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
      expect(metrics).toMatch(/paperboy_commands_total\{platform="slack",command="search"/);
    }
  });
});
