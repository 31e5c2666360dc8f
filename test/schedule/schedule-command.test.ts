import { beforeEach, describe, expect, it } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import type { RequestContext, WorkspaceAdmins } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { plain, type Block, type Reply } from '../../src/reply/reply.ts';
import { createScheduleCommand, splitAddArgs } from '../../src/schedule/schedule-command.ts';
import { newShortId } from '../../src/text/short-id.ts';
import type { Platform } from '../../src/schedule/schedule.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { RecordingPoster, recordingSleep, spec, tempDb, TestClock } from './helpers.ts';

/** Everything a reply says, as plain text. */
function says(reply: Reply): string {
  const parts: string[] = [reply.summary];
  for (const b of reply.blocks) {
    if (b.kind === 'paragraph' || b.kind === 'note') parts.push(plain(b.text));
    else if (b.kind === 'heading') parts.push(b.text);
    else if (b.kind === 'list') parts.push(...b.items.map(plain));
    else if (b.kind === 'fields') parts.push(...b.fields.map((f) => `${f.label}: ${plain(f.value)}`));
  }
  return parts.join('\n');
}

function fieldBlocks(reply: Reply): Record<string, string>[] {
  return reply.blocks
    .filter((b): b is Extract<Block, { kind: 'fields' }> => b.kind === 'fields')
    .map((b) => Object.fromEntries(b.fields.map((f) => [f.label, plain(f.value)])));
}

