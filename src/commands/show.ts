import { isPageSource, type PaperSource } from '../papers/paper.ts';
import { displayName, paperCard } from '../reply/cards.ts';
import { span, type Block, type Field, type Reply } from '../reply/reply.ts';
import type { Command } from './command.ts';
import { paperRef } from './ref.ts';
import { resolveOrReply } from './resolve.ts';

/** Where a paper was seen: `Aug 8 · daily-papers.txt:13`, `Hugging Face 2026-11-28`, `arXiv 2026-11-27`. */
export function sourceLabel(s: PaperSource): string {
  if (isPageSource(s)) return `${s.date ? `${s.date} · ` : ''}${s.file.split(/[\\/]/).pop()}:${s.line}`;
  return `${s.feed === 'hf' ? 'Hugging Face' : 'arXiv'} ${s.date}`;
}

export const showCommand: Command = {
  name: 'show',
  aliases: ['paper', 'abstract'],
  summary: 'Show one paper: abstract, highlights, links',
  usage: '<paper>',
  description:
    'A paper can be named by its id, its short name (SnapKV), another name from its abstract, its title, a close spelling, ' +
    'an arXiv id (2411.01234, 2411.01234v2, arXiv:2411.01234) or an arxiv.org / huggingface.co/papers link.' +
    ' A bare number is that result of the last list (show 2).',
  examples: ['show snapkv', 'show "LLM in a flash"', 'show 2411.01234', 'show https://arxiv.org/abs/2411.01234v2'],
  args: 'required',
  argName: 'paper name or id',
  takesPaper: true,
  flags: [],
  run(input, deps): Reply {
    const ref = input.args.join(' ');
    const resolved = resolveOrReply(deps.engine, ref, 'show');
    if ('reply' in resolved) return resolved.reply;
    const paper = resolved.paper;
    const fields: Field[] = [];
    if (paper.aliases.length > 0) fields.push({ label: 'Also called', value: [span.text(paper.aliases.join(', '))] });
    if (paper.githubStars !== undefined) fields.push({ label: 'GitHub stars', value: [span.text(String(paper.githubStars))] });
    if (paper.categories?.length) fields.push({ label: 'Categories', value: [span.text(paper.categories.join(', '))] });
    if (paper.keywords?.length) fields.push({ label: 'Keywords', value: [span.text(paper.keywords.slice(0, 8).join(', '))] });
    fields.push({ label: paper.sources.length > 1 ? 'Sources' : 'Source', value: [span.text(paper.sources.map(sourceLabel).join('; '))] });
    fields.push({ label: 'Id', value: [span.code(paper.id)] });
    // The short name heads the reply; a paper without one is headed by its card's title alone.
    const blocks: Block[] = [
      ...(paper.name && paper.name !== paper.title ? [{ kind: 'heading' as const, text: paper.name }] : []),
      { kind: 'paper', paper: paperCard(paper, { withAbstract: true, ref: paperRef(deps.engine, paper) }) },
      { kind: 'fields', fields },
    ];
    // An exact name answered; its other versions are one click away (FlashAttention -> FlashAttention-2).
    if (resolved.related.length > 0) {
      blocks.push({
        kind: 'note',
        text: [
          span.text('Also named like this: '),
          ...resolved.related
            .slice(0, 3)
            .flatMap((p, i) => [
              ...(i > 0 ? [span.text(', ')] : []),
              span.strong(displayName(p)),
              span.text(' '),
              span.code(`show ${paperRef(deps.engine, p)}`),
            ]),
        ],
      });
      blocks.push({
        kind: 'actions',
        actions: resolved.related
          .slice(0, 3)
          .map((p) => ({ id: `show:${p.id}`, label: displayName(p).slice(0, 60), command: `show ${paperRef(deps.engine, p)}` })),
      });
    }
    return {
      tone: 'ok',
      summary: `${displayName(paper)}${paper.name ? ` — ${paper.title}` : ''}`,
      blocks,
      command: `show ${paperRef(deps.engine, paper)}`,
      data: { type: 'paper', paper },
    };
  },
};
