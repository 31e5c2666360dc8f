import { daysAgo, parseDay, isoDay } from '../time/dates.ts';
import type { Paper } from '../papers/paper.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command, FlagSpec } from './command.ts';
import { COUNT_FLAG, MAX_PER_PAGE, PAGE_FLAG, intFlag, leadingCount } from './flags.ts';
import { FILTER_FLAGS, FILTER_USAGE, paperFilters } from './filters.ts';
import { newestOrder } from './newest.ts';
import { pastEndReply, quoted, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';
import { usageProblem } from './usage.ts';
import { TOPIC_RELATIVE_CUTOFF } from './topics.ts';

const DEFAULT_COUNT = 5;
const NEW_USAGE = `[N] [query] [--days N] [--page N] ${FILTER_USAGE}`;
const TRENDING_USAGE = `[N] [--days D] [--page N] ${FILTER_USAGE}`;
/** No default filled in: `trending` must tell `--days` given from not given (`--since` replaces it). */
const DAYS_FLAG = (help: string): FlagSpec => ({ name: 'days', type: 'int', min: 1, max: 365, help });

/** Most upvoted first, then the newer, then the more relevant; stable. */
function byUpvotes(a: RankedPaper, b: RankedPaper): number {
  return (b.paper.upvotes ?? -1) - (a.paper.upvotes ?? -1) || (b.paper.published ?? '').localeCompare(a.paper.published ?? '') || b.score - a.score;
}

/**
 * Papers read in newest-first order (`at`: each one's place in the library), most upvoted first;
 * as the library lists them when votes and days are equal.
 */
function mostUpvoted(within: { paper: Paper; score: number; at: number }[]): RankedPaper[] {
  return within.sort((a, b) => byUpvotes(a, b) || a.at - b.at).map(({ paper, score }) => ({ paper, score }));
}

function noDatedPapers(command: string): Reply {
  return {
    tone: 'empty',
    summary: 'No dated papers yet: papers get a date when they come from Hugging Face or arXiv.',
    blocks: [
      { kind: 'paragraph', text: [span.text('No dated papers yet: papers get their date when they come from Hugging Face Daily Papers or arXiv.')] },
      {
        kind: 'note',
        text: [
          span.code('ingest hf'),
          span.text(' fetches today’s and yesterday’s Daily Papers; '),
          span.code('digest'),
          span.text(' shows the newest page papers.'),
        ],
      },
    ],
    command,
    data: { type: 'results', query: '', results: [] },
  };
}

export const newCommand: Command = {
  name: 'new',
  aliases: ['latest'],
  summary: 'The newest papers: the latest publication day, most upvoted first',
  usage: NEW_USAGE,
  description:
    `N papers per page (1 to ${MAX_PER_PAGE}, default ${DEFAULT_COUNT}) from the most recent publication day in the set, ` +
    'or with a query from the most recent day with good matches. --days widens the window to that many days.',
  examples: ['new', 'new 10', 'new kv cache', 'new --days 3', 'new --code --limit 3'],
  args: 'optional',
  argName: 'count and query',
  flags: [DAYS_FLAG('publication days to cover, ending with the newest (default 1)'), PAGE_FLAG, COUNT_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const usage = `new ${NEW_USAGE}`;
    const parsed = leadingCount(input.args, input.flags, DEFAULT_COUNT);
    if ('problem' in parsed) return usageProblem(parsed.problem, usage);
    const filters = paperFilters(input.flags, deps.now(), { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, usage);
    const { count } = parsed;
    const query = parsed.rest.join(' ');
    const days = intFlag(input.flags, 'days', 1);
    const page = intFlag(input.flags, 'page', 1);
    const base = `new ${count}${query ? ` ${query}` : ''}${days !== 1 ? ` --days ${days}` : ''}${filters.suffix}`;
    const commandFor = (p: number) => `${base}${p > 1 ? ` --page ${p}` : ''}`;
    const keep = (p: Paper) => p.published !== undefined && (!filters.filter || filters.filter(p));

    let picked: RankedPaper[];
    let latest = '';
    let from = '';
    if (query) {
      const r = deps.engine.search(query, { limit: deps.papers.length, filter: keep });
      const best = r.hits[0]?.score ?? 0;
      const pool = r.hits.filter((h) => h.score >= best * TOPIC_RELATIVE_CUTOFF);
      for (const h of pool) if (h.paper.published! > latest) latest = h.paper.published!;
      if (latest) from = daysAgo(parseDay(latest)!, days - 1);
      picked = pool.filter((h) => h.paper.published! >= from).sort(byUpvotes);
    } else {
      // Dated papers come first in the newest-first order, latest day first: read only the days shown.
      const newest = newestOrder(deps.papers);
      const within: { paper: Paper; score: number; at: number }[] = [];
      for (let j = 0; j < newest.papers.length; j++) {
        const paper = newest.papers[j]!;
        if (paper.published === undefined) break;
        if (from && paper.published < from) break;
        if (!keep(paper)) continue;
        if (!latest) from = daysAgo(parseDay((latest = paper.published))!, days - 1);
        within.push({ paper, score: 0, at: newest.index[j]! });
      }
      picked = mostUpvoted(within);
    }
    const narrowed = filters.labels.length ? ` (${filters.labels.join(', ')})` : '';
    if (latest === '') {
      if (!deps.papers.some((p) => p.published)) return noDatedPapers(commandFor(1));
      const what = `No dated papers${query ? ` match ${quoted(query)}` : ''}${narrowed}.`;
      return {
        tone: 'empty',
        summary: what,
        blocks: [
          {
            kind: 'paragraph',
            text: [span.text(`${what} Try `), span.code(query ? `search ${query}${filters.suffix}` : 'new'), span.text('.')],
          },
        ],
        command: commandFor(1),
        data: { type: 'results', query, results: [] },
      };
    }
    const start = (page - 1) * count;
    if (start >= picked.length) return pastEndReply(query, picked.length, page, count, commandFor);
    const span_ = days === 1 ? latest : `${from} to ${latest}`;
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `New${query ? ` on ${quoted(query)}` : ''}${narrowed} — ${span_}`,
      query,
      hits: picked.slice(start, start + count),
      total: picked.length,
      page,
      perPage: count,
      commandFor,
    });
  },
};

