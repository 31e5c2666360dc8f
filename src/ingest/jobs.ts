import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Library } from '../library/library.ts';
import type { ArxivClient } from '../sources/arxiv.ts';
import type { HfClient } from '../sources/hf.ts';
import type { PaperStore } from '../library/store.ts';
import { DEFAULT_ARXIV_CATEGORIES } from './ingest-command.ts';
import { daysAgo, isoDay } from '../time/dates.ts';
import { ingestArxiv, ingestHf, type IngestReport } from './run.ts';

/** A scheduled ingest (`"sources"` in the config file): `hf` fetches the last `days` days, `arxiv` the newest `max` of each category. */
export type IngestSourceSpec =
  { type: 'hf'; cron: string; timezone: string; days: number } | { type: 'arxiv'; cron: string; timezone: string; categories?: string[]; max: number };

export interface IngestJobsOptions {
  sources: readonly IngestSourceSpec[];
  store: PaperStore;
  library: Library;
  hf: () => HfClient;
  arxiv: () => ArxivClient;
  logger: Logger;
  now?: () => Date;
}

/** A stable name for a scheduled source: its slots are claimed under it. */
export function jobName(spec: IngestSourceSpec): string {
  return spec.type === 'hf'
    ? `ingest:hf:${spec.cron}:${spec.timezone}:${spec.days}`
    : `ingest:arxiv:${spec.cron}:${spec.timezone}:${(spec.categories ?? DEFAULT_ARXIV_CATEGORIES).join(',')}:${spec.max}`;
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

  async function runSlot(spec: IngestSourceSpec, slot: string): Promise<IngestReport | undefined> {
    const job = jobName(spec);
    if (!(await opts.store.claimSlot(job, slot, now()))) {
      opts.logger.debug({ job, slot }, 'ingest slot taken by another process');
      return undefined;
    }
    let report: IngestReport;
    if (spec.type === 'hf') {
      const today = now();
      const days = Array.from({ length: spec.days }, (_, i) => daysAgo(today, spec.days - 1 - i));
      report = await ingestHf(opts.hf(), days.length ? days : [isoDay(today)], ctx);
    } else {
      report = await ingestArxiv(opts.arxiv(), spec.categories ?? DEFAULT_ARXIV_CATEGORIES, spec.max, ctx);
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
      await Promise.allSettled([...inFlight]);
    },
  };
}