/** A small deterministic pseudo-random source. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Bot {
  paperboy: Paperboy;
  store: SqliteScheduleStore;
  poster: RecordingPoster;
  clock: TestClock;
  say(text: string, ctx?: Partial<RequestContext>): Promise<Reply>;
}

async function bot(opts: { admins?: Partial<Record<Platform, readonly string[]>>; workspaceAdmins?: WorkspaceAdmins } = {}): Promise<Bot> {
  const clock = new TestClock('2026-11-26T09:00:00Z'); // Thursday
  const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => clock.now(), random: seeded(7) });
  const store = SqliteScheduleStore.open(tempDb());
  const poster = new RecordingPoster();
  const scheduler = createScheduler({
    store,
    engine: paperboy.deps.engine,
    topics: paperboy.deps.topics,
    posters: { slack: poster.post },
    logger: silentLogger(),
    clock,
    sleep: recordingSleep(),
  });
  paperboy.register(
    createScheduleCommand({
      store,
      scheduler,
      admins: opts.admins ?? {},
      ...(opts.workspaceAdmins ? { workspaceAdmins: opts.workspaceAdmins } : {}),
      configFile: '/etc/paperboy.json',
    }),
  );
  const base: RequestContext = { platform: 'slack', userId: 'U1', channelId: 'C1', workspaceId: 'T1' };
  return { paperboy, store, poster, clock, say: (text, ctx = {}) => paperboy.run(text, { ...base, ...ctx }) };
}

let b: Bot;
beforeEach(async () => {
  b = await bot();
});

describe('schedule help', () => {
  it('bare `schedule` and `schedule help` show usage', async () => {
    for (const text of ['schedule', 'schedule help']) {
      const r = await b.say(text);
      expect(r.tone).toBe('info');
      expect(says(r)).toMatch(/schedule add "0 9 \* \* 1-5" digest --topic kv-cache --tz Europe\/Berlin/);
      expect(says(r)).toMatch(/schedule remove <id>/);
    }
  });
});

describe('schedule add', () => {
  it('adds a quoted-cron digest with topic and timezone, in the channel it was typed in', async () => {
    const r = await b.say('schedule add "0 9 * * 1-5" digest --topic kv-cache --tz Europe/Berlin');
    expect(r.tone).toBe('ok');
    const [s] = await b.store.listSchedules();
    expect(s).toMatchObject({
      platform: 'slack',
      channelId: 'C1',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      kind: 'digest',
      count: 5,
      filter: { kind: 'topic', topic: 'kv-cache' },
      source: 'chat',
      createdBy: 'U1',
    });
    expect(s!.id).toMatch(/^s-[0-9a-f]{4}$/);
    // Thursday 10:00 in Berlin: next weekday 09:00 is Friday.
    expect(r.summary).toBe(`Scheduled ${s!.id}: digest of 5 papers on KV cache compression & management (topic kv-cache), next on Fri 27 Nov 2026, 09:00 CET.`);
  });

  it('accepts an unquoted 5-field cron, a nickname, and the potd shorthand', async () => {
    expect((await b.say('schedule add 0 12 * * * paper-of-the-day')).tone).toBe('ok');
    b.clock.advance(1000);
    expect((await b.say('schedule add @daily digest --count 3 --query "speculative decoding"')).tone).toBe('ok');
    b.clock.advance(1000);
    expect((await b.say('schedule add 30 7 * * 1 potd --tz america/new_york')).tone).toBe('ok');
    const all = await b.store.listSchedules();
    expect(all.map((s) => [s.cron, s.kind, s.count, s.timezone, s.filter])).toEqual([
      ['0 12 * * *', 'paper-of-the-day', 1, 'UTC', { kind: 'all' }],
      ['@daily', 'digest', 3, 'UTC', { kind: 'query', query: 'speculative decoding' }],
      ['30 7 * * 1', 'paper-of-the-day', 1, 'America/New_York', { kind: 'all' }],
    ]);
    expect(new Set(all.map((s) => s.id)).size).toBe(3);
  });

  const refusals: [string, RegExp][] = [
    ['schedule add "61 9 * * *" digest', /Invalid cron expression "61 9 \* \* \*".*minute/],
    ['schedule add 0 9 * * digest', /Invalid cron expression "0 9 \* \*"/],
    ['schedule add "0 0 9 * * *" digest', /Invalid cron expression.*5/],
    ['schedule add 0 0 9 * * * digest', /Invalid cron expression "0 0 9 \* \* \*"/],
    ['schedule add "0 9 * * *" digest --tz Mars/Olympus', /Unknown timezone "Mars\/Olympus"/],
    ['schedule add "0 9 * * *" newsletter', /Unknown kind "newsletter"/],
    ['schedule add 0 9 * * * newsletter', /Unknown kind "newsletter"/],
    ['schedule add "*/30 * * * *" digest', /more often than hourly.*30 minutes apart/],
    ['schedule add "0,15 9 * * *" paper-of-the-day', /more often than hourly.*15 minutes apart/],
    ['schedule add "0 9 * * *" digest --topic kv-cach', /Unknown topic "kv-cach"\. Did you mean kv-cache/],
    ['schedule add "0 9 * * *" paper-of-the-day --count 3', /--count applies to digests only/],
    ['schedule add "0 9 * * *" digest --query x --topic moe', /either --query or --topic/],
    ['schedule add "0 9 * * *" digest kv cache', /Unexpected words after "digest": kv cache/],
    ['schedule add "0 9 * * *"', /Missing what to post/],
    ['schedule add', /Missing the cron expression/],
    ['schedule frobnicate', /Unknown schedule action "frobnicate"/],
    ['schedule remove', /Which schedule\?/],
    ['schedule remove s-ffff', /No schedule "s-ffff" in this channel/],
    ['schedule pause s-ffff', /No schedule "s-ffff" in this channel/],
    ['schedule resume s-ffff', /No schedule "s-ffff" in this channel/],
    ['schedule run s-ffff', /No schedule "s-ffff" in this channel/],
    ['schedule remove a b', /takes one id/],
  ];
  for (const [text, why] of refusals) {
    it(`refuses: ${text}`, async () => {
      const r = await b.say(text);
      expect(r.tone).toBe('error');
      expect(says(r)).toMatch(why);
      expect(await b.store.listSchedules()).toEqual([]);
    });
  }

  it('an unknown topic with nothing close still offers topics, as buttons that schedule them with the same settings', async () => {
    const r = await b.say('schedule add "0 9 * * *" digest --topic nosuchtopic --count 3 --tz Europe/Berlin');
    expect(r.tone).toBe('error');
    expect(r.summary).toMatch(/^Unknown topic "nosuchtopic"\. Topics include kv-cache, \w/);
    const actions = r.blocks.flatMap((bl) => (bl.kind === 'actions' ? bl.actions : []));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions[0]!.command).toBe('schedule add "0 9 * * *" digest --topic kv-cache --count 3 --tz Europe/Berlin');
    // The button's command does what it says.
    const again = await b.say(actions[0]!.command);
    expect(again.tone).toBe('ok');
    expect(await b.store.listSchedules()).toEqual([
      expect.objectContaining({ count: 3, timezone: 'Europe/Berlin', filter: { kind: 'topic', topic: 'kv-cache' } }),
    ]);
  });

  it('refuses --count outside 1-10 through the flag parser', async () => {
    const r = await b.say('schedule add "0 9 * * *" digest --count 11');
    expect(r.tone).toBe('error');
    expect(says(r)).toMatch(/--count/);
  });

  it(`refuses an eleventh schedule in a channel (others' channels don't count)`, async () => {
    for (let h = 0; h < 10; h++) expect((await b.say(`schedule add "0 ${h} * * *" digest`)).tone).toBe('ok');
    const r = await b.say('schedule add "0 12 * * *" digest');
    expect(r.tone).toBe('error');
    expect(says(r)).toMatch(/already has 10 schedules/);
    expect((await b.say('schedule add "0 12 * * *" digest', { channelId: 'C2' })).tone).toBe('ok');
    expect((await b.say('schedule add "0 12 * * *" digest', { platform: 'discord' })).tone).toBe('ok');
  });

  it('needs a channel', async () => {
    const r = await b.paperboy.run('schedule add "0 9 * * *" digest', { platform: 'slack', userId: 'U1' });
    expect(r.tone).toBe('error');
    expect(says(r)).toMatch(/belong to a channel/);
  });
});

