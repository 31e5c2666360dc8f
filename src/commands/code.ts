import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { LIMIT_FLAG, PAGE_FLAG, flagSuffix, intFlag } from './flags.ts';
import { FILTER_FLAGS, paperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';

const USAGE = '[query] [--limit N] [--page N] [--since WHEN] [--author NAME] [--category CAT]';
import { keptNewest, newestWithCode } from './newest.ts';
import { pastEndReply, quoted, resultsReply } from './results.ts';
import { paperRef } from './ref.ts';

export const codeCommand: Command = {
  name: 'code',
  aliases: ['repos'],
  summary: 'Papers with a code repository, optionally matching a query',
  usage: USAGE,
  description: '--code is accepted too (it changes nothing here: every paper listed has a code link).',
  examples: ['code', 'code quantization', 'code gaussian splatting --page 2', 'code --since 7d'],
  args: 'optional',
  argName: 'query',
  flags: [LIMIT_FLAG, PAGE_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const filters = paperFilters(input.flags, deps.now(), { parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, `code ${USAGE}`);
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    const query = input.rest;
    const commandFor = (p: number) => `code${query ? ` ${query}` : ''}${flagSuffix(limit, false)}${filters.suffix}${p > 1 ? ` --page ${p}` : ''}`;
    const { filter } = filters;

    let hits;
    let total;
    if (query) {
      const r = deps.engine.search(query, { limit, offset: (page - 1) * limit, codeOnly: true, ...(filter ? { filter } : {}) });
      hits = r.hits;
      total = r.total;
    } else {
      const withCode = keptNewest(newestWithCode(deps.papers), filter, filters.since);
      total = withCode.length;
      hits = withCode.slice((page - 1) * limit, page * limit).map((paper) => ({ paper, score: 1 }));
    }
    const narrowed = filters.labels.length ? ` (${filters.labels.join(', ')})` : '';
    if (total === 0) {
      const what = query ? `No paper with a code link matches ${quoted(query)}${narrowed}.` : `No paper${narrowed} in the set links to code.`;
      return {
        tone: 'empty',
        summary: query ? `No paper with code matches ${quoted(query)}${narrowed}.` : what,
        blocks: [
          { kind: 'paragraph', text: [span.text(what)] },
          ...(query ? [{ kind: 'actions' as const, actions: [{ id: 'search-all', label: `Search all papers`, command: `search ${query}` }] }] : []),
        ],
        command: commandFor(1),
        data: { type: 'results', query, results: [] },
      };
    }
    if (hits.length === 0) return pastEndReply(query, total, page, limit, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `${query ? `Papers with code for ${quoted(query)}` : 'Papers with code'}${narrowed}`,
      query,
      hits,
      total,
      page,
      perPage: limit,
      commandFor,
    });
  },
};
