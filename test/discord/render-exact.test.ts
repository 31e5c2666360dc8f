/**
 * The Discord renderer, block by block, with the exact message it produces: embeds (title,
 * author, description lines, fields, footer, colour), buttons and their rows, the plain-content
 * fallback, and how the 6,000-character embed budget and the 10-embed cap are shared out.
 */
import { describe, expect, it } from 'vitest';
import { renderDiscord, type CustomIdFor } from '../../adapters/discord/render.ts';
import type { Action, Block, Reply } from '../../src/reply/reply.ts';
import { span } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { limitViolations } from './check-limits.ts';

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, ...extra });
const byCommand: CustomIdFor = (a, mode) => `${mode}:${a.command}`;
const embedsOf = (blocks: Block[], extra: Partial<Reply> = {}) => renderDiscord(reply(blocks, extra), { customId: byCommand }).embeds;
const words = (n: number) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27) + 1).slice(0, n);
const BLURPLE = 0x5865f2;
const actions = (n: number): Action[] => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, label: `B${i}`, command: `help ${i}` }));

describe('text blocks in one embed', () => {
  it('the first heading is the title; later ones bold lines; notes small; lists bulleted; a divider an invisible line', () => {
    const embeds = embedsOf(
      [
        { kind: 'heading', text: 'Top  papers\n today' },
        { kind: 'heading', text: 'Second' },
        { kind: 'paragraph', text: [span.text('# not a heading')] },
        { kind: 'note', text: [span.text('small')] },
        { kind: 'list', items: [[span.text('a')], [span.text('- b')]] },
        { kind: 'divider' },
        { kind: 'list', items: [[span.text('one')], [span.text('two')]], ordered: true },
      ],
      { tone: 'info' },
    );
    expect(embeds).toEqual([
      {
        color: 0x4f545c,
        title: 'Top papers today',
        description: '**Second**\n\\# not a heading\n-# small\n• a\n• - b\n\u200b\n1\\. one\n2\\. two',
      },
    ]);
  });

  it('a note or list item with no text adds no line (not even its prefix); a heading alone is a title-only embed', () => {
    expect(
      embedsOf([
        { kind: 'paragraph', text: [span.text('x')] },
        { kind: 'note', text: [] },
        { kind: 'list', items: [[]] },
      ]),
    ).toEqual([{ color: BLURPLE, description: 'x' }]);
    expect(embedsOf([{ kind: 'heading', text: 'Alone' }])).toEqual([{ color: BLURPLE, title: 'Alone' }]);
  });

  it('a divider before any line adds nothing; a heading after text is a bold line, not the title', () => {
    expect(embedsOf([{ kind: 'divider' }, { kind: 'paragraph', text: [span.text('x')] }, { kind: 'heading', text: 'Later' }])).toEqual([
      { color: BLURPLE, description: 'x\n**Later**' },
    ]);
  });

  it('fields are inline; an empty name or value is one invisible character', () => {
    expect(
      embedsOf([
        {
          kind: 'fields',
          fields: [
            { label: '', value: [] },
            { label: 'N *1*', value: [span.text('1'), span.code('a`b')] },
          ],
        },
      ]),
    ).toEqual([
      {
        color: BLURPLE,
        fields: [
          { name: '\u200b', value: '\u200b', inline: true },
          { name: 'N \\*1\\*', value: '1`aˋb`', inline: true },
        ],
      },
    ]);
  });

  it('a heading after fields is a bold line', () => {
    expect(
      embedsOf([
        { kind: 'fields', fields: [{ label: 'A', value: [span.text('1')] }] },
        { kind: 'heading', text: 'H' },
      ]),
    ).toEqual([{ color: BLURPLE, description: '**H**', fields: [{ name: 'A', value: '1', inline: true }] }]);
  });

  it('fields beyond 25 move into the description as bold-labelled lines', () => {
    const fields = Array.from({ length: 27 }, (_, i) => ({ label: `L${i}`, value: [span.text(`v${i}`)] }));
    const [e] = embedsOf([{ kind: 'fields', fields }]);
    expect(e!.fields).toHaveLength(25);
    expect(e!.fields![24]).toEqual({ name: 'L24', value: 'v24', inline: true });
    expect(e!.description).toBe('**L25: **v25\n**L26: **v26');
  });

  it('tone colours: empty is amber, error red', () => {
    expect(embedsOf([{ kind: 'paragraph', text: [span.text('x')] }], { tone: 'empty' })[0]!.color).toBe(0xfaa61a);
    expect(embedsOf([{ kind: 'paragraph', text: [span.text('x')] }], { tone: 'error' })[0]!.color).toBe(0xed4245);
  });
});

