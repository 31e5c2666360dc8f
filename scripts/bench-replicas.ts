/**
 * `npm run bench:replicas`: two Slack HTTP-mode bots (`node scripts/run.mjs main`, as `npm start`
 * runs them) sharing one PostgreSQL database, 2,000 signed slash commands at 200 a second split
 * between them, against a local fake Slack. Prints ack latency (p50/p99/max), reply latency, and
 * how many commands were lost or answered twice. Printed, never asserted (shared, noisy machines).
 *
 * The database: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the machine's PostgreSQL
 * (postgres://postgres@127.0.0.1:5432/test); a fresh schema is made for the run and dropped after.
 * Options: --commands N (default 2000), --rate R per second (default 200).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signedHeaders } from '../test/fakes/slack/sign.ts';
import { FakeSlackApi } from '../test/fakes/slack/web-api.ts';
import { percentile } from './bench/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-replicas-signing-secret-0123456789';
const BOT_TOKEN = ['xoxb', 'replicas', '1234567890', 'abcdefghij'].join('-');
const QUERIES = ['kv cache compression', 'speculative decoding', 'show snapkv', 'lora fine-tuning', 'state space models', 'help', 'new', 'similar snapkv'];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

interface Bot {
  port: number;
  child: ChildProcess;
  log: () => string;
}

function startBot(env: NodeJS.ProcessEnv, port: number): Bot {
  const child = spawn(process.execPath, ['scripts/run.mjs', 'main'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-200_000)));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-200_000)));
  return { port, child, log: () => log };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const commands = option('commands', 2000);
  const rate = option('rate', 200);
  const base = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_replicas_${Date.now().toString(36)}`;
  await admin(base, `CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const api = new FakeSlackApi();
  await api.start();
  const dirs: string[] = [];
  const bots: Bot[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'PAPERBOY_CONFIG', 'METRICS_PORT', 'PAPERS_PATH']) delete env[k];
    Object.assign(env, {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.apiUrl,
      HOST: '127.0.0.1',
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'warn',
    });
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-replica-'));
      dirs.push(dir);
      bots.push(startBot({ ...env, DATA_DIR: dir, LOG_LEVEL: 'info' }, await freePort()));
    }
    for (const bot of bots) await until(() => bot.log().includes('paperboy is running'), 120_000, 'the bots to start');

    console.log(`# bench:replicas — node ${process.version}, ${new Date().toISOString()}`);
    console.log(
      `two Slack HTTP-mode bots, one PostgreSQL (${url.hostname}:${url.port || 5432}, schema ${schema}); ${commands} slash commands at ${rate}/s, alternating`,
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const sentAt = new Map<string, number>();
    const acks: number[][] = [[], []];
    let failedAcks = 0;
    const send = (i: number): Promise<void> => {
      const bot = bots[i % 2]!;
      const responseUrl = api.responseUrl();
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      const body = new URLSearchParams({
        team_id: 'T0001',
        channel_id: `C${(i % 50).toString().padStart(4, '0')}`,
        user_id: `U${(i % 97).toString().padStart(4, '0')}`,
        command: '/papers',
        text: QUERIES[i % QUERIES.length]!,
        response_url: responseUrl,
        trigger_id: `t${i}`,
      }).toString();
      const headers = { ...signedHeaders(SECRET, body, 'application/x-www-form-urlencoded'), 'content-length': String(Buffer.byteLength(body)) };
      return new Promise((resolve) => {
        const t0 = performance.now();
        sentAt.set(id, Date.now());
        const r = request({ host: '127.0.0.1', port: bot.port, path: '/slack/events', method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) acks[i % 2]!.push(performance.now() - t0);
            else failedAcks += 1;
            resolve();
          });
        });
        r.on('error', () => {
          failedAcks += 1;
          resolve();
        });
        r.end(body);
      });
    };
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < commands; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(send(i));
    }
    await Promise.all(inFlight);
    const sendMs = performance.now() - started;
    await until(() => api.responses.length >= commands - failedAcks, 120_000, 'the answers').catch(() => undefined);
    // A little longer: a second answer to any command would show up now.
    await new Promise((r) => setTimeout(r, 2000));
    agent.destroy();

    const perId = new Map<string, number>();
    for (const r of api.responses) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
    const lost = [...sentAt.keys()].filter((id) => !perId.has(id)).length;
    const twice = [...perId.values()].filter((n) => n > 1).length;
    const replyMs = api.responses.map((r) => r.at - (sentAt.get(r.id) ?? r.at));
    const all = [...acks[0]!, ...acks[1]!];
    const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
    console.log(`sent in ${(sendMs / 1000).toFixed(1)} s (${((commands * 1000) / sendMs).toFixed(0)}/s achieved)`);
    console.log(`ack ms (HTTP 200)  all: p50 ${fmt(percentile(all, 50))}  p99 ${fmt(percentile(all, 99))}  max ${fmt(Math.max(...all))}`);
    for (const [i, a] of acks.entries()) console.log(`  bot ${i + 1}: ${a.length} acks  p50 ${fmt(percentile(a, 50))}  p99 ${fmt(percentile(a, 99))}`);
    console.log(`reply ms (to response_url): p50 ${fmt(percentile(replyMs, 50))}  p99 ${fmt(percentile(replyMs, 99))}`);
    console.log(`not acknowledged: ${failedAcks}   lost (acked, never answered): ${lost}   answered twice: ${twice}`);
    console.log(`the fake refused ${api.rejections.length} messages as Slack would`);
  } finally {
    for (const bot of bots) bot.child.kill('SIGTERM');
    await Promise.all(bots.map((b) => new Promise((r) => (b.child.exitCode !== null ? r(undefined) : b.child.once('exit', r)))));
    await api.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await admin(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

await main();
