import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestArxiv, ingestHf, type IngestReport } from '../../src/ingest/run.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { createArxivClient } from '../../src/sources/arxiv.ts';
import { createHfClient } from '../../src/sources/hf.ts';
import type { HttpOptions } from '../../src/sources/http.ts';
import type { PaperStore } from '../../src/library/store.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { arxivEntry, errorFeedXml } from '../fakes/arxiv/fake-arxiv.ts';
import { hfItem, refusedUrl, type FakeFault } from '../fakes/hf/fake-hf.ts';
import { useFakeSources } from '../helpers/fake-sources.ts';

const logger = silentLogger();
const NOW = new Date('2026-11-23T06:30:00Z');
const D1 = '2026-11-20';
const D2 = '2026-11-21';
const D3 = '2026-11-22';

const { hfFake, arxivFake } = useFakeSources();

const dirs: string[] = [];
const stores: SqlitePaperStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'paperboy-'));
  dirs.push(d);
  return join(d, 'state.db');
}

function openStore(file = tempDb()): SqlitePaperStore {
  const s = SqlitePaperStore.open(file);
  stores.push(s);
  return s;
}

/** Fast HTTP: short timeout, three tries, no real waits (the waits asked for are recorded). */
function fastHttp(extra: HttpOptions = {}): HttpOptions & { slept: number[] } {
  const slept: number[] = [];
  return { timeoutMs: 300, tries: 3, baseDelayMs: 1, sleep: async (ms) => void slept.push(ms), random: () => 0.5, ...extra, slept };
}

function hfClient(http: HttpOptions = fastHttp(), baseUrl = hfFake.url) {
  return createHfClient({ baseUrl, http });
}

function arxivClient(http: HttpOptions = fastHttp(), baseUrl = arxivFake.url) {
  return createArxivClient({ baseUrl, http, minIntervalMs: 0 });
}

function ctx(store: PaperStore, now = NOW) {
  return { store, logger, now: () => now };
}

const id = (n: number, prefix = '2611') => `${prefix}.${String(n).padStart(5, '0')}`;
const items = (ns: number[], extra: Partial<Parameters<typeof hfItem>[0]> = {}) => ns.map((n) => hfItem({ id: id(n), ...extra }));

/** Serve D1 (2 papers), D2 (3 papers), D3 (none). */
function threeDays(): void {
  hfFake.setDay(D1, items([1, 2]));
  hfFake.setDay(D2, items([3, 4, 5]));
  hfFake.setDay(D3, []);
}

beforeEach(() => {
  hfFake.reset();
  arxivFake.reset();
  threeDays();
});

const snapshot = async (s: PaperStore) => JSON.stringify(await s.all());

