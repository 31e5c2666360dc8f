import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { plain, type Block } from '../../src/reply/reply.ts';
import { loadScheduleConfig } from '../../src/app/config-file.ts';
import { ScheduleConfigError, StateStoreError, startScheduling } from '../../src/schedule/index.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';
import { RecordingPoster, tempDir, TestClock } from './helpers.ts';

const opened: State[] = [];
afterEach(async () => {
  for (const st of opened.splice(0)) await st.close();
});

const shellEntry = { id: 'shell-digest', platform: 'shell', channel: 'shell', cron: '0 9 * * *', kind: 'digest', count: 2 };

async function setup(configJson?: unknown) {
  const dir = tempDir();
  const clock = new TestClock('2026-11-26T08:00:00Z');
  const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => clock.now(), random: () => 0.25 });
  let scheduleConfigPath: string | undefined;
  if (configJson !== undefined) {
    scheduleConfigPath = join(dir, 'paperboy.config.json');
    writeFileSync(scheduleConfigPath, JSON.stringify(configJson));
  }
  const dataDir = join(dir, 'data');
  const poster = new RecordingPoster();
  // The app reads the config file once and hands the scheduler its settings; the state root opens
  // DATA_DIR/state.db and hands it its store. Each call is a process starting.
  const settings = () => loadScheduleConfig(scheduleConfigPath, { topics: paperboy.deps.topics, now: clock.now() });
  const store = () => {
    const state = openSqliteState(dataDir);
    opened.push(state);
    return state.schedules;
  };
  return { dir, clock, paperboy, poster, dataDir, scheduleConfigPath, settings, store };
}

