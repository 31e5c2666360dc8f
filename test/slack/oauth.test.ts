/**
 * OAuth mode end to end: the real Bolt app (HTTP receiver and installer) on Paperboy's installation
 * store, against the local fake Slack API. Two workspaces install from `/slack/install`, each is
 * answered with its own token, one that never installed gets nothing, a forged or replayed state
 * never reaches `oauth.v2.access`, no token is written in the clear, and `app_uninstalled` ends a
 * workspace's installation.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.ts';
import { SlackDeliveryError } from '../../adapters/slack/delivery-error.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { FakeSlackApi, type FakeWorkspace } from '../fakes/slack/web-api.ts';
import { signedHeaders } from '../fakes/slack/sign.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { KEY_A } from '../installations/helpers.ts';
import { JSON_T, SECRET, handlerActivity, nextId } from './harness.ts';
import type { Reply } from '../../src/reply/reply.ts';

const CLIENT_ID = '1111111111.2222222222';
const CLIENT_SECRET = 'fake-client-secret-0123456789abcdef';
const STATE_SECRET = 'fake-state-secret-0123456789abcdef';

const handlers = handlerActivity();
let api: FakeSlackApi;
let adapter: SlackAdapter;
let state: State;
let dir: string;
let base: string;
let a: FakeWorkspace;
let b: FakeWorkspace;
const removed: string[] = [];
const installed: string[] = [];

beforeAll(async () => {
  api = new FakeSlackApi();
  api.clientId = CLIENT_ID;
  api.clientSecret = CLIENT_SECRET;
  a = api.addWorkspace('TAAAA0001', 'Alpha Lab');
  b = api.addWorkspace('TBBBB0002', 'Beta <Lab> & co');
  await api.start();
  dir = mkdtempSync(join(tmpdir(), 'paperboy-oauth-'));
  state = openSqliteState(dir, { encryptionKey: KEY_A });
  adapter = createSlackAdapter({
    config: {
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET, scopes: ['app_mentions:read', 'chat:write', 'commands'] },
      signingSecret: SECRET,
      apiUrl: api.apiUrl,
      port: 0,
    },
    paperboy: await testPaperboy(),
    logger: silentLogger(),
    retries: 0,
    installations: state.installations,
    workspaces: {
      removed: async (id) => void removed.push(id),
      installed: async (id) => void installed.push(id),
    },
  });
  await adapter.start();
  base = `http://127.0.0.1:${adapter.port}`;
});

afterAll(async () => {
  await adapter?.stop();
  await api?.stop();
  await state?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface InstallStart {
  authorizeUrl: URL;
  state: string;
  cookie: string;
}

/** GET /slack/install: the page, its authorize link and the state cookie. */
async function startInstall(): Promise<InstallStart> {
  const res = await fetch(`${base}/slack/install`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  const href = /href="(https:\/\/slack\.com\/oauth\/v2\/authorize[^"]+)"/.exec(html)?.[1];
  expect(href, 'the install page links to Slack').toBeDefined();
  const authorizeUrl = new URL(href!.replace(/&amp;/g, '&'));
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { authorizeUrl, state: authorizeUrl.searchParams.get('state') ?? '', cookie };
}

