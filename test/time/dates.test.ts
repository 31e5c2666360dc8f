import { describe, expect, it } from 'vitest';
import { ingestDays, MAX_INGEST_DAYS } from '../../src/ingest/ingest-command.ts';
import { daysAgo, daysBetween, isoDay, parseDay, parseSince } from '../../src/time/dates.ts';

const NOW = new Date('2026-11-28T23:30:00Z');
const day = (s: string): Date => {
  const d = parseDay(s);
  if (!d) throw new Error(`not a day: ${s}`);
  return d;
};

describe('parseDay', () => {
  it('parses real calendar days to UTC midnight', () => {
    expect(parseDay('2026-11-28')?.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(parseDay(' 2024-02-29 ')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDay('2026-12-31')?.toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  it('refuses days that do not exist and other formats', () => {
    for (const bad of [
      '2026-02-30',
      '2026-02-29',
      '2025-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-5',
      '26-01-05',
      '2026/01/05',
      '2026-01-05T00:00:00Z',
      'yesterday',
      '',
      '0099-01-01',
    ]) {
      expect(parseDay(bad), bad).toBeUndefined();
    }
  });
});

describe('daysBetween / daysAgo / isoDay', () => {
  it('is inclusive at both ends, oldest first, across month and year ends', () => {
    expect(daysBetween(day('2026-12-30'), day('2027-01-02'))).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(daysBetween(day('2024-02-28'), day('2024-03-01'))).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysBetween(day('2026-11-28'), day('2026-11-28'))).toEqual(['2026-11-28']);
    expect(daysBetween(day('2026-11-28'), day('2026-11-27'))).toEqual([]);
  });

  it('counts a full year', () => {
    const year = daysBetween(day('2024-01-01'), day('2024-12-31'));
    expect(year).toHaveLength(366);
    expect(new Set(year).size).toBe(366);
  });

  it('isoDay is the UTC day; daysAgo counts back in UTC days', () => {
    expect(isoDay(new Date('2026-11-28T23:59:59.999Z'))).toBe('2026-11-28');
    expect(isoDay(new Date('2026-11-29T00:30:00+02:00'))).toBe('2026-11-28');
    expect(daysAgo(NOW, 0)).toBe('2026-11-28');
    expect(daysAgo(NOW, 28)).toBe('2026-10-31');
  });
});

describe('parseSince', () => {
  it('7d is the last seven days, today included', () => {
    expect(parseSince('7d', NOW)).toBe('2026-11-22');
    expect(parseSince('1d', NOW)).toBe('2026-11-28');
    expect(parseSince(' 30D ', NOW)).toBe('2026-10-30');
  });

  it('2w is fourteen days', () => {
    expect(parseSince('2w', NOW)).toBe('2026-11-15');
    expect(parseSince('1 w', NOW)).toBe('2026-11-22');
  });

  it('an ISO day is taken as is', () => {
    expect(parseSince('2026-01-15', NOW)).toBe('2026-01-15');
  });

  it('junk, zero and impossible days are refused', () => {
    for (const bad of ['', 'week', '7', 'd7', '7x', '0d', '0w', '-3d', '7 days', '12345d', '2026-02-30', 'last monday']) {
      expect(parseSince(bad, NOW), bad).toBeUndefined();
    }
  });
});

describe('ingestDays', () => {
  const days = (flags: Record<string, string | number | boolean>, now = NOW) => ingestDays(flags, now);

  it('defaults to yesterday and today (UTC)', () => {
    expect(days({})).toEqual({ days: ['2026-11-27', '2026-11-28'] });
    // Just after midnight UTC, "today" is the new UTC day whatever the local zone says.
    expect(days({}, new Date('2026-12-01T00:05:00Z'))).toEqual({ days: ['2026-11-30', '2026-12-01'] });
  });

  it('--date gives one day', () => {
    expect(days({ date: '2026-11-20' })).toEqual({ days: ['2026-11-20'] });
    expect(days({ date: '2026-11-28' })).toEqual({ days: ['2026-11-28'] });
  });

  it('--from/--to gives the inclusive range; --from alone runs to today; --to past today stops at today', () => {
    expect(days({ from: '2026-11-25', to: '2026-11-27' })).toEqual({ days: ['2026-11-25', '2026-11-26', '2026-11-27'] });
    expect(days({ from: '2026-11-26' })).toEqual({ days: ['2026-11-26', '2026-11-27', '2026-11-28'] });
    expect(days({ from: '2026-11-27', to: '2026-12-05' })).toEqual({ days: ['2026-11-27', '2026-11-28'] });
    expect(days({ from: '2026-11-28', to: '2026-11-28' })).toEqual({ days: ['2026-11-28'] });
  });

  it('--date together with --from or --to is refused', () => {
    expect(days({ date: '2026-11-20', from: '2026-11-19' })).toEqual({ problem: 'Give either --date or --from/--to, not both.' });
    expect(days({ date: '2026-11-20', to: '2026-11-21' })).toEqual({ problem: 'Give either --date or --from/--to, not both.' });
  });

  it('--from after --to is refused', () => {
    expect(days({ from: '2026-11-27', to: '2026-11-25' })).toEqual({ problem: '--from 2026-11-27 is after --to 2026-11-25.' });
  });

  it('future days are refused', () => {
    expect(days({ date: '2026-11-29' })).toEqual({ problem: '2026-11-29 is in the future (today is 2026-11-28 UTC).' });
    expect(days({ from: '2026-12-01', to: '2026-12-03' })).toEqual({ problem: '2026-12-01 is in the future (today is 2026-11-28 UTC).' });
  });

  // SRC BUG (src/ingest/ingest-command.ts, ingestDays): a future --from given alone is reported as
  // "--from 2026-12-01 is after --to 2026-11-28." although no --to was given (its default, today,
  // is compared first). Expected: the same "is in the future" message as --from/--to in the future.
  it('a future --from given alone is reported as in the future, not as after a --to nobody gave', () => {
    expect(days({ from: '2026-12-01' })).toEqual({ problem: '2026-12-01 is in the future (today is 2026-11-28 UTC).' });
  });

  it(`more than ${MAX_INGEST_DAYS} days is refused; exactly ${MAX_INGEST_DAYS} is fine`, () => {
    expect(MAX_INGEST_DAYS).toBe(366);
    const ok = days({ from: '2025-11-28', to: '2026-11-28' });
    expect('days' in ok && ok.days.length).toBe(366);
    expect('days' in ok && ok.days[0]).toBe('2025-11-28');
    expect(days({ from: '2025-11-27', to: '2026-11-28' })).toEqual({ problem: 'That is 367 days; ingest at most 366 at a time.' });
    expect(days({ from: '2000-01-01' })).toEqual({ problem: expect.stringMatching(/^That is \d+ days; ingest at most 366 at a time\.$/) });
  });

  it('bad formats give a message naming the flag and the value', () => {
    expect(days({ date: '2026-02-30' })).toEqual({ problem: '--date must be a day as YYYY-MM-DD (got "2026-02-30")' });
    expect(days({ date: 'yesterday' })).toEqual({ problem: '--date must be a day as YYYY-MM-DD (got "yesterday")' });
    expect(days({ from: '28/11/2026' })).toEqual({ problem: '--from must be a day as YYYY-MM-DD (got "28/11/2026")' });
    expect(days({ from: '2026-11-01', to: 'now' })).toEqual({ problem: '--to must be a day as YYYY-MM-DD (got "now")' });
    // A long value is cut in the message.
    const long = days({ date: 'x'.repeat(200) });
    expect(long).toEqual({ problem: `--date must be a day as YYYY-MM-DD (got "${'x'.repeat(20)}")` });
  });

  it('non-string flag values are ignored (treated as absent)', () => {
    expect(days({ date: 5 })).toEqual({ days: ['2026-11-27', '2026-11-28'] });
  });
});
