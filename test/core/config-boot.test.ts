import { describe, expect, it } from 'vitest';
import { bootFromEnv } from '../../src/app/boot-env.ts';
import { loadConfig } from '../../src/app/config.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-config-');

const SHORT_APP = ['xapp', '1', 'abc'].join('-');
const SHORT_BOT = ['xoxb', '1', 'abc'].join('-');
const dataDir = tempDir;

describe('configuration problems, as a new user meets them', () => {
  it('a cut-off token says so (its prefix is right) and never echoes the token', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: SHORT_BOT, SLACK_APP_TOKEN: SHORT_APP });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(text).toMatch(/SLACK_APP_TOKEN: looks cut off: an app-level token is "xapp-" and at least \d+ more characters/);
    expect(text).toMatch(/SLACK_BOT_TOKEN: looks cut off/);
    expect(text).not.toMatch(/starting with "xapp-"/);
    expect(text).not.toContain(SHORT_APP);
  });

  it('a bad LOG_LEVEL is echoed back', () => {
    const r = loadConfig({ LOG_LEVEL: 'verbose' });
    expect(!r.ok && r.problems.join('\n')).toMatch(/LOG_LEVEL: must be one of .*, not "verbose"/);
  });

  it('lists every problem at once: a short token, a bad log level and a missing papers file', async () => {
    const r = await bootFromEnv({
      quiet: true,
      env: { SLACK_BOT_TOKEN: SHORT_BOT, SLACK_APP_TOKEN: SHORT_APP, LOG_LEVEL: 'verbose', PAPERS_PATH: './nope.txt', DATA_DIR: dataDir() },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/LOG_LEVEL: .*"verbose"/);
    expect(r.message).toMatch(/SLACK_APP_TOKEN: looks cut off/);
    expect(r.message).toMatch(/PAPERS_PATH: "\.\/nope\.txt" does not exist/);
  });

  it('the CLI needs no platform settings: an incomplete Slack setup does not stop it', async () => {
    const env = { SLACK_APP_TOKEN: SHORT_APP, DISCORD_TOKEN: 'nonsense', DATA_DIR: dataDir() };
    const bot = await bootFromEnv({ quiet: true, platforms: false, env });
    expect(bot.ok).toBe(true);
    if (bot.ok) {
      expect(bot.config.slack).toBeUndefined();
      expect(bot.config.discord).toBeUndefined();
      await bot.library.close();
      await bot.state.close();
    }
    // The bot itself still refuses it, with the reason.
    const refused = await bootFromEnv({ quiet: true, env });
    expect(!refused.ok && refused.message).toMatch(/SLACK_BOT_TOKEN: required/);
  });

  it('the log level default is decided after the config is read (the bot is not quiet when it serves Slack)', async () => {
    const seen: boolean[] = [];
    const r = await bootFromEnv({ quiet: (c) => (seen.push(c.slack === undefined), true), env: { DATA_DIR: dataDir() } });
    expect(seen).toEqual([true]);
    if (r.ok) {
      await r.library.close();
      await r.state.close();
    }
  });
});
