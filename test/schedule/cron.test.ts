import { describe, expect, it } from 'vitest';
import { checkCron, checkTimezone, compileCron, formatInZone, frequencyProblem } from '../../src/schedule/cron.ts';

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('checkTimezone', () => {
  it('accepts IANA names and returns the canonical spelling', () => {
    expect(checkTimezone('Europe/Berlin')).toEqual({ ok: true, value: 'Europe/Berlin' });
    expect(checkTimezone('UTC')).toEqual({ ok: true, value: 'UTC' });
    const lower = checkTimezone('europe/berlin');
    expect(lower.ok && lower.value).toBe('Europe/Berlin');
  });

  it('refuses unknown and empty names with a clear message', () => {
    const bad = checkTimezone('Mars/Olympus_Mons');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toMatch(/Unknown timezone "Mars\/Olympus_Mons".*IANA/);
    expect(checkTimezone('  ').ok).toBe(false);
  });
});

describe('compileCron', () => {
  it('refuses malformed expressions with the reason', () => {
    for (const [expr, reason] of [
      ['61 * * * *', /minute/i],
      ['* * *', /five|5/],
      ['0 0 9 * * *', /needs 5 fields.*not 6/],
      ['0 9 * * mon-funday', /./],
      ['', /empty/],
    ] as const) {
      const r = compileCron(expr, 'UTC');
      expect(r.ok, expr).toBe(false);
      expect(!r.ok && r.problem, expr).toMatch(reason);
    }
  });

  it('lists slots in (after, upTo], most recent first, including a slot exactly at upTo', () => {
    const c = compileCron('0 9 * * *', 'UTC');
    if (!c.ok) throw new Error(c.problem);
    const slots = c.value.between(new Date('2026-01-01T09:00:00Z'), new Date('2026-01-04T09:00:00Z'), 10);
    expect(iso(slots)).toEqual(['2026-01-04T09:00:00.000Z', '2026-01-03T09:00:00.000Z', '2026-01-02T09:00:00.000Z']);
    expect(c.value.between(new Date('2026-01-04T09:00:00Z'), new Date('2026-01-04T09:00:00Z'), 10)).toEqual([]);
    // After a long outage only the most recent `max` slots come back.
    expect(iso(c.value.between(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-30T00:00:00Z'), 3))).toEqual([
      '2026-01-29T09:00:00.000Z',
      '2026-01-28T09:00:00.000Z',
      '2026-01-27T09:00:00.000Z',
    ]);
  });

  it('02:30 in Europe/Berlin on the spring-forward day runs once, at 03:00 CEST', () => {
    const c = compileCron('30 2 * * *', 'Europe/Berlin');
    if (!c.ok) throw new Error(c.problem);
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    const slots = c.value.between(new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'), 10);
    expect(iso(slots)).toEqual(['2026-03-30T00:30:00.000Z', '2026-03-29T01:00:00.000Z']);
    expect(formatInZone(slots[1]!, 'Europe/Berlin')).toMatch(/03:00/);
  });

  it('02:30 in Europe/Berlin on the fall-back day runs once, not twice', () => {
    const c = compileCron('30 2 * * *', 'Europe/Berlin');
    if (!c.ok) throw new Error(c.problem);
    // 2026-10-25: 02:00-03:00 happens twice (CEST, then CET).
    const slots = c.value.between(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T23:00:00Z'), 10);
    expect(iso(slots)).toEqual(['2026-10-25T00:30:00.000Z']);
  });

  it('hourly jobs run on both occurrences of the repeated hour', () => {
    const c = compileCron('30 * * * *', 'Europe/Berlin');
    if (!c.ok) throw new Error(c.problem);
    const slots = c.value.nextN(3, new Date('2026-10-25T00:00:00Z'));
    expect(iso(slots)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:30:00.000Z']);
  });
});

describe('frequency limit', () => {
  const now = new Date('2026-11-26T10:00:00Z');
  it('allows hourly, daily and weekday schedules', () => {
    for (const expr of ['0 * * * *', '@hourly', '0 9 * * 1-5', '0 9,17 * * *', '@daily', '0 8 1 * *']) {
      const r = checkCron(expr, 'Europe/Berlin', now);
      expect(r.ok, expr).toBe(true);
    }
  });

  it('refuses anything more often than hourly, saying why', () => {
    for (const expr of ['* * * * *', '*/30 * * * *', '0,45 9 * * *', '0,59 9 1 * *', '*/5 9 * * 1']) {
      const r = checkCron(expr, 'UTC', now);
      expect(r.ok, expr).toBe(false);
      expect(!r.ok && r.problem, expr).toMatch(/more often than hourly.*minutes? apart/);
    }
  });

  it('frequencyProblem names the two close runs in the schedule timezone', () => {
    const c = compileCron('0,30 9 * * *', 'Europe/Berlin');
    if (!c.ok) throw new Error(c.problem);
    expect(frequencyProblem(c.value, now)).toMatch(/09:00 CET and .*09:30 CET are 30 minutes apart/);
  });

  it('checkCron reports an unknown timezone before looking at the expression', () => {
    const r = checkCron('nonsense', 'Nowhere/Land', now);
    expect(!r.ok && r.problem).toMatch(/Unknown timezone/);
  });
});

describe('formatInZone', () => {
  it('formats in the given zone with its abbreviation', () => {
    const d = new Date('2026-07-01T07:00:00Z');
    expect(formatInZone(d, 'Europe/Berlin')).toBe('Wed 1 Jul 2026, 09:00 CEST');
    expect(formatInZone(d, 'UTC')).toBe('Wed 1 Jul 2026, 07:00 UTC');
    expect(formatInZone(d, 'Europe/London')).toBe('Wed 1 Jul 2026, 08:00 BST');
    expect(formatInZone(d, 'America/New_York')).toBe('Wed 1 Jul 2026, 03:00 EDT');
    expect(formatInZone(d, 'Asia/Kolkata')).toBe('Wed 1 Jul 2026, 12:30 GMT+5:30');
  });
});

describe('cron messages in our own words', () => {
  it('a wrong number of fields says how many are needed and how many were given, with one full stop', () => {
    for (const [expr, n] of [
      ['every morning', 2],
      ['0 9 * *', 4],
      ['0 0 9 * * *', 6],
    ] as const) {
      const r = compileCron(expr, 'UTC');
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problem).toBe(`Invalid cron expression "${expr}": it needs 5 fields (minute hour day-of-month month day-of-week), not ${n}.`);
    }
  });
  it('a library reason ends with exactly one full stop', () => {
    const r = compileCron('0 25 * * *', 'UTC');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/hour.*25\.$/);
    if (!r.ok) expect(r.problem).not.toMatch(/\.\.$/);
  });
});