describe('startScheduling', () => {
  it('applies the config file to the store, registers `schedule`, and posts through the posters', async () => {
    const s = await setup({ schedules: [shellEntry] });
    const scheduling = await startScheduling({
      store: s.store(),
      settings: await s.settings(),
      paperboy: s.paperboy,
      posters: { shell: s.poster.post },
      logger: silentLogger(),
      clock: s.clock,
      start: false,
    });
    expect(existsSync(join(s.dataDir, 'state.db'))).toBe(true);
    expect(s.paperboy.commands.map((c) => c.name)).toContain('schedule');

    const list = await s.paperboy.run('schedule list', SHELL_CONTEXT);
    expect(list.tone).toBe('info');
    const fields = list.blocks.find((b): b is Extract<Block, { kind: 'fields' }> => b.kind === 'fields')!;
    expect(fields.fields.map((f) => `${f.label}: ${plain(f.value)}`)).toEqual(
      expect.arrayContaining(['Schedule: shell-digest', 'Source: config file', 'Next run: Thu 26 Nov 2026, 09:00 UTC']),
    );

    const [rep] = await scheduling.scheduler.runDue(s.clock.set('2026-11-26T09:00:00Z'));
    expect(rep?.outcome).toBe('posted');
    expect(s.poster.posts).toHaveLength(1);
    expect(s.poster.posts[0]!.channelId).toBe('shell');

    // Chat-made schedules work through the same Paperboy.
    const added = await s.paperboy.run('schedule add "0 18 * * *" paper-of-the-day', SHELL_CONTEXT);
    expect(added.tone).toBe('ok');
    await scheduling.close();
    await scheduling.close(); // idempotent
  });

  it('keeps state across restarts and drops config schedules removed from the file', async () => {
    const s = await setup({ schedules: [shellEntry] });
    const opts = { posters: { shell: s.poster.post }, logger: silentLogger(), clock: s.clock, start: false };
    const first = await startScheduling({ ...opts, store: s.store(), settings: await s.settings(), paperboy: s.paperboy });
    await first.scheduler.runDue(s.clock.set('2026-11-26T09:00:00Z'));
    await first.close();

    const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => s.clock.now() });
    const second = await startScheduling({ ...opts, store: s.store(), settings: await s.settings(), paperboy });
    expect(await second.scheduler.runDue(s.clock.set('2026-11-26T09:00:10Z'))).toEqual([]);
    expect(s.poster.posts).toHaveLength(1);
    await second.close();

    writeFileSync(s.scheduleConfigPath!, JSON.stringify({ schedules: [] }));
    const third = await startScheduling({
      ...opts,
      store: s.store(),
      settings: await s.settings(),
      paperboy: (await createPaperboy({ logger: silentLogger() })).paperboy,
    });
    expect(await third.store.listSchedules()).toEqual([]);
    await third.close();
  });

  it('records the config file by its absolute path; processes with different config files keep each other’s schedules', async () => {
    const s = await setup({ schedules: [shellEntry] });
    const otherPath = join(s.dir, 'other.config.json');
    writeFileSync(otherPath, JSON.stringify({ schedules: [{ ...shellEntry, id: 'shell-noon', cron: '0 12 * * *' }] }));
    const topics = s.paperboy.deps.topics;
    const start = async (file: string | undefined) => {
      const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => s.clock.now() });
      const settings = await loadScheduleConfig(file, { topics, now: s.clock.now() });
      const scheduling = await startScheduling({ store: s.store(), settings, paperboy, posters: {}, logger: silentLogger(), clock: s.clock, start: false });
      await scheduling.close();
      return (await scheduling.store.listSchedules()).map((x) => [x.id, x.configFile]);
    };
    // Named relative to the working directory: recorded absolute.
    const relativeA = relative(process.cwd(), s.scheduleConfigPath!);
    expect(await start(relativeA)).toEqual([['shell-digest', s.scheduleConfigPath]]);
    expect(await start(otherPath)).toEqual([
      ['shell-digest', s.scheduleConfigPath],
      ['shell-noon', otherPath],
    ]);
    // A process without a config file leaves both files' schedules alone.
    expect(await start(undefined)).toHaveLength(2);
    // The first file drops its schedule: only that one goes.
    writeFileSync(s.scheduleConfigPath!, JSON.stringify({ schedules: [] }));
    expect(await start(s.scheduleConfigPath)).toEqual([['shell-noon', otherPath]]);
  });

  it('starts its timers by default and stops them on close', async () => {
    const s = await setup();
    const scheduling = await startScheduling({ store: s.store(), paperboy: s.paperboy, posters: {}, logger: silentLogger(), clock: s.clock });
    const spy = vi.spyOn(scheduling.store, 'listSchedules');
    await vi.waitFor(() => expect(spy).toHaveBeenCalled());
    await scheduling.close();
  });

  it('a corrupt state.db is a StateStoreError from the state root, before anything is started', async () => {
    const s = await setup();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(s.dataDir, { recursive: true });
    writeFileSync(join(s.dataDir, 'state.db'), 'garbage '.repeat(1000));
    expect(() => s.store()).toThrow(StateStoreError);
    expect(() => s.store()).toThrow(join(s.dataDir, 'state.db'));
    expect(s.paperboy.commands.map((c) => c.name)).not.toContain('schedule');
  });

  it('an invalid config file is a ScheduleConfigError naming the file', async () => {
    const s = await setup({ schedules: [{ ...shellEntry, cron: '* * * * *' }] });
    const err = await s.settings().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduleConfigError);
    expect((err as Error).message).toContain(s.scheduleConfigPath!);
    expect((err as Error).message).toMatch(/more often than hourly/);
  });

  it('a config id already used by a chat-made schedule is a ScheduleConfigError', async () => {
    const s = await setup({ schedules: [] });
    const opts = { posters: {}, logger: silentLogger(), clock: s.clock, start: false };
    const first = await startScheduling({ ...opts, store: s.store(), settings: await s.settings(), paperboy: s.paperboy });
    await s.paperboy.run('schedule add "0 9 * * *" digest', SHELL_CONTEXT);
    const [chat] = await first.store.listSchedules();
    await first.close();
    // Config ids are hyphenated words, so a chat id like s-4000 is a legal config id too.
    writeFileSync(s.scheduleConfigPath!, JSON.stringify({ schedules: [{ ...shellEntry, id: chat!.id }] }));
    const { paperboy } = await createPaperboy({ logger: silentLogger() });
    const err = await startScheduling({ ...opts, store: s.store(), settings: await s.settings(), paperboy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduleConfigError);
    expect((err as Error).message).toMatch(/already used by a schedule made in chat/);
  });
});
