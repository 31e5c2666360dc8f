import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { LIMIT_FLAG, PAGE_FLAG, flagSuffix, intFlag } from './flags.ts';
import { newestFirst, pastEndReply, quoted, resultsReply } from './results.ts';
import { paperRef } from './ref.ts';

export const codeCommand: Command = {
  name: 'code',
  aliases: ['repos'],
  summary: 'Papers with a code repository, optionally matching a query',
  usage: '[query] [--limit N] [--page N]',
  examples: ['code', 'code quantization', 'code gaussian splatting --page 2'],
  args: 'optional',
  argName: 'query',
  flags: [LIMIT_FLAG, PAGE_FLAG],
  run(input, deps): Reply {
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    const query = input.rest;
    const commandFor = (p: number) => `code${query ? ` ${query}` : ''}${flagSuffix(limit, false)}${p > 1 ? ` --page ${p}` : ''}`;

    let hits;
    let total;
    if (query) {
      const r = deps.engine.search(query, { limit, offset: (page - 1) * limit, codeOnly: true });
      hits = r.hits;
      total = r.total;
    } else {
      const withCode = newestFirst(deps.papers).filter((p) => p.links.some((l) => l.kind === 'code'));
      total = withCode.length;
      hits = withCode.slice((page - 1) * limit, page * limit).map((paper) => ({ paper, score: 1 }));
    }
    if (total === 0) {
      return {
        tone: 'empty',
        summary: query ? `No paper with code matches ${quoted(query)}.` : 'No paper in the set links to code.',
        blocks: [
          { kind: 'paragraph', text: [span.text(query ? `No paper with a code link matches ${quoted(query)}.` : 'No paper in the set links to code.')] },
          ...(query ? [{ kind: 'actions' as const, actions: [{ id: 'search-all', label: `Search all papers`, command: `search ${query}` }] }] : []),
        ],
        command: commandFor(1),
        data: { type: 'results', query, results: [] },
      };
    }
    if (hits.length === 0) return pastEndReply(query, total, page, limit, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: query ? `Papers with code for ${quoted(query)}` : 'Papers with code',
      query,
      hits,
      total,
      page,
      perPage: limit,
      commandFor,
    });
  },
};
