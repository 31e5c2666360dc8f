import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Manifest = {
  features: { app_home: Record<string, boolean>; slash_commands: { command: string; url?: string }[] };
  oauth_config: { scopes: { bot: string[]; user?: string[] }; redirect_urls?: string[] };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
};
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../adapters/slack/${name}`, import.meta.url), 'utf8')) as Manifest;

describe('Slack app manifests', () => {
  for (const [name, socket] of [
    ['manifest.json', true],
    ['manifest.http.json', false],
    ['manifest.oauth.json', false],
  ] as const) {
    it(`${name}: /papers, exactly the scopes needed, mention + DM + reaction events, interactivity, messages tab`, () => {
      const m = load(name);
      expect(m.features.slash_commands.map((c) => c.command)).toEqual(['/papers']);
      expect([...m.oauth_config.scopes.bot].sort()).toEqual(['app_mentions:read', 'chat:write', 'commands', 'im:history', 'reactions:read']);
      expect(m.oauth_config.scopes.user).toBeUndefined();
      // A distributed app also hears when a workspace removes it.
      const uninstall = name === 'manifest.oauth.json' ? ['app_uninstalled', 'tokens_revoked'] : [];
      expect([...m.settings.event_subscriptions.bot_events].sort()).toEqual(
        ['app_mention', 'message.im', 'reaction_added', 'reaction_removed', ...uninstall].sort(),
      );
      expect(m.settings.interactivity.is_enabled).toBe(true);
      expect(m.features.app_home.messages_tab_enabled).toBe(true);
      expect(m.features.app_home.messages_tab_read_only_enabled).toBe(false);
      expect(m.settings.socket_mode_enabled).toBe(socket);
      // HTTP mode: every request URL points at the one endpoint the adapter serves.
      const urls = [m.features.slash_commands[0]?.url, m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url];
      if (socket) expect(urls.every((u) => u === undefined)).toBe(true);
      else expect(urls.every((u) => u?.endsWith('/slack/events'))).toBe(true);
    });
  }

  it('manifest.oauth.json: Slack redirects installs to the path the adapter serves, and asks for the scopes OAuth mode asks for', async () => {
    const m = load('manifest.oauth.json');
    expect(m.oauth_config.redirect_urls).toEqual([expect.stringMatching(/^https:\/\/[^/]+\/slack\/oauth_redirect$/)]);
    const { DEFAULT_SLACK_SCOPES } = await import('../../src/app/config.ts');
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([...DEFAULT_SLACK_SCOPES].sort());
  });
});
