import { parseSince } from '../time/dates.ts';
import type { Paper } from '../papers/paper.ts';
import { foldPhrase } from '../search/fold.ts';
import type { CommandInput, FlagSpec } from './command.ts';
import { CODE_FLAG } from './flags.ts';

export const SINCE_FLAG: FlagSpec = { name: 'since', type: 'string', placeholder: '7d|YYYY-MM-DD', help: 'only papers published since then' };
export const AUTHOR_FLAG: FlagSpec = { name: 'author', type: 'string', placeholder: 'NAME', help: 'only papers by this author' };
/**
 * The filters every command that lists papers takes, with the same meaning everywhere: `--code`
 * (only papers with a code link), `--since WHEN` (published since), `--author NAME`.
 */
export const FILTER_FLAGS: readonly FlagSpec[] = [CODE_FLAG, SINCE_FLAG, AUTHOR_FLAG];
/** The usage text of `FILTER_FLAGS`. */
export const FILTER_USAGE = '[--code] [--since WHEN] [--author NAME]';

/**
 * Whether an author list has `name`: every word of the name (accents and case ignored) starts a
 * word of one author's name, so `hinton`, `Geoffrey Hinton` and `G. Hinton` all find Geoffrey Hinton.
 */
export function authorMatcher(name: string): (authors: readonly string[] | undefined) => boolean {
  const want = foldPhrase(name).split(/\s+/).filter(Boolean);
  return (authors) => {
    if (!authors?.length || want.length === 0) return false;
    return authors.some((a) => {
      const words = foldPhrase(a).split(/\s+/).filter(Boolean);
      return want.every((w) => words.some((x) => x.startsWith(w)));
    });
  };
}

export interface PaperFilters {
  /** Undefined when no filter flag was given. */
  filter?: (paper: Paper) => boolean;
  /** `since 2026-11-22`, `by “Hinton”`: for headings. */
  labels: string[];
  /** The flags again, for paging commands: ` --since 7d --author "G Hinton"`. */
  suffix: string;
}

function quoteArg(v: string): string {
  return /\s/.test(v) ? `"${v.replace(/"/g, '')}"` : v;
}

/**
 * `--since` and `--author` as one paper filter, or a problem to reply with; with `opts.code`,
 * `--code` too (commands whose search does not filter on code itself).
 */
export function paperFilters(flags: CommandInput['flags'], now: Date, opts: { code?: boolean } = {}): PaperFilters | { problem: string } {
  const since = typeof flags['since'] === 'string' ? flags['since'] : undefined;
  const author = typeof flags['author'] === 'string' ? flags['author'].trim() : undefined;
  const tests: ((p: Paper) => boolean)[] = [];
  const labels: string[] = [];
  let suffix = '';
  if (opts.code && flags['code'] === true) {
    tests.push((p) => p.links.some((l) => l.kind === 'code'));
    labels.push('with code');
    suffix += ' --code';
  }
  if (since !== undefined) {
    const from = parseSince(since, now);
    if (!from) return { problem: `--since takes a number of days or weeks (7d, 2w) or a day (YYYY-MM-DD); got "${since.slice(0, 20)}".` };
    tests.push((p) => p.published !== undefined && p.published >= from);
    labels.push(`since ${from}`);
    suffix += ` --since ${quoteArg(since)}`;
  }
  if (author !== undefined) {
    if (foldPhrase(author).trim() === '') return { problem: '--author needs a name, e.g. --author "Tri Dao".' };
    const has = authorMatcher(author);
    tests.push((p) => has(p.authors));
    labels.push(`by ${author}`);
    suffix += ` --author ${quoteArg(author)}`;
  }
  if (tests.length === 0) return { labels, suffix };
  return { filter: (p) => tests.every((t) => t(p)), labels, suffix };
}
