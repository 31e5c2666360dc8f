/** ISO day helpers for ingest ranges (UTC). Pure. */

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time, in UTC. */
export function isoDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** Parse a real calendar day (`2026-02-30` is refused). */
export function parseDay(text: string): Date | undefined {
  const m = ISO_DAY.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return isoDay(d) === text.trim() ? d : undefined;
}

/** Every day from `from` to `to`, inclusive, oldest first. */
export function daysBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) out.push(isoDay(new Date(t)));
  return out;
}

/** The day `n` days before `t` (UTC). */
export function daysAgo(t: Date, n: number): string {
  return isoDay(new Date(t.getTime() - n * DAY_MS));
}

/**
 * A `--since` value: `7d` (the last 7 days, counted from now, today included), `2w`, or an ISO day.
 * Returns the first ISO day that is included, or undefined when the text is neither.
 */
export function parseSince(text: string, now: Date): string | undefined {
  const rel = /^(\d{1,4})\s*([dw])$/i.exec(text.trim());
  if (rel) {
    const n = Number(rel[1]) * (rel[2]!.toLowerCase() === 'w' ? 7 : 1);
    return n >= 1 ? daysAgo(now, n - 1) : undefined;
  }
  const day = parseDay(text);
  return day ? isoDay(day) : undefined;
}
