import { daysAgo, parseDay, isoDay } from '../time/dates.ts';
import type { Paper } from '../papers/paper.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command, FlagSpec } from './command.ts';
import { MAX_PER_PAGE, PAGE_FLAG, intFlag } from './flags.ts';
import { pastEndReply, quoted, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';
import { usageProblem } from './usage.ts';
import { TOPIC_RELATIVE_CUTOFF } from './topics.ts';

const DEFAULT_COUNT = 5;
const NEW_USAGE = '[N] [query] [--days N] [--page N]';
const TRENDING_USAGE = '[N] [--days D] [--page N]';
const DAYS_FLAG = (def: number, help: string): FlagSpec => ({ name: 'days', type: 'int', min: 1, max: 365, default: def, help });

/** Most upvoted first, then the newer, then the more relevant; stable. */
function byUpvotes(a: RankedPaper, b: RankedPaper): number {
  return (b.paper.upvotes ?? -1) - (a.paper.upvotes ?? -1) || (b.paper.published ?? '').localeCompare(a.paper.published ?? '') || b.score - a.score;
}

/** `[N] [query]`: a leading whole number is the count. */
function countAndQuery(args: readonly string[]): { count: number; query: string } | { problem: string } {
  let rest = [...args];
  let count = DEFAULT_COUNT;
  if (rest[0] !== undefined && /^[+-]?\d+$/.test(rest[0])) {
    const n = Number(rest[0]);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) return { problem: `N is 1 to ${MAX_PER_PAGE} (got ${rest[0].slice(0, 12)}).` };
    count = n;
    rest = rest.slice(1);
  }
  return { count, query: rest.join(' ') };
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
  examples: ['new', 'new 10', 'new kv cache', 'new --days 3'],
  args: 'optional',
  argName: 'count and query',
  flags: [DAYS_FLAG(1, 'publication days to cover, ending with the newest'), PAGE_FLAG],
  run(input, deps): Reply {
    const usage = `new ${NEW_USAGE}`;
    const parsed = countAndQuery(input.args);
    if ('problem' in parsed) return usageProblem(parsed.problem, usage);
    const { count, query } = parsed;
    const days = intFlag(input.flags, 'days', 1);
    const page = intFlag(input.flags, 'page', 1);
    const base = `new ${count}${query ? ` ${query}` : ''}${days !== 1 ? ` --days ${days}` : ''}`;
    const commandFor = (p: number) => `${base}${p > 1 ? ` --page ${p}` : ''}`;

    let pool: RankedPaper[];
    if (query) {
      const r = deps.engine.search(query, { limit: deps.papers.length, filter: (p) => p.published !== undefined });
      const best = r.hits[0]?.score ?? 0;
      pool = r.hits.filter((h) => h.score >= best * TOPIC_RELATIVE_CUTOFF);
    } else {
      pool = deps.papers.filter((p) => p.published !== undefined).map((paper) => ({ paper, score: 0 }));
    }
    if (pool.length === 0) {
      if (!query || !deps.papers.some((p) => p.published)) return noDatedPapers(commandFor(1));
      return {
        tone: 'empty',
        summary: `No dated papers match ${quoted(query)}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`No dated papers match ${quoted(query)}. Try `), span.code(`search ${query}`), span.text('.')] }],
        command: commandFor(1),
        data: { type: 'results', query, results: [] },
      };
    }
    let latest = '';
    for (const h of pool) if (h.paper.published! > latest) latest = h.paper.published!;
    const from = daysAgo(parseDay(latest)!, days - 1);
    const picked = pool.filter((h) => h.paper.published! >= from).sort(byUpvotes);
    const start = (page - 1) * count;
    if (start >= picked.length) return pastEndReply(query, picked.length, page, count, commandFor);
    const span_ = days === 1 ? latest : `${from} to ${latest}`;
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `New${query ? ` on ${quoted(query)}` : ''} — ${span_}`,
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
  description: `N papers per page (1 to ${MAX_PER_PAGE}, default ${DEFAULT_COUNT}) published in the last D days (default 7, today included), by Hugging Face upvotes.`,
  examples: ['trending', 'trending 10', 'trending --days 30'],
  args: 'optional',
  argName: 'count',
  flags: [DAYS_FLAG(7, 'how many days back, today included'), PAGE_FLAG],
  run(input, deps): Reply {
    const usage = `trending ${TRENDING_USAGE}`;
    const parsed = countAndQuery(input.args);
    if ('problem' in parsed) return usageProblem(parsed.problem, usage);
    if (parsed.query) return usageProblem(`trending takes a count, not a query (got ${quoted(parsed.query)}); try new ${parsed.query}.`, usage);
    const { count } = parsed;
    const days = intFlag(input.flags, 'days', 7);
    const page = intFlag(input.flags, 'page', 1);
    const now = deps.now();
    const from = daysAgo(now, days - 1);
    const base = `trending ${count}${days !== 7 ? ` --days ${days}` : ''}`;
    const commandFor = (p: number) => `${base}${p > 1 ? ` --page ${p}` : ''}`;
    const picked = deps.papers
      .filter((p: Paper) => p.upvotes !== undefined && p.published !== undefined && p.published >= from)
      .map((paper) => ({ paper, score: paper.upvotes ?? 0 }))
      .sort(byUpvotes);
    if (picked.length === 0) {
      if (!deps.papers.some((p) => p.published)) return noDatedPapers(commandFor(1));
      return {
        tone: 'empty',
        summary: `No upvoted papers were published in the last ${days} day${days === 1 ? '' : 's'}.`,
        blocks: [
          { kind: 'paragraph', text: [span.text(`No upvoted papers were published since ${from}.`)] },
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
      heading: `Trending — ${days === 1 ? isoDay(now) : `last ${days} days`}`,
      query: '',
      hits: picked.slice(start, start + count),
      total: picked.length,
      page,
      perPage: count,
      commandFor,
    });
  },
};
