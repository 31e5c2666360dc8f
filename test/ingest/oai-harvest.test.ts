/** `ingestOai`: an OAI-PMH harvest into the store, page by page, resumable, with deletions. */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { harvestKey, ingestOai } from '../../src/ingest/harvest-oai.ts';
import { createIngestCommand } from '../../src/ingest/ingest-command.ts';
import { jobName, startIngestJobs } from '../../src/ingest/jobs.ts';
import { parseScheduleConfig } from '../../src/app/config-file.ts';
import { SHELL_CONTEXT, type RequestContext } from '../../src/reply/context.ts';
import { renderText } from '../../src/render/text.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { createOaiClient, type OaiClient } from '../../src/sources/oai.ts';
import { SourceError } from '../../src/sources/types.ts';
import { deletedRecord, FakeOai, oaiRecord } from '../fakes/oai/fake-oai.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-oai-');
const fake = new FakeOai();
beforeAll(() => fake.start());
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.pageSize = 2;
  fake.tokenCounts = false;
});

const NOW = new Date('2026-12-05T04:00:00Z');
const ctx = (store: SqlitePaperStore) => {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, unknown>) });
  return { store, logger, now: () => NOW, logs };
};
/** A client on the fake that never really waits (rate limit and retries advance a fake clock). */
function client() {
  let clock = 0;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock += ms;
  };
  return { oai: createOaiClient({ baseUrl: fake.url, now: () => clock, sleep, http: { sleep, random: () => 0.5, timeoutMs: 2000, tries: 2 } }), waits };
}
const store = () => SqlitePaperStore.open(join(tempDir(), 'state.db'));
const fromOf = (url: string) => new URL(url, 'http://x').searchParams;