describe('a paper', () => {
  it('its own embed: a lone heading before it becomes the author line; byline, TL;DR, abstract, highlights, links; footer', () => {
    const paper = testCard(1, {
      rank: undefined,
      name: 'KV',
      byline: 'A · 2024',
      tldr: 'fast',
      abstract: 'Abs *text*.',
      links: [
        { url: 'https://arxiv.org/abs/1', kind: 'arxiv' },
        { url: 'https://x.org/p.pdf', kind: 'pdf' },
        { url: 'https://hf.co/p', kind: 'hf' },
        { url: 'https://x.org/', kind: 'project' },
        { url: 'https://x.org/o', kind: 'other' },
      ],
    });
    const msg = renderDiscord(
      reply([
        { kind: 'heading', text: 'Paper of the day' },
        { kind: 'paper', paper },
      ]),
      { customId: byCommand },
    );
    expect(msg.embeds).toEqual([
      {
        color: BLURPLE,
        author: { name: 'Paper of the day' },
        title: 'Paper number 1: a study',
        description:
          '-# A · 2024\n**TL;DR** fast\nAbs \\*text\\*.\n-# 3x faster\n[arXiv](https://arxiv.org/abs/1) · [PDF](https://x.org/p.pdf) · [Hugging Face](https://hf.co/p) · [Project page](https://x.org/) · [Link](https://x.org/o)',
        footer: { text: 'KV · id: paper-1' },
      },
    ]);
    expect(msg.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: 'Abstract', custom_id: 'ephemeral:show paper-1' },
          { type: 2, style: 2, label: 'Similar', custom_id: 'ephemeral:similar paper-1' },
          { type: 2, style: 5, label: 'arXiv', url: 'https://arxiv.org/abs/1' },
          { type: 2, style: 5, label: 'PDF', url: 'https://x.org/p.pdf' },
          { type: 2, style: 5, label: 'Hugging Face', url: 'https://hf.co/p' },
        ],
      },
      {
        type: 1,
        components: [
          { type: 2, style: 5, label: 'Project page', url: 'https://x.org/' },
          { type: 2, style: 5, label: 'Link', url: 'https://x.org/o' },
        ],
      },
    ]);
  });

  it('a paper after a paragraph gets no author line', () => {
    expect(
      embedsOf([
        { kind: 'paragraph', text: [span.text('x')] },
        { kind: 'paper', paper: { id: 'p', title: 'T', links: [], highlights: [], actions: [] } },
      ]),
    ).toEqual([
      { color: BLURPLE, description: 'x' },
      { color: BLURPLE, title: 'T', footer: { text: 'id: p' } },
    ]);
  });

  it('without an abstract the snippet is shown; a heading with text under it stays its own embed', () => {
    const embeds = embedsOf([
      { kind: 'heading', text: 'Results' },
      { kind: 'note', text: [span.text('1 paper')] },
      { kind: 'paper', paper: testCard(3, { links: [], highlights: [] }) },
    ]);
    expect(embeds).toEqual([
      { color: BLURPLE, title: 'Results', description: '-# 1 paper' },
      { color: BLURPLE, title: '3. Paper number 3: a study', description: 'We study **kv cache** compression.', footer: { text: 'id: paper-3' } },
    ]);
  });

  it('a paper with nothing but a title and id still has its title and footer', () => {
    const paper = { id: 'p', title: 'T', links: [], highlights: [], actions: [] };
    expect(embedsOf([{ kind: 'paper', paper }])).toEqual([{ color: BLURPLE, title: 'T', footer: { text: 'id: p' } }]);
  });

  it('a paper whose title cleans to nothing still shows its footer (and author line)', () => {
    const paper = { id: 'p', title: ' \u202e ', links: [], highlights: [], actions: [] };
    expect(embedsOf([{ kind: 'paper', paper }])).toEqual([{ color: BLURPLE, footer: { text: 'id: p' } }]);
    expect(
      embedsOf([
        { kind: 'heading', text: 'Lead' },
        { kind: 'paper', paper },
      ]),
    ).toEqual([{ color: BLURPLE, author: { name: 'Lead' }, footer: { text: 'id: p' } }]);
  });

  it('when the abstract is cut, the byline, TL;DR, highlights and links are kept whole', () => {
    const paper = testCard(1, { byline: 'By A', tldr: 'Short.', abstract: words(5000), snippet: undefined });
    const d = embedsOf([{ kind: 'paper', paper }])[0]!.description!;
    expect(d.length).toBeLessThanOrEqual(4096);
    expect(d.length).toBeGreaterThan(4000);
    expect(d.startsWith('-# By A\n**TL;DR** Short.\nlorem ipsum')).toBe(true);
    expect(d.endsWith('…\n-# 3x faster\n[Code](https://github.com/x/p1)')).toBe(true);
  });
});

