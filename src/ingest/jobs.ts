import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Library } from '../library/library.ts';
import type { ArxivClient } from '../sources/arxiv.ts';
import type { HfClient } from '../sources/hf.ts';
import type { OaiClient } from '../sources/oai.ts';
import type { PaperStore } from '../library/store.ts';
import { DEFAULT_ARXIV_CATEGORIES } from './ingest-command.ts';
import { daysAgo, isoDay } from '../time/dates.ts';
import { ingestArxiv, ingestHf, type IngestReport } from './run.ts';
import { harvestKey, ingestOai } from './harvest-oai.ts';
import { claimConflictsTotal } from '../metrics/metrics.ts';

/**
 * A scheduled ingest (`"sources"` in the config file): `hf` fetches the last `days` days, `arxiv`
 * the newest `max` of each category, `oai` harvests an arXiv set from where it last stopped.
 */
export type IngestSourceSpec =
  | { type: 'hf'; cron: string; timezone: string; days: number }
  | { type: 'arxiv'; cron: string; timezone: string; categories?: string[]; max: number }
  | { type: 'oai'; cron: string; timezone: string; set: string };

export interface IngestJobsOptions {
  sources: readonly IngestSourceSpec[];
  store: PaperStore;
  library: Library;
  hf: () => HfClient;
  arxiv: () => ArxivClient;
  /** Needed when a source is `oai`. */
  oai?: () => OaiClient;
  logger: Logger;
  now?: () => Date;
  /** Waits before each retry of a failed slot (default `RETRY_DELAYS_MS`); a retry that would start after the next slot is not made. */
  retryDelaysMs?: readonly number[];
  /** How a retry waits (tests: at once); it resolves early, with `false`, when the jobs stop. */
  wait?: (ms: number, stopped: AbortSignal) => Promise<boolean>;
}

/** A failed slot (a day or a category that could not be fetched) is retried after these waits, while its slot lasts. */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];

/** Wait `ms`, or until `stopped` is aborted; true when the whole wait passed. */
function realWait(ms: number, stopped: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (stopped.aborted) return resolve(false);
    const timer = setTimeout(() => {
      stopped.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    stopped.addEventListener('abort', onAbort, { once: true });
  });
}

/** A stable name for a scheduled source: its slots are claimed under it. */
export function jobName(spec: IngestSourceSpec): string {
  if (spec.type === 'hf') return `ingest:hf:${spec.cron}:${spec.timezone}:${spec.days}`;
  if (spec.type === 'oai') return `ingest:oai:${spec.cron}:${spec.timezone}:${spec.set}`;
  return `ingest:arxiv:${spec.cron}:${spec.timezone}:${(spec.categories ?? DEFAULT_ARXIV_CATEGORIES).join(',')}:${spec.max}`;
}

/** The slot a cron tick belongs to: its scheduled minute, so every process names it alike. */
export function slotOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
}

export interface IngestJobs {
  /** Run one scheduled source now if this process claims `slot` (tests, catch-up). */
  runSlot(spec: IngestSourceSpec, slot: string): Promise<IngestReport | undefined>;
  stop(): Promise<void>;
}

/**
 * Scheduled ingests (`"sources"` in the config file). Each cron tick is claimed in the store before
 * it runs, so with several processes on one store each slot runs once. A run refreshes the library
 * afterwards, so the new papers are searchable at once here (and within seconds in other processes).
 */
export function startIngestJobs(opts: IngestJobsOptions): IngestJobs {
  const now = opts.now ?? (() => new Date());
  const inFlight = new Set<Promise<unknown>>();
  const ctx = { store: opts.store, logger: opts.logger, now };
  const delays = opts.retryDelaysMs ?? RETRY_DELAYS_MS;
  const wait = opts.wait ?? realWait;
  const stopping = new AbortController();

  /** Fetch `units` (days, or categories) of one source: all of them first, then those that failed. */
  async function ingest(spec: IngestSourceSpec, units: readonly string[]): Promise<IngestReport> {
    if (spec.type === 'hf') return ingestHf(opts.hf(), units, ctx);
    // A harvest is one unit: a retry continues from the position its last stored page left.
    if (spec.type === 'oai') {
      if (!opts.oai) throw new Error('an oai source needs an OAI-PMH client');
      return ingestOai(opts.oai(), spec.set, ctx);
    }
    return ingestArxiv(opts.arxiv(), units, spec.max, ctx);
  }

  /** The days or categories a run covers. */
  function unitsOf(spec: IngestSourceSpec): string[] {
    if (spec.type === 'arxiv') return [...(spec.categories ?? DEFAULT_ARXIV_CATEGORIES)];
    if (spec.type === 'oai') return [harvestKey(spec.set)];
    const today = now();
    const days = Array.from({ length: spec.days }, (_, i) => daysAgo(today, spec.days - 1 - i));
    return days.length ? days : [isoDay(today)];
  }

  async function runSlot(spec: IngestSourceSpec, slot: string): Promise<IngestReport | undefined> {
    const job = jobName(spec);
    if (!(await opts.store.claimSlot(job, slot, now()))) {
      opts.logger.debug({ job, slot }, 'ingest slot taken by another process');
      claimConflictsTotal.inc({ kind: 'ingest' });
      return undefined;
    }
    // The slot is this process's until the next one: what failed is retried until then.
    const slotEnds = new Cron(spec.cron, { timezone: spec.timezone, paused: true }).nextRun(new Date(slot))?.getTime() ?? Infinity;
    const report = await ingest(spec, unitsOf(spec));
    for (const delay of delays) {
      if (report.failed.length === 0 || now().getTime() + delay >= slotEnds) break;
      opts.logger.warn({ job, slot, failed: report.failed.map((f) => f.unit), retryInMs: delay }, 'scheduled ingest failed in part; retrying within its slot');
      if (!(await wait(delay, stopping.signal))) break;
      // An arXiv unit is `category@start`: the category is fetched again from its start.
      const retry = await ingest(spec, [...new Set(report.failed.map((f) => (spec.type === 'arxiv' ? f.unit.split('@')[0]! : f.unit)))]);
      report.added += retry.added;
      report.updated += retry.updated;
      report.addedIds.push(...retry.addedIds);
      report.skipped.push(...retry.skipped);
      report.failed = retry.failed;
    }
    if (report.added + report.updated > 0) await opts.library.refresh();
    return report;
  }

  const crons = opts.sources.map(
    (spec) =>
      new Cron(spec.cron, { timezone: spec.timezone, protect: true, unref: true }, async (self: Cron) => {
        const at = self.currentRun() ?? now();
        const task = runSlot(spec, slotOf(at)).catch((err: unknown) => opts.logger.error({ err, job: jobName(spec) }, 'scheduled ingest failed'));
        inFlight.add(task);
        await task;
        inFlight.delete(task);
      }),
  );
  if (crons.length) opts.logger.info({ sources: opts.sources.map(jobName) }, 'scheduled ingests ready');

  return {
    runSlot,
    async stop() {
      for (const c of crons) c.stop();
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
