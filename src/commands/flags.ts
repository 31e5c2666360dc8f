import type { FlagSpec } from './command.ts';

export const MAX_PER_PAGE = 10;
export const DEFAULT_PER_PAGE = 5;

export const LIMIT_FLAG: FlagSpec = { name: 'limit', type: 'int', min: 1, max: MAX_PER_PAGE, default: DEFAULT_PER_PAGE, help: 'results per page' };
/** `--limit` of a command that also takes the count as a leading number (`new 3` = `new --limit 3`). */
export const COUNT_FLAG: FlagSpec = { name: 'limit', type: 'int', min: 1, max: MAX_PER_PAGE, help: 'results per page (the same as N)' };
export const PAGE_FLAG: FlagSpec = { name: 'page', type: 'int', min: 1, max: 1000, default: 1, help: 'page of results' };
export const CODE_FLAG: FlagSpec = { name: 'code', type: 'boolean', help: 'only papers with a code link' };

/** Read a validated int flag (the parser fills in defaults). */
export function intFlag(flags: Record<string, unknown>, name: string, fallback: number): number {
  const v = flags[name];
  return typeof v === 'number' ? v : fallback;
}

/** Rebuild the flag suffix of a command for paging links (`--limit 3 --code`), omitting defaults. */
export function flagSuffix(limit: number, code: boolean): string {
  return `${limit !== DEFAULT_PER_PAGE ? ` --limit ${limit}` : ''}${code ? ' --code' : ''}`;
}

/**
 * `[N] …` with `--limit N` meaning the same: the count (default `fallback`) and the words after
 * it, or a problem (N out of range, or N and --limit that disagree). Pure.
 */
export function leadingCount(
  args: readonly string[],
  flags: Record<string, unknown>,
  fallback: number,
): { count: number; rest: string[]; explicit: boolean } | { problem: string } {
  let rest = [...args];
  let count: number | undefined;
  if (rest[0] !== undefined && /^[+-]?\d+$/.test(rest[0])) {
    const n = Number(rest[0]);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) return { problem: `N is 1 to ${MAX_PER_PAGE} (got ${rest[0].slice(0, 12)}).` };
    count = n;
    rest = rest.slice(1);
  }
  const limit = flags['limit'];
  if (typeof limit === 'number') {
    if (count !== undefined && count !== limit) return { problem: `N and --limit say the same thing; give one (got ${count} and --limit ${limit}).` };
    count = limit;
  }
  return { count: count ?? fallback, rest, explicit: count !== undefined };
}
