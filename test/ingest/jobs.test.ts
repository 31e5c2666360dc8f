/**
 * Scheduled ingests: the `"sources"` section of the config file (defaults, refusals with messages
 * naming `sources[i]`), and `startIngestJobs(...).runSlot` with real clients against the local
 * fakes, a real SQLite paper store and a Library — each slot runs once, across connections too.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARXIV_CATEGORIES } from '../../src/ingest/ingest-command.ts';
import { jobName, slotOf, startIngestJobs, type IngestJobs } from '../../src/ingest/jobs.ts';
import { Library } from '../../src/library/library.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { parseScheduleConfig } from '../../src/app/config-file.ts';
import type { IngestSourceSpec } from '../../src/ingest/jobs.ts';
import { ScheduleConfigError } from '../../src/schedule/errors.ts';
import { createArxivClient } from '../../src/sources/arxiv.ts';
import { createHfClient } from '../../src/sources/hf.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { arxivEntry } from '../fakes/arxiv/fake-arxiv.ts';
import { hfItem } from '../fakes/hf/fake-hf.ts';
import { useTempStores } from '../helpers/temp-store.ts';
import { useFakeSources } from '../helpers/fake-sources.ts';

const logger = silentLogger();
const NOW = new Date('2026-11-23T06:30:00Z');
const TODAY = '2026-11-23';
const YESTERDAY = '2026-11-22';
const TWO_DAYS_AGO = '2026-11-21';

// ---------------------------------------------------------------------------------------------
// Config file
// ---------------------------------------------------------------------------------------------

function parse(json: unknown) {
  return parseScheduleConfig(JSON.stringify(json), 'paperboy.config.json', { topics: [], now: NOW });
}

/** The error message of a config that must be refused. */
function refusal(json: unknown): string {
  try {
    parse(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/^paperboy\.config\.json: /);
    return message;
  }
  throw new Error(`accepted: ${JSON.stringify(json)}`);
}

