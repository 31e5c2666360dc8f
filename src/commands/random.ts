import { paperCard, resultRow } from '../reply/cards.ts';
import { span, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { paperRef } from './ref.ts';
import { quoted } from './results.ts';

/** How many of a query's best matches `random <query>` draws from. */
const RANDOM_POOL = 20;

export const randomCommand: Command = {
  name: 'random',
  aliases: ['surprise'],
  summary: 'A random paper, optionally among those matching a query',
  usage: '[query]',
  examples: ['random', 'random quantization'],
  args: 'optional',
  argName: 'query',
  flags: [],
  run(input, deps): Reply {
    const query = input.rest;
    const pool = query ? deps.engine.search(query, { limit: RANDOM_POOL }).hits.map((h) => h.paper) : [...deps.papers];
    if (pool.length === 0) {
      return {
        tone: 'empty',
        summary: `No papers match ${quoted(query)}.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`No papers match ${quoted(query)}, so there is nothing to pick from.`)] }],
        command: `random ${query}`.trim(),
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
        { kind: 'actions', actions: [{ id: 'another', label: 'Another one', command: `random ${query}`.trim() }] },
      ],
      // Not re-runnable as-is (a re-run picks another paper): share the pick itself.
      command: `show ${paper.id}`,
      data: { type: 'results', query, results: [resultRow(paper, 1)] },
    };
  },
};
