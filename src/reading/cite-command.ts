/** `cite <paper>`: the paper's BibTeX entry, to copy into a bibliography. */
import type { Command } from '../commands/command.ts';
import { paperRef } from '../commands/ref.ts';
import { resolveOrReply } from '../commands/resolve.ts';
import { displayName } from '../reply/cards.ts';
import { span, type Block, type Reply } from '../reply/reply.ts';
import { bibtexEntry, citationKey } from './bibtex.ts';
import { personal } from './replies.ts';

export const citeCommand: Command = {
  name: 'cite',
  aliases: ['bibtex'],
  summary: 'A BibTeX entry for a paper',
  usage: '<paper>',
  description:
    'An @misc entry: title (capitals protected), authors, year, eprint / archivePrefix / primaryClass for arXiv papers, and a url. ' +
    'A paper whose authors are unknown gets a note saying so. The paper is named like in show; a bare number is that result of the last list.',
  examples: ['cite snapkv', 'cite 2', 'cite 2404.14469'],
  args: 'required',
  argName: 'paper',
  takesPaper: true,
  flags: [],
  run(input, deps): Reply {
    const resolved = resolveOrReply(deps.engine, input.args.join(' '), 'cite');
    if ('reply' in resolved) return resolved.reply;
    const paper = resolved.paper;
    const key = citationKey(paper);
    const bibtex = bibtexEntry(paper, key);
    const ref = paperRef(deps.engine, paper);
    const blocks: Block[] = [
      { kind: 'code', text: bibtex, language: 'bibtex' },
      {
        kind: 'note',
        text: [
          span.text('Citation key '),
          span.code(key),
          span.text(paper.authors?.length ? '.' : ". The paper library has no authors for this paper; the entry's note says so."),
        ],
      },
      { kind: 'actions', actions: personal([{ id: `save:${paper.id}`, label: 'Save', command: `save ${ref}` }]) },
    ];
    return {
      tone: 'ok',
      summary: `BibTeX for ${displayName(paper)}`,
      blocks,
      command: `cite ${paper.id}`,
      data: { type: 'other', value: { paperId: paper.id, key, bibtex } },
    };
  },
};