export const trendingCommand: Command = {
  name: 'trending',
  aliases: ['hot'],
  summary: 'The most upvoted papers published in the last days',
  usage: TRENDING_USAGE,
  description:
    `N papers per page (1 to ${MAX_PER_PAGE}, default ${DEFAULT_COUNT}) published in the last D days (default 7, today included), ` +
    'by Hugging Face upvotes. --since WHEN (7d, 2w, YYYY-MM-DD) may stand for --days.',
  examples: ['trending', 'trending 10', 'trending --days 30', 'trending --since 2w --code'],
  args: 'optional',
  argName: 'count',
  flags: [DAYS_FLAG('how many days back, today included (default 7)'), PAGE_FLAG, COUNT_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const usage = `trending ${TRENDING_USAGE}`;
    const parsed = leadingCount(input.args, input.flags, DEFAULT_COUNT);
    if ('problem' in parsed) return usageProblem(parsed.problem, usage);
    const query = parsed.rest.join(' ');
    if (query) return usageProblem(`trending takes a count, not a query (got ${quoted(query)}); try new ${query}.`, usage);
    const given = typeof input.flags['days'] === 'number' ? input.flags['days'] : undefined;
    if (given !== undefined && input.flags['since'] !== undefined)
      return usageProblem('Give --days or --since, not both: they both say how far back to look.', usage);
    const now = deps.now();
    const filters = paperFilters(input.flags, now, { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, usage);
    const { count } = parsed;
    const days = given ?? 7;
    const page = intFlag(input.flags, 'page', 1);
    // `--since` sets the window itself (its filter); else the last `days` days.
    const from = input.flags['since'] === undefined ? daysAgo(now, days - 1) : '';
    const base = `trending ${count}${days !== 7 ? ` --days ${days}` : ''}${filters.suffix}`;
    const commandFor = (p: number) => `${base}${p > 1 ? ` --page ${p}` : ''}`;
    // Dated papers come first in the newest-first order, latest day first: read only the window.
    const newest = newestOrder(deps.papers);
    const within: { paper: Paper; score: number; at: number }[] = [];
    for (let j = 0; j < newest.papers.length; j++) {
      const p = newest.papers[j]!;
      if (p.published === undefined || p.published < from) break;
      if (p.upvotes !== undefined && (!filters.filter || filters.filter(p))) within.push({ paper: p, score: p.upvotes, at: newest.index[j]! });
    }
    const picked = mostUpvoted(within);
    const window = from ? `in the last ${days} day${days === 1 ? '' : 's'}` : (filters.labels.find((l) => l.startsWith('since ')) ?? '');
    const others = filters.labels.filter((l) => !l.startsWith('since '));
    const narrowed = others.length ? ` (${others.join(', ')})` : '';
    if (picked.length === 0) {
      if (!deps.papers.some((p) => p.published)) return noDatedPapers(commandFor(1));
      return {
        tone: 'empty',
        summary: `No upvoted papers${narrowed} were published ${window}.`,
        blocks: [
          { kind: 'paragraph', text: [span.text(`No upvoted papers${narrowed} were published ${from ? `since ${from}` : window}.`)] },
          {
            kind: 'actions',
            actions: [
              { id: 'wider', label: 'Last 30 days', command: `trending ${count} --days 30` },
              { id: 'new', label: 'Newest papers', command: 'new' },
            ],
          },
        ],
        command: commandFor(1),
        data: { type: 'results', query: '', results: [] },
      };
    }
    const start = (page - 1) * count;
    if (start >= picked.length) return pastEndReply('', picked.length, page, count, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `Trending${narrowed} — ${!from ? window : days === 1 ? isoDay(now) : `last ${days} days`}`,
      query: '',
      hits: picked.slice(start, start + count),
      total: picked.length,
      page,
      perPage: count,
      commandFor,
    });
  },
};
