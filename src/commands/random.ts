import { paperCard, resultRow } from '../reply/cards.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { paperRef } from './ref.ts';
import { quoted } from './results.ts';
import { FILTER_FLAGS, FILTER_USAGE, paperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';

/** How many of a query's best matches `random <query>` draws from. */
const RANDOM_POOL = 20;

export const randomCommand: Command = {
  name: 'random',
  aliases: ['surprise'],
  summary: 'A random paper, optionally among those matching a query',
  usage: `[query] ${FILTER_USAGE}`,
  examples: ['random', 'random quantization', 'random --code --since 30d'],
  args: 'optional',
  argName: 'query',
  flags: [...FILTER_FLAGS],
  run(input, deps): Reply {
    const filters = paperFilters(input.flags, deps.now(), { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, `random [query] ${FILTER_USAGE}`);
    const { filter } = filters;
    const query = input.rest;
    const again = `random${query ? ` ${query}` : ''}${filters.suffix}`;
    const pool = query
      ? deps.engine.search(query, { limit: RANDOM_POOL, ...(filter ? { filter } : {}) }).hits.map((h) => h.paper)
      : filter
        ? deps.papers.filter(filter)
        : deps.papers;
    if (pool.length === 0) {
      const what = `No papers ${query ? `match ${quoted(query)}` : 'in the set'}${filters.labels.length ? ` (${filters.labels.join(', ')})` : ''}`;
      return {
        tone: 'empty',
        summary: `${what}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`${what}, so there is nothing to pick from.`)] }],
        command: again,
        data: { type: 'results', query, results: [] },
      };
    }
    const paper = pool[Math.min(pool.length - 1, Math.floor(deps.random() * pool.length))]!;
    return {
      tone: 'ok',
      summary: `Random pick: ${paper.name ? `${paper.name} — ` : ''}${paper.title}`,
      blocks: [
        { kind: 'heading', text: query ? `Random pick for ${quoted(query)}` : 'Random pick' },
        { kind: 'paper', paper: paperCard(paper, { ref: paperRef(deps.engine, paper) }) },
        { kind: 'actions', actions: [{ id: 'another', label: 'Another one', command: again }] },
      ],
      // Not re-runnable as-is (a re-run picks another paper): share the pick itself.
      command: `show ${paperRef(deps.engine, paper)}`,
      data: { type: 'results', query, results: [resultRow(paper, 1)] },
    };
  },
};