describe('ingestOai', () => {
  it('stores every page, starts a first harvest three days back, and saves where the next one starts', async () => {
    fake.setRecords([
      oaiRecord({ id: '2612.00001', datestamp: '2026-12-02' }),
      oaiRecord({ id: '2612.00002', datestamp: '2026-12-03' }),
      oaiRecord({ id: '2612.00003', datestamp: '2026-12-04', title: 'Zorblax: Sparse Kernels', authors: [{ keyname: 'M\\"uller', forenames: 'Jana' }] }),
    ]);
    const s = store();
    const c = ctx(s);
    const r = await ingestOai(client().oai, 'cs', c);
    expect(r).toMatchObject({ source: 'arxiv', added: 3, updated: 0, removed: 0, failed: [], from: '2026-12-02', next: { from: '2026-12-04' } });
    expect(fromOf(fake.requests[0]!.url).get('from')).toBe('2026-12-02');
    expect(fake.requests).toHaveLength(2);
    expect(JSON.parse((await s.harvestPosition(harvestKey('cs')))!)).toEqual({ from: '2026-12-04' });
    const z = (await s.all()).find((p) => p.id === '2612.00003')!;
    expect(z).toMatchObject({ name: 'Zorblax', authors: ['Jana Müller'], categories: ['cs.CL', 'cs.LG'], published: '2024-11-01' });
    expect((await s.sourceStatus())[0]).toMatchObject({ source: 'arxiv', lastSuccessAt: NOW });
    await s.close();
  });

  it('the next run starts from the last harvested day; a record arXiv changed replaces the stored title; a deleted one leaves the store', async () => {
    fake.setRecords([oaiRecord({ id: '2612.00001', datestamp: '2026-12-02' }), oaiRecord({ id: '2612.00002', datestamp: '2026-12-03' })]);
    const s = store();
    await ingestOai(client().oai, 'cs', ctx(s));
    fake.reset();
    fake.setRecords([
      oaiRecord({ id: '2612.00001', datestamp: '2026-12-05', title: 'A Better Title for Paper One' }),
      deletedRecord('2612.00002', '2026-12-05'),
      oaiRecord({ id: '2612.00009', datestamp: '2026-12-05' }),
    ]);
    const r = await ingestOai(client().oai, 'cs', ctx(s));
    expect(fromOf(fake.requests[0]!.url).get('from')).toBe('2026-12-03');
    expect(r).toMatchObject({ added: 1, updated: 1, removed: 1, failed: [] });
    expect((await s.all()).map((p) => [p.id, p.title]).sort()).toEqual([
      ['2612.00001', 'A Better Title for Paper One'],
      ['2612.00009', expect.stringContaining('2612.00009')],
    ]);
    await s.close();
  });

  it('after a failure mid-harvest, the next run continues from the last stored page: nothing lost, nothing twice', async () => {
    fake.setRecords(Array.from({ length: 6 }, (_, i) => oaiRecord({ id: `2612.0000${i + 1}`, datestamp: '2026-12-04' })));
    const s = store();
    // The first page comes, then the request of the second fails for good.
    const { oai } = client();
    let calls = 0;
    const flaky: OaiClient = {
      baseUrl: oai.baseUrl,
      listRecords: async (req) => {
        if (++calls === 2) throw new SourceError('connection reset (2 tries)', oai.baseUrl);
        return oai.listRecords(req);
      },
    };
    const first = await ingestOai(flaky, 'cs', ctx(s));
    expect(first.added).toBe(2);
    expect(first.failed).toEqual([{ unit: 'oai:cs', reason: expect.stringMatching(/connection|socket|reset/i) }]);
    expect((await s.sourceStatus())[0]).toMatchObject({ lastFailureAt: NOW, lastError: expect.stringContaining('oai:cs') });
    const kept = JSON.parse((await s.harvestPosition('oai:cs'))!) as { resumptionToken?: string };
    expect(kept.resumptionToken).toBeDefined();
    fake.requests.length = 0;
    const second = await ingestOai(client().oai, 'cs', ctx(s));
    expect(second).toMatchObject({ added: 4, updated: 0, failed: [] });
    // It asked for the stored token's page, not the list from the start.
    expect(fromOf(fake.requests[0]!.url).get('resumptionToken')).toBe(kept.resumptionToken);
    expect(await s.count()).toBe(6);
    await s.close();
  });

  it('--from starts a new list from that day, whatever position is stored', async () => {
    fake.setRecords([oaiRecord({ id: '2612.00001', datestamp: '2026-11-20' }), oaiRecord({ id: '2612.00002', datestamp: '2026-12-04' })]);
    const s = store();
    await s.saveHarvestPosition('oai:cs', JSON.stringify({ from: '2026-12-01', resumptionToken: 'stale' }), NOW);
    const r = await ingestOai(client().oai, 'cs', ctx(s), { from: '2026-11-01' });
    expect(fromOf(fake.requests[0]!.url).get('from')).toBe('2026-11-01');
    expect(fromOf(fake.requests[0]!.url).get('resumptionToken')).toBeNull();
    expect(r.added).toBe(2);
    await s.close();
  });

  it('an unreadable stored position is logged and the harvest starts afresh', async () => {
    fake.setRecords([oaiRecord({ id: '2612.00001', datestamp: '2026-12-04' })]);
    const s = store();
    await s.saveHarvestPosition('oai:cs', '{"from": 12', NOW);
    const c = ctx(s);
    const r = await ingestOai(client().oai, 'cs', c);
    expect(r).toMatchObject({ added: 1, failed: [], from: '2026-12-02' });
    expect(c.logs.find((l) => l['msg'] === 'oai: the stored harvest position is unreadable; starting afresh')?.['level']).toBe(40);
    await s.close();
  });
});

