/**
 * Slack's third mode: OAuth, for an app many workspaces install. Validated as clearly as Socket
 * Mode and single-token HTTP: every missing or wrong setting named at once, secrets never echoed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_SCOPES, loadConfig } from '../../src/app/config.ts';

const KEY = 'a1'.repeat(32);
const OAUTH = {
  SLACK_CLIENT_ID: '1111111111.2222222222',
  SLACK_CLIENT_SECRET: 'client-secret-0123456789abcdef',
  SLACK_STATE_SECRET: 'state-secret-0123456789abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789',
  PAPERBOY_ENCRYPTION_KEY: KEY,
};
const BOT = ['xoxb', '1234567890', 'abcdefghij'].join('-');

function problems(env: Record<string, string>): string[] {
  const r = loadConfig(env);
  return r.ok ? [] : r.problems;
}

describe('OAuth mode', () => {
  it('is chosen by the client id, secret and state secret: HTTP mode without a bot token, the manifest\u2019s scopes by default', () => {
    const r = loadConfig({ ...OAUTH, PORT: '8080' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.slack).toEqual({
      oauth: {
        clientId: OAUTH.SLACK_CLIENT_ID,
        clientSecret: OAUTH.SLACK_CLIENT_SECRET,
        stateSecret: OAUTH.SLACK_STATE_SECRET,
        scopes: [...DEFAULT_SLACK_SCOPES],
      },
      signingSecret: OAUTH.SLACK_SIGNING_SECRET,
      apiUrl: undefined,
      port: 8080,
    });
    expect(r.config.encryptionKey).toBe(KEY);
  });

  it('reads SLACK_SCOPES and SLACK_REDIRECT_URI', () => {
    const r = loadConfig({
      ...OAUTH,
      SLACK_SCOPES: 'chat:write, commands app_mentions:read',
      SLACK_REDIRECT_URI: 'https://bot.example.org/slack/oauth_redirect',
    });
    expect(r).toMatchObject({
      ok: true,
      config: { slack: { oauth: { scopes: ['chat:write', 'commands', 'app_mentions:read'], redirectUri: 'https://bot.example.org/slack/oauth_redirect' } } },
    });
    expect(problems({ ...OAUTH, SLACK_SCOPES: 'chat:write, <!channel>' })).toEqual([expect.stringMatching(/^SLACK_SCOPES: "<!channel>" is not a Slack scope/)]);
  });

  it('names every missing setting at once', () => {
    expect(problems({ SLACK_CLIENT_ID: OAUTH.SLACK_CLIENT_ID })).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_SECRET: required in OAuth mode/),
      expect.stringMatching(/^SLACK_STATE_SECRET: required in OAuth mode/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: required in OAuth mode/),
      expect.stringMatching(/^PAPERBOY_ENCRYPTION_KEY: required in OAuth mode: .*openssl rand -hex 32/),
    ]);
  });

  it('refuses a malformed encryption key without echoing it', () => {
    const bad = 'zz'.repeat(32);
    const p = problems({ ...OAUTH, PAPERBOY_ENCRYPTION_KEY: bad });
    expect(p).toEqual([expect.stringMatching(/^PAPERBOY_ENCRYPTION_KEY: must be 64 hex characters .*not hex digits/)]);
    expect(p.join('\n')).not.toContain(bad);
    expect(problems({ ...OAUTH, PAPERBOY_ENCRYPTION_KEY: 'abc' })).toEqual([expect.stringMatching(/it has 3 characters/)]);
  });

  it('checks the old key of a rotation, and refuses it alone', () => {
    expect(loadConfig({ ...OAUTH, PAPERBOY_ENCRYPTION_KEY_OLD: '0b'.repeat(32) })).toMatchObject({ ok: true, config: { oldEncryptionKey: '0b'.repeat(32) } });
    expect(problems({ ...OAUTH, PAPERBOY_ENCRYPTION_KEY_OLD: 'short' })).toEqual([expect.stringMatching(/^PAPERBOY_ENCRYPTION_KEY_OLD: must be 64 hex/)]);
    expect(problems({ PAPERBOY_ENCRYPTION_KEY_OLD: '0b'.repeat(32) })).toEqual([
      expect.stringMatching(/^PAPERBOY_ENCRYPTION_KEY_OLD: is set but PAPERBOY_ENCRYPTION_KEY is not/),
    ]);
  });

  it('refuses a bot token or an app token beside it', () => {
    expect(problems({ ...OAUTH, SLACK_BOT_TOKEN: BOT })).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN: not used with SLACK_CLIENT_ID/)]);
    expect(problems({ ...OAUTH, SLACK_APP_TOKEN: ['xapp', '1', 'A0000000', '123456789', 'abcdef'].join('-') })).toEqual([
      expect.stringMatching(/^SLACK_APP_TOKEN: OAuth mode runs over HTTP/),
    ]);
  });

  it('checks the client id and the state secret\u2019s length without echoing them', () => {
    const p = problems({ ...OAUTH, SLACK_CLIENT_ID: 'my-client', SLACK_STATE_SECRET: 'short' });
    expect(p).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_ID: must be the Client ID/),
      expect.stringMatching(/^SLACK_STATE_SECRET: must be at least 16 characters/),
    ]);
    expect(p.join('\n')).not.toMatch(/my-client|short"/);
  });

  it('says OAuth-only settings do nothing in the other modes', () => {
    expect(problems({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 'x'.repeat(20), SLACK_SCOPES: 'chat:write' })).toEqual([
      expect.stringMatching(/^SLACK_SCOPES: only used in OAuth mode/),
    ]);
  });

  it('single-token modes are unchanged, and the key alone is accepted (re-sealing from the CLI)', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 'x'.repeat(20) })).toMatchObject({ ok: true, config: { slack: { botToken: BOT } } });
    expect(loadConfig({ PAPERBOY_ENCRYPTION_KEY: KEY })).toMatchObject({ ok: true, config: { slack: undefined, encryptionKey: KEY } });
    expect(problems({ SLACK_SIGNING_SECRET: 'x'.repeat(20) })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: required .* or, for an app many workspaces install, SLACK_CLIENT_ID/),
    ]);
  });

  it('is not looked at by the one-shot CLI', () => {
    expect(loadConfig({ SLACK_CLIENT_ID: 'x' }, { platforms: false })).toMatchObject({ ok: true });
  });
});
