import type { Logger } from 'pino';
import { paperFromFeed } from '../sources/from-feed.ts';
import type { Paper } from '../papers/paper.ts';
import type { ArxivClient } from '../sources/arxiv.ts';
import type { HfClient } from '../sources/hf.ts';
import { SourceError, type FetchedBatch, type SkippedItem } from '../sources/types.ts';
import type { FeedName, PaperStore } from '../library/store.ts';
import { ingestPapersTotal } from '../metrics/metrics.ts';

/** What one ingest run did. `failed` lists each day or request that could not be fetched or stored. */
export interface IngestReport {
  source: FeedName;
  added: number;
  updated: number;
  skipped: SkippedItem[];
  failed: { unit: string; reason: string }[];
  /** Ids of the papers added (for alerts and tests). */
  addedIds: string[];
}

interface RunContext {
  store: PaperStore;
  logger: Logger;
  now: () => Date;
}

function emptyReport(source: FeedName): IngestReport {
  return { source, added: 0, updated: 0, skipped: [], failed: [], addedIds: [] };
}

function reasonOf(err: unknown): string {
  if (err instanceof SourceError) return err.reason;
  return err instanceof Error ? err.message : String(err);
}

/** Turn a fetched unit into records and store it in one transaction. */
async function storeBatch(batch: FetchedBatch, report: IngestReport, ctx: RunContext): Promise<number> {
  const papers: Paper[] = [];
  const skipped: SkippedItem[] = [...batch.skipped];
  for (const f of batch.papers) {
    const r = paperFromFeed(f, batch.source);
    if (r.ok) papers.push(r.paper);
    else skipped.push({ id: f.arxivId, reason: r.message });
  }
  for (const s of skipped) ctx.logger.warn({ source: batch.source, unit: batch.unit, id: s.id, reason: s.reason }, 'ingest: item skipped');
  const outcome = await ctx.store.upsertBatch(papers);
  report.added += outcome.added.length;
  report.updated += outcome.updated.length;
  report.addedIds.push(...outcome.added);
  report.skipped.push(...skipped);
  return batch.papers.length + batch.skipped.length;
}

async function finish(report: IngestReport, ctx: RunContext): Promise<IngestReport> {
  const detail = report.failed.map((f) => `${f.unit}: ${f.reason}`).join('; ');
  try {
    await ctx.store.recordRun({
      source: report.source,
      ok: report.failed.length === 0,
      at: ctx.now(),
      added: report.added,
      updated: report.updated,
      skipped: report.skipped.length,
      ...(detail ? { detail: detail.slice(0, 1000) } : {}),
    });
  } catch (err) {
    ctx.logger.warn({ err }, 'ingest: could not record the run');
  }
  ingestPapersTotal.inc({ source: report.source, result: 'added' }, report.added);
  ingestPapersTotal.inc({ source: report.source, result: 'updated' }, report.updated);
  ingestPapersTotal.inc({ source: report.source, result: 'skipped' }, report.skipped.length);
  ctx.logger.info(
    { source: report.source, added: report.added, updated: report.updated, skipped: report.skipped.length, failed: report.failed },
    'ingest finished',
  );
  return report;
}

/**
 * Fetch each HF Daily Papers day and store it, one transaction per day: a day that fails (after the
 * client's retries) stores nothing and is reported in `failed`; the other days still go in, and a
 * rerun completes what a crash or a failure left out.
 */
export async function ingestHf(client: HfClient, days: readonly string[], ctx: RunContext): Promise<IngestReport> {
  const report = emptyReport('hf');
  for (const day of days) {
    try {
      await storeBatch(await client.fetchDay(day), report, ctx);
    } catch (err) {
      ctx.logger.warn({ day, reason: reasonOf(err) }, 'ingest: day failed');
      report.failed.push({ unit: day, reason: reasonOf(err) });
    }
  }
  return finish(report, ctx);
}

/** Results per arXiv request (arXiv allows up to 2000; smaller pages fail and retry cheaper). */
export const ARXIV_PAGE_SIZE = 100;

/**
 * Fetch the newest `max` submissions of each arXiv category, a page at a time (the client keeps
 * to one request every 3 s), storing each page in one transaction. A failed page ends that
 * category's run (later pages would shift) and is reported; other categories go on.
 */
export async function ingestArxiv(
  client: ArxivClient,
  categories: readonly string[],
  max: number,
  ctx: RunContext,
  pageSize = ARXIV_PAGE_SIZE,
): Promise<IngestReport> {
  const report = emptyReport('arxiv');
  for (const category of categories) {
    for (let start = 0; start < max;) {
      const count = Math.min(pageSize, max - start);
      try {
        const page = await client.fetchPage(category, start, count);
        const got = await storeBatch(page, report, ctx);
        start += count;
        if (got < count || start >= page.totalResults) break;
      } catch (err) {
        ctx.logger.warn({ category, start, reason: reasonOf(err) }, 'ingest: arXiv page failed');
        report.failed.push({ unit: `${category}@${start}`, reason: reasonOf(err) });
        break;
      }
    }
  }
  return finish(report, ctx);
}