describe('where markdown starts a line', () => {
  it('a note after its "-# " prefix and a list item after its bullet are not line starts; an abstract is', () => {
    expect(
      embedsOf([
        { kind: 'note', text: [span.text('- a')] },
        { kind: 'list', items: [[span.text('# b')]], ordered: true },
        { kind: 'paper', paper: testCard(1, { abstract: '# Abs', snippet: undefined, links: [], highlights: [], actions: [] }) },
      ]),
    ).toEqual([
      { color: BLURPLE, description: '-# - a\n1\\. # b' },
      { color: BLURPLE, title: '1. Paper number 1: a study', description: '\\# Abs', footer: { text: 'id: paper-1' } },
    ]);
  });

  it('a title is one line with inline markdown escaped, never a heading', () => {
    expect(embedsOf([{ kind: 'paper', paper: { id: 'p', title: '# T  *b*\nc', links: [], highlights: [], actions: [] } }])).toEqual([
      { color: BLURPLE, title: '# T \\*b\\* c', footer: { text: 'id: p' } },
    ]);
  });
});

describe('long names', () => {
  const long = 'word '.repeat(60).trim();

  it('an author line and a title are cut to 256 characters on a word boundary', () => {
    const [e] = embedsOf([
      { kind: 'heading', text: long },
      { kind: 'paper', paper: { id: 'p', title: long, links: [], highlights: [], actions: [] } },
    ]);
    expect(e!.author!.name).toBe(`${'word '.repeat(51).trim()}…`);
    expect(e!.title).toBe(e!.author!.name);
  });

  it('a field name is cut to 256 characters, a field value to 1,024', () => {
    const [e] = embedsOf([{ kind: 'fields', fields: [{ label: long, value: [span.text('v '.repeat(600))] }] }]);
    expect(e!.fields![0]!.name).toBe(`${'word '.repeat(51).trim()}…`);
    expect(e!.fields![0]!.value).toBe(`${'v '.repeat(512).trim()}…`);
  });
});

describe('embed structure', () => {
  it('a divider right after a title adds nothing; a heading before fields or a code block stays its own embed before a paper', () => {
    expect(embedsOf([{ kind: 'heading', text: ' H ' }, { kind: 'divider' }, { kind: 'paragraph', text: [span.text('x')] }])).toEqual([
      { color: BLURPLE, title: 'H', description: 'x' },
    ]);
    const paper = { id: 'p', title: 'T', links: [], highlights: [], actions: [] };
    expect(
      embedsOf([
        { kind: 'heading', text: 'H' },
        { kind: 'fields', fields: [{ label: 'A', value: [span.text('1')] }] },
        { kind: 'paper', paper },
      ]),
    ).toEqual([
      { color: BLURPLE, title: 'H', fields: [{ name: 'A', value: '1', inline: true }] },
      { color: BLURPLE, title: 'T', footer: { text: 'id: p' } },
    ]);
  });

  it('exactly 10 papers keep one embed each', () => {
    const blocks: Block[] = Array.from({ length: 10 }, (_, i) => ({
      kind: 'paper',
      paper: { id: `p${i}`, title: `T${i}`, links: [], highlights: [], actions: [] },
    }));
    expect(embedsOf(blocks).map((e) => e.title)).toEqual(Array.from({ length: 10 }, (_, i) => `T${i}`));
  });

  it('a byline too long for the description is left out rather than crowding out the abstract', () => {
    const paper = { id: 'p', title: 'T', byline: 'b '.repeat(2100), abstract: 'Abstract here.', links: [], highlights: [], actions: [] };
    expect(embedsOf([{ kind: 'paper', paper }])).toEqual([{ color: BLURPLE, title: 'T', description: 'Abstract here.', footer: { text: 'id: p' } }]);
  });

  it('an http link gets a link button too', () => {
    const msg = renderDiscord(
      reply([{ kind: 'paper', paper: { id: 'p', title: 'T', links: [{ url: 'http://x.org/a', kind: 'project' }], highlights: [], actions: [] } }]),
    );
    expect(msg.components).toEqual([{ type: 1, components: [{ type: 2, style: 5, label: 'Project page', url: 'http://x.org/a' }] }]);
  });
});

