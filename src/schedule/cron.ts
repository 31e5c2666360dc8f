import { Cron } from 'croner';

/** Schedules may not post more often than this. */
export const MIN_INTERVAL_MS = 60 * 60 * 1000;
/** How many upcoming runs the frequency check looks at. */
const FREQUENCY_SAMPLE = 50;

/** A compiled cron expression in one timezone. Pure: it never starts a timer. */
export interface CronTimes {
  readonly expression: string;
  readonly timezone: string;
  /** The first run strictly after `after`, or undefined if the expression never runs again. */
  next(after: Date): Date | undefined;
  /** The next `n` runs strictly after `after`. */
  nextN(n: number, after: Date): Date[];
  /** Runs in `(after, upTo]`, most recent first, at most `max` of them. */
  between(after: Date, upTo: Date, max: number): Date[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Validate an IANA timezone name. Returns its canonical spelling (`europe/berlin` -> `Europe/Berlin`).
 */
export function checkTimezone(name: string): Checked<string> {
  const tz = name.trim();
  if (tz === '') return { ok: false, problem: 'The timezone is empty. Use an IANA name such as Europe/Berlin or UTC.' };
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    return { ok: true, value: canonical };
  } catch {
    return { ok: false, problem: `Unknown timezone "${tz}". Use an IANA name such as Europe/Berlin, America/New_York or UTC.` };
  }
}

/** Croner prefixes its messages with the class name; users need only the reason. */
function cronerReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg
    .replace(/^Cron(Pattern|Date)?:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
}

/**
 * Compile a 5-field cron expression (or a nickname such as `@daily`) in a timezone.
 * The timezone must already be valid (see `checkTimezone`).
 */
export function compileCron(expression: string, timezone: string): Checked<CronTimes> {
  const expr = expression.trim().replace(/\s+/g, ' ');
  if (expr === '') return { ok: false, problem: 'The cron expression is empty.' };
  const fields = expr.split(' ').length;
  if (!expr.startsWith('@') && fields !== 5) {
    return {
      ok: false,
      problem: `Invalid cron expression "${expr}": it needs 5 fields (minute hour day-of-month month day-of-week), not ${fields}.`,
    };
  }
  let job: Cron;
  try {
    job = new Cron(expr, { timezone, mode: '5-part', paused: true });
  } catch (err) {
    return { ok: false, problem: `Invalid cron expression "${expr}": ${cronerReason(err)}.` };
  }
  const times: CronTimes = {
    expression: expr,
    timezone,
    next(after) {
      return job.nextRun(after) ?? undefined;
    },
    nextN(n, after) {
      return job.nextRuns(n, after);
    },
    between(after, upTo, max) {
      const end = upTo.getTime();
      if (end <= after.getTime() || max <= 0) return [];
      // Walk forward from `after` (the usual case is zero or one slot)...
      const found: Date[] = [];
      let cursor: Date | null = job.nextRun(after);
      while (cursor && cursor.getTime() <= end) {
        found.push(cursor);
        if (found.length > max) break;
        cursor = job.nextRun(cursor);
      }
      if (found.length <= max) return found.reverse();
      // ...and after a long outage take the most recent `max` walking back from `upTo`.
      // previousRuns excludes a run exactly at the reference; step 1 ms past `upTo` to include it.
      const recent = job.previousRuns(max, new Date(end + 1));
      return recent.filter((d) => d.getTime() > after.getTime() && d.getTime() <= end);
    },
  };
  if (!times.next(new Date(0))) return { ok: false, problem: `The cron expression "${expr}" never runs.` };
  return { ok: true, value: times };
}

/** Format an instant in a timezone for people: `Mon 30 Nov 2026, 09:00 CET`. */
export function formatInZone(date: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('year')}, ${get('hour')}:${get('minute')} ${zoneAbbreviation(date, timezone, get('timeZoneName'))}`;
}

/** British English knows CET/BST, American English knows EST/PST; fall back to `GMT+5:30`. */
function zoneAbbreviation(date: Date, timezone: string, british: string): string {
  if (!/^GMT[+-]/.test(british)) return british;
  const us = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value;
  return us && !/^GMT[+-]/.test(us) ? us : british;
}

/**
 * Refuse schedules that run more often than hourly: any two consecutive runs among the next
 * few less than `MIN_INTERVAL_MS` apart. Returns the reason, or undefined when the rate is fine.
 */
export function frequencyProblem(times: CronTimes, from: Date): string | undefined {
  const runs = times.nextN(FREQUENCY_SAMPLE, from);
  for (let i = 1; i < runs.length; i++) {
    const a = runs[i - 1]!;
    const b = runs[i]!;
    const gap = b.getTime() - a.getTime();
    if (gap < MIN_INTERVAL_MS) {
      const minutes = Math.round(gap / 60000);
      return (
        `"${times.expression}" runs more often than hourly: ${formatInZone(a, times.timezone)} and ` +
        `${formatInZone(b, times.timezone)} are ${minutes} minute${minutes === 1 ? '' : 's'} apart. ` +
        'Schedules and scheduled ingests run at most once an hour.'
      );
    }
  }
  return undefined;
}

/** Compile and check everything about a cron + timezone pair; the problem is ready to show a user. */
export function checkCron(expression: string, timezone: string, now: Date): Checked<CronTimes> {
  const tz = checkTimezone(timezone);
  if (!tz.ok) return tz;
  const compiled = compileCron(expression, tz.value);
  if (!compiled.ok) return compiled;
  const tooOften = frequencyProblem(compiled.value, now);
  if (tooOften) return { ok: false, problem: tooOften };
  return compiled;
}
