import { displayName, openingSnippet } from '../reply/cards.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { LIMIT_FLAG, PAGE_FLAG, intFlag } from './flags.ts';
import { resolveOrReply } from './resolve.ts';
import { pastEndReply, resultsReply } from './results.ts';
import { paperRef } from './ref.ts';

/** How far `more` goes through a paper's neighbours. */
const MAX_NEIGHBOURS = 50;

export const similarCommand: Command = {
  name: 'similar',
  aliases: ['related', 'like'],
  summary: 'Papers nearest in content to a given paper',
  usage: '<paper> [--limit N] [--page N]',
  description:
    'Compares the words of titles and abstracts (TF-IDF cosine similarity).' +
    ` A bare number is that result of the last list (similar 3); more pages go up to the ${MAX_NEIGHBOURS} nearest papers.`,
  examples: ['similar snapkv', 'similar flashattention-2 --limit 3'],
  args: 'required',
  argName: 'paper name or id',
  takesPaper: true,
  flags: [LIMIT_FLAG, PAGE_FLAG],
  run(input, deps): Reply {
    const ref = input.args.join(' ');
    const resolved = resolveOrReply(deps.engine, ref, 'similar');
    if ('reply' in resolved) return resolved.reply;
    const paper = resolved.paper;
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    const all = deps.engine.similar(paper.id, MAX_NEIGHBOURS).filter((h) => h.score > 0);
    const hits = all.slice((page - 1) * limit, page * limit);
    const commandFor = (p: number) => `similar ${paperRef(deps.engine, paper)}${limit !== 5 ? ` --limit ${limit}` : ''}${p > 1 ? ` --page ${p}` : ''}`;
    if (all.length === 0) {
      return {
        tone: 'empty',
        summary: `No paper is similar to ${displayName(paper)}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`No other paper shares enough words with `), span.strong(displayName(paper)), span.text('.')] }],
        command: commandFor(1),
        data: { type: 'results', query: ref, results: [] },
      };
    }
    if (hits.length === 0) return pastEndReply(ref, all.length, page, limit, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `Similar to ${displayName(paper)}`,
      query: ref,
      hits: hits.map((h) => ({ paper: h.paper, score: h.score, snippet: openingSnippet(h.paper.abstract, 200) })),
      total: all.length,
      page,
      perPage: limit,
      commandFor,
    });
  },
};