/** The real store with some methods replaced (the others are the store's own, bound to it). */
function withOverrides(store: SqlitePaperStore, over: Partial<PaperStore>): PaperStore {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof PaperStore];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('ingestHf: good data', () => {
  it('adds several days with the right counts and ids', async () => {
    const store = openStore();
    const r = await ingestHf(hfClient(), [D1, D2, D3], ctx(store));
    expect(r).toEqual<IngestReport>({
      source: 'hf',
      added: 5,
      updated: 0,
      skipped: [],
      failed: [],
      addedIds: [id(1), id(2), id(3), id(4), id(5)],
    });
    expect(await store.count()).toBe(5);
    const all = await store.all();
    // Newest listing day first; each paper dated by its day, sourced from the HF feed.
    expect(all.map((p) => [p.id, p.published])).toEqual([
      [id(3), D2],
      [id(4), D2],
      [id(5), D2],
      [id(1), D1],
      [id(2), D1],
    ]);
    expect(all.find((p) => p.id === id(1))?.sources).toEqual([{ feed: 'hf', date: D1 }]);
    expect(hfFake.requests.map((q) => q.query.date)).toEqual([D1, D2, D3]);
  });

  it('re-ingesting the same days adds and updates nothing and leaves the revision alone', async () => {
    const store = openStore();
    await ingestHf(hfClient(), [D1, D2, D3], ctx(store));
    const rev = await store.revision();
    const before = await snapshot(store);
    const r = await ingestHf(hfClient(), [D1, D2, D3], ctx(store));
    expect([r.added, r.updated, r.addedIds, r.failed, r.skipped]).toEqual([0, 0, [], [], []]);
    expect(await store.revision()).toBe(rev);
    expect(await snapshot(store)).toBe(before);
  });

  it('upvotes rising on a later ingest is one update', async () => {
    const store = openStore();
    await ingestHf(hfClient(), [D1], ctx(store));
    hfFake.setDay(D1, [hfItem({ id: id(1), upvotes: 7 }), hfItem({ id: id(2), upvotes: 55 })]);
    const r = await ingestHf(hfClient(), [D1], ctx(store));
    expect([r.added, r.updated]).toEqual([0, 1]);
    expect((await store.all()).find((p) => p.id === id(2))?.upvotes).toBe(55);
    // Falling back to fewer upvotes (an older snapshot of the day) changes nothing.
    hfFake.setDay(D1, [hfItem({ id: id(1), upvotes: 7 }), hfItem({ id: id(2), upvotes: 20 })]);
    const r2 = await ingestHf(hfClient(), [D1], ctx(store));
    expect([r2.added, r2.updated]).toEqual([0, 0]);
    expect((await store.all()).find((p) => p.id === id(2))?.upvotes).toBe(55);
  });

  it('a bad item is skipped and counted with its id; the rest of the day is stored', async () => {
    const store = openStore();
    hfFake.setDay(D1, [hfItem({ id: id(1) }), hfItem({ id: id(2), summary: '   ' }), hfItem({ id: 'not-an-arxiv-id' }), hfItem({ id: id(3) })]);
    const r = await ingestHf(hfClient(), [D1], ctx(store));
    expect(r.added).toBe(2);
    expect(r.addedIds).toEqual([id(1), id(3)]);
    expect(r.skipped).toEqual([
      { id: id(2), reason: 'no abstract' },
      { id: 'not-an-arxiv-id', reason: 'bad id' },
    ]);
    expect(r.failed).toEqual([]);
    expect((await store.all()).map((p) => p.id).sort()).toEqual([id(1), id(3)]);
  });

  it('an invalid date is a failed unit, not a crash', async () => {
    const store = openStore();
    const r = await ingestHf(hfClient(), ['2026-13-45', D1], ctx(store));
    expect(r.failed).toEqual([{ unit: '2026-13-45', reason: 'invalid date "2026-13-45": expected YYYY-MM-DD' }]);
    expect(r.added).toBe(2);
  });
});

