import type { Paper } from '../papers/paper.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import type { Command } from './command.ts';
import { MAX_PER_PAGE } from './flags.ts';
import { newestFirst, quoted, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';

export const DEFAULT_DIGEST_SIZE = 5;

export interface DigestOptions {
  count: number;
  query?: string;
  /** Papers never to include (already posted to a channel). */
  exclude?: ReadonlySet<string>;
}

/**
 * Choose digest papers: with a query, the best matches by relevance; without, the newest page first
 * in page order. Excluded ids are skipped. Pure.
 */
export function selectDigest(engine: SearchEngine, papers: readonly Paper[], opts: DigestOptions): RankedPaper[] {
  const exclude = opts.exclude ?? new Set<string>();
  if (opts.query) {
    const want = opts.count + exclude.size;
    const r = engine.search(opts.query, { limit: Math.min(want, Math.max(opts.count, papers.length)) });
    return r.hits.filter((h) => !exclude.has(h.paper.id)).slice(0, opts.count);
  }
  return newestFirst(papers)
    .filter((p) => !exclude.has(p.id))
    .slice(0, opts.count)
    .map((paper) => ({ paper, score: 1 }));
}

/** The page dates a digest covers, e.g. `Aug 8`. */
function dates(papers: readonly Paper[]): string {
  const ds = [...new Set(papers.flatMap((p) => p.sources.map((s) => s.date)).filter((d): d is string => !!d))];
  return ds.slice(0, 3).join(', ');
}

export const digestCommand: Command = {
  name: 'digest',
  summary: 'A short digest: the newest N papers, or the N best for a query',
  usage: `[N] [query]`,
  description: `N is 1 to ${MAX_PER_PAGE} (default ${DEFAULT_DIGEST_SIZE}).`,
  examples: ['digest', 'digest 3', 'digest 5 kv cache'],
  args: 'optional',
  argName: 'count and query',
  flags: [],
  run(input, deps): Reply {
    let args = input.args;
    let count = DEFAULT_DIGEST_SIZE;
    if (args[0] !== undefined && /^[+-]?\d+$/.test(args[0])) {
      const n = Number(args[0]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) {
        return {
          tone: 'error',
          summary: `A digest has 1 to ${MAX_PER_PAGE} papers (got ${args[0].slice(0, 12)}).`,
          blocks: [
            { kind: 'paragraph', text: [span.text(`A digest has 1 to ${MAX_PER_PAGE} papers; got ${args[0].slice(0, 12)}.`)] },
            { kind: 'note', text: [span.text('Usage: '), span.code('digest [N] [query]'), span.text(', e.g. '), span.code('digest 5 kv cache')] },
          ],
        };
      }
      count = n;
      args = args.slice(1);
    }
    const query = args.join(' ');
    const picked = selectDigest(deps.engine, deps.papers, { count, ...(query ? { query } : {}) });
    const cmd = `digest ${count}${query ? ` ${query}` : ''}`;
    if (picked.length === 0) {
      return {
        tone: 'empty',
        summary: `No papers match ${quoted(query)}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`No papers match ${quoted(query)}, so there is no digest to make.`)] }],
        command: cmd,
        data: { type: 'results', query, results: [] },
      };
    }
    const on = dates(picked.map((h) => h.paper));
    const reply = resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: query ? `Digest: ${quoted(query)}` : `Digest${on ? ` — ${on}` : ''}`,
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
