import type { Logger } from 'pino';
import { paperRef } from '../commands/ref.ts';
import type { Library } from '../library/library.ts';
import type { Paper } from '../papers/paper.ts';
import { DEFAULT_ABANDON_MS, failAbandonedClaims } from '../posting/abandoned.ts';
import { DEFAULT_RETRY, deliverTo, errorReason, servedPlatforms, type RetryPolicy } from '../posting/deliver.ts';
import { DEFAULT_POST_CONCURRENCY, mapLimit } from '../posting/map-limit.ts';
import { oneAtATime } from '../posting/one-at-a-time.ts';
import type { Pacer } from '../posting/pace.ts';
import type { Posters } from '../posting/poster.ts';
import { realSleep, systemClock, type Clock, type Sleep } from '../time/clock.ts';
import type { PaperStore } from '../library/store.ts';
import { alertPost } from './alert.ts';
import { analyzePaper, compileRule, matchesRule, type AnalyzedPaper } from './match.ts';
import type { AlertCandidate, WatchStore } from './store.ts';
import { MAX_ALERT_TRIES, type Platform, type Watch } from './watch.ts';
import type { Reply } from '../reply/reply.ts';
import { claimConflictsTotal } from '../metrics/metrics.ts';

/** How often the store is checked for papers another process (or this one) stored. */
export const DEFAULT_POLL_MS = 2000;
/**
 * Papers stored without a recorded end of ingest (a writer that crashed before recording its
 * run) are alerted once the store has been quiet this long.
 */
export const DEFAULT_SETTLE_MS = 30_000;

export interface WatchNotifierOptions {
  store: WatchStore;
  /** Where papers arrive (the library's store). */
  papers: PaperStore;
  /**
   * The paper library over `papers`: refreshed before an alert goes out (so the alert's buttons
   * find its papers); alerts show its records (a paper ridden along from a failed alert included).
   */
  library: Library;
  /** How to post on each platform (adapters' `post`). Only watches of these platforms are served here. */
  posters: Posters;
  logger: Logger;
  clock?: Clock;
  sleep?: Sleep;
  retry?: RetryPolicy;
  pollMs?: number;
  settleMs?: number;
  abandonMs?: number;
  /** Watches alerted at once in a pass (default `DEFAULT_POST_CONCURRENCY`). */
  concurrency?: number;
  /** The outgoing pace (see `posting/pace.ts`), shared with scheduled posts. Default: none. */
  pacer?: Pacer;
}

/** What happened to one watch in one pass. */
export interface AlertReport {
  watchId: string;
  outcome: 'posted' | 'failed' | 'not-claimed';
  alertId?: number;
  paperIds: string[];
  attempts: number;
  detail?: string;
  /** The watch paused itself (its channel is gone). */
  paused?: boolean;
  reply?: Reply;
}

export interface WatchNotifier {
  /** Look at what arrived since the last pass and send each watch's new matches (one alert per watch). */
  runPass(): Promise<AlertReport[]>;
  /**
   * One check of the store: runs a pass when papers changed and an ingest has ended since the last
   * check (or on the first check, to catch up), or the store has been quiet for `settleMs`.
   * Undefined when no pass ran.
   */
  poll(): Promise<AlertReport[] | undefined>;
  /** Check every `pollMs` from now on (the first check right away). */
  start(): void;
  /** Stop checking and wait for alerts in flight. */
  stop(): Promise<void>;
}

/** Whether a platform error says the channel no longer exists (Slack `channel_not_found`, Discord 10003). */
export function channelGone(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'channelGone' in err && err.channelGone === true;
}