describe('ingestHf: faults', () => {
  /** Stores D1, then ingests D2 under the fault; D2 must fail and the store must not change at all. */
  async function underFault(opts: {
    fault?: FakeFault;
    http?: HttpOptions;
    baseUrl?: () => Promise<string>;
    reason: RegExp | string;
    requests?: number;
  }): Promise<void> {
    const store = openStore();
    await ingestHf(hfClient(), [D1], ctx(store));
    const before = await snapshot(store);
    const rev = await store.revision();
    hfFake.reset();
    if (opts.fault) hfFake.fail(opts.fault);
    const client = hfClient(opts.http ?? fastHttp(), opts.baseUrl ? await opts.baseUrl() : hfFake.url);
    const r = await ingestHf(client, [D2], ctx(store));
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.unit).toBe(D2);
    if (typeof opts.reason === 'string') expect(r.failed[0]!.reason).toBe(opts.reason);
    else expect(r.failed[0]!.reason).toMatch(opts.reason);
    expect([r.added, r.updated, r.addedIds]).toEqual([0, 0, []]);
    expect(await snapshot(store)).toBe(before);
    expect(await store.revision()).toBe(rev);
    if (opts.requests !== undefined) expect(hfFake.requests).toHaveLength(opts.requests);
    // A rerun once the fault is gone completes the day.
    hfFake.reset();
    const again = await ingestHf(hfClient(), [D2], ctx(store));
    expect([again.added, again.failed]).toEqual([3, []]);
  }

  it('timeout (the server hangs)', () =>
    underFault({ fault: { kind: 'hang', times: 2 }, http: fastHttp({ timeoutMs: 100, tries: 2 }), reason: 'timed out after 0.1 s (2 tries)', requests: 2 }));

  it('connection refused', () => underFault({ baseUrl: refusedUrl, reason: 'connection refused after 3 tries' }));

  it('connection reset', () => underFault({ fault: { kind: 'reset', times: 3 }, reason: 'connection reset after 3 tries', requests: 3 }));

  it('HTTP 500 three times', () => underFault({ fault: { kind: 'status', status: 500, times: 3 }, reason: 'HTTP 500 after 3 tries', requests: 3 }));

  it('HTTP 404 is not retried', () => underFault({ fault: { kind: 'status', status: 404 }, reason: 'HTTP 404', requests: 1 }));

  it('malformed JSON', () => underFault({ fault: { kind: 'malformed' }, reason: 'malformed JSON from Hugging Face', requests: 1 }));

  it('a JSON body that is not an array', () =>
    underFault({ fault: { kind: 'raw', body: '{"error":"rate limited"}' }, reason: 'malformed JSON from Hugging Face', requests: 1 }));

  it('HTTP 5xx then success: stored', async () => {
    const store = openStore();
    hfFake.fail({ kind: 'status', status: 502, times: 2 });
    const http = fastHttp();
    const r = await ingestHf(hfClient(http), [D2], ctx(store));
    expect([r.added, r.failed]).toEqual([3, []]);
    expect(hfFake.requests.map((q) => q.fault)).toEqual(['status', 'status', undefined]);
    expect(http.slept).toHaveLength(2);
    expect(await store.count()).toBe(3);
  });

  it('HTTP 429 with Retry-After, then success: waits as asked and stores', async () => {
    const store = openStore();
    hfFake.fail({ kind: 'status', status: 429, retryAfter: '2' });
    const http = fastHttp();
    const r = await ingestHf(hfClient(http), [D1], ctx(store));
    expect([r.added, r.failed]).toEqual([2, []]);
    expect(http.slept).toEqual([2000]);
    expect(hfFake.requests).toHaveLength(2);
  });

  it('a failed day in the middle of a range: the others are stored, a rerun completes the missing day', async () => {
    const store = openStore();
    let attempts = 0;
    const http = fastHttp({
      // The second request is D2's first attempt: make D2 fail all three tries.
      beforeAttempt: async () => {
        if (++attempts === 2) hfFake.fail({ kind: 'status', status: 503, times: 3 });
      },
    });
    hfFake.setDay(D3, items([6]));
    const r = await ingestHf(hfClient(http), [D1, D2, D3], ctx(store));
    expect(r.failed).toEqual([{ unit: D2, reason: 'HTTP 503 after 3 tries' }]);
    expect(r.addedIds).toEqual([id(1), id(2), id(6)]);
    expect(hfFake.requests.map((q) => q.query.date)).toEqual([D1, D2, D2, D2, D3]);
    expect((await store.all()).map((p) => p.id).sort()).toEqual([id(1), id(2), id(6)]);

    const again = await ingestHf(hfClient(), [D1, D2, D3], ctx(store));
    expect(again.failed).toEqual([]);
    expect(again.addedIds).toEqual([id(3), id(4), id(5)]);
    expect(again.updated).toBe(0);
    expect(await store.count()).toBe(6);
  });

  it('a crash while storing the 2nd day: 1st day stored, 2nd failed, a rerun with the real store completes', async () => {
    const store = openStore();
    let calls = 0;
    const crashing = withOverrides(store, {
      upsertBatch: async (papers) => {
        if (++calls === 2) throw new Error('disk I/O error (simulated)');
        return store.upsertBatch(papers);
      },
    });
    const r = await ingestHf(hfClient(), [D1, D2], ctx(crashing));
    expect(r.failed).toEqual([{ unit: D2, reason: 'disk I/O error (simulated)' }]);
    expect(r.addedIds).toEqual([id(1), id(2)]);
    expect((await store.all()).map((p) => p.id).sort()).toEqual([id(1), id(2)]);

    const again = await ingestHf(hfClient(), [D1, D2], ctx(store));
    expect([again.added, again.updated, again.failed]).toEqual([3, 0, []]);
    expect(await store.count()).toBe(5);
  });

  it('two ingests of the same day at once on two store connections store no duplicates', async () => {
    const file = tempDb();
    const a = openStore(file);
    const b = openStore(file);
    hfFake.setDay(D1, items(Array.from({ length: 40 }, (_, i) => i + 11)));
    const [ra, rb] = await Promise.all([ingestHf(hfClient(), [D1, D2], ctx(a)), ingestHf(hfClient(), [D2, D1], ctx(b))]);
    expect(ra.failed).toEqual([]);
    expect(rb.failed).toEqual([]);
    expect(ra.added + rb.added).toBe(43);
    expect(new Set([...ra.addedIds, ...rb.addedIds]).size).toBe(43);
    expect(ra.updated + rb.updated).toBe(0);
    expect(await a.count()).toBe(43);
    expect(new Set((await b.all()).map((p) => p.id)).size).toBe(43);
  });
});

