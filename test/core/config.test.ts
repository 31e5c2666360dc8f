import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger, logFile, redirectLogs, SHELL_LOG_FILE, silentLogger } from '../../src/app/logger.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('pb-log-');

const BOT = ['xoxb', '1234567890', 'abcdefghij'].join('-');
const APP = ['xapp', '1', 'A0000000', '123456789', 'abcdef'].join('-');
const DISCORD = ['MTIzNDU2Nzg5MDEyMzQ1Njc4', 'GabcDE', 'abcdefghijklmnopqrstuvwxyz0123'].join('.');

describe('loadConfig', () => {
  it('needs nothing: the shell on the built-in data, kept in the data home', () => {
    const r = loadConfig({}, { cwd: '/nowhere/project', dataHome: '/home/ada/.local/share/paperboy' });
    expect(r).toEqual({
      ok: true,
      config: {
        dataDir: '/home/ada/.local/share/paperboy',
        dataHome: { source: 'home' },
        papersPath: undefined,
        topicsPath: undefined,
        logLevel: undefined,
        scheduleConfigPath: undefined,
        retentionDays: 365,
        slack: undefined,
        discord: undefined,
      },
    });
  });
  it('reads RETENTION_DAYS: whole days, 7 to 3650, default 365', () => {
    expect(loadConfig({ RETENTION_DAYS: ' 30 ' })).toMatchObject({ ok: true, config: { retentionDays: 30 } });
    expect(loadConfig({ RETENTION_DAYS: '' })).toMatchObject({ ok: true, config: { retentionDays: 365 } });
    for (const [value, message] of [
      ['6', /^RETENTION_DAYS: must be at least 7/],
      ['3651', /^RETENTION_DAYS: must be at most 3650/],
      ['30.5', /^RETENTION_DAYS: must be a whole number/],
      ['a year', /^RETENTION_DAYS: must be a number of days/],
    ] as const) {
      const r = loadConfig({ RETENTION_DAYS: value });
      expect(r.ok, value).toBe(false);
      expect(!r.ok && r.problems, value).toEqual([expect.stringMatching(message)]);
    }
  });
  it('makes DATA_DIR, PAPERBOY_CONFIG, PAPERS_PATH and TOPICS_PATH absolute against the folder it runs in', () => {
    const r = loadConfig(
      { DATA_DIR: 'state', PAPERBOY_CONFIG: 'conf/p.json', PAPERS_PATH: '../pages', TOPICS_PATH: '/etc/topics.json' },
      { cwd: '/srv/bot', dataHome: '/home/ada/.local/share/paperboy' },
    );
    expect(r.ok && r.config).toMatchObject({
      dataDir: '/srv/bot/state',
      dataHome: { source: 'DATA_DIR' },
      scheduleConfigPath: '/srv/bot/conf/p.json',
      papersPath: '/srv/pages',
      topicsPath: '/etc/topics.json',
    });
  });
  it('treats blank variables as unset', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: '  ', PAPERS_PATH: '', LOG_LEVEL: '' });
    expect(r.ok).toBe(true);
  });
  it('reads Socket Mode and HTTP mode Slack settings', () => {
    const socket = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP });
    expect(socket.ok && socket.config.slack).toMatchObject({ botToken: BOT, appToken: APP, port: 3000 });
    const http = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 'shh', PORT: '8080', SLACK_API_URL: 'http://127.0.0.1:9999/api/' });
    expect(http.ok && http.config.slack).toMatchObject({ signingSecret: 'shh', port: 8080, apiUrl: 'http://127.0.0.1:9999/api/' });
  });
  it('names every problem at once', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: ['xoxp', 'wrong', 'kind', 'of', 'token'].join('-'), LOG_LEVEL: 'loud', PORT: 'eighty', SLACK_API_URL: 'ftp://x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(text).toMatch(/SLACK_BOT_TOKEN: must be a bot token starting with "xoxb-"/);
    expect(text).toMatch(/LOG_LEVEL: must be one of/);
    expect(text).toMatch(/PORT: /);
    expect(text).toMatch(/SLACK_API_URL: must be an http\(s\) URL/);
    expect(text).not.toContain(['xoxp', 'wrong', 'kind', 'of', 'token'].join('-'));
  });
  it('gives one message per bad base URL, saying what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['notaurl', /^HF_API_URL: must be an http\(s\) URL such as https:\/\/example\.org; this is not a URL$/],
      ['ftp://example.org', /^HF_API_URL: must be an http\(s\) URL, not ftp:$/],
      ['javascript:alert(1)', /^HF_API_URL: must be an http\(s\) URL, not javascript:$/],
      ['http:example.org', /^HF_API_URL: must be an http\(s\) URL such as https:\/\/example\.org, with "\/\/" and a host after the scheme$/],
    ];
    for (const [value, message] of cases) {
      const r = loadConfig({ HF_API_URL: value });
      expect(r.ok, value).toBe(false);
      if (r.ok) continue;
      expect(r.problems, value).toHaveLength(1);
      expect(r.problems[0], value).toMatch(message);
    }
    // Every URL setting is checked the same way, one line each.
    const all = loadConfig({ HF_API_URL: 'notaurl', ARXIV_API_URL: 'notaurl', SLACK_API_URL: 'notaurl', DISCORD_API_URL: 'notaurl' });
    expect(!all.ok && all.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['SLACK_API_URL', 'HF_API_URL', 'ARXIV_API_URL', 'DISCORD_API_URL']);
  });
  it('accepts http and https base URLs (trimmed), e.g. a local fake', () => {
    const r = loadConfig({ HF_API_URL: ' http://127.0.0.1:9/ ', ARXIV_API_URL: 'https://export.arxiv.org' });
    expect(r.ok && r.config).toMatchObject({ hfApiUrl: 'http://127.0.0.1:9/', arxivApiUrl: 'https://export.arxiv.org' });
  });
  it('asks for the second Slack secret', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: BOT });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/SLACK_APP_TOKEN or SLACK_SIGNING_SECRET/);
    const r2 = loadConfig({ SLACK_APP_TOKEN: APP });
    expect(!r2.ok && r2.problems[0]).toMatch(/SLACK_BOT_TOKEN: required/);
  });
  it('checks the Discord token shape and guild id', () => {
    expect(loadConfig({ DISCORD_TOKEN: DISCORD }).ok).toBe(true);
    const bad = loadConfig({ DISCORD_TOKEN: 'not-a-token' });
    expect(!bad.ok && bad.problems[0]).toMatch(/DISCORD_TOKEN/);
    const guild = loadConfig({ DISCORD_TOKEN: DISCORD, DISCORD_GUILD_ID: 'abc' });
    expect(!guild.ok && guild.problems[0]).toMatch(/DISCORD_GUILD_ID: must be a Discord id/);
  });
});

