/**
 * What Paperboy counts and times, for `GET /metrics` (Prometheus text). One registry per process;
 * the modules that do the work record into these.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'paperboy_' });

/** Commands answered, by platform, command and how the reply went (ok, info, empty, error). */
export const commandsTotal = new Counter({
  name: 'paperboy_commands_total',
  help: 'Commands answered, by platform, command and reply tone',
  labelNames: ['platform', 'command', 'tone'] as const,
  registers: [registry],
});

/** Time from a request reaching the core to its reply. */
export const replySeconds = new Histogram({
  name: 'paperboy_reply_seconds',
  help: 'Seconds from a request reaching the core to its reply, by platform',
  labelNames: ['platform'] as const,
  buckets: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  registers: [registry],
});

/** Papers an ingest added, updated or skipped, by source. */
export const ingestPapersTotal = new Counter({
  name: 'paperboy_ingest_papers_total',
  help: 'Papers ingested, by source and result (added, updated, skipped)',
  labelNames: ['source', 'result'] as const,
  registers: [registry],
});

/** How late a scheduled slot was claimed after its time. */
export const schedulerLagSeconds = new Histogram({
  name: 'paperboy_scheduler_lag_seconds',
  help: 'Seconds between a schedule slot and its claim',
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [registry],
});

/**
 * Claims another process won (a schedule slot, an ingest slot) or found done (a watch's papers,
 * alerted by another process or before a re-ingest): normal with several processes.
 */
export const claimConflictsTotal = new Counter({
  name: 'paperboy_claim_conflicts_total',
  help: 'Claims held by another process or already done, by kind (schedule, watch, ingest)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Failures of the state database seen while serving. */
export const databaseErrorsTotal = new Counter({
  name: 'paperboy_database_errors_total',
  help: 'State database errors, by where they were met',
  labelNames: ['where'] as const,
  registers: [registry],
});

/** Whether an error came from the state database (SQLite, PostgreSQL, or the store's own message for them). */
export function isDatabaseError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { name?: unknown }).name === 'StateStoreError') return true;
  const code = 'code' in err ? String(err.code) : '';
  // SQLite's result codes; PostgreSQL's SQLSTATEs (five characters, digits among them).
  return code.startsWith('SQLITE_') || /^(?=.*\d)[0-9A-Z]{5}$/.test(code);
}
