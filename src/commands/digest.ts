import type { Paper } from '../papers/paper.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import type { Command } from './command.ts';
import { COUNT_FLAG, MAX_PER_PAGE, leadingCount } from './flags.ts';
import { FILTER_FLAGS, FILTER_USAGE, paperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';
import { newestFirst } from './newest.ts';
import { quoted, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';

export const DEFAULT_DIGEST_SIZE = 5;

export interface DigestOptions {
  count: number;
  query?: string;
  /** Papers never to include (already posted to a channel). */
  exclude?: ReadonlySet<string>;
  /** Only papers this accepts (`--code`, `--since`, `--author`). */
  filter?: (paper: Paper) => boolean;
}

/**
 * Choose digest papers: with a query, the best matches by relevance; without, the newest page first
 * in page order. Excluded ids are skipped. Pure.
 */
export function selectDigest(engine: SearchEngine, papers: readonly Paper[], opts: DigestOptions): RankedPaper[] {
  const exclude = opts.exclude ?? new Set<string>();
  const { filter } = opts;
  if (opts.query) {
    const want = opts.count + exclude.size;
    const r = engine.search(opts.query, { limit: Math.min(want, Math.max(opts.count, papers.length)), ...(filter ? { filter } : {}) });
    return r.hits.filter((h) => !exclude.has(h.paper.id)).slice(0, opts.count);
  }
  const out: RankedPaper[] = [];
  for (const paper of newestFirst(papers)) {
    if (out.length >= opts.count) break;
    if (!exclude.has(paper.id) && (!filter || filter(paper))) out.push({ paper, score: 1 });
  }
  return out;
}

/** The page dates a digest covers, e.g. `Aug 8`. */
function dates(papers: readonly Paper[]): string {
  const ds = [...new Set(papers.flatMap((p) => p.sources.map((s) => s.date)).filter((d): d is string => !!d))];
  return ds.slice(0, 3).join(', ');
}

const DIGEST_USAGE = `[N] [query] ${FILTER_USAGE}`;

export const digestCommand: Command = {
  name: 'digest',
  summary: 'A short digest: the newest N papers, or the N best for a query',
  usage: DIGEST_USAGE,
  description: `N is 1 to ${MAX_PER_PAGE} (default ${DEFAULT_DIGEST_SIZE}); --limit N says the same.`,
  examples: ['digest', 'digest 3', 'digest 5 kv cache', 'digest --code'],
  args: 'optional',
  argName: 'count and query',
  flags: [COUNT_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const first = input.args[0];
    if (first !== undefined && /^[+-]?\d+$/.test(first) && !(Number(first) >= 1 && Number(first) <= MAX_PER_PAGE)) {
      return {
        tone: 'error',
        summary: `A digest has 1 to ${MAX_PER_PAGE} papers (got ${first.slice(0, 12)}).`,
        blocks: [
          { kind: 'paragraph', text: [span.text(`A digest has 1 to ${MAX_PER_PAGE} papers; got ${first.slice(0, 12)}.`)] },
          { kind: 'note', text: [span.text('Usage: '), span.code('digest [N] [query]'), span.text(', e.g. '), span.code('digest 5 kv cache')] },
        ],
      };
    }
    const parsed = leadingCount(input.args, input.flags, DEFAULT_DIGEST_SIZE);
    if ('problem' in parsed) return usageProblem(parsed.problem, `digest ${DIGEST_USAGE}`);
    const filters = paperFilters(input.flags, deps.now(), { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, `digest ${DIGEST_USAGE}`);
    const { count } = parsed;
    const query = parsed.rest.join(' ');
    const picked = selectDigest(deps.engine, deps.papers, { count, ...(query ? { query } : {}), ...(filters.filter ? { filter: filters.filter } : {}) });
    const cmd = `digest ${count}${query ? ` ${query}` : ''}${filters.suffix}`;
    const narrowed = filters.labels.length ? ` (${filters.labels.join(', ')})` : '';
    if (picked.length === 0) {
      const what = `No papers ${query ? `match ${quoted(query)}` : 'in the set'}${narrowed}`;
      return {
        tone: 'empty',
        summary: `${what}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`${what}, so there is no digest to make.`)] }],
        command: cmd,
        data: { type: 'results', query, results: [] },
      };
    }
    const on = dates(picked.map((h) => h.paper));
    const reply = resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: query ? `Digest: ${quoted(query)}${narrowed}` : `Digest${narrowed}${on ? ` — ${on}` : ''}`,
      query,
      hits: picked,
      total: picked.length,
      page: 1,
      perPage: count,
      commandFor: () => cmd,
    });
    return reply;
  },
};