describe('logger', () => {
  it('never writes tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ token: DISCORD, config: { slack: { botToken: BOT } }, botToken: BOT, headers: { authorization: `Bot ${DISCORD}` } }, 'hello');
    logger.info({ req: { headers: { authorization: `Bearer ${BOT}` } } }, 'nested');
    const out = lines.join('');
    expect(out).toContain('hello');
    expect(out).not.toContain(DISCORD);
    expect(out).not.toContain(BOT);
  });

  it('redirectLogs moves a logger and its children, old and new, to another destination', () => {
    const first: string[] = [];
    const second: string[] = [];
    const logger = createLogger('warn', { write: (s: string) => void first.push(s) });
    const before = logger.child({ component: 'ingest' });
    logger.warn('one');
    expect(redirectLogs(logger, { write: (s: string) => void second.push(s) })).toBe(true);
    logger.warn('two');
    before.warn('three');
    logger.child({ component: 'votes' }).error('four');
    logger.info('not at this level');
    const msgs = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs(first)).toEqual(['one']);
    expect(msgs(second)).toEqual(['two', 'three', 'four']);
  });

  it('redirectLogs leaves loggers it did not make alone', () => {
    expect(redirectLogs(silentLogger(), { write: () => undefined })).toBe(false);
  });

  it('logFile appends JSON lines to a file, making its folder; an unusable path throws', () => {
    const dir = tempDir();
    const path = join(dir, 'data', SHELL_LOG_FILE);
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(() => logFile(join(dir, 'not-a-folder', SHELL_LOG_FILE))).toThrow();
    for (const msg of ['first run', 'second run']) {
      const logger = createLogger('warn');
      redirectLogs(logger, logFile(path));
      logger.warn(msg);
    }
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['first run', 'second run']);
  });
});