describe('schedule list / pause / resume / run / remove', () => {
  it('lists this channel’s schedules with their next run in their own timezone', async () => {
    await b.say('schedule add "0 9 * * 1-5" digest --topic kv-cache --tz Europe/Berlin');
    b.clock.advance(1000);
    await b.say('schedule add "30 7 * * *" paper-of-the-day --tz America/New_York');
    await b.say('schedule add "0 9 * * *" digest', { channelId: 'C2' });
    const r = await b.say('schedule list');
    expect(r.tone).toBe('info');
    const rows = fieldBlocks(r);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      Posts: 'digest of 5 papers on KV cache compression & management (topic kv-cache)',
      When: '0 9 * * 1-5 (Europe/Berlin)',
      'Next run': 'Fri 27 Nov 2026, 09:00 CET',
      'Last run': 'never',
      Source: 'chat, by U1',
    });
    expect(rows[1]).toMatchObject({ Posts: 'paper of the day', 'Next run': 'Thu 26 Nov 2026, 07:30 EST' });
  });

  it('an empty channel says how to add one', async () => {
    const r = await b.say('schedule list');
    expect(r.tone).toBe('empty');
    expect(says(r)).toMatch(/No schedules in this channel/);
  });

  it('schedule add records the workspace it was typed in; list shows why a schedule is paused', async () => {
    await b.say('schedule add "0 9 * * *" digest');
    const [s] = await b.store.listSchedules();
    expect(s?.workspaceId).toBe('T1');
    await b.store.pauseWorkspace('slack', 'T1', 'Paperboy was removed from this workspace', b.clock.now());
    expect(fieldBlocks(await b.say('schedule list'))[0]!['Next run']).toBe('paused (Paperboy was removed from this workspace)');
    await b.say('schedule add "0 10 * * *" digest', { channelId: 'D1', workspaceId: undefined });
    expect((await b.store.listSchedules({ channelId: 'D1' }))[0]?.workspaceId).toBeUndefined();
  });

  it('pause, resume, run and remove a schedule', async () => {
    await b.say('schedule add "0 9 * * *" digest --count 2');
    const [s] = await b.store.listSchedules();
    const id = s!.id;

    let r = await b.say(`schedule pause ${id}`);
    expect(r.tone).toBe('ok');
    expect(fieldBlocks(await b.say('schedule list'))[0]!['Next run']).toBe('paused (paused by U1)');
    expect((await b.say(`schedule pause ${id}`)).summary).toMatch(/already paused/);

    r = await b.say(`schedule resume ${id}`);
    expect(r.summary).toBe(`Resumed ${id}. Next post: Fri 27 Nov 2026, 09:00 UTC.`);

    r = await b.say(`schedule run ${id.toUpperCase()}`);
    expect(r.tone).toBe('ok');
    expect(r.summary).toBe(`Posted ${id} now (2 papers).`);
    expect(b.poster.posts).toHaveLength(1);
    expect(b.poster.posts[0]!.channelId).toBe('C1');
    expect(fieldBlocks(await b.say('schedule list'))[0]!['Last run']).toMatch(/^posted Thu 26 Nov 2026, 09:00 UTC · manual · 2 papers/);

    r = await b.say(`schedule remove ${id}`);
    expect(r.summary).toBe(`Removed schedule ${id}.`);
    expect(await b.store.listSchedules()).toEqual([]);
  });

  it('`schedule run` reports a failed delivery with its reason', async () => {
    await b.say('schedule add "0 9 * * *" digest');
    const [s] = await b.store.listSchedules();
    b.poster.failAlways = true;
    const r = await b.say(`schedule run ${s!.id}`);
    expect(r.tone).toBe('error');
    expect(says(r)).toMatch(/Could not post .*upstream returned 503/);
  });

  it('ids from another channel are unknown here', async () => {
    await b.say('schedule add "0 9 * * *" digest', { channelId: 'C2' });
    const [s] = await b.store.listSchedules();
    for (const verb of ['remove', 'pause', 'resume', 'run']) {
      const r = await b.say(`schedule ${verb} ${s!.id}`);
      expect(r.tone).toBe('error');
      expect(says(r)).toMatch(/in this channel/);
    }
    expect(await b.store.listSchedules()).toHaveLength(1);
  });

  it('this process’s config-file schedules cannot be removed from chat, but can be paused', async () => {
    await b.store.syncConfigSchedules([spec({ id: 'morning' })], b.clock.now(), '/etc/paperboy.json');
    const r = await b.say('schedule remove morning');
    expect(r.tone).toBe('error');
    expect(says(r)).toMatch(/defined in the schedule config file \(\/etc\/paperboy.json\); remove it there/);
    expect(await b.store.getSchedule('morning')).toBeDefined();
    expect((await b.say('schedule pause morning')).tone).toBe('ok');
    expect(fieldBlocks(await b.say('schedule list'))[0]).toMatchObject({ Source: 'config file', 'Next run': 'paused (paused by U1)' });
  });

  it('a config schedule of another config file, or of none this process knows, can be removed by an admin, and says it may come back', async () => {
    const a = await bot({ admins: { slack: ['UADMIN'] } });
    await a.store.syncConfigSchedules([spec({ id: 'theirs' })], a.clock.now(), '/srv/other/paperboy.json');
    await a.store.syncConfigSchedules([spec({ id: 'orphan', cron: '0 10 * * *' })], a.clock.now());
    expect(fieldBlocks(await a.say('schedule list')).map((f) => f['Source'])).toEqual([
      'config file (not recorded)',
      "config file /srv/other/paperboy.json (another process's)",
    ]);
    // Still an admin's action.
    expect(says(await a.say('schedule remove theirs', { userId: 'U1' }))).toMatch(/Only schedule admins may remove/);
    const theirs = await a.say('schedule remove theirs', { userId: 'UADMIN' });
    expect(theirs.tone).toBe('ok');
    expect(says(theirs)).toMatch(/Removed schedule theirs/);
    expect(says(theirs)).toMatch(/config file \/srv\/other\/paperboy.json, which this process does not use: it comes back if that file still lists it/);
    const orphan = await a.say('schedule remove orphan', { userId: 'UADMIN' });
    expect(orphan.tone).toBe('ok');
    expect(says(orphan)).toMatch(/a config file this process does not know: it comes back if a config file still lists it/);
    expect(await a.store.listSchedules()).toEqual([]);
  });
});

