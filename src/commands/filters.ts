import { parseSince } from '../time/dates.ts';
import type { Paper } from '../papers/paper.ts';
import { foldPhrase } from '../search/fold.ts';
import { ARXIV_ARCHIVES, checkArxivCategory } from '../sources/arxiv-categories.ts';
import type { CommandInput, FlagSpec } from './command.ts';
import { CODE_FLAG } from './flags.ts';
import { AUTHOR_INDEX_MIN_PAPERS, authorIndex, nameWords } from '../search/author-index.ts';
import { hasLink } from '../search/cached-papers.ts';
import type { SearchEngine } from '../search/types.ts';

export const SINCE_FLAG: FlagSpec = { name: 'since', type: 'string', placeholder: '7d|YYYY-MM-DD', help: 'only papers published since then' };
export const AUTHOR_FLAG: FlagSpec = { name: 'author', type: 'string', placeholder: 'NAME', help: 'only papers by this author' };
export const CATEGORY_FLAG: FlagSpec = { name: 'category', type: 'string', placeholder: 'cs.CL|cs', help: 'only papers in this arXiv category or archive' };
/**
 * The filters every command that lists papers takes, with the same meaning everywhere: `--code`
 * (only papers with a code link), `--since WHEN` (published since), `--author NAME`,
 * `--category cs.CL` (an arXiv category, or a whole archive: `cs`; cross-lists count).
 */
export const FILTER_FLAGS: readonly FlagSpec[] = [CODE_FLAG, SINCE_FLAG, AUTHOR_FLAG, CATEGORY_FLAG];
/** The usage text of `FILTER_FLAGS`. */
export const FILTER_USAGE = '[--code] [--since WHEN] [--author NAME] [--category CAT]';

/**
 * Whether an author list has `name`: every word of the name (accents and case ignored) starts a
 * word of one author's name, so `hinton`, `Geoffrey Hinton` and `G. Hinton` all find Geoffrey Hinton.
 */
export function authorMatcher(name: string): (authors: readonly string[] | undefined) => boolean {
  const want = nameWords(name);
  return (authors) => {
    if (!authors?.length || want.length === 0) return false;
    return authors.some((a) => {
      const words = nameWords(a);
      return want.every((w) => words.some((x) => x.startsWith(w)));
    });
  };
}

/**
 * Whether a paper's arXiv categories include `name`: a category (`cs.CL`, case fixed as arXiv
 * spells it) or an archive (`cs`: any of its categories). Any of the paper's categories counts
 * (cross-lists), so a `cs.LG` paper cross-listed from `stat.ML` is in `cs`. Papers without
 * categories (Daily Papers pages, Hugging Face) are in none.
 */
export function categoryMatcher(name: string): { test: (categories: readonly string[] | undefined) => boolean; label: string } | { problem: string } {
  const typed = name.trim();
  if (typed === '') return { problem: 'name an arXiv category or archive, e.g. --category cs.CL or --category cs.' };
  const archive = typed.toLowerCase();
  if (ARXIV_ARCHIVES.includes(archive)) {
    const prefix = `${archive}.`;
    return { label: archive, test: (cats) => cats?.some((c) => c === archive || c.startsWith(prefix)) ?? false };
  }
  const checked = checkArxivCategory(typed);
  if (!checked.ok) return { problem: checked.problem };
  return { label: checked.category, test: (cats) => cats?.includes(checked.category) ?? false };
}

/** Category lists remembered per query (their test's answer). */
const CATEGORY_MEMO = 4096;

export interface PaperFilters {
  /** Undefined when no filter flag was given. */
  filter?: (paper: Paper) => boolean;
  /** The first day `--since` keeps (the filter requires it already): lists newest first may stop there. */
  since?: string;
  /** `since 2026-11-22`, `by “Hinton”`: for headings. */
  labels: string[];
  /** The flags again, for paging commands: ` --since 7d --author "G Hinton"`. */
  suffix: string;
}

function quoteArg(v: string): string {
  return /\s/.test(v) ? `"${v.replace(/"/g, '')}"` : v;
}

/**
 * `--since`, `--author` and `--category` as one paper filter, or a problem to reply with; with `opts.code`,
 * `--code` too (commands whose search does not filter on code itself). With `opts.parts` (the
 * engine's paper lists: the filter then keeps only their papers), `--author` finds the author's
 * papers once, a large list's from its author index, instead of reading every paper's names.
 */
export function paperFilters(
  flags: CommandInput['flags'],
  now: Date,
  opts: { code?: boolean; parts?: SearchEngine['parts'] } = {},
): PaperFilters | { problem: string } {
  const since = typeof flags['since'] === 'string' ? flags['since'] : undefined;
  const author = typeof flags['author'] === 'string' ? flags['author'].trim() : undefined;
  const category = typeof flags['category'] === 'string' ? flags['category'].trim() : undefined;
  const tests: ((p: Paper) => boolean)[] = [];
  let sinceDay: string | undefined;
  const labels: string[] = [];
  let suffix = '';
  if (opts.code && flags['code'] === true) {
    tests.push((p) => hasLink(p, 'code'));
    labels.push('with code');
    suffix += ' --code';
  }
  if (since !== undefined) {
    const from = parseSince(since, now);
    if (!from) return { problem: `--since takes a number of days or weeks (7d, 2w) or a day (YYYY-MM-DD); got "${since.slice(0, 20)}".` };
    sinceDay = from;
    tests.push((p) => p.published !== undefined && p.published >= from);
    labels.push(`since ${from}`);
    suffix += ` --since ${quoteArg(since)}`;
  }
  if (author !== undefined) {
    if (foldPhrase(author).trim() === '') return { problem: '--author needs a name, e.g. --author "Tri Dao".' };
    const has = authorMatcher(author);
    if (opts.parts) {
      // The author's papers found once (a large list's from its index); then each test is a lookup.
      const by = new Set<Paper>();
      for (const part of opts.parts) {
        if (part.length >= AUTHOR_INDEX_MIN_PAPERS) for (const p of authorIndex(part).papersBy(author, has)) by.add(p);
        else for (const p of part) if (has(p.authors)) by.add(p);
      }
      tests.push((p) => by.has(p));
    } else tests.push((p) => has(p.authors));
    labels.push(`by ${author}`);
    suffix += ` --author ${quoteArg(author)}`;
  }
  if (category !== undefined) {
    const wanted = categoryMatcher(category);
    if ('problem' in wanted) return { problem: `--category: ${wanted.problem}` };
    // Papers share their category lists (a cached library holds one list per combination): each
    // list is tested once per query (a bounded memo, for lists that are not shared).
    const seen = new Map<readonly string[], boolean>();
    tests.push((p) => {
      const cats = p.categories;
      if (cats === undefined) return false;
      let ok = seen.get(cats);
      if (ok === undefined) {
        ok = wanted.test(cats);
        if (seen.size < CATEGORY_MEMO) seen.set(cats, ok);
      }
      return ok;
    });
    labels.push(`in ${wanted.label}`);
    suffix += ` --category ${quoteArg(wanted.label)}`;
  }
  if (tests.length === 0) return { labels, suffix };
  const filter = tests.length === 1 ? tests[0]! : (p: Paper) => tests.every((t) => t(p));
  return { filter, labels, suffix, ...(sinceDay !== undefined ? { since: sinceDay } : {}) };
}
