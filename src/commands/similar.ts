import { displayName, openingSnippet } from '../reply/cards.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { LIMIT_FLAG, PAGE_FLAG, intFlag } from './flags.ts';
import { FILTER_FLAGS, FILTER_USAGE, paperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';
import { resolveOrReply } from './resolve.ts';
import { pastEndReply, resultsReply } from './results.ts';
import { paperRef } from './ref.ts';

const USAGE = `<paper> [--limit N] [--page N] ${FILTER_USAGE}`;

/** How far `more` goes through a paper's neighbours. */
const MAX_NEIGHBOURS = 50;

export const similarCommand: Command = {
  name: 'similar',
  aliases: ['related', 'like'],
  summary: 'Papers nearest in content to a given paper',
  usage: USAGE,
  description:
    'Compares the words of titles and abstracts (TF-IDF cosine similarity).' +
    ` A bare number is that result of the last list (similar 3); more pages go up to the ${MAX_NEIGHBOURS} nearest papers.`,
  examples: ['similar snapkv', 'similar flashattention-2 --limit 3', 'similar snapkv --code --since 30d'],
  args: 'required',
  argName: 'paper name or id',
  takesPaper: true,
  flags: [LIMIT_FLAG, PAGE_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const filters = paperFilters(input.flags, deps.now(), { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, `similar ${USAGE}`);
    const resolved = resolveOrReply(deps.engine, input.args.join(' '), 'similar');
    if ('reply' in resolved) return resolved.reply;
    const paper = resolved.paper;
    // The paper as commands name it (a result number or a guess arrives here as its id).
    const ref = paperRef(deps.engine, paper);
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    // With filters, look further for neighbours that pass them, and keep as many.
    const { filter } = filters;
    const near = deps.engine.similar(paper.id, filter ? MAX_NEIGHBOURS * 10 : MAX_NEIGHBOURS).filter((h) => h.score > 0);
    const all = (filter ? near.filter((h) => filter(h.paper)) : near).slice(0, MAX_NEIGHBOURS);
    const hits = all.slice((page - 1) * limit, page * limit);
    const commandFor = (p: number) => `similar ${ref}${limit !== 5 ? ` --limit ${limit}` : ''}${filters.suffix}${p > 1 ? ` --page ${p}` : ''}`;
    const narrowed = filters.labels.length ? ` (${filters.labels.join(', ')})` : '';
    if (all.length === 0) {
      return {
        tone: 'empty',
        summary: `No paper${narrowed} is similar to ${displayName(paper)}.`,
        blocks: [
          {
            kind: 'paragraph',
            text: [span.text(`No other paper${narrowed} shares enough words with `), span.strong(displayName(paper)), span.text('.')],
          },
        ],
        command: commandFor(1),
        data: { type: 'results', query: ref, results: [] },
      };
    }
    if (hits.length === 0) return pastEndReply(ref, all.length, page, limit, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `Similar to ${displayName(paper)}${narrowed}`,
      query: ref,
      hits: hits.map((h) => ({ paper: h.paper, score: h.score, snippet: openingSnippet(h.paper.abstract, 200) })),
      total: all.length,
      page,
      perPage: limit,
      commandFor,
    });
  },
};