describe('code blocks', () => {
  it('join the embed before them when both fit; after a paper they get their own embed', () => {
    const embeds = embedsOf([
      { kind: 'paragraph', text: [span.text('BibTeX:')] },
      { kind: 'code', text: '@a{k}', language: 'bibtex' },
      { kind: 'paper', paper: { id: 'p', title: 'T', links: [], highlights: [], actions: [] } },
      { kind: 'code', text: '@b{k}' },
    ]);
    expect(embeds.map((e) => e.description)).toEqual(['BibTeX:\n```bibtex\n@a{k}\n```', undefined, '```\n@b{k}\n```']);
  });

  it('the first code block joins the embed before it only when together they stay 100 characters below the description limit', () => {
    const before: Block = { kind: 'paragraph', text: [span.text('p'.repeat(1000))] };
    // 1,000 + newline + fenced 2,987 (2,995) = 3,996 = 4,096 - 100.
    expect(embedsOf([before, { kind: 'code', text: 'c'.repeat(2987) }])).toHaveLength(1);
    expect(embedsOf([before, { kind: 'code', text: 'c'.repeat(2988) }])).toHaveLength(2);
  });

  it('a code block after fields gets its own embed', () => {
    expect(
      embedsOf([
        { kind: 'fields', fields: [{ label: 'A', value: [span.text('1')] }] },
        { kind: 'code', text: 'c' },
      ]),
    ).toEqual([
      { color: BLURPLE, fields: [{ name: 'A', value: '1', inline: true }] },
      { color: BLURPLE, description: '```\nc\n```' },
    ]);
  });

  it('a code block too long for one description is split between lines over several embeds', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const embeds = embedsOf([{ kind: 'code', text: lines.join('\n') }]);
    expect(embeds.length).toBe(2);
    const inner = embeds.map((e) => e.description!.replace(/^```\n|\n```$/g, ''));
    expect(inner.join('\n')).toBe(lines.join('\n'));
    expect(limitViolations(renderDiscord(reply([{ kind: 'code', text: lines.join('\n') }])))).toEqual([]);
  });
});

describe('more parts than embeds', () => {
  it('more than 10 embeds (long code blocks): the tail is merged into the tenth, in order, within every limit', () => {
    const code = (n: number) => Array.from({ length: 30 }, (_, i) => `c${n} line ${i} ${'x'.repeat(60)}`).join('\n');
    const blocks: Block[] = [];
    for (let i = 1; i <= 12; i++) blocks.push({ kind: 'code', text: code(i) }, { kind: 'heading', text: `H${i}` });
    const msg = renderDiscord(reply(blocks));
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.embeds).toHaveLength(10);
    msg.embeds.forEach((e, i) => expect(e.description!.startsWith(`\`\`\`\nc${i + 1} line 0 `)).toBe(true));
    // Each embed's part of the budget is the same: the tenth holds as much as the others, not three times more.
    const lengths = msg.embeds.map((e) => e.description!.length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(100);
  });

  it('11 papers are listed compactly in one embed, none dropped', () => {
    const blocks: Block[] = [];
    for (let i = 1; i <= 11; i++) blocks.push({ kind: 'paper', paper: { id: `p${i}`, title: `T${i}`, links: [], highlights: [], actions: [] } });
    blocks.push({ kind: 'divider' });
    expect(embedsOf(blocks)).toEqual([
      { color: BLURPLE, description: Array.from({ length: 11 }, (_, i) => `**T${i + 1}** \`p${i + 1}\``).join('\n') + '\n\u200b' },
    ]);
  });
});

