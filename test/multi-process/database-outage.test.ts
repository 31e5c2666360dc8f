/**
 * The shared PostgreSQL goes away mid-run (a restart): searches keep answering from memory; a
 * command that writes says clearly that it could not save and leaves nothing half-done; once the
 * database is back, everything works again without a restart, and a scheduled slot due meanwhile
 * is posted once. The database is reached through a proxy the test cuts and restores.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { startReading } from '../../src/reading/index.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { startScheduling } from '../../src/schedule/index.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { startWatching } from '../../src/watch/index.ts';
import { openPostgresState } from '../../src/state/postgres-state.ts';
import type { State } from '../../src/state/state.ts';
import { TEST_DATABASE_URL } from '../helpers/backends.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { RecordingPoster, TestClock } from '../schedule/helpers.ts';

const describePg = describe.runIf(TEST_DATABASE_URL !== undefined);
const title = TEST_DATABASE_URL ? 'while PostgreSQL is away' : 'while PostgreSQL is away (skipped: TEST_DATABASE_URL is not set)';

describePg(title, () => {
  const schema = `t_outage_${process.pid}_${Date.now().toString(36)}`;
  let proxy: TcpProxy;
  let state: State;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL!);
    proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    state = await openPostgresState(url.toString(), { schema, max: 4, connectionTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await state?.close().catch(() => undefined);
    await proxy?.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('search answers, saving says it could not, and both work again once the database is back', async () => {
    const { paperboy } = await createPaperboy({ logger: silentLogger(), store: state.papers, storeId: state.id, conversations: state.ephemeral });
    startReading({ paperboy, logger: silentLogger(), store: state.reading });
    const scheduling = await startScheduling({ store: state.schedules, paperboy, posters: {}, logger: silentLogger(), start: false });
    startWatching({ store: state.watches, paperboy, library: paperboy.deps.library, admins: {}, posters: {}, logger: silentLogger(), notify: false });
    const me = { ...SHELL_CONTEXT, userId: 'outage-user' };
    expect((await paperboy.run('search kv cache', me)).tone).toBe('ok');

    await proxy.cut();
    const search = await paperboy.run('search speculative decoding', me);
    expect(search.tone).toBe('ok');
    expect(search.data?.type).toBe('results');
    const save = await paperboy.run('save snapkv', me);
    expect(save.tone).toBe('error');
    expect(save.summary).toMatch(/^Reading lists are not available: Cannot use the state database postgres:\/\/.*ECONNREFUSED/);
    expect((await paperboy.run('show snapkv', me)).data?.type).toBe('paper');
    for (const command of ['schedule add "0 9 * * *" digest', 'watch add kv cache']) {
      const reply = await paperboy.run(command, me);
      expect(reply.tone, command).toBe('error');
      expect(reply.summary, command).not.toMatch(/Something went wrong/);
      expect(reply.summary, command).toMatch(/could not|not available|Cannot use the state database/i);
    }

    await proxy.restore();
    expect((await paperboy.run('save snapkv', me)).tone).toBe('ok');
    const saved = await paperboy.run('saved', me);
    expect(saved.summary).toMatch(/1 paper/);
    // Nothing of what failed was half-done: no schedule, no watch.
    expect(await state.schedules.listSchedules()).toEqual([]);
    expect(await state.watches.listWatches()).toEqual([]);
    await scheduling.close();
  });

  it('a slot due while the database is away is posted once it is back, once', async () => {
    const clock = new TestClock('2026-11-26T08:00:00Z');
    await state.schedules.insertSchedule(
      { id: 'outage-digest', platform: 'slack', channelId: 'C-OUT', cron: '0 9 * * *', timezone: 'UTC', kind: 'digest', count: 2, filter: { kind: 'all' } },
      { now: clock.now() },
      10,
    );
    const { paperboy } = await createPaperboy({ logger: silentLogger() });
    const poster = new RecordingPoster();
    const scheduler = createScheduler({
      store: state.schedules,
      engine: paperboy.deps.engine,
      topics: paperboy.deps.topics,
      posters: { slack: poster.post },
      logger: silentLogger(),
      clock,
    });
    await proxy.cut();
    await expect(scheduler.runDue(clock.set('2026-11-26T09:00:10Z'))).rejects.toThrow(/Cannot use the state database/);
    expect(poster.posts).toEqual([]);
    await proxy.restore();
    const reports = await scheduler.runDue(clock.set('2026-11-26T09:05:00Z'));
    expect(reports.map((r) => r.outcome)).toEqual(['posted']);
    expect(await scheduler.runDue(clock.set('2026-11-26T09:06:00Z'))).toEqual([]);
    expect(poster.posts).toHaveLength(1);
  });
});
