/**
 * OAuth mode as `npm start` runs it: the environment alone (client id and secrets, the encryption
 * key, no bot token) starts Slack HTTP mode with the install routes; a workspace installs and is
 * answered on its own token; a schedule made there pauses when the workspace removes the app, and
 * the workspace then gets no reply; the token is in no log line and in no file under DATA_DIR.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import { FakeSlackApi } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { freePort, startBot } from '../helpers/bot-process.ts';
import { tempDataDir, removeTempDirs } from '../ingest/helpers.ts';

const SECRET = 'oauth-main-signing-secret-0123456789';
const CLIENT_ID = '3333333333.4444444444';
const CLIENT_SECRET = 'oauth-main-client-secret-abcdef';
const KEY = 'a1'.repeat(32);

afterAll(() => removeTempDirs());

function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(path, d.name)) : [join(path, d.name)]));
}

describe('npm start in OAuth mode', () => {
  it('serves /slack/install, installs a workspace, answers it on its own token, pauses its schedules when it leaves; no token in logs or files', async () => {
    const api = new FakeSlackApi();
    api.clientId = CLIENT_ID;
    api.clientSecret = CLIENT_SECRET;
    const ws = api.addWorkspace('TMAIN0001', 'Main Lab');
    await api.start();
    const dataDir = join(tempDataDir(), 'data');
    const port = await freePort();
    const bot = startBot({
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: 'oauth-main-state-secret-0123456789',
      SLACK_SIGNING_SECRET: SECRET,
      PAPERBOY_ENCRYPTION_KEY: KEY,
      SLACK_API_URL: api.apiUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
    });
    const base = `http://127.0.0.1:${port}`;
    /** A signed Events API callback from the workspace; resolves with the HTTP status. */
    const sendEvent = async (id: string, event: Record<string, unknown>): Promise<number> => {
      const body = JSON.stringify({
        team_id: ws.teamId,
        api_app_id: 'AFAKEAPP',
        type: 'event_callback',
        event_id: id,
        event_time: Math.floor(Date.now() / 1000),
        event,
      });
      const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body, 'application/json'), body });
      await res.text();
      return res.status;
    };
    const mention = (id: string, text: string) =>
      sendEvent(id, {
        type: 'app_mention',
        user: 'U0001',
        text: `<@${ws.botUserId}> ${text}`,
        ts: `17000000${id.slice(-2)}.000100`,
        channel: 'C0001',
        team: ws.teamId,
      });
    try {
      await bot.waitForLog(/paperboy is running/, 60_000);
      const page = await fetch(`${base}/slack/install`);
      expect(page.status).toBe(200);
      const href = /href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');
      const state = new URL(href).searchParams.get('state')!;
      const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
      const done = await fetch(`${base}/slack/oauth_redirect?code=${ws.code}&state=${encodeURIComponent(state)}`, { headers: { cookie } });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Paperboy is installed');

      expect(await mention('EvMAIN0001', 'show snapkv')).toBe(200);
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 1, 30_000);
      expect(api.callsTo('chat.postMessage')[0]!.token).toBe(ws.token);
      expect(String(api.callsTo('chat.postMessage')[0]!.args.text)).toMatch(/SnapKV/i);

      // A schedule made in the workspace records it; when the workspace removes the app, it pauses.
      expect(await mention('EvMAIN0002', 'schedule add "0 9 * * *" digest')).toBe(200);
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 2, 30_000);
      expect(String(api.callsTo('chat.postMessage')[1]!.args.text)).toMatch(/schedul/i);
      expect(await sendEvent('EvMAIN0003', { type: 'app_uninstalled' })).toBe(200);
      await bot.waitForLog(/its schedules and watches are paused/);
      const peek = openSqliteState(dataDir);
      try {
        const [schedule] = await peek.schedules.listSchedules();
        expect(schedule).toMatchObject({ workspaceId: ws.teamId, paused: true });
      } finally {
        await peek.close();
      }
      // Bolt answers a request it could not authorise only after refusing it: no listener runs after this 200.
      expect(await mention('EvMAIN0004', 'stats')).toBe(200);
      expect(api.callsTo('chat.postMessage')).toHaveLength(2);
    } finally {
      expect(await bot.stop()).toBe(0);
      await api.stop();
    }
    for (const secret of [ws.token, CLIENT_SECRET, KEY]) expect(bot.logs.includes(secret), 'a secret in the log').toBe(false);
    for (const f of filesUnder(dataDir)) expect(readFileSync(f).toString('latin1').includes(ws.token), `the token in ${f}`).toBe(false);
  }, 120_000);
});