describe('schedule admins', () => {
  it('only listed admins manage schedules on that platform; everyone may list; unlisted platforms are open', async () => {
    const a = await bot({ admins: { slack: ['UADMIN'] } });
    const denied = await a.say('schedule add "0 9 * * *" digest', { userId: 'U1' });
    expect(denied.tone).toBe('error');
    expect(says(denied)).toMatch(/Only schedule admins may add schedules on slack/);
    expect((await a.say('schedule add "0 9 * * *" digest', { userId: 'UADMIN' })).tone).toBe('ok');
    const [s] = await a.store.listSchedules();
    for (const verb of ['remove', 'pause', 'resume', 'run']) {
      const r = await a.say(`schedule ${verb} ${s!.id}`, { userId: 'U1' });
      expect(r.tone, verb).toBe('error');
      expect(says(r), verb).toMatch(new RegExp(`Only schedule admins may ${verb}`));
    }
    expect((await a.say('schedule list', { userId: 'U1' })).tone).toBe('info');
    // A request without a user id is not an admin.
    expect((await a.paperboy.run(`schedule pause ${s!.id}`, { platform: 'slack', channelId: 'C1' })).tone).toBe('error');
    expect((await a.say('schedule add "0 9 * * *" digest', { platform: 'discord', userId: 'anyone' })).tone).toBe('ok');
    expect((await a.say(`schedule remove ${s!.id}`, { userId: 'UADMIN' })).tone).toBe('ok');
  });

  it("a workspace's own admin (who installed Paperboy there) manages that workspace's schedules only", async () => {
    // UOWNER installed Paperboy in T2; the operator's list names only UADMIN.
    const owners: WorkspaceAdmins = async (platform, workspaceId, userId) => platform === 'slack' && workspaceId === 'T2' && userId === 'UOWNER';
    const a = await bot({ admins: { slack: ['UADMIN'] }, workspaceAdmins: owners });
    expect((await a.say('schedule add "0 9 * * *" digest', { userId: 'UOWNER', workspaceId: 'T2', channelId: 'C2' })).tone).toBe('ok');
    const [s] = await a.store.listSchedules();
    expect((await a.say(`schedule pause ${s!.id}`, { userId: 'UOWNER', workspaceId: 'T2', channelId: 'C2' })).tone).toBe('ok');
    // In another workspace they are nobody special.
    expect(says(await a.say('schedule add "0 9 * * *" digest', { userId: 'UOWNER', workspaceId: 'T1' }))).toMatch(/Only schedule admins may add/);
    // Other people of T2 are not admins; the operator's admin still is.
    expect((await a.say('schedule add "0 9 * * *" digest', { userId: 'U1', workspaceId: 'T2', channelId: 'C2' })).tone).toBe('error');
    expect((await a.say(`schedule resume ${s!.id}`, { userId: 'UADMIN', workspaceId: 'T2', channelId: 'C2' })).tone).toBe('ok');
  });

  it('an empty admin list lets no one manage schedules from chat', async () => {
    const a = await bot({ admins: { shell: [] } });
    const r = await a.say('schedule add "0 9 * * *" digest', { platform: 'shell', channelId: 'shell', userId: 'local' });
    expect(r.tone).toBe('error');
  });
});