describe('ingest runs are recorded', () => {
  it('success and failure show in sourceStatus with the failed unit and reason', async () => {
    const store = openStore();
    const ok = await ingestHf(hfClient(), [D1], ctx(store, new Date('2026-11-23T06:30:00Z')));
    expect(ok.failed).toEqual([]);
    expect(await store.sourceStatus()).toEqual([{ source: 'hf', lastSuccessAt: new Date('2026-11-23T06:30:00Z') }]);

    hfFake.fail({ kind: 'status', status: 500, times: 3 });
    await ingestHf(hfClient(), [D2], ctx(store, new Date('2026-11-24T06:30:00Z')));
    expect(await store.sourceStatus()).toEqual([
      {
        source: 'hf',
        lastSuccessAt: new Date('2026-11-23T06:30:00Z'),
        lastFailureAt: new Date('2026-11-24T06:30:00Z'),
        lastError: `${D2}: HTTP 500 after 3 tries`,
      },
    ]);

    arxivFake.setEntries('cs.CL', [arxivEntry({ id: id(90) })]);
    await ingestArxiv(arxivClient(), ['cs.CL'], 10, ctx(store, new Date('2026-11-25T00:00:00Z')), 5);
    const status = await store.sourceStatus();
    expect(status.map((s) => s.source)).toEqual(['arxiv', 'hf']);
    expect(status[0]).toEqual({ source: 'arxiv', lastSuccessAt: new Date('2026-11-25T00:00:00Z') });
  });

  it('a store that cannot record the run does not fail the ingest', async () => {
    const store = openStore();
    const noRecord = withOverrides(store, {
      recordRun: async () => {
        throw new Error('database is locked');
      },
    });
    const r = await ingestHf(hfClient(), [D1], ctx(noRecord));
    expect([r.added, r.failed]).toEqual([2, []]);
    expect(await store.sourceStatus()).toEqual([]);
  });
});