describe('config file: "sources"', () => {
  it('accepts hf and arxiv sources and fills in the defaults', () => {
    const cfg = parse({
      sources: [
        { type: 'hf', cron: '30 6 * * *' },
        { type: 'arxiv', cron: '0 */6 * * *' },
      ],
    });
    expect(cfg.sources).toEqual<IngestSourceSpec[]>([
      { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 2 },
      { type: 'arxiv', cron: '0 */6 * * *', timezone: 'UTC', max: 100 },
    ]);
  });

  it('keeps explicit values; canonical timezone; categories deduplicated in order', () => {
    const cfg = parse({
      sources: [
        { type: 'hf', cron: '0 7 * * *', days: 5, timezone: 'europe/berlin' },
        { type: 'arxiv', cron: '15 */2 * * *', categories: ['cs.CL', 'stat.ML', 'cs.CL'], max: 300, timezone: 'UTC' },
      ],
    });
    expect(cfg.sources).toEqual<IngestSourceSpec[]>([
      { type: 'hf', cron: '0 7 * * *', timezone: 'Europe/Berlin', days: 5 },
      { type: 'arxiv', cron: '15 */2 * * *', timezone: 'UTC', categories: ['cs.CL', 'stat.ML'], max: 300 },
    ]);
  });

  it('no "sources": none', () => {
    expect(parse({}).sources).toEqual([]);
    expect(parse({ schedules: [] }).sources).toEqual([]);
  });

  it('refuses a bad type, naming sources[i]', () => {
    const msg = refusal({
      sources: [
        { type: 'hf', cron: '30 6 * * *' },
        { type: 'rss', cron: '30 6 * * *' },
      ],
    });
    expect(msg).toContain('sources[1]');
    expect(msg).toMatch(/"hf", "arxiv" or "oai"/);
    expect(refusal({ sources: [{ cron: '30 6 * * *' }] })).toContain('sources[0]');
  });

  it('refuses a cron that does not parse', () => {
    const msg = refusal({ sources: [{ type: 'hf', cron: 'not a cron' }] });
    expect(msg).toContain('sources[0] (hf)');
    expect(msg).toMatch(/Invalid cron expression "not a cron"/);
  });

  it('refuses a cron more frequent than hourly, saying how far apart the runs are', () => {
    const msg = refusal({
      sources: [
        { type: 'hf', cron: '30 6 * * *' },
        { type: 'arxiv', cron: '*/30 * * * *' },
      ],
    });
    expect(msg).toContain('sources[1] (arxiv)');
    expect(msg).toMatch(/more often than hourly/);
    expect(msg).toMatch(/30 minutes apart/);
    expect(msg).not.toContain('sources[0]');
    // Exactly hourly is fine.
    expect(parse({ sources: [{ type: 'arxiv', cron: '0 * * * *' }] }).sources).toHaveLength(1);
  });

  it('refuses an unknown timezone', () => {
    const msg = refusal({ sources: [{ type: 'hf', cron: '30 6 * * *', timezone: 'Mars/Olympus' }] });
    expect(msg).toContain('sources[0] (hf)');
    expect(msg).toMatch(/Unknown timezone "Mars\/Olympus"/);
  });

  it('refuses a bad category, naming it by position', () => {
    const msg = refusal({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: ['cs.CL', 'not a cat!'] }] });
    expect(msg).toContain('sources[0].categories[1]');
    expect(msg).toMatch(/"not a cat!" is not an arXiv category/);
  });

  it('knows arXiv taxonomy: fixes the case, and names the closest category for a typo or an archive', () => {
    expect(parse({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: ['cs.cl', 'STAT.ML'] }] }).sources[0]).toMatchObject({
      categories: ['cs.CL', 'stat.ML'],
    });
    const typo = refusal({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: ['cs.CLL'] }] });
    expect(typo).toContain('sources[0].categories[0]');
    expect(typo).toMatch(/"cs\.CLL" is not an arXiv category\. Closest: cs\.CL/);
    expect(refusal({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: ['cs'] }] })).toMatch(/archive/);
  });

  it('accepts real category shapes and refuses hyphen-only ones', () => {
    const real = ['cs.CL', 'stat.ML', 'q-bio.NC', 'astro-ph.GA', 'hep-th', 'cond-mat.stat-mech', 'math-ph'];
    expect(parse({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: real }] }).sources[0]).toMatchObject({ categories: real });
    // Hyphens alone, or a dot with nothing on one side, are not categories.
    for (const bad of ['-', '--', 'cs.', '.CL']) {
      expect(refusal({ sources: [{ type: 'arxiv', cron: '0 */6 * * *', categories: [bad] }] }), bad).toContain('sources[0].categories[0]');
    }
  });

  it('refuses unknown keys (also keys of the other type)', () => {
    const bogus = refusal({ sources: [{ type: 'hf', cron: '30 6 * * *', bogus: 1 }] });
    expect(bogus).toContain('sources[0]');
    expect(bogus).toContain('"bogus"');
    const wrongType = refusal({ sources: [{ type: 'hf', cron: '30 6 * * *', categories: ['cs.CL'] }] });
    expect(wrongType).toContain('sources[0]');
    expect(wrongType).toContain('"categories"');
  });

  it('refuses out-of-range days and max', () => {
    expect(refusal({ sources: [{ type: 'hf', cron: '30 6 * * *', days: 0 }] })).toContain('sources[0].days');
    expect(refusal({ sources: [{ type: 'hf', cron: '30 6 * * *', days: 32 }] })).toContain('sources[0].days');
    expect(refusal({ sources: [{ type: 'arxiv', cron: '30 6 * * *', max: 0 }] })).toContain('sources[0].max');
    expect(refusal({ sources: [{ type: 'arxiv', cron: '30 6 * * *', max: 2001 }] })).toContain('sources[0].max');
  });

  it('lists every problem at once', () => {
    const msg = refusal({
      sources: [
        { type: 'hf', cron: 'nope' },
        { type: 'arxiv', cron: '*/10 * * * *' },
      ],
    });
    expect(msg).toContain('sources[0] (hf)');
    expect(msg).toContain('sources[1] (arxiv)');
  });
});

// ---------------------------------------------------------------------------------------------
// jobName / slotOf
// ---------------------------------------------------------------------------------------------

