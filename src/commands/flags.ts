import type { FlagSpec } from './command.ts';

export const MAX_PER_PAGE = 10;
export const DEFAULT_PER_PAGE = 5;

export const LIMIT_FLAG: FlagSpec = { name: 'limit', type: 'int', min: 1, max: MAX_PER_PAGE, default: DEFAULT_PER_PAGE, help: 'results per page' };
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