describe('ingestArxiv', () => {
  const entries = (ns: number[], published = '2026-11-20T17:00:00Z') => ns.map((n) => arxivEntry({ id: id(n, '2611'), published }));

  it('pages through a category with a small page size and stops at totalResults', async () => {
    const store = openStore();
    arxivFake.setEntries('cs.CL', entries([1, 2, 3, 4]));
    const r = await ingestArxiv(arxivClient(), ['cs.CL'], 10, ctx(store), 2);
    expect(r.source).toBe('arxiv');
    expect(r.failed).toEqual([]);
    expect(r.addedIds).toEqual([id(1), id(2), id(3), id(4)]);
    // Two full pages and totalResults = 4: no third, empty request.
    expect(arxivFake.requests.map((q) => [q.query.start, q.query.max_results])).toEqual([
      ['0', '2'],
      ['2', '2'],
    ]);
    const p = (await store.all()).find((x) => x.id === id(1));
    expect(p?.sources).toEqual([{ feed: 'arxiv', date: '2026-11-20' }]);
    expect(p?.categories).toEqual(['cs.CL', 'cs.LG']);
  });

  it('stops after a short page, and at max', async () => {
    const store = openStore();
    arxivFake.setEntries('cs.CL', entries([1, 2, 3, 4, 5]));
    const r = await ingestArxiv(arxivClient(), ['cs.CL'], 100, ctx(store), 2);
    expect(r.added).toBe(5);
    expect(arxivFake.requests.map((q) => q.query.start)).toEqual(['0', '2', '4']);

    arxivFake.reset();
    const store2 = openStore();
    const r2 = await ingestArxiv(arxivClient(), ['cs.CL'], 3, ctx(store2), 2);
    expect(r2.addedIds).toEqual([id(1), id(2), id(3)]);
    expect(arxivFake.requests.map((q) => [q.query.start, q.query.max_results])).toEqual([
      ['0', '2'],
      ['2', '1'],
    ]);
  });

  it('re-ingesting adds nothing; a paper already stored from HF is merged, not duplicated', async () => {
    const store = openStore();
    // id(1) is listed on HF as well (same arXiv id): one record with both sources.
    hfFake.setDay(D1, items([1]));
    await ingestHf(hfClient(), [D1], ctx(store));
    arxivFake.setEntries('cs.CL', entries([1, 2, 3]));
    const r = await ingestArxiv(arxivClient(), ['cs.CL'], 10, ctx(store), 2);
    expect([r.added, r.updated]).toEqual([2, 1]);
    const p = (await store.all()).find((x) => x.id === id(1));
    expect(p?.sources).toEqual([
      { feed: 'hf', date: D1 },
      { feed: 'arxiv', date: '2026-11-20' },
    ]);
    expect(p?.published).toBe(D1);
    const again = await ingestArxiv(arxivClient(), ['cs.CL'], 10, ctx(store), 2);
    expect([again.added, again.updated, again.failed]).toEqual([0, 0, []]);
    expect(await store.count()).toBe(3);
  });

  it('a bad entry is skipped with its id and still counts toward the page', async () => {
    const store = openStore();
    arxivFake.setEntries('cs.CL', [arxivEntry({ id: id(1) }), arxivEntry({ id: id(2) }, { summary: null }), arxivEntry({ id: id(3) })]);
    const r = await ingestArxiv(arxivClient(), ['cs.CL'], 10, ctx(store), 2);
    expect(r.skipped).toEqual([{ id: id(2), reason: 'no abstract' }]);
    expect(r.addedIds).toEqual([id(1), id(3)]);
    expect(arxivFake.requests).toHaveLength(2);
  });

  it('a failed page ends that category; other categories go on; earlier pages stay stored', async () => {
    const store = openStore();
    arxivFake.setEntries('cs.CL', entries([1, 2, 3, 4, 5]));
    arxivFake.setEntries('cs.LG', entries([11, 12, 13]));
    let attempts = 0;
    const http = fastHttp({
      beforeAttempt: async () => {
        if (++attempts === 2) arxivFake.fail({ kind: 'malformed' });
      },
    });
    const r = await ingestArxiv(arxivClient(http), ['cs.CL', 'cs.LG'], 10, ctx(store), 2);
    expect(r.failed).toEqual([{ unit: 'cs.CL@2', reason: 'malformed XML from arXiv' }]);
    expect(r.addedIds).toEqual([id(1), id(2), id(11), id(12), id(13)]);
    expect(arxivFake.requests.map((q) => `${q.query.search_query}@${q.query.start}`)).toEqual(['cat:cs.CL@0', 'cat:cs.CL@2', 'cat:cs.LG@0', 'cat:cs.LG@2']);
    // A rerun fills in the rest of cs.CL.
    const again = await ingestArxiv(arxivClient(), ['cs.CL', 'cs.LG'], 10, ctx(store), 2);
    expect(again.failed).toEqual([]);
    expect(again.addedIds).toEqual([id(3), id(4), id(5)]);
    expect(await store.count()).toBe(8);
  });

  for (const c of [
    { name: 'HTTP 503 three times', fault: { kind: 'status', status: 503, times: 3 } as FakeFault, reason: 'HTTP 503 after 3 tries' },
    { name: 'malformed XML', fault: { kind: 'malformed' } as FakeFault, reason: 'malformed XML from arXiv' },
    { name: 'a timeout', fault: { kind: 'hang', times: 3 } as FakeFault, reason: 'timed out after 0.1 s (3 tries)', http: { timeoutMs: 100 } },
    {
      name: "arXiv's error feed (HTTP 400)",
      fault: { kind: 'raw', status: 400, body: errorFeedXml('incorrect id format for 1234.12345') } as FakeFault,
      reason: 'arXiv API error: incorrect id format for 1234.12345',
    },
  ]) {
    it(`${c.name}: reported, nothing of that page stored, stored papers unchanged`, async () => {
      const store = openStore();
      arxivFake.setEntries('cs.CL', entries([1, 2]));
      await ingestArxiv(arxivClient(), ['cs.CL'], 2, ctx(store), 2);
      const before = await snapshot(store);
      arxivFake.setEntries('cs.CL', entries([3, 4, 1, 2]));
      arxivFake.reset();
      arxivFake.fail(c.fault);
      const r = await ingestArxiv(arxivClient(fastHttp(c.http)), ['cs.CL'], 4, ctx(store), 2);
      expect(r.failed).toEqual([{ unit: 'cs.CL@0', reason: c.reason }]);
      expect([r.added, r.updated]).toEqual([0, 0]);
      expect(await snapshot(store)).toBe(before);
    });
  }

  it('connection refused: every category fails, nothing stored', async () => {
    const store = openStore();
    const r = await ingestArxiv(arxivClient(fastHttp(), `${await refusedUrl()}/api/query`), ['cs.CL', 'cs.LG'], 10, ctx(store), 5);
    expect(r.failed).toEqual([
      { unit: 'cs.CL@0', reason: 'connection refused after 3 tries' },
      { unit: 'cs.LG@0', reason: 'connection refused after 3 tries' },
    ]);
    expect(await store.count()).toBe(0);
    expect((await store.sourceStatus())[0]?.lastError).toBe('cs.CL@0: connection refused after 3 tries; cs.LG@0: connection refused after 3 tries');
  });

  it('HTTP 429 with Retry-After, then success', async () => {
    const store = openStore();
    arxivFake.setEntries('cs.CL', entries([1, 2]));
    arxivFake.fail({ kind: 'status', status: 429, retryAfter: '5' });
    const http = fastHttp();
    const r = await ingestArxiv(arxivClient(http), ['cs.CL'], 10, ctx(store), 5);
    expect([r.added, r.failed]).toEqual([2, []]);
    expect(http.slept).toEqual([5000]);
  });
});
