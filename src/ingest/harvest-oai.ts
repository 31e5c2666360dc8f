/**
 * `ingest oai` and the `{ "type": "oai" }` source: harvest arXiv's OAI-PMH interface into the
 * store. Each page is stored in one transaction (records arXiv changed replace the stored arXiv
 * fields, deleted records leave the store), then the position to resume from is saved, so a
 * harvest that fails continues from its last stored page, and the next run starts from the last
 * harvested day.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { PaperStore } from '../library/store.ts';
import { ingestPapersTotal } from '../metrics/metrics.ts';
import { reviseFromArxiv } from '../papers/merge.ts';
import type { Paper } from '../papers/paper.ts';
import { paperFromFeed } from '../sources/from-feed.ts';
import { harvest, type HarvestPosition, type OaiClient } from '../sources/oai.ts';
import { SourceError, type SkippedItem } from '../sources/types.ts';
import { daysAgo } from '../time/dates.ts';
import type { IngestReport } from './run.ts';

/** Days before today a set's first harvest starts from, when it has no position and no `--from`. */
export const FIRST_HARVEST_DAYS = 3;

const PositionSchema = z.object({
  resumptionToken: z.string().min(1).optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

/** The store key of a set's position: `oai:cs`. */
export function harvestKey(set: string): string {
  return `oai:${set}`;
}

export interface OaiRunContext {
  store: PaperStore;
  logger: Logger;
  now: () => Date;
}

/** What an OAI harvest did, as an ingest report (source `arxiv`: the papers are arXiv's), plus what only OAI has. */
export interface OaiReport extends IngestReport {
  /** Papers removed because arXiv deleted them. */
  removed: number;
  /** The day the harvest started from, and where the next one starts. */
  from: string | undefined;
  next: HarvestPosition;
}

/**
 * Harvest set `set` (`cs`) from its stored position (or `from`, or `FIRST_HARVEST_DAYS` ago):
 * every page stored as it comes. A failure stops the harvest and is reported in `failed` (what
 * was stored stays, and the position of the last stored page is kept); never throws for a source
 * or store failure.
 */
export async function ingestOai(client: OaiClient, set: string, ctx: OaiRunContext, opts: { from?: string } = {}): Promise<OaiReport> {
  const key = harvestKey(set);
  const stored = await readPosition(ctx, key);
  const from = opts.from ?? stored?.from ?? daysAgo(ctx.now(), FIRST_HARVEST_DAYS);
  // A `--from` given by hand starts a new list; otherwise continue the stored one while its token lasts.
  const resumeToken = opts.from === undefined ? stored?.resumptionToken : undefined;
  const report: OaiReport = { source: 'arxiv', added: 0, updated: 0, skipped: [], failed: [], addedIds: [], removed: 0, from, next: stored ?? { from } };
  ctx.logger.info({ set, from, resuming: resumeToken !== undefined }, 'oai: harvest starting');
  try {
    const summary = await harvest(client, { set, from, ...(resumeToken !== undefined ? { resumeToken } : {}) }, async (page, position) => {
      const papers: Paper[] = [];
      const skipped: SkippedItem[] = [...page.skipped];
      for (const f of page.papers) {
        const r = paperFromFeed(f, 'arxiv');
        if (r.ok) papers.push(r.paper);
        else skipped.push({ id: f.arxivId, reason: r.message });
      }
      for (const s of skipped) ctx.logger.warn({ source: 'oai', set, id: s.id, reason: s.reason }, 'ingest: item skipped');
      const outcome = await ctx.store.upsertBatch(papers, { merge: reviseFromArxiv });
      const removed = page.deleted.length ? await ctx.store.removePapers(page.deleted) : [];
      await ctx.store.saveHarvestPosition(key, JSON.stringify(position), ctx.now());
      report.added += outcome.added.length;
      report.updated += outcome.updated.length;
      report.addedIds.push(...outcome.added);
      report.skipped.push(...skipped);
      report.removed += removed.length;
      report.next = position;
    });
    if (summary.restarted) ctx.logger.warn({ set, from }, 'oai: the stored resumption token had expired; the list was harvested again from its start day');
  } catch (err) {
    const reason = err instanceof SourceError ? err.reason : err instanceof Error ? err.message : String(err);
    report.failed.push({ unit: key, reason });
    ctx.logger.warn({ err, set }, 'oai: harvest failed; the next run continues from the last stored page');
  }
  await recordRun(report, ctx);
  return report;
}

async function readPosition(ctx: OaiRunContext, key: string): Promise<HarvestPosition | undefined> {
  const text = await ctx.store.harvestPosition(key);
  if (text === undefined) return undefined;
  try {
    const parsed = PositionSchema.parse(JSON.parse(text));
    const position: HarvestPosition = {};
    if (parsed.resumptionToken !== undefined) position.resumptionToken = parsed.resumptionToken;
    if (parsed.from !== undefined) position.from = parsed.from;
    return position;
  } catch {
    ctx.logger.warn({ key }, 'oai: the stored harvest position is unreadable; starting afresh');
    return undefined;
  }
}

async function recordRun(report: OaiReport, ctx: OaiRunContext): Promise<void> {
  const detail = report.failed.map((f) => `${f.unit}: ${f.reason}`).join('; ');
  try {
    await ctx.store.recordRun({
      source: 'arxiv',
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
  ingestPapersTotal.inc({ source: 'arxiv', result: 'added' }, report.added);
  ingestPapersTotal.inc({ source: 'arxiv', result: 'updated' }, report.updated);
  ingestPapersTotal.inc({ source: 'arxiv', result: 'skipped' }, report.skipped.length);
  ctx.logger.info(
    { source: 'oai', added: report.added, updated: report.updated, removed: report.removed, skipped: report.skipped.length, failed: report.failed },
    'ingest finished',
  );
}