describe('the 6,000-character budget', () => {
  it('is shared evenly: two long descriptions are cut to the same length, together within the total', () => {
    const embeds = embedsOf([
      { kind: 'paragraph', text: [span.text(words(5000))] },
      { kind: 'paper', paper: { id: 'p', title: 'T', links: [], highlights: [], actions: [] } },
      { kind: 'paragraph', text: [span.text(words(5000))] },
    ]);
    expect(embeds).toHaveLength(3);
    expect(embeds[1]).toEqual({ color: BLURPLE, title: 'T', footer: { text: 'id: p' } });
    const [a, b] = [embeds[0]!.description!, embeds[2]!.description!];
    const total = a.length + 'T'.length + 'id: p'.length + b.length;
    expect(total).toBeLessThanOrEqual(6000);
    expect(total).toBeGreaterThan(5990);
    expect(Math.abs(a.length - b.length)).toBeLessThanOrEqual(2);
    expect(a.endsWith('…')).toBe(true);
  });

  it('with many long parts, each (author, title, footer, description, field names and values) gets the same share', () => {
    const msg = renderDiscord(
      reply([
        { kind: 'heading', text: 'a'.repeat(300) },
        { kind: 'paper', paper: { id: 'p', title: 't'.repeat(300), name: 'n'.repeat(300), links: [], highlights: [], actions: [], abstract: words(3000) } },
        { kind: 'fields', fields: Array.from({ length: 25 }, () => ({ label: 'l'.repeat(300), value: [span.text(words(1000))] })) },
      ]),
    );
    expect(limitViolations(msg)).toEqual([]);
    const [paper, fields] = msg.embeds;
    // 54 parts; 6,000 less 2 kept for each field (an empty one is one invisible character): 5,950 / 54 = 110.
    const share = 110;
    expect(paper!.author!.name).toBe(`${'a'.repeat(share - 1)}…`);
    expect(paper!.title).toBe(`${'t'.repeat(share - 1)}…`);
    expect(paper!.footer!.text).toBe(`${'n'.repeat(share - 1)}…`);
    expect(paper!.description!.length).toBeLessThanOrEqual(share);
    expect(paper!.description!.length).toBeGreaterThan(share - 10);
    expect(fields!.fields).toHaveLength(25);
    for (const f of fields!.fields!) {
      expect(f.name).toBe(`${'l'.repeat(share - 1)}…`);
      expect(f.value.length).toBeLessThanOrEqual(share);
      expect(f.value.length).toBeGreaterThan(share - 10);
    }
  });

  it('short parts are kept whole while the long one takes the rest', () => {
    const embeds = embedsOf([
      { kind: 'heading', text: 'Title' },
      { kind: 'paragraph', text: [span.text(words(4000))] },
      { kind: 'fields', fields: Array.from({ length: 4 }, (_, i) => ({ label: `F${i}`, value: [span.text(words(1000))] })) },
    ]);
    const e = embeds[0]!;
    expect(e.title).toBe('Title');
    const fieldChars = e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    const total = e.title!.length + e.description!.length + fieldChars;
    expect(total).toBeLessThanOrEqual(6000);
    expect(total).toBeGreaterThan(5980);
    expect(e.fields!.map((f) => f.name)).toEqual(['F0', 'F1', 'F2', 'F3']);
    for (const f of e.fields!) expect(f.value).toBe(words(1000));
    expect(e.description!.endsWith('…')).toBe(true);
  });
});

