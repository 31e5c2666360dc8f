/**
 * What an ingest run accounts for besides the papers: the recorded run (counts, ok, the failure
 * detail `stats` shows, capped), the ingest metric by source and result, and the log lines an
 * operator reads (a skipped item, a run that could not be recorded). The sources are in-process
 * stand-ins for the HF and arXiv clients; the paper store is a real SQLite file.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { ingestArxiv, ingestHf } from '../../src/ingest/run.ts';
import type { IngestRun, PaperStore } from '../../src/library/store.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { ingestPapersTotal } from '../../src/metrics/metrics.ts';
import type { ArxivClient } from '../../src/sources/arxiv.ts';
import type { HfClient } from '../../src/sources/hf.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, openStore } = useTempStores('paperboy-run-accounting-');

const NOW = new Date('2026-11-23T06:30:00Z');

interface LogLine {
  level: number;
  msg: string;
  id?: string;
  reason?: string;
  unit?: string;
  err?: { message: string };
}

function logged() {
  const lines: LogLine[] = [];
  return { lines, logger: createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) }) };
}

const fetched = (n: number, over: Partial<FetchedPaper> = {}): FetchedPaper => ({
  arxivId: `2611.${String(n).padStart(5, '0')}`,
  title: `Accounting Paper ${n}`,
  abstract: `What paper ${n} found.`,
  authors: ['Ada Lovelace'],
  published: '2026-11-20',
  ...over,
});

/** An HF client serving `days`; a day not listed throws `failure`. */
function hf(days: Record<string, FetchedPaper[]>, failure: unknown = new Error('HTTP 503')): HfClient {
  return {
    async fetchDay(day) {
      const papers = days[day];
      if (!papers) throw failure;
      return { source: 'hf', unit: day, papers, skipped: [] };
    },
  };
}

function arxiv(papers: FetchedPaper[]): ArxivClient {
  return {
    async fetchPage(category, start, count) {
      return { source: 'arxiv', unit: `${category}@${start}`, papers: papers.slice(start, start + count), skipped: [], totalResults: papers.length };
    },
  };
}

/** The store, recording each run it is asked to record. */
function recording(store: SqlitePaperStore): { store: PaperStore; runs: IngestRun[] } {
  const runs: IngestRun[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'recordRun') {
        return async (run: IngestRun) => {
          runs.push(run);
          return target.recordRun(run);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: proxy, runs };
}

async function metric(source: string, result: string): Promise<number> {
  return (await ingestPapersTotal.get()).values.find((v) => v.labels.source === source && v.labels.result === result)?.value ?? 0;
}

async function metrics() {
  const out: Record<string, number> = {};
  for (const source of ['hf', 'arxiv']) for (const result of ['added', 'updated', 'skipped']) out[`${source}/${result}`] = await metric(source, result);
  return out;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

describe('the recorded run', () => {
  it('records the counts and success of a clean run, without a detail', async () => {
    const { store, runs } = recording(openStore(tempDb()));
    const { logger } = logged();
    await ingestHf(hf({ '2026-11-20': [fetched(1), fetched(2), fetched(3, { abstract: '' })] }), ['2026-11-20'], { store, logger, now: () => NOW });
    expect(runs).toEqual([{ source: 'hf', ok: true, at: NOW, added: 2, updated: 0, skipped: 1 }]);
  });

  it('a partly failed run is not ok; its detail lists each failed unit with its reason, cut at 1000 characters', async () => {
    const { store, runs } = recording(openStore(tempDb()));
    const { logger } = logged();
    const days = Array.from({ length: 40 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
    const r = await ingestHf(hf({ '2026-11-20': [fetched(1)] }, new Error('the listing of this day answered HTTP 503')), ['2026-11-20', ...days], {
      store,
      logger,
      now: () => NOW,
    });
    expect(r.failed).toHaveLength(40);
    const full = r.failed.map((f) => `${f.unit}: ${f.reason}`).join('; ');
    expect(full.length).toBeGreaterThan(1000);
    expect(runs).toEqual([{ source: 'hf', ok: false, at: NOW, added: 1, updated: 0, skipped: 0, detail: full.slice(0, 1000) }]);
    expect((await store.sourceStatus())[0]?.lastError).toBe(full.slice(0, 1000));
  });

  it('a failure that is not an Error is reported as its text', async () => {
    const { store } = recording(openStore(tempDb()));
    const { logger } = logged();
    const r = await ingestHf(hf({}, 'socket hang up'), ['2026-11-20'], { store, logger, now: () => NOW });
    expect(r.failed).toEqual([{ unit: '2026-11-20', reason: 'socket hang up' }]);
  });

  it('a run that cannot be recorded is logged as a warning, and the ingest still reports what it stored', async () => {
    const real = openStore(tempDb());
    const store = new Proxy(real, {
      get(target, prop) {
        if (prop === 'recordRun') {
          return async () => {
            throw new Error('database is locked');
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const { lines, logger } = logged();
    const r = await ingestHf(hf({ '2026-11-20': [fetched(1)] }), ['2026-11-20'], { store, logger, now: () => NOW });
    expect(r.added).toBe(1);
    expect(lines.filter((l) => l.msg === 'ingest: could not record the run')).toEqual([
      expect.objectContaining({ level: 40, err: expect.objectContaining({ message: 'database is locked' }) }),
    ]);
  });

  it('each skipped item is logged as a warning with its id and reason', async () => {
    const { store } = recording(openStore(tempDb()));
    const { lines, logger } = logged();
    await ingestHf(hf({ '2026-11-20': [fetched(1, { abstract: '' }), fetched(2)] }), ['2026-11-20'], { store, logger, now: () => NOW });
    expect(lines.filter((l) => l.msg === 'ingest: item skipped')).toEqual([
      expect.objectContaining({ level: 40, id: '2611.00001', unit: '2026-11-20', reason: expect.stringMatching(/abstract/) }),
    ]);
  });
});

describe('the ingest metric', () => {
  it('counts what each run added, updated and skipped, by source', async () => {
    const { store } = recording(openStore(tempDb()));
    const { logger } = logged();
    const ctx = { store, logger, now: () => NOW };
    const m0 = await metrics();
    await ingestHf(hf({ '2026-11-20': [fetched(1), fetched(2), fetched(3, { abstract: '' })] }), ['2026-11-20'], ctx);
    const m1 = await metrics();
    expect(delta(m1, m0)).toEqual({ 'hf/added': 2, 'hf/updated': 0, 'hf/skipped': 1, 'arxiv/added': 0, 'arxiv/updated': 0, 'arxiv/skipped': 0 });
    await ingestHf(hf({ '2026-11-20': [fetched(1, { upvotes: 40 }), fetched(2)] }), ['2026-11-20'], ctx);
    const m2 = await metrics();
    expect(delta(m2, m1)).toEqual({ 'hf/added': 0, 'hf/updated': 1, 'hf/skipped': 0, 'arxiv/added': 0, 'arxiv/updated': 0, 'arxiv/skipped': 0 });
    await ingestArxiv(arxiv([fetched(2, { published: '2026-11-19' }), fetched(7), fetched(8)]), ['cs.CL'], 10, ctx);
    const m3 = await metrics();
    expect(delta(m3, m2)).toEqual({ 'hf/added': 0, 'hf/updated': 0, 'hf/skipped': 0, 'arxiv/added': 2, 'arxiv/updated': 1, 'arxiv/skipped': 0 });
  });
});
