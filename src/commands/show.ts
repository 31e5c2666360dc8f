import { displayName, paperCard } from '../cards.ts';
import { span, type Block, type Field, type Reply } from '../reply.ts';
import type { Command } from './command.ts';
import { paperRef } from './ref.ts';
import { resolveOrReply } from './resolve.ts';

export const showCommand: Command = {
  name: 'show',
  aliases: ['paper', 'abstract'],
  summary: 'Show one paper: abstract, highlights, links',
  usage: '<paper>',
  description: 'A paper can be named by its id, its short name (SnapKV), another name from its abstract, its title, or a close spelling.',
  examples: ['show snapkv', 'show "LLM in a flash"', 'show flashattention-2'],
  args: 'required',
  argName: 'paper name or id',
  flags: [],
  run(input, deps): Reply {
    const ref = input.args.join(' ');
    const resolved = resolveOrReply(deps.engine, ref, 'show');
    if ('reply' in resolved) return resolved.reply;
    const paper = resolved.paper;
    const fields: Field[] = [];
    if (paper.aliases.length > 0) fields.push({ label: 'Also called', value: [span.text(paper.aliases.join(', '))] });
    const sources = paper.sources.map((s) => `${s.date ? `${s.date} · ` : ''}${s.file.split(/[\\/]/).pop()}:${s.line}`);
    fields.push({ label: paper.sources.length > 1 ? 'Pages' : 'Page', value: [span.text(sources.join('; '))] });
    fields.push({ label: 'Id', value: [span.code(paper.id)] });
    const blocks: Block[] = [
      { kind: 'heading', text: displayName(paper) },
      { kind: 'paper', paper: paperCard(paper, { withAbstract: true, ref: paperRef(deps.engine, paper) }) },
      { kind: 'fields', fields },
    ];
    return {
      tone: 'ok',
      summary: `${displayName(paper)}${paper.name ? ` — ${paper.title}` : ''}`,
      blocks,
      command: `show ${paper.id}`,
      data: { type: 'paper', paper },
    };
  },
};
