/**
 * SIGTERM on the real bot (Slack HTTP mode, as `npm start` runs it): a slash command that got its
 * 200 before the signal still gets its answer; the port takes no new work meanwhile; the process
 * then exits 0. The command is an `ingest hf` held at a local fake Hugging Face until the test lets
 * it finish.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { ROOT, tempDataDir, removeTempDirs } from '../ingest/helpers.ts';
import { freePort } from '../helpers/bot-process.ts';

const SECRET = 'sigterm-signing-secret-0123456789';
const BOT_TOKEN = ['xoxb', 'sigterm', '1234567890', 'abcdefghij'].join('-');

afterAll(() => removeTempDirs());

/** A Hugging Face stand-in that holds every request until `release()`, then answers an empty day. */
async function heldHf(): Promise<{ url: string; requests: () => number; release(): void; close(): Promise<void> }> {
  let requests = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  const server: Server = createServer((_req, res) => {
    requests += 1;
    void released.then(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    release,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('SIGTERM', () => {
  it('an acknowledged slash command is answered before the bot exits; new requests are refused', async () => {
    const api = new FakeSlackApi();
    await api.start();
    const hf = await heldHf();
    const dir = tempDataDir();
    const config = join(dir, 'paperboy.config.json');
    writeFileSync(config, JSON.stringify({ admins: { slack: ['U0001'] } }));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'PAPERS_PATH', 'TOPICS_PATH', 'ARXIV_API_URL']) delete env[k];
    Object.assign(env, {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.apiUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      HF_API_URL: hf.url,
      DATA_DIR: join(dir, 'data'),
      PAPERBOY_CONFIG: config,
      LOG_LEVEL: 'info',
    });
    const child: ChildProcess = spawn(process.execPath, ['scripts/run.mjs', 'main'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(log).toContain('paperboy is running'), { timeout: 60_000, interval: 50 });

      const responseUrl = api.responseUrl();
      const body = new URLSearchParams({
        team_id: 'T0001',
        channel_id: 'C0001',
        user_id: 'U0001',
        command: '/papers',
        text: 'ingest hf --date 2026-11-27',
        response_url: responseUrl,
        trigger_id: 'trig-1',
      }).toString();
      const base = `http://127.0.0.1:${port}/slack/events`;
      const acked = await fetch(base, { method: 'POST', headers: signedHeaders(SECRET, body, 'application/x-www-form-urlencoded'), body });
      expect(acked.status).toBe(200);
      await vi.waitFor(() => expect(hf.requests()).toBe(1), { timeout: 30_000, interval: 20 });

      child.kill('SIGTERM');
      await vi.waitFor(() => expect(log).toMatch(/"why":"SIGTERM".*"msg":"stopping"/), { timeout: 30_000, interval: 20 });
      // Stopping: the port takes nothing new, and the acknowledged command is still unanswered.
      await vi.waitFor(() => expect(fetch(base, { method: 'POST', body: 'x' })).rejects.toThrow(), { timeout: 30_000, interval: 50 });
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      expect(api.responses.some((r) => r.id === id)).toBe(false);

      hf.release();
      expect(await exited).toBe(0);
      const answers = api.responses.filter((r) => r.id === id);
      expect(answers).toHaveLength(1);
      expect(JSON.stringify(answers[0]!.body)).toMatch(/2026-11-27/);
    } finally {
      child.kill('SIGKILL');
      await hf.close();
      await api.stop();
    }
  });
});