/** Slack's redirect back, as the browser follows it. */
async function redirect(code: string, stateParam: string, cookie: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${base}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(stateParam)}`, {
    headers: { cookie },
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text() };
}

async function install(w: FakeWorkspace): Promise<void> {
  const start = await startInstall();
  const done = await redirect(w.code, start.state, start.cookie);
  expect(done.status).toBe(200);
  expect(done.html).toContain('Paperboy is installed');
}

/**
 * A signed Events API callback from a workspace (`app_mention`, `app_uninstalled`, ...), naming the
 * bot's authorisation when `botUserId` is given; resolves with the HTTP status of the delivery.
 */
async function event(teamId: string, ev: Record<string, unknown>, botUserId?: string): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'AFAKEAPP',
    type: 'event_callback',
    event_id: nextId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    ...(botUserId ? { authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true }] } : {}),
    event: ev,
  });
  const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body, JSON_T), body });
  await res.text();
  return res.status;
}

/** `@Paperboy <text>` in a workspace's channel. */
function mention(teamId: string, botUserId: string, text: string, channel = 'C0001'): Promise<number> {
  const ts = `${1_700_000_000 + Math.floor(Math.random() * 1e6)}.000100`;
  return event(teamId, { type: 'app_mention', user: 'U0001', text: `<@${botUserId}> ${text}`, ts, channel, team: teamId }, botUserId);
}

function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(path, d.name)) : [join(path, d.name)]));
}

const postsWith = (token: string) => api.callsTo('chat.postMessage').filter((c) => c.token === token);

describe('Slack OAuth mode', () => {
  it('is HTTP mode with the install routes', () => {
    expect(adapter.mode).toBe('oauth');
  });

  it('GET /slack/install shows an "Add to Slack" page linking to the authorize URL with the client id, scopes and a state', async () => {
    const start = await startInstall();
    expect(start.authorizeUrl.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(start.authorizeUrl.searchParams.get('scope')).toBe('app_mentions:read,chat:write,commands');
    expect(start.state).toMatch(/^[\w-]{32}\.[\w-]{24}$/);
    expect(start.cookie).toBe(`slack-app-oauth-state=${start.state}`);
  });

  it('refuses a forged state before any code exchange', async () => {
    const forged = `${'A'.repeat(32)}.${'B'.repeat(24)}`;
    const res = await redirect(a.code, forged, `slack-app-oauth-state=${forged}`);
    expect(res.status).toBe(400);
    expect(res.html).toContain('Paperboy was not installed');
    expect(api.callsTo('oauth.v2.access')).toEqual([]);
    expect(await state.installations.listInstallations()).toEqual([]);
  });

  it('refuses a state from another browser (the cookie does not match) before any code exchange', async () => {
    const start = await startInstall();
    const res = await redirect(a.code, start.state, 'slack-app-oauth-state=someone-else');
    expect(res.status).toBe(400);
    expect(api.callsTo('oauth.v2.access')).toEqual([]);
  });

  it('completes an install with a real state, once: a replayed state is refused', async () => {
    const start = await startInstall();
    const done = await redirect(a.code, start.state, start.cookie);
    expect(done.status).toBe(200);
    expect(done.html).toContain('Alpha Lab');
    expect(api.callsTo('oauth.v2.access')).toHaveLength(1);
    expect(installed).toEqual([a.teamId]);
    const [saved] = await state.installations.listInstallations();
    expect(saved).toMatchObject({ teamId: a.teamId, teamName: 'Alpha Lab', botUserId: a.botUserId });

    const again = await redirect(a.code, start.state, start.cookie);
    expect(again.status).toBe(400);
    expect(again.html).toContain('used already');
    expect(api.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('answers a mention in each installed workspace with that workspace\u2019s own token', async () => {
    await install(b);
    expect(await mention(a.teamId, a.botUserId, 'stats')).toBe(200);
    await api.waitFor(() => postsWith(a.token).length === 1);
    expect(await mention(b.teamId, b.botUserId, 'stats', 'C0002')).toBe(200);
    await api.waitFor(() => postsWith(b.token).length === 1);
    expect(postsWith(b.token)[0]!.args.channel).toBe('C0002');
    // Every message went out on one of the two workspaces' tokens.
    expect(api.callsTo('chat.postMessage').every((c) => c.token === a.token || c.token === b.token)).toBe(true);
  });

  it('never answers its own DM in a workspace (the bot is known from each event\u2019s authorisation)', async () => {
    const dm = (user: string) =>
      event(b.teamId, {
        type: 'message',
        channel_type: 'im',
        channel: 'D0B',
        user,
        text: 'stats',
        ts: `${1_700_100_000 + Math.floor(Math.random() * 1e5)}.000100`,
        team: b.teamId,
      });
    const before = postsWith(b.token).length;
    const started = handlers.started;
    // Its own message in the DM (as Slack echoes it): ignored. A person's: answered.
    expect(await dm(b.botUserId)).toBe(200);
    expect(await dm('U0009')).toBe(200);
    // Every handler started has run to the end (Bolt drops the bot's own message before any
    // listener, as it knows the bot from the authorisation): whatever was to be sent has been sent.
    await handlers.idle(started + 1);
    expect(postsWith(b.token)).toHaveLength(before + 1);
    expect(postsWith(b.token).at(-1)!.args.channel).toBe('D0B');
  });

  it('the install page escapes a workspace name', async () => {
    // Beta's name has < > &: the success page showed it escaped (checked through the store here).
    const list = await state.installations.listInstallations();
    expect(list.map((i) => i.teamName)).toContain('Beta <Lab> & co');
  });

  it('acknowledges and ignores a workspace that never installed', async () => {
    const before = api.callsTo('chat.postMessage').length;
    // Bolt answers after its authorisation failed: no listener runs after this 200.
    expect(await mention('TZZZZ9999', 'UBOTTZZZZ9999', 'stats')).toBe(200);
    // A later mention in an installed workspace is answered, and nothing else was posted.
    expect(await mention(a.teamId, a.botUserId, 'stats')).toBe(200);
    await api.waitFor(() => api.callsTo('chat.postMessage').length === before + 1);
    expect(api.callsTo('chat.postMessage').at(-1)!.token).toBe(a.token);
  });

  it('posts scheduled replies with the target workspace\u2019s token, and refuses a workspace without one', async () => {
    const reply: Reply = { tone: 'info', summary: 'Good morning', blocks: [] };
    await adapter.post({ channelId: 'C0777', workspaceId: b.teamId }, reply);
    expect(postsWith(b.token).some((c) => c.args.channel === 'C0777')).toBe(true);
    await expect(adapter.post({ channelId: 'C0777', workspaceId: 'TNOPE0000' }, reply)).rejects.toMatchObject({ reason: 'not_installed', retryable: false });
    await expect(adapter.post({ channelId: 'C0777' }, reply)).rejects.toBeInstanceOf(SlackDeliveryError);
  });

  it('writes no token in the clear under DATA_DIR', async () => {
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      for (const secret of [a.token, b.token, CLIENT_SECRET]) expect(bytes.includes(secret), `${secret} in ${f}`).toBe(false);
    }
  });

  it('after app_uninstalled the workspace gets no reply, its installation is gone and the rest is told', async () => {
    expect(await event(a.teamId, { type: 'app_uninstalled' })).toBe(200);
    await api.waitFor(() => removed.includes(a.teamId));
    const list = await state.installations.listInstallations({ includeUninstalled: true });
    expect(list.find((i) => i.teamId === a.teamId)?.uninstalledAt).toBeInstanceOf(Date);
    const before = postsWith(a.token).length;
    expect(await mention(a.teamId, a.botUserId, 'stats')).toBe(200);
    expect(await mention(b.teamId, b.botUserId, 'stats')).toBe(200);
    await api.waitFor(() => postsWith(b.token).length >= 3);
    expect(postsWith(a.token)).toHaveLength(before);
  });

  it('tokens_revoked for the bot removes the installation; for user tokens only, nothing changes', async () => {
    expect(await event(b.teamId, { type: 'tokens_revoked', tokens: { oauth: ['UINSTALL2'] } })).toBe(200);
    expect(removed).not.toContain(b.teamId);
    expect(await event(b.teamId, { type: 'tokens_revoked', tokens: { bot: [b.botUserId] } })).toBe(200);
    await api.waitFor(() => removed.includes(b.teamId));
    expect(await state.installations.listInstallations()).toEqual([]);
  });

  it('a workspace that installs again is answered again and told to resume', async () => {
    // Slack hands out a new code (the old one was used).
    a.code = `${a.code}-again`;
    await install(a);
    expect(installed.filter((t) => t === a.teamId)).toHaveLength(2);
    const before = postsWith(a.token).length;
    expect(await mention(a.teamId, a.botUserId, 'stats')).toBe(200);
    await api.waitFor(() => postsWith(a.token).length === before + 1);
  });
});
