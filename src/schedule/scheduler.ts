import type { Logger } from 'pino';
import { paperRef } from '../commands/ref.ts';
import type { Reply } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import type { Topic } from '../library/topics.ts';
import { compileCron } from './cron.ts';
import { DEFAULT_ABANDON_MS, failAbandonedClaims } from '../posting/abandoned.ts';
import { DEFAULT_RETRY, deliverTo, errorReason, servedPlatforms, type Delivery, type RetryPolicy } from '../posting/deliver.ts';
import { DEFAULT_POST_CONCURRENCY, mapLimit } from '../posting/map-limit.ts';
import { oneAtATime } from '../posting/one-at-a-time.ts';
import type { Pacer } from '../posting/pace.ts';
import type { Posters } from '../posting/poster.ts';
import { realSleep, systemClock, type Clock, type Sleep } from '../time/clock.ts';
import { digestPost, exhaustedPost, paperOfTheDayPost } from './posts.ts';
import { DEFAULT_GRACE_MS, type RunOutcome, type Schedule } from './schedule.ts';
import { candidatesFor, planRun, wasPosted, type Candidate, type CandidateList, type CandidatesResult } from './select.ts';
import type { RunPlan, ScheduleStore } from './store.ts';
import { claimConflictsTotal, schedulerLagSeconds } from '../metrics/metrics.ts';

/** Timer functions, injectable so tests can drive `start()` without real time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** At most this many missed slots per schedule are looked at (and logged as skipped) on catch-up. */
export const MAX_CATCH_UP_SLOTS = 100;
/** Longest single timer wait: re-check this often even when nothing is due (clock jumps, new rows). */
export const DEFAULT_RECHECK_MS = 60_000;

export interface SchedulerOptions {
  store: ScheduleStore;
  /** The search engine, or a getter when papers can be reloaded at runtime. */
  engine: SearchEngine | (() => SearchEngine);
  topics: readonly Topic[] | (() => readonly Topic[]);
  posters: Posters;
  logger: Logger;
  clock?: Clock;
  /** Missed slots younger than this are posted on start; older ones are recorded as skipped. Default 1 h. */
  graceMs?: number;
  sleep?: Sleep;
  retry?: RetryPolicy;
  timers?: Timers;
  recheckMs?: number;
  abandonMs?: number;
  /** Schedules handled at once in a pass (default `DEFAULT_POST_CONCURRENCY`). */
  concurrency?: number;
  /**
   * The outgoing pace (one message a second per channel, spaced per workspace, 429s held back):
   * every try of every post waits its turn. Default: none (each post goes at once).
   */
  pacer?: Pacer;
}

/** What happened to one slot in one call. `not-claimed`: another process has it, or the schedule is gone/paused. */
export interface RunReport {
  scheduleId: string;
  slot: string;
  slotAt: Date;
  outcome: RunOutcome | 'not-claimed';
  detail?: string;
  attempts: number;
  paperIds: string[];
  /** The reply that was (or would have been) posted. */
  reply?: Reply;
}

export interface Scheduler {
  /**
   * Post every slot due at `now` (default: the clock): for each active schedule the latest slot
   * since its last recorded one, when within the grace window; older missed slots are recorded as
   * skipped. Safe to call concurrently and from several processes (slots are claimed).
   */
  runDue(now?: Date): Promise<RunReport[]>;
  /** Post a schedule now (`schedule run`), outside its cron slots. */
  runNow(scheduleId: string): Promise<RunReport>;
  /** The next cron slot of a schedule strictly after `after` (default: the clock). */
  nextRun(schedule: Pick<Schedule, 'cron' | 'timezone'>, after?: Date): Date | undefined;
  /**
   * Arm the timers: a first pass right away (without waiting for it), then one timer to the next
   * slot, re-checking at least every `recheckMs`.
   */
  start(): Promise<void>;
  /** Re-arm the timer after schedules changed (added, resumed, removed). */
  refresh(): void;
  /** Stop timers and wait for deliveries in flight. */
  stop(): Promise<void>;
}