describe('jobName and slotOf', () => {
  const hf: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 2 };
  const ax: IngestSourceSpec = { type: 'arxiv', cron: '0 */6 * * *', timezone: 'UTC', max: 100 };

  it('jobName is stable for equal specs and differs when anything that matters differs', () => {
    expect(jobName(hf)).toBe(jobName({ ...hf }));
    expect(jobName(hf)).toBe('ingest:hf:30 6 * * *:UTC:2');
    expect(jobName(ax)).toBe(jobName({ ...ax }));
    const names = new Set([
      jobName(hf),
      jobName({ ...hf, days: 3 }),
      jobName({ ...hf, cron: '0 7 * * *' }),
      jobName({ ...hf, timezone: 'Europe/Berlin' }),
      jobName(ax),
      jobName({ ...ax, max: 200 }),
      jobName({ ...ax, categories: ['cs.CL'] }),
    ]);
    expect(names.size).toBe(7);
    // No categories means the default ones: the same job as naming them.
    expect(jobName(ax)).toBe(jobName({ ...ax, categories: [...DEFAULT_ARXIV_CATEGORIES] }));
  });

  it('slotOf is the scheduled minute, whatever the seconds', () => {
    expect(slotOf(new Date('2026-11-23T06:30:00.000Z'))).toBe('2026-11-23T06:30:00.000Z');
    expect(slotOf(new Date('2026-11-23T06:30:59.999Z'))).toBe('2026-11-23T06:30:00.000Z');
    expect(slotOf(new Date('2026-11-23T06:31:00.000Z'))).toBe('2026-11-23T06:31:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
// runSlot against the fakes
// ---------------------------------------------------------------------------------------------

const { hfFake, arxivFake } = useFakeSources();

const { tempDb, openStore, cleanups } = useTempStores('paperboy-jobs-');

async function openLibrary(store: SqlitePaperStore): Promise<Library> {
  const lib = await Library.open({ pagePapers: [], store, logger });
  cleanups.push(() => lib.close());
  return lib;
}

const http = { timeoutMs: 300, baseDelayMs: 1, sleep: async () => {} };

/** The retry waits asked for, in order (a retry's wait passes at once). */
const waited: number[] = [];

function jobs(store: SqlitePaperStore, library: Library, sources: IngestSourceSpec[] = []): IngestJobs {
  const j = startIngestJobs({
    sources,
    store,
    library,
    hf: () => createHfClient({ baseUrl: hfFake.url, http }),
    arxiv: () => createArxivClient({ baseUrl: arxivFake.url, http, minIntervalMs: 0 }),
    logger,
    now: () => NOW,
    wait: async (ms) => {
      waited.push(ms);
      return true;
    },
  });
  cleanups.push(() => j.stop());
  return j;
}

const HF_SPEC: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 2 };
const AX_SPEC: IngestSourceSpec = { type: 'arxiv', cron: '0 */6 * * *', timezone: 'UTC', categories: ['cs.CL'], max: 100 };
const SLOT = '2026-11-23T06:30:00.000Z';

const hfDates = () => hfFake.requests.map((r) => r.query.date);

beforeEach(() => {
  hfFake.reset();
  arxivFake.reset();
  hfFake.setDay(TWO_DAYS_AGO, [hfItem({ id: '2611.09001', title: 'Ancient Quokka Tokenizers Revisited' })]);
  hfFake.setDay(YESTERDAY, [hfItem({ id: '2611.09002', title: 'Wombat Attention for Long Context Models', upvotes: 12 })]);
  hfFake.setDay(TODAY, [
    hfItem({ id: '2611.09003', title: 'Platypus Decoding with Speculative Drafts', upvotes: 30 }),
    hfItem({ id: '2611.09004', title: 'Echidna Routing in Mixtures of Experts', upvotes: 4 }),
  ]);
  arxivFake.setEntries('cs.CL', [
    arxivEntry({ id: '2611.08001', title: 'Narwhal Retrieval for Multilingual Question Answering', published: '2026-11-22T17:00:00Z' }),
  ]);
});

const searchIds = (lib: Library, q: string) => lib.engine.search(q).hits.map((h) => h.paper.id);

describe('startIngestJobs: runSlot', () => {
  it('hf with days 2 fetches exactly today and yesterday (of the injected clock) and makes the papers searchable', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    expect(searchIds(library, 'platypus')).toEqual([]);

    const report = await jobs(store, library).runSlot(HF_SPEC, SLOT);
    expect(report).toMatchObject({ source: 'hf', added: 3, updated: 0, failed: [] });
    expect([...report!.addedIds].sort()).toEqual(['2611.09002', '2611.09003', '2611.09004']);
    expect([...new Set(hfDates())].sort()).toEqual([YESTERDAY, TODAY]);
    expect(hfDates()).not.toContain(TWO_DAYS_AGO);

    // The library was refreshed by the job: the new papers are found at once.
    expect(searchIds(library, 'platypus')).toEqual(['2611.09003']);
    expect(searchIds(library, 'wombat')).toEqual(['2611.09002']);
    expect(searchIds(library, 'quokka')).toEqual([]);
    expect(await store.count()).toBe(3);
  });

  it('the same slot again is refused and fetches nothing; a different slot runs again', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    expect(await j.runSlot(HF_SPEC, SLOT)).toMatchObject({ source: 'hf', added: 3, failed: [] });
    const after = hfFake.requests.length;
    expect(after).toBe(2); // yesterday and today, one page each

    expect(await j.runSlot(HF_SPEC, SLOT)).toBeUndefined();
    expect(hfFake.requests.length).toBe(after);

    const next = await j.runSlot(HF_SPEC, '2026-11-24T06:30:00.000Z');
    expect(hfFake.requests.length).toBe(2 * after);
    // The same papers again: nothing new, nothing lost.
    expect(next).toMatchObject({ source: 'hf', added: 0, updated: 0, failed: [] });
    expect(await store.count()).toBe(3);
  });

  it('a slot claimed through one connection is refused through a second connection to the same file', async () => {
    const file = tempDb();
    const storeA = openStore(file);
    const storeB = openStore(file);
    const libA = await openLibrary(storeA);
    const libB = await openLibrary(storeB);
    expect(await jobs(storeA, libA).runSlot(HF_SPEC, SLOT)).toMatchObject({ source: 'hf', added: 3, failed: [] });
    const after = hfFake.requests.length;

    const jb = jobs(storeB, libB);
    expect(await jb.runSlot(HF_SPEC, SLOT)).toBeUndefined();
    expect(hfFake.requests.length).toBe(after);
    // Another job's slot at the same minute is its own.
    const ax = await jb.runSlot(AX_SPEC, SLOT);
    expect(ax).toMatchObject({ source: 'arxiv', added: 1, failed: [] });
    expect(await storeB.count()).toBe(4);
    // The second process's library sees what the first stored, and its own arXiv paper.
    expect(searchIds(libB, 'narwhal')).toEqual(['2611.08001']);
    expect(searchIds(libB, 'platypus')).toEqual(['2611.09003']);
  });

  it('the hf and arxiv jobs claim separately; arxiv fetches its categories with its max', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    const report = await j.runSlot(AX_SPEC, SLOT);
    expect(report).toMatchObject({ source: 'arxiv', added: 1, failed: [] });
    expect(arxivFake.requests.length).toBeGreaterThan(0);
    expect(arxivFake.requests.every((r) => r.query.search_query === 'cat:cs.CL')).toBe(true);
    expect(arxivFake.requests.every((r) => Number(r.query.max_results) <= 100)).toBe(true);
    expect(hfFake.requests).toHaveLength(0);
    expect(searchIds(library, 'narwhal')).toEqual(['2611.08001']);

    const before = arxivFake.requests.length;
    expect(await j.runSlot(AX_SPEC, SLOT)).toBeUndefined();
    expect(arxivFake.requests.length).toBe(before);
    // The hf job has its own slot at that minute.
    expect(await j.runSlot(HF_SPEC, SLOT)).toMatchObject({ source: 'hf', added: 3, failed: [] });
  });

  it('a fetch that keeps failing is retried within its slot, then reported; it stores nothing and the slot is not run twice', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    waited.length = 0;
    hfFake.fail({ kind: 'status', status: 404, times: 10 });
    const report = await j.runSlot({ ...HF_SPEC, days: 1 }, SLOT);
    expect(report).toMatchObject({ source: 'hf', added: 0, updated: 0 });
    expect(report!.failed.map((f) => f.unit)).toEqual([TODAY]);
    expect(waited).toEqual([60_000, 300_000, 900_000]);
    expect(await store.count()).toBe(0);
    expect(await j.runSlot({ ...HF_SPEC, days: 1 }, SLOT)).toBeUndefined();
  });

  it('a failed day is fetched again within its slot, and only that day', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    waited.length = 0;
    hfFake.reset();
    // Two days; the first request (the older day) fails once, then the source is back.
    hfFake.fail({ kind: 'status', status: 404 });
    const report = await j.runSlot({ ...HF_SPEC, days: 2 }, SLOT);
    expect(report).toMatchObject({ source: 'hf', added: 3, failed: [] });
    expect(waited).toEqual([60_000]);
    const days = hfFake.requests.map((r) => r.query['date']);
    expect(days).toEqual([YESTERDAY, TODAY, YESTERDAY]);
  });

  it('no retry is made when it would start after the next slot', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    waited.length = 0;
    hfFake.reset();
    hfFake.fail({ kind: 'status', status: 404, times: 10 });
    // Every minute: the slot ends before the first retry's wait is over.
    const report = await j.runSlot({ ...HF_SPEC, cron: '* * * * *', days: 1 }, SLOT);
    expect(report!.failed.map((f) => f.unit)).toEqual([TODAY]);
    expect(waited).toEqual([]);
  });

  it('a retry that would start exactly when the next slot begins is not made; a millisecond earlier it is', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    waited.length = 0;
    hfFake.reset();
    hfFake.fail({ kind: 'status', status: 404, times: 10 });
    // The clock reads 06:30:00; the first retry waits a minute; the next slot is at 06:31:00.
    const atNextSlot = await j.runSlot({ ...HF_SPEC, cron: '31 6 * * *', days: 1 }, '2026-11-22T06:31:00.000Z');
    expect(atNextSlot!.failed.map((f) => f.unit)).toEqual([TODAY]);
    expect(waited).toEqual([]);
    // Next slot at 06:31:00.001 (a cron with seconds): the one-minute retry still fits.
    await j.runSlot({ ...HF_SPEC, cron: '1 31 6 * * *', days: 1 }, '2026-11-22T06:31:01.000Z');
    expect(waited).toEqual([60_000]);
  });

  it('a failed arXiv page is fetched again from the start of its category, and only that category', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const j = jobs(store, library);
    waited.length = 0;
    arxivFake.setEntries('cs.LG', [arxivEntry({ id: '2611.08101', title: 'Axolotl Gradients in Sparse Training', published: '2026-11-22T17:00:00Z' })]);
    arxivFake.fail({ kind: 'status', status: 404 });
    const report = await j.runSlot({ ...AX_SPEC, categories: ['cs.CL', 'cs.LG'] }, SLOT);
    expect(report).toMatchObject({ source: 'arxiv', added: 2, failed: [] });
    expect(waited).toEqual([60_000]);
    expect(arxivFake.requests.map((r) => `${r.query.search_query}@${r.query.start}`)).toEqual(['cat:cs.CL@0', 'cat:cs.LG@0', 'cat:cs.CL@0']);
    expect(searchIds(library, 'narwhal')).toEqual(['2611.08001']);
  });

  it('an arXiv source without categories fetches the default ones', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const report = await jobs(store, library).runSlot({ type: 'arxiv', cron: '0 */6 * * *', timezone: 'UTC', max: 10 }, SLOT);
    expect(report).toMatchObject({ source: 'arxiv', failed: [] });
    expect(searchIds(library, 'narwhal')).toEqual(['2611.08001']);
    expect(arxivFake.requests.map((r) => r.query.search_query)).toEqual(DEFAULT_ARXIV_CATEGORIES.map((c) => `cat:${c}`));
  });

  it('stop() resolves, with and without cron jobs', async () => {
    const store = openStore(tempDb());
    const library = await openLibrary(store);
    const none = jobs(store, library);
    await expect(none.stop()).resolves.toBeUndefined();
    const some = jobs(store, library, [HF_SPEC, AX_SPEC]);
    await expect(some.stop()).resolves.toBeUndefined();
    // Stopping twice is harmless.
    await expect(some.stop()).resolves.toBeUndefined();
    expect(hfFake.requests).toHaveLength(0);
  });
});