describe('ingest oai (the command)', () => {
  async function bot() {
    const s = store();
    const booted = await createPaperboy({ logger: silentLogger(), store: s, now: () => NOW });
    const never = () => {
      throw new Error('not this source');
    };
    booted.paperboy.register(createIngestCommand({ hf: never, arxiv: never, oai: () => client().oai, admins: { slack: ['UADMIN'] } }));
    const run = (text: string, ctx: RequestContext = SHELL_CONTEXT) => booted.paperboy.run(text, ctx);
    return { s, booted, run };
  }

  it('harvests, makes the papers searchable at once, and says what it did and where the next harvest starts', async () => {
    fake.setRecords([
      oaiRecord({ id: '2612.00001', datestamp: '2026-12-04', title: 'Zorblax: Sparse Kernels for Long Context' }),
      deletedRecord('2612.00077', '2026-12-04'),
    ]);
    const { s, booted, run } = await bot();
    const r = await run('ingest oai --set cs --from 2026-12-01');
    expect(r.tone).toBe('ok');
    const text = renderText(r);
    expect(text).toMatch(/Ingest: arXiv OAI-PMH, set cs, changes since 2026-12-01/);
    expect(text).toMatch(/Added 1 paper, updated 0, skipped 0/);
    expect(text).toMatch(/The next harvest starts from 2026-12-04\./);
    expect(fromOf(fake.requests[0]!.url).get('set')).toBe('cs');
    expect((await run('search zorblax')).data).toMatchObject({ type: 'results', results: [{ id: '2612.00001' }] });
    await booted.library.close();
    await s.close();
  });

  it('refuses a bad set, a day in the future, and options of the other sources, with the usage', async () => {
    const { s, booted, run } = await bot();
    for (const [cmd, why] of [
      ['ingest oai --set cs.LG', /--set takes an arXiv set: an archive \(cs, math\) or group:archive:CATEGORY \(cs:cs:AI\); got "cs\.LG"/],
      ['ingest oai --from 2027-01-01', /2027-01-01 is in the future \(today is 2026-12-05 UTC\)/],
      ['ingest oai --from yesterday', /--from must be a day as YYYY-MM-DD/],
      ['ingest oai --category cs.CL', /oai takes --set and --from/],
      ['ingest hf --set cs', /--set applies to oai/],
      ['ingest arxiv --set cs', /--set applies to oai/],
      ['ingest nowhere', /Unknown source "nowhere": use hf, arxiv or oai/],
    ] as const) {
      const r = await run(cmd);
      expect(r.tone, cmd).toBe('error');
      expect(r.summary, cmd).toMatch(why);
      expect(JSON.stringify(r.blocks), cmd).toContain('ingest oai [--set cs] [--from YYYY-MM-DD]');
    }
    expect(fake.requests).toHaveLength(0);
    await booted.library.close();
    await s.close();
  });

  it('from chat, only admins may harvest', async () => {
    const { s, booted, run } = await bot();
    const r = await run('ingest oai', { ...SHELL_CONTEXT, platform: 'slack', userId: 'USOMEONE', channelId: 'C1' });
    expect(renderText(r)).toMatch(/Only admins may ingest papers from slack/);
    expect(fake.requests).toHaveLength(0);
    await booted.library.close();
    await s.close();
  });
});

describe('an oai source on a timetable', () => {
  const parse = (sources: unknown[]) => parseScheduleConfig(JSON.stringify({ sources }), 'paperboy.config.json', { topics: [], now: NOW });

  it('is read from the config file with cs as its default set, and a bad set is refused by position', () => {
    expect(parse([{ type: 'oai', cron: '0 4 * * *' }]).sources).toEqual([{ type: 'oai', cron: '0 4 * * *', timezone: 'UTC', set: 'cs' }]);
    expect(parse([{ type: 'oai', cron: '0 4 * * *', set: 'cs:cs:AI' }]).sources[0]).toMatchObject({ set: 'cs:cs:AI' });
    expect(() =>
      parse([
        { type: 'hf', cron: '30 6 * * *' },
        { type: 'oai', cron: '0 4 * * *', set: 'cs.LG' },
      ]),
    ).toThrow('sources[1].set: an arXiv set: an archive (cs, math) or group:archive:CATEGORY (cs:cs:AI)');
    expect(() => parse([{ type: 'rss', cron: '0 4 * * *' }])).toThrow(/"type": "hf", "arxiv" or "oai"/);
  });

  it('each slot harvests once across processes, continuing from the stored position, and refreshes the library', async () => {
    fake.setRecords([oaiRecord({ id: '2612.00001', datestamp: '2026-12-04', title: 'Zorblax: Sparse Kernels for Long Context' })]);
    const s = store();
    const booted = await createPaperboy({ logger: silentLogger(), store: s, now: () => NOW });
    const never = () => {
      throw new Error('not this source');
    };
    const spec = { type: 'oai' as const, cron: '0 4 * * *', timezone: 'UTC', set: 'cs' };
    const jobs = startIngestJobs({
      sources: [],
      store: s,
      library: booted.library,
      hf: never,
      arxiv: never,
      oai: () => client().oai,
      logger: silentLogger(),
      now: () => NOW,
    });
    const report = await jobs.runSlot(spec, '2026-12-05T04:00:00.000Z');
    expect(report).toMatchObject({ added: 1, failed: [] });
    expect(booted.library.engine.search('zorblax').hits.map((h) => h.paper.id)).toEqual(['2612.00001']);
    expect(await jobs.runSlot(spec, '2026-12-05T04:00:00.000Z')).toBeUndefined();
    expect(JSON.parse((await s.harvestPosition('oai:cs'))!)).toEqual({ from: '2026-12-04' });
    expect(jobName(spec)).toBe('ingest:oai:0 4 * * *:UTC:cs');
    await jobs.stop();
    await booted.library.close();
    await s.close();
  });
});