describe('helpers', () => {
  it('splitAddArgs reads quoted, nickname and unquoted crons', () => {
    expect(splitAddArgs(['0 9 * * 1-5', 'digest'])).toEqual({ cron: '0 9 * * 1-5', kind: 'digest', extra: [] });
    expect(splitAddArgs(['@daily', 'potd', 'x'])).toEqual({ cron: '@daily', kind: 'potd', extra: ['x'] });
    expect(splitAddArgs(['0', '9', '*', '*', '1-5', 'digest'])).toEqual({ cron: '0 9 * * 1-5', kind: 'digest', extra: [] });
    expect(splitAddArgs(['0', '9', '*', '*', '*', 'weekly'])).toEqual({ cron: '0 9 * * *', kind: 'weekly', extra: [] });
    expect(splitAddArgs(['0', '9', '*', '*'])).toEqual({ cron: '0 9 * *', extra: [] });
  });

  it('schedule ids are s-xxxx, and grow when crowded', () => {
    const r = seeded(1);
    const id = newShortId('s', r, () => false);
    expect(id).toMatch(/^s-[0-9a-f]{4}$/);
    expect(
      newShortId(
        's',
        () => 0.5,
        (x) => x === 's-8000',
      ),
    ).toBe('s-800000');
    expect(() =>
      newShortId(
        's',
        () => 0.5,
        () => true,
      ),
    ).toThrow(/free s- id/);
  });
});