describe('buttons', () => {
  const labels = (r: Reply) => renderDiscord(r, { customId: byCommand }).components.map((row) => row.components.map((b) => ('label' in b ? b.label : '')));

  it('five to a row, at most five rows', () => {
    expect(labels(reply([{ kind: 'actions', actions: actions(7) }]))).toEqual([
      ['B0', 'B1', 'B2', 'B3', 'B4'],
      ['B5', 'B6'],
    ]);
    const many = labels(reply([{ kind: 'actions', actions: actions(30) }]));
    expect(many.map((r) => r.length)).toEqual([5, 5, 5, 5, 5]);
    expect(many[4]![4]).toBe('B24');
  });

  it('primary style, a label cut to 80 characters, "Open" for a blank label, custom_id at most 100 characters', () => {
    const msg = renderDiscord(
      reply([
        {
          kind: 'actions',
          actions: [
            { id: 'p', label: 'Go', command: 'stats', style: 'primary' },
            { id: 'l', label: 'word '.repeat(30), command: 'x'.repeat(150) },
            { id: 'e', label: ' \n ', command: 'help' },
          ],
        },
      ]),
      { customId: byCommand },
    );
    const [go, long, empty] = msg.components[0]!.components as { style: number; label: string; custom_id: string }[];
    expect(go).toEqual({ type: 2, style: 1, label: 'Go', custom_id: 'ephemeral:stats' });
    expect(long!.label.length).toBeLessThanOrEqual(80);
    expect(long!.label).toMatch(/^word( word)+…$/);
    expect(long!.label.length).toBeGreaterThan(70);
    expect(long!.custom_id).toBe(`ephemeral:${'x'.repeat(90)}`);
    expect(empty!.label).toBe('Open');
  });

  it('without a custom id mapper, each button gets a distinct id naming its delivery', () => {
    const msg = renderDiscord(
      reply([{ kind: 'actions', actions: actions(2) }], {
        paging: { page: 1, pages: 2, total: 9, perPage: 5, next: { id: 'next', label: 'Next ▶', command: 'x --page 2' } },
      }),
    );
    const ids = msg.components.flatMap((r) => r.components.map((b) => ('custom_id' in b ? b.custom_id : '')));
    expect(ids).toEqual(['noop:prev', 'noop:page', 'update:0', 'ephemeral:1', 'ephemeral:2']);
  });

  it('paging row: disabled placeholders for a missing direction and the page counter', () => {
    const msg = renderDiscord(
      reply([], { paging: { page: 2, pages: 2, total: 9, perPage: 5, prev: { id: 'prev', label: '◀ Previous', command: 'x --page 1' } } }),
      { customId: byCommand },
    );
    expect(msg.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: '◀ Previous', custom_id: 'update:x --page 1' },
          { type: 2, style: 2, label: 'Page 2 of 2', custom_id: 'noop:page', disabled: true },
          { type: 2, style: 2, label: 'Next ▶', custom_id: 'noop:next', disabled: true },
        ],
      },
    ]);
  });

  it('one page: no paging row', () => {
    expect(renderDiscord(reply([], { paging: { page: 1, pages: 1, total: 3, perPage: 5 } })).components).toEqual([]);
  });

  it('several papers: each paper button names its paper (short name, else the title cut to 28), no link buttons', () => {
    const msg = renderDiscord(
      reply([
        { kind: 'paper', paper: testCard(1, { name: 'SnapKV', actions: [{ id: 'a', label: 'Abstract', command: 'show snapkv' }] }) },
        {
          kind: 'paper',
          paper: testCard(2, { title: 'A very long paper title about caches', actions: [{ id: 'a', label: 'Abstract', command: 'show paper-2' }] }),
        },
      ]),
      { customId: byCommand },
    );
    expect(msg.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: 'Abstract: SnapKV', custom_id: 'ephemeral:show snapkv' },
          { type: 2, style: 2, label: 'Abstract: A very long paper title…', custom_id: 'ephemeral:show paper-2' },
        ],
      },
    ]);
  });
});

describe('plain content', () => {
  it('a reply without blocks shows its summary, escaped, cut to 2,000 characters', () => {
    expect(renderDiscord(reply([], { summary: '# Done <@123>' })).content).toBe('\\# Done \\<@\u200b123>');
    const long = renderDiscord(reply([], { summary: words(3000) })).content;
    expect(long.length).toBeLessThanOrEqual(2000);
    expect(long.length).toBeGreaterThan(1900);
    expect(long.endsWith('…')).toBe(true);
  });

  it('an empty summary reads "Done."', () => {
    expect(renderDiscord(reply([], { summary: '' }))).toEqual({ content: 'Done.', embeds: [], components: [], allowedMentions: { parse: [] } });
  });

  it('blocks that render nothing (a lone divider, only actions) fall back to the summary', () => {
    const msg = renderDiscord(reply([{ kind: 'divider' }, { kind: 'actions', actions: actions(1) }], { summary: 'Pick one' }), { customId: byCommand });
    expect(msg.embeds).toEqual([]);
    expect(msg.content).toBe('Pick one');
  });
});