/** Newest publication day first, then most upvoted, then id: the order an alert lists papers in. */
function alertOrder(a: Paper, b: Paper): number {
  const pa = a.published ?? '';
  const pb = b.published ?? '';
  if (pa !== pb) return pa < pb ? 1 : -1;
  const ua = a.upvotes ?? -1;
  const ub = b.upvotes ?? -1;
  if (ua !== ub) return ub - ua;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface Arrival {
  /** The id the store keeps the paper under. */
  storeId: string;
  firstSeen: Date;
  analyzed: AnalyzedPaper;
}

/**
 * Alerts for watches: watches the paper store, and when papers arrive sends each active watch its
 * new matches — one message per watch per ingest, claimed in the watch store before it is sent.
 */
export function createWatchNotifier(opts: WatchNotifierOptions): WatchNotifier {
  const { store, papers, library, posters, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const sleep = opts.sleep ?? realSleep;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
  const abandonMs = opts.abandonMs ?? DEFAULT_ABANDON_MS;
  const concurrency = opts.concurrency ?? DEFAULT_POST_CONCURRENCY;

  let cursor: number | undefined;
  let lastRevision: number | undefined;
  let changedAt = 0;
  let lastRuns: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let polling: Promise<unknown> | undefined;

  const served = (): Platform[] => servedPlatforms(posters);

  async function currentCursor(platforms: readonly Platform[]): Promise<number> {
    if (cursor !== undefined) return cursor;
    let min: number | undefined;
    for (const p of platforms) {
      const c = (await store.cursor(p)) ?? -1;
      min = min === undefined ? c : Math.min(min, c);
    }
    return min ?? -1;
  }

  async function alertWatch(watch: Watch, arrivals: readonly Arrival[], byId: Map<string, Paper>): Promise<AlertReport | undefined> {
    const compiled = compileRule(watch.query, watch.author);
    if (!compiled.ok) {
      logger.error({ watch: watch.id, problem: compiled.problem }, 'watch has an unusable query; skipped');
      return undefined;
    }
    const matched = arrivals.filter((a) => a.firstSeen.getTime() > watch.createdAt.getTime() && matchesRule(compiled.rule, a.analyzed));
    if (matched.length === 0) return undefined;
    const candidates: AlertCandidate[] = matched.map((a) => {
      const rec = a.analyzed.paper;
      const other = [...new Set([rec.id, ...(rec.formerIds ?? [])])].filter((id) => id !== a.storeId);
      return { id: a.storeId, ...(other.length ? { otherIds: other } : {}) };
    });
    const claim = await store.claimAlert({ watchId: watch.id, papers: candidates, now: clock.now(), maxTries: MAX_ALERT_TRIES });
    // `nothing`: every match was sent already (a re-ingest, or another process was first) — not worth a report.
    if (!claim.claimed) {
      // `nothing` is also what a process gets when another one claimed these papers first.
      if (claim.why === 'nothing') {
        claimConflictsTotal.inc({ kind: 'watch' });
        return undefined;
      }
      return { watchId: watch.id, outcome: 'not-claimed', paperIds: [], attempts: 0, detail: claim.why };
    }

    const engine = library.engine;
    const records = claim.paperIds.map((id) => byId.get(id) ?? engine.byId(id)).filter((p): p is Paper => p !== undefined);
    if (records.length < claim.paperIds.length) {
      logger.warn(
        { watch: watch.id, missing: claim.paperIds.filter((id) => !byId.has(id) && !engine.byId(id)) },
        'watch alert: papers not in the library are left out',
      );
    }
    const reply = alertPost(claim.watch, claim.alertId, records, (p) => paperRef(engine, p));
    const base = { watchId: watch.id, alertId: claim.alertId, paperIds: claim.paperIds, reply };
    const where = { watch: watch.id, platform: watch.platform, channel: watch.channelId, workspace: watch.workspaceId };
    const sent = await deliverTo(posters, watch, reply, {
      policy: retry,
      sleep,
      ...(opts.pacer ? { pacer: opts.pacer } : {}),
      onFailure: (attempt, reason, willRetry) => logger.warn({ ...where, attempt, reason, willRetry }, 'watch alert failed'),
      onRateLimited: (waitMs, reason) => logger.info({ ...where, waitMs, reason }, 'watch alert rate limited; waiting as asked (not a failed try)'),
    });
    if (sent.ok) {
      await store.finishAlert(claim.alertId, { status: 'posted', attempts: sent.attempts }, clock.now());
      logger.info(
        { watch: watch.id, channel: watch.channelId, alert: claim.alertId, papers: claim.paperIds.length, attempts: sent.attempts },
        'watch alert sent',
      );
      return { ...base, outcome: 'posted', attempts: sent.attempts };
    }
    await store.finishAlert(claim.alertId, { status: 'failed', attempts: sent.attempts, reason: sent.error }, clock.now());
    logger.error({ watch: watch.id, channel: watch.channelId, alert: claim.alertId, attempts: sent.attempts, reason: sent.error }, 'watch alert given up');
    if (!sent.ok && channelGone(sent.cause)) {
      await store.setPaused(watch.id, true, clock.now(), `channel gone: ${sent.error}`);
      logger.warn(
        { watch: watch.id, platform: watch.platform, channel: watch.channelId, reason: sent.error },
        'watch paused: its channel is gone (resume it with "watch resume" once the bot can post there again)',
      );
      return { ...base, outcome: 'failed', attempts: sent.attempts, detail: sent.error, paused: true };
    }
    return { ...base, outcome: 'failed', attempts: sent.attempts, detail: sent.error };
  }

  async function passOnce(): Promise<AlertReport[]> {
    const platforms = served();
    const now = clock.now();
    await failAbandonedClaims(store, now, abandonMs, logger, 'alerts');
    const from = await currentCursor(platforms);
    // Read before the watches: the cursor goes no further, so a watch made after this read (in
    // another process) also sees the papers stored after it, on the next pass.
    const upTo = await papers.revision();
    const watches = (await store.listWatches()).filter((w) => !w.paused && platforms.includes(w.platform));
    let revision: number;
    let arrived: { paper: Paper; firstSeen: Date }[] = [];
    if (watches.length === 0) {
      revision = await papers.revision();
    } else {
      const since = new Date(Math.min(...watches.map((w) => w.createdAt.getTime())));
      ({ revision, papers: arrived } = await papers.arrivals(from, since));
    }
    const reports: AlertReport[] = [];
    let complete = true;
    if (arrived.length > 0) {
      // The library takes the papers in first, so the alert's buttons (`show …`) find them.
      await library.refresh();
      const engine = library.engine;
      const byId = new Map<string, Paper>();
      const arrivals: Arrival[] = arrived
        .map((a) => ({ storeId: a.paper.id, firstSeen: a.firstSeen, analyzed: analyzePaper(engine.byId(a.paper.id) ?? a.paper) }))
        .sort((x, y) => alertOrder(x.analyzed.paper, y.analyzed.paper));
      for (const a of arrivals) byId.set(a.storeId, a.analyzed.paper);
      // Many watches matching at once: a bounded number of alerts at a time.
      const results = await mapLimit(watches, concurrency, (w) =>
        alertWatch(w, arrivals, byId).catch((err: unknown) => {
          // A store failure: the cursor stays, so the next pass looks at these papers again.
          complete = false;
          logger.error({ watch: w.id, reason: errorReason(err) }, 'watch alert crashed');
          return undefined;
        }),
      );
      for (const r of results) if (r) reports.push(r);
    }
    if (complete) {
      const to = Math.min(upTo, revision);
      for (const p of platforms) await store.advanceCursor(p, to);
      cursor = to;
    }
    return reports;
  }

  // One pass at a time per process; a call during a pass runs after it (claims keep it exact anyway).
  const passes = oneAtATime(passOnce);
  const runPass = (): Promise<AlertReport[]> => passes.run();

  async function poll(): Promise<AlertReport[] | undefined> {
    const revision = await papers.revision();
    const runs = await papers.runsRecorded();
    const now = clock.now().getTime();
    if (revision !== lastRevision) {
      lastRevision = revision;
      changedAt = now;
    }
    const first = lastRuns === undefined;
    const ended = !first && runs !== lastRuns;
    lastRuns = runs;
    if (revision === (await currentCursor(served()))) return undefined;
    if (first || ended || now - changedAt >= settleMs) return runPass();
    return undefined;
  }

  function schedule(ms: number): void {
    if (!started) return;
    timer = setTimeout(() => {
      timer = undefined;
      const p = poll()
        .catch((err: unknown) => logger.error({ reason: errorReason(err) }, 'watch check failed'))
        .finally(() => {
          polling = undefined;
          schedule(pollMs);
        });
      polling = p;
    }, ms);
    timer.unref();
  }

  return {
    runPass,
    poll,
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await polling;
      await passes.idle();
    },
  };
}
