import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE_CONFIG, loadScheduleConfig, parseScheduleConfig } from '../../src/app/config-file.ts';
import { ScheduleConfigError } from '../../src/schedule/errors.ts';
import { builtinTopics, tempDir } from '../schedule/helpers.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/paperboy.config.json', import.meta.url));
const now = new Date('2026-11-26T09:00:00Z');

async function problems(json: unknown): Promise<string> {
  try {
    parseScheduleConfig(JSON.stringify(json), 'test.json', { topics: await builtinTopics(), now });
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'morning',
  platform: 'slack',
  channel: 'C1',
  cron: '0 9 * * *',
  kind: 'digest',
  ...over,
});

describe('schedule config file', () => {
  it('the shipped example is valid', async () => {
    const cfg = await loadScheduleConfig(EXAMPLE, { topics: await builtinTopics(), now });
    expect(cfg.file).toBe(EXAMPLE);
    expect(cfg.graceMs).toBe(60 * 60_000);
    expect(cfg.admins).toEqual({ slack: ['U012ABCDEF'], discord: ['123456789012345678'] });
    expect(cfg.schedules).toEqual([
      {
        id: 'ml-reading-morning-digest',
        platform: 'slack',
        channelId: 'C0123ML4RD',
        workspaceId: 'T0123ABCD',
        cron: '0 9 * * 1-5',
        timezone: 'Europe/Berlin',
        kind: 'digest',
        count: 5,
        filter: { kind: 'topic', topic: 'kv-cache' },
      },
      {
        id: 'general-paper-of-the-day',
        platform: 'discord',
        channelId: '987654321098765432',
        cron: '0 12 * * *',
        timezone: 'America/New_York',
        kind: 'paper-of-the-day',
        count: 1,
        filter: { kind: 'all' },
      },
      {
        id: 'weekly-speculative-decoding',
        platform: 'slack',
        channelId: 'C0123ML4RD',
        cron: '0 8 * * 1',
        timezone: 'UTC',
        kind: 'digest',
        count: 3,
        filter: { kind: 'query', query: 'speculative decoding' },
      },
    ]);
  });

  it('defaults: UTC, 5 papers, one-hour grace, no admins', async () => {
    const cfg = parseScheduleConfig(JSON.stringify({ schedules: [entry()] }), 'x.json', { topics: [], now });
    expect(cfg).toMatchObject({ graceMs: 3_600_000, admins: {} });
    expect(cfg.schedules[0]).toMatchObject({ timezone: 'UTC', count: 5, filter: { kind: 'all' } });
    expect(parseScheduleConfig('{}', 'x.json', { topics: [], now })).toMatchObject({ schedules: [], graceMs: 3_600_000 });
  });

  it('no path means defaults; a missing file is a clear error', async () => {
    expect(await loadScheduleConfig(undefined, { topics: [], now })).toBe(DEFAULT_SCHEDULE_CONFIG);
    const missing = join(tempDir(), 'nope.json');
    await expect(loadScheduleConfig(missing, { topics: [], now })).rejects.toThrow(
      /nope\.json: cannot read the schedule config file \(ENOENT\).*PAPERBOY_CONFIG/,
    );
  });

  it('refuses invalid JSON, naming the file', async () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, '{ "schedules": [ ');
    await expect(loadScheduleConfig(file, { topics: [], now })).rejects.toThrow(/bad\.json: not valid JSON/);
  });

  const cases: [string, unknown, RegExp][] = [
    ['unknown top-level key', { schedule: [] }, /Unrecognized key.*schedule/],
    ['unknown entry key', { schedules: [entry({ chanel: 'x' })] }, /schedules\[0\] \(morning\).*Unrecognized key/],
    ['bad id', { schedules: [entry({ id: 'Morning Digest' })] }, /schedules\[0\] \(Morning Digest\)\.id: must be lowercase/],
    ['bad platform', { schedules: [entry({ platform: 'teams' })] }, /platform: must be "shell", "slack" or "discord"/],
    ['bad kind', { schedules: [entry({ kind: 'newsletter' })] }, /kind: must be "digest" or "paper-of-the-day"/],
    ['count on potd', { schedules: [entry({ kind: 'paper-of-the-day', count: 2 })] }, /"count" applies to digests only/],
    ['count too big', { schedules: [entry({ count: 50 })] }, /count: must be at most 10/],
    ['query and topic', { schedules: [entry({ query: 'x', topic: 'moe' })] }, /either "query" or "topic"/],
    ['invalid cron', { schedules: [entry({ cron: '0 25 * * *' })] }, /schedules\[0\] \(morning\): Invalid cron expression "0 25 \* \* \*"/],
    ['unknown timezone', { schedules: [entry({ timezone: 'Europe/Atlantis' })] }, /Unknown timezone "Europe\/Atlantis"/],
    ['too frequent', { schedules: [entry({ cron: '*/10 * * * *' })] }, /more often than hourly/],
    ['unknown topic', { schedules: [entry({ topic: 'astrology' })] }, /unknown topic "astrology" \(topics: kv-cache,/],
    ['duplicate id', { schedules: [entry(), entry({ channel: 'C2' })] }, /the id "morning" is used twice/],
    [
      'too many in a channel',
      { schedules: Array.from({ length: 11 }, (_, i) => entry({ id: `s${i}`, cron: `0 ${i} * * *` })) },
      /schedules\[10\] \(s10\): more than 10 schedules for slack channel C1/,
    ],
    ['grace too long', { graceMinutes: 100_000 }, /graceMinutes: must be at most 10080/],
    ['empty admin id', { admins: { slack: [''] } }, /admins\.slack\[0\]: user ids must not be empty/],
    ['unknown admin platform', { admins: { teams: ['x'] } }, /admins.*Unrecognized key.*teams/],
  ];
  for (const [name, json, why] of cases) {
    it(`refuses: ${name}`, async () => {
      expect(await problems(json)).toMatch(why);
    });
  }

  it('lists every problem at once', async () => {
    const msg = await problems({ schedules: [entry({ cron: 'nope' }), entry({ id: 'b', timezone: 'Nowhere/None' })] });
    expect(msg).toMatch(/schedules\[0\] \(morning\): Invalid cron/);
    expect(msg).toMatch(/schedules\[1\] \(b\): Unknown timezone/);
  });
});