/** Whether two versions of one schedule (same id) choose the same papers (same kind and filter). */
function sameSelection(a: Schedule, b: Schedule): boolean {
  return a.kind === b.kind && JSON.stringify(a.filter) === JSON.stringify(b.filter);
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60000);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** Create the scheduler. Nothing runs until `start()` or `runDue()`. */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { store, posters, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const sleep = opts.sleep ?? realSleep;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const timers = opts.timers ?? realTimers;
  const recheckMs = opts.recheckMs ?? DEFAULT_RECHECK_MS;
  const abandonMs = opts.abandonMs ?? DEFAULT_ABANDON_MS;
  const concurrency = opts.concurrency ?? DEFAULT_POST_CONCURRENCY;
  const engineOf = (): SearchEngine => (typeof opts.engine === 'function' ? opts.engine() : opts.engine);
  const topicsOf = (): readonly Topic[] => (typeof opts.topics === 'function' ? opts.topics() : opts.topics);

  let started = false;
  let timer: unknown;
  const inflight = new Set<Promise<unknown>>();

  function track<T>(p: Promise<T>): Promise<T> {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  }

  function deliver(schedule: Schedule, reply: Reply): Promise<Delivery> {
    const where = { schedule: schedule.id, platform: schedule.platform, channel: schedule.channelId, workspace: schedule.workspaceId };
    return deliverTo(posters, schedule, reply, {
      policy: retry,
      sleep,
      ...(opts.pacer ? { pacer: opts.pacer } : {}),
      onFailure: (attempt, reason, willRetry) => logger.warn({ ...where, attempt, reason, willRetry }, 'scheduled post failed'),
      onRateLimited: (waitMs, reason) => logger.info({ ...where, waitMs, reason }, 'scheduled post rate limited; waiting as asked (not a failed try)'),
    });
  }

  /** Claim one slot, choose papers, post, and record the outcome. */
  async function execute(scheduleId: string, slot: string, slotAt: Date, trigger: 'cron' | 'manual'): Promise<RunReport> {
    const engine = engineOf();
    const topics = topicsOf();
    let list: CandidateList | undefined;
    let remaining = 0;
    // The papers are chosen before the claim, outside its transaction (which holds the channel's
    // lock); only if the schedule changed meanwhile are they chosen again inside it.
    const before = await store.getSchedule(scheduleId);
    const chosen = before ? choose(before) : undefined;
    function choose(s: Schedule): CandidatesResult {
      try {
        return candidatesFor(s, engine, topics);
      } catch (err) {
        return { ok: false, problem: `could not choose papers: ${errorReason(err)}` };
      }
    }
    const claim = await store.claimRun({
      scheduleId,
      slot,
      slotAt,
      trigger,
      now: clock.now(),
      plan(fresh, posted): RunPlan {
        try {
          const found = chosen && before && sameSelection(before, fresh) ? chosen : choose(fresh);
          if (!found.ok) return { kind: 'fail', detail: found.problem };
          list = found.list;
          const count = fresh.kind === 'digest' ? fresh.count : 1;
          const plan = planRun(found.list, posted, count, {
            alreadyNotified: fresh.exhaustedAt !== undefined,
            manual: trigger === 'manual',
            oneDay: fresh.kind === 'digest',
          });
          if (plan.kind === 'post') {
            const picked = new Set(plan.paperIds);
            remaining = found.list.candidates.filter((c) => !wasPosted(c.paper, posted) && !picked.has(c.paper.id)).length;
          }
          return plan;
        } catch (err) {
          return { kind: 'fail', detail: `could not choose papers: ${errorReason(err)}` };
        }
      },
    });
    const base = { scheduleId, slot, slotAt, attempts: 0, paperIds: [] as string[] };
    if (!claim.claimed) {
      if (claim.why === 'taken') claimConflictsTotal.inc({ kind: 'schedule' });
      return { ...base, outcome: 'not-claimed', detail: claim.why };
    }
    if (trigger === 'cron') schedulerLagSeconds.observe(Math.max(0, (clock.now().getTime() - slotAt.getTime()) / 1000));

    const { schedule, plan, runId } = claim;
    const finish = async (outcome: Exclude<RunOutcome, 'pending'>, attempts: number, detail?: string, noticeSent?: boolean) => {
      await store.finishRun(runId, { outcome, attempts, ...(detail ? { detail } : {}), ...(noticeSent ? { noticeSent } : {}) }, clock.now());
    };

    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: equivalent — claimRun calls plan() for every claim it makes, so `list` is unset exactly when the plan is 'fail'
    if (plan.kind === 'fail' || !list) {
      // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent — only a 'fail' plan gets here (see above)
      const detail = plan.kind === 'fail' ? plan.detail : 'no candidate list';
      await finish('failed', 0, detail);
      logger.error({ schedule: scheduleId, slot, detail }, 'scheduled run failed');
      return { ...base, outcome: 'failed', detail };
    }

    if (plan.kind === 'exhausted') {
      if (!plan.notify) {
        const detail = trigger === 'manual' ? 'nothing left to post' : 'quiet: exhaustion already announced';
        await finish('exhausted', 0, detail);
        return { ...base, outcome: 'exhausted', detail, reply: exhaustedPost(schedule, list, plan.total) };
      }
      const reply = exhaustedPost(schedule, list, plan.total);
      const sent = await deliver(schedule, reply);
      if (sent.ok) {
        await finish('exhausted', sent.attempts, 'announced: every matching paper has been posted', true);
        logger.info({ schedule: scheduleId, slot, total: plan.total }, 'schedule exhausted; announced once');
        return { ...base, outcome: 'exhausted', attempts: sent.attempts, reply };
      }
      await finish('failed', sent.attempts, `exhaustion notice: ${sent.error}`);
      return { ...base, outcome: 'failed', attempts: sent.attempts, detail: sent.error, reply };
    }

    const byId = new Map(list.candidates.map((c) => [c.paper.id, c] as const));
    const picked = plan.paperIds.map((id) => byId.get(id)).filter((c): c is Candidate => c !== undefined);
    // Buttons name papers as search results do (`show snapkv`, not the 80-character id).
    const ref = (p: Candidate['paper']) => paperRef(engine, p);
    const reply =
      schedule.kind === 'paper-of-the-day' && picked[0]
        ? paperOfTheDayPost(schedule, list, picked[0], ref)
        : digestPost(schedule, list, picked, remaining, ref);
    const sent = await deliver(schedule, reply);
    if (sent.ok) {
      await finish('posted', sent.attempts);
      logger.info({ schedule: scheduleId, slot, papers: plan.paperIds.length, attempts: sent.attempts }, 'scheduled post sent');
      return { ...base, outcome: 'posted', attempts: sent.attempts, paperIds: plan.paperIds, reply };
    }
    await finish('failed', sent.attempts, sent.error);
    logger.error({ schedule: scheduleId, slot, attempts: sent.attempts, reason: sent.error }, 'scheduled post given up');
    return { ...base, outcome: 'failed', attempts: sent.attempts, detail: sent.error, reply };
  }

  /** The due slot of one schedule at `now`: catch up the latest missed slot within grace, skip the rest. */
  async function dueFor(schedule: Schedule, now: Date): Promise<RunReport[]> {
    const times = compileCron(schedule.cron, schedule.timezone);
    if (!times.ok) {
      logger.error({ schedule: schedule.id, problem: times.problem }, 'schedule has an unusable cron expression');
      return [];
    }
    const lower = Math.max(schedule.activeSince.getTime(), schedule.lastSlotAt?.getTime() ?? 0);
    const slots = times.value.between(new Date(lower), now, MAX_CATCH_UP_SLOTS);
    const [latest, ...older] = slots;
    if (!latest) return [];
    const reports: RunReport[] = [];
    if (older.length > 0) {
      await store.recordSkipped(schedule.id, older, 'missed: Paperboy was not running (only the latest missed slot is caught up)', now);
      logger.warn({ schedule: schedule.id, missed: older.length }, 'skipped older missed slots');
      for (const s of older) reports.push({ scheduleId: schedule.id, slot: s.toISOString(), slotAt: s, outcome: 'skipped', attempts: 0, paperIds: [] });
    }
    const late = now.getTime() - latest.getTime();
    if (late > graceMs) {
      const detail = `missed by ${minutes(late)}, outside the ${minutes(graceMs)} grace window`;
      await store.recordSkipped(schedule.id, [latest], detail, now);
      logger.warn({ schedule: schedule.id, slot: latest.toISOString(), detail }, 'skipped missed slot');
      reports.push({ scheduleId: schedule.id, slot: latest.toISOString(), slotAt: latest, outcome: 'skipped', detail, attempts: 0, paperIds: [] });
      return reports;
    }
    reports.push(await execute(schedule.id, latest.toISOString(), latest, 'cron'));
    return reports;
  }

  async function runDueOnce(now: Date): Promise<RunReport[]> {
    await failAbandonedClaims(store, now, abandonMs, logger, 'runs');
    // Only the platforms this process posts to: another platform's slots are another process's
    // to claim (a Slack-only process must never use up a Discord slot).
    const platforms = servedPlatforms(posters);
    const schedules = (await store.listSchedules()).filter((s) => !s.paused && platforms.includes(s.platform));
    // Many channels due at once (a morning digest everywhere): a bounded number of posts at a time.
    const results = await mapLimit(schedules, concurrency, (s) =>
      dueFor(s, now).catch((err: unknown) => {
        logger.error({ err, schedule: s.id }, 'scheduled run crashed');
        return [] as RunReport[];
      }),
    );
    return results.flat();
  }

  // One pass at a time per process; a call during a pass runs after it (claims keep it exact anyway).
  const passes = oneAtATime(runDueOnce);
  function runDue(now: Date = clock.now()): Promise<RunReport[]> {
    return track(passes.run(now));
  }

  function nextRun(schedule: Pick<Schedule, 'cron' | 'timezone'>, after: Date = clock.now()): Date | undefined {
    const times = compileCron(schedule.cron, schedule.timezone);
    return times.ok ? times.value.next(after) : undefined;
  }

  async function arm(): Promise<void> {
    if (!started) return;
    const now = clock.now();
    let wait = recheckMs;
    try {
      for (const s of await store.listSchedules()) {
        if (s.paused) continue;
        const next = nextRun(s, now);
        if (next) wait = Math.min(wait, next.getTime() - now.getTime());
      }
    } catch (err) {
      logger.error({ err }, 'could not read schedules; retrying');
    }
    if (!started) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => void tick(), Math.max(0, Math.min(wait, 2 ** 31 - 1)));
  }

  async function tick(): Promise<void> {
    timer = undefined;
    if (!started) return;
    try {
      await runDue(clock.now());
    } catch (err) {
      logger.error({ err }, 'scheduler pass failed');
    }
    await arm();
  }

  return {
    runDue,
    runNow(scheduleId) {
      const now = clock.now();
      const nonce = Math.random().toString(36).slice(2, 8);
      return track(execute(scheduleId, `manual:${now.toISOString()}:${nonce}`, now, 'manual'));
    },
    nextRun,
    async start() {
      if (started) return;
      started = true;
      // The first pass (catch-up) runs on the next turn of the event loop, so start-up never waits
      // on a slow or retrying delivery.
      timer = timers.setTimeout(() => void tick(), 0);
    },
    refresh() {
      if (started) void arm();
    },
    async stop() {
      started = false;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...inflight]);
    },
  };
}
