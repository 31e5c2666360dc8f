/**
 * The Slack renderer, block by block, with the exact Block Kit it produces: what a user sees for
 * each kind of reply block, the footer (paging, sharing, "Shared by"), button ids and deliveries,
 * and the notices when something is left out.
 */
import { describe, expect, it } from 'vitest';
import type { types } from '@slack/bolt';
import { blockTextSize, renderSlack } from '../../adapters/slack/render.ts';
import type { Action, Block, Reply } from '../../src/reply/reply.ts';
import { span } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { limitViolations } from './check-limits.ts';

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, command: 'search x', ...extra });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (...texts: string[]) => ({ type: 'context', elements: texts.map((text) => ({ type: 'mrkdwn', text })) });
const button = (action_id: string, text: string, value: string, primary = false) => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text, emoji: true },
  value,
  ...(primary ? { style: 'primary' } : {}),
});
const blocksOf = (blocks: Block[], extra: Partial<Reply> = {}) => renderSlack(reply(blocks, extra)).blocks;

describe('each reply block as Block Kit', () => {
  it('a heading is a plain-text header, escaped', () => {
    expect(blocksOf([{ kind: 'heading', text: 'Results & <more>' }])).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Results &amp; &lt;more&gt;', emoji: true } },
    ]);
  });

  it('a heading of exactly 150 characters stays a header; 151 becomes a bold section', () => {
    const at = 'h'.repeat(150);
    expect(blocksOf([{ kind: 'heading', text: at }])).toEqual([{ type: 'header', text: { type: 'plain_text', text: at, emoji: true } }]);
    expect(blocksOf([{ kind: 'heading', text: `${at}h` }])).toEqual([section(`*${at}h*`)]);
  });

  it('a heading of invisible characters or spaces renders nothing (Slack refuses an empty header)', () => {
    expect(blocksOf([{ kind: 'heading', text: '   ' }])).toEqual([]);
    expect(blocksOf([{ kind: 'heading', text: '\u202E' }])).toEqual([]);
  });

  it('a paragraph is one mrkdwn section; an empty one renders nothing', () => {
    expect(blocksOf([{ kind: 'paragraph', text: [span.text('Use '), span.code('show <id>'), span.text(' & more')] }])).toEqual([
      section('Use `show &lt;id&gt;` &amp; more'),
    ]);
    expect(blocksOf([{ kind: 'paragraph', text: [span.text('  \n ')] }])).toEqual([]);
  });

  it('a note is a context line', () => {
    expect(blocksOf([{ kind: 'note', text: [span.text('Sources: '), span.link('arXiv', 'https://arxiv.org')] }])).toEqual([
      context('Sources: <https://arxiv.org|arXiv>'),
    ]);
  });

  it('a note longer than a text object is cut to 3,000 characters with an ellipsis', () => {
    const blocks = blocksOf([{ kind: 'note', text: [span.text('word '.repeat(700))] }]);
    expect(blocks).toHaveLength(1);
    const text = (blocks[0] as types.ContextBlock).elements[0] as { text: string };
    expect(text.text.length).toBeLessThanOrEqual(3000);
    expect(text.text.length).toBeGreaterThan(2900);
    expect(text.text).toMatch(/^word word .*word…$/);
  });

  it('lists are numbered or bulleted, one line per item', () => {
    expect(blocksOf([{ kind: 'list', items: [[span.text('one')], [span.mark('two')]], ordered: true }])).toEqual([section('1. one\n2. *two*')]);
    expect(blocksOf([{ kind: 'list', items: [[span.text('one')], [span.text('two')]] }])).toEqual([section('• one\n• two')]);
  });

  it('a list longer than a section is split between items, each section as full as it can be', () => {
    // Each line is "• " + 998 characters = 1,000: three with their two newlines would be 3,002.
    const item = 'x'.repeat(998);
    const blocks = blocksOf([{ kind: 'list', items: [[span.text(item)], [span.text(item)], [span.text(item)], [span.text(item)]] }]);
    const line = `• ${item}`;
    expect(blocks).toEqual([section(`${line}\n${line}`), section(`${line}\n${line}`)]);
    // Two lines of 1,499 with their newline are exactly 2,999: kept in one section; a third starts the next.
    const item2 = 'y'.repeat(1497);
    const line2 = `• ${item2}`;
    const two = blocksOf([{ kind: 'list', items: [[span.text(item2)], [span.text(item2)], [span.text('z')]] }]);
    expect(two).toEqual([section(`${line2}\n${line2}`), section('• z')]);
  });

  it('fields: bold label (its stars made look-alikes) over the value, ten to a section', () => {
    expect(blocksOf([{ kind: 'fields', fields: [{ label: ' Papers *all* ', value: [span.text('116 & counting')] }] }])).toEqual([
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Papers ∗all∗*\n116 &amp; counting' }] },
    ]);
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: [span.text(`v${i}`)] }));
    const blocks = blocksOf([{ kind: 'fields', fields }]) as types.SectionBlock[];
    expect(blocks.map((b) => b.fields?.length)).toEqual([10, 2]);
    expect(blocks[1]!.fields![1]).toEqual({ type: 'mrkdwn', text: '*L11*\nv11' });
  });

  it('a field value is cut so that label and value stay within 2,000 characters', () => {
    const blocks = blocksOf([{ kind: 'fields', fields: [{ label: 'Abstract', value: [span.text('word '.repeat(600))] }] }]) as types.SectionBlock[];
    const text = (blocks[0]!.fields![0] as { text: string }).text;
    expect(text.startsWith('*Abstract*\nword word')).toBe(true);
    expect(text.endsWith('word…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.length).toBeGreaterThan(1990);
  });

  it('a divider is a divider; code is a fenced section', () => {
    expect(blocksOf([{ kind: 'divider' }, { kind: 'code', text: '@a{k,\n  t = {x & y}}', language: 'bibtex' }])).toEqual([
      { type: 'divider' },
      section('```\n@a{k,\n  t = {x &amp; y}}\n```'),
    ]);
  });

  it('actions: one button each, primary style kept, a personal one answers the clicker alone', () => {
    const actions: Action[] = [
      { id: 'go', label: 'Go', command: ' stats ', style: 'primary' },
      { id: 'save', label: 'Save', command: 'save x', personal: true },
      { id: 'empty', label: '', command: 'help' },
    ];
    expect(blocksOf([{ kind: 'actions', actions }])).toEqual([
      {
        type: 'actions',
        elements: [button('pb:run:1.go', 'Go', 'stats', true), button('pb:me:2.save', 'Save', 'save x'), button('pb:run:3.empty', 'Open', 'help')],
      },
    ]);
  });

  it('actions: more than 25 buttons go into several actions blocks of at most 25', () => {
    const actions = Array.from({ length: 26 }, (_, i) => ({ id: `a${i}`, label: `B${i}`, command: `show p${i}` }));
    const blocks = blocksOf([{ kind: 'actions', actions }]) as types.ActionsBlock[];
    expect(blocks.map((b) => b.elements.length)).toEqual([25, 1]);
    expect(blocks[1]!.elements[0]).toEqual(button('pb:run:26.a25', 'B25', 'show p25'));
  });

  it('a button whose command is blank is left out, with a note', () => {
    const blocks = blocksOf([{ kind: 'actions', actions: [{ id: 'a', label: 'A', command: '  ' }] }]);
    expect(blocks).toEqual([context('Some buttons are not shown because their command is too long for Slack.')]);
  });

  it('a button whose command is exactly 2,000 characters is kept, 2,001 is left out', () => {
    const at = `search ${'x'.repeat(1993)}`;
    const msg = renderSlack(reply([{ kind: 'actions', actions: [{ id: 'a', label: 'A', command: at }] }]));
    expect(msg.blocks).toEqual([{ type: 'actions', elements: [button('pb:run:1.a', 'A', at)] }]);
    expect(blocksOf([{ kind: 'actions', actions: [{ id: 'a', label: 'A', command: `${at}x` }] }])).toEqual([
      context('Some buttons are not shown because their command is too long for Slack.'),
    ]);
  });
});

describe('a paper card', () => {
  const paper = (over: Parameters<typeof testCard>[1], extra: Partial<Reply> = {}) => blocksOf([{ kind: 'paper', paper: testCard(2, over) }], extra);

  it('shows rank, bold title, name, TL;DR and snippet, then byline, links and highlights, then its buttons', () => {
    expect(paper({ name: 'KV', tldr: 'It is <fast>.', byline: 'A. B & C · 2024', abstract: 'The abstract.' })).toEqual([
      section('2. *Paper number 2: a study* (KV)\n*TL;DR* It is &lt;fast&gt;.\nWe study *kv cache* compression.'),
      section('The abstract.'),
      context('A. B &amp; C · 2024', ':computer: <https://github.com/x/p2|github.com/x/p2>', ':chart_with_upwards_trend: 3x faster'),
      {
        type: 'actions',
        elements: [button('pb:run:1.abstract-paper-2', 'Abstract', 'show paper-2'), button('pb:run:2.similar-paper-2', 'Similar', 'similar paper-2')],
      },
    ]);
  });

  it('leaves out the name when the title already says it, and a blank byline', () => {
    expect(paper({ rank: undefined, name: 'number 2', byline: '  ', snippet: [], links: [], highlights: [], actions: [] })).toEqual([
      section('*Paper number 2: a study*'),
    ]);
  });

  it('a name of invisible characters is not shown', () => {
    expect(paper({ rank: undefined, name: '\u202E', snippet: undefined, links: [], highlights: [], actions: [] })).toEqual([
      section('*Paper number 2: a study*'),
    ]);
  });

  it('a title and id of invisible characters: "Untitled paper"', () => {
    expect(paper({ title: '\u2066', id: '\uFEFF', snippet: undefined, links: [], highlights: [], actions: [] })).toEqual([section('2. *Untitled paper*')]);
  });

  it('links: each with its icon, labelled by the URL without scheme, www. or trailing slash; unusable ones left out', () => {
    const blocks = paper({
      snippet: undefined,
      highlights: [],
      actions: [],
      links: [
        { url: 'https://www.arxiv.org/abs/2401.1/', kind: 'arxiv' },
        { url: 'javascript:alert(1)', kind: 'pdf' },
        { url: 'HTTP://hf.co/papers/1', kind: 'hf' },
        { url: 'https://example.org/p', kind: 'project' },
        { url: 'mailto:a@b.org', kind: 'other' },
      ],
    });
    expect(blocks[1]).toEqual(
      context(
        ':page_facing_up: <https://www.arxiv.org/abs/2401.1/|arxiv.org/abs/2401.1>   :hugging_face: <HTTP://hf.co/papers/1|hf.co/papers/1>   :globe_with_meridians: <https://example.org/p|example.org/p>   :link: <mailto:a@b.org|mailto:a@b.org>',
      ),
    );
  });

  it('a long link label is cut to 60 characters with an ellipsis; the link itself is whole', () => {
    const url = `https://example.org/${'a'.repeat(80)}`;
    const blocks = paper({ snippet: undefined, highlights: [], actions: [], links: [{ url, kind: 'pdf' }] });
    const label = `example.org/${'a'.repeat(47)}…`;
    expect(label).toHaveLength(60);
    expect(blocks[1]).toEqual(context(`:page_facing_up: <${url}|${label}>`));
  });

  it('highlights are joined by a middle dot, each on one line', () => {
    const blocks = paper({ snippet: undefined, links: [], actions: [], highlights: ['3x\n  faster', '*best* & more'] });
    expect(blocks[1]).toEqual(context(':chart_with_upwards_trend: 3x faster · ∗best∗ &amp; more'));
  });

  it('a very long title is cut to fit 1,000 characters with the rank; a long snippet fills the section up to 3,000', () => {
    const blocks = paper({ title: 'T '.repeat(800), snippet: [span.text('s '.repeat(2000))] });
    const text = (blocks[0] as types.SectionBlock).text!.text;
    expect(text).toHaveLength(3000);
    const [head, snippet] = text.split('\n');
    expect(head).toMatch(/^2\. \*T( T)+…\*$/);
    expect(head!.length).toBeLessThanOrEqual(1000);
    expect(head!.length).toBeGreaterThan(990);
    expect(snippet).toMatch(/^s( s)+…$/);
  });

  it('an abstract longer than a section is split over several sections on word boundaries', () => {
    const words = Array.from({ length: 900 }, (_, i) => `w${i}`);
    const blocks = paper({ snippet: undefined, links: [], highlights: [], actions: [], abstract: words.join(' ') }, { command: 'show paper-2' });
    const texts = blocks.slice(1).map((b) => (b as types.SectionBlock).text!.text);
    expect(texts.length).toBe(2);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join(' ').split(' ')).toEqual(words);
  });
});

describe('the footer', () => {
  const paging = (extra: object = {}) => ({
    page: 2,
    pages: 3,
    total: 21,
    perPage: 10,
    prev: { id: 'prev', label: '', command: 'search kv --page 1' },
    next: { id: 'next', label: 'Next ▶', command: 'search kv --page 3' },
    ...extra,
  });

  it('paging: page line, prev/next buttons (a missing label reads Previous), share button, shared-by line', () => {
    const msg = renderSlack(reply([], { command: 'search kv', paging: paging() }), { share: true, sharedBy: 'U0ABC' });
    expect(msg).toEqual({
      text: 'summary',
      blocks: [
        context('Page 2 of 3 · 21 results'),
        {
          type: 'actions',
          elements: [
            button('pb:page:prev.by-U0ABC', 'Previous', 'search kv --page 1'),
            button('pb:page:next.by-U0ABC', 'Next ▶', 'search kv --page 3'),
            button('pb:share', 'Post to channel', 'search kv', true),
          ],
        },
        context('Shared by <@U0ABC>'),
      ],
    });
  });

  it('a missing next label reads Next; one result is "1 result"', () => {
    const msg = renderSlack(
      reply([], { paging: paging({ page: 1, pages: 2, total: 1, prev: undefined, next: { id: 'next', label: '', command: 'x --page 2' } }) }),
    );
    expect(msg.blocks).toEqual([context('Page 1 of 2 · 1 result'), { type: 'actions', elements: [button('pb:page:next', 'Next', 'x --page 2')] }]);
  });

  it('a single page has no page line', () => {
    expect(renderSlack(reply([], { paging: paging({ page: 1, pages: 1, prev: undefined, next: undefined }) })).blocks).toEqual([]);
  });

  it('"Shared by" needs a Slack user id (U or W, then 2 to 20 capitals or digits)', () => {
    for (const ok of ['U12', 'W0ABC', `U${'A'.repeat(20)}`]) {
      expect(renderSlack(reply([]), { sharedBy: ok }).blocks).toEqual([context(`Shared by <@${ok}>`)]);
    }
    for (const bad of ['U1', `U${'A'.repeat(21)}`, 'u0abc', 'C0ABC', 'xU0ABC', 'U0ABC>']) {
      expect(renderSlack(reply([]), { sharedBy: bad }).blocks, bad).toEqual([]);
    }
  });

  it('a paging button whose command is too long is left out, and the note says so', () => {
    const long = `search ${'x'.repeat(2100)}`;
    const msg = renderSlack(reply([], { paging: paging({ prev: undefined, next: { id: 'next', label: 'Next', command: long } }) }));
    expect(msg.blocks).toEqual([context('Some buttons are not shown because their command is too long for Slack.'), context('Page 2 of 3 · 21 results')]);
  });

  it('the share button alone is left out when its command is too long; the note says so', () => {
    const long = `search ${'x'.repeat(2100)}`;
    const msg = renderSlack(reply([], { command: long }), { share: true });
    expect(msg.blocks).toEqual([context('Some buttons are not shown because their command is too long for Slack.')]);
  });
});

describe('fallback text', () => {
  it('is the summary on one line, escaped, cut to 3,000 characters', () => {
    expect(renderSlack(reply([], { summary: ' 3 papers\nfor <kv> & more ' })).text).toBe('3 papers for &lt;kv&gt; &amp; more');
    const long = renderSlack(reply([], { summary: 'word '.repeat(1000) })).text;
    expect(long.length).toBeLessThanOrEqual(3000);
    expect(long.length).toBeGreaterThan(2900);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('blockTextSize (the budget measure)', () => {
  it('counts every string but block and element types', () => {
    expect(blockTextSize([section('abc'), { type: 'divider' }, context('de', 'f')])).toBe(6);
    expect(blockTextSize(button('ab', 'c', 'de'))).toBe(5);
    expect(blockTextSize({ type: 'x', n: 5, b: true, z: null })).toBe(0);
    expect(blockTextSize(['ab', ['c']])).toBe(3);
  });
});

describe('cutting to fit', () => {
  const big = (n: number): Block => ({ kind: 'code', text: Array.from({ length: 40 }, (_, i) => `${n}-line ${i} ${'x'.repeat(60)}`).join('\n') });

  /** A paragraph of `n` characters (one-letter words). */
  const filler = (n: number): Block => ({ kind: 'paragraph', text: [span.text('w '.repeat(Math.ceil(n / 2)).slice(0, n - 1) + 'w')] });
  const note = (more = '') => context(`… This reply was cut to fit Slack's message size limit.${more} Narrow the request to see the rest.`);
  const texts = (blocks: types.KnownBlock[]) => blocks.map((b) => (b.type === 'section' ? b.text!.text : b.type));

  it('a paragraph after a long one is cut to the room left, when that is at least 80 characters', () => {
    const msg = renderSlack(reply([filler(9500), { kind: 'paragraph', text: [span.text('b '.repeat(100))] }]));
    expect(limitViolations(msg)).toEqual([]);
    const [cut, last] = msg.blocks.slice(-2);
    expect(last).toEqual(note());
    const text = (cut as types.SectionBlock).text!.text;
    expect(text).toMatch(/^b( b)+…$/);
    // The room: the 9,600 characters of the body (10,000 less 400 kept for the note) less what is shown before it.
    const room = 9600 - texts(msg.blocks.slice(0, -2)).join('').length;
    expect(text.length).toBeLessThanOrEqual(room);
    expect(text.length).toBeGreaterThan(room - 5);
  });

  it('with less than 80 characters left, the paragraph is left out and counted', () => {
    const msg = renderSlack(reply([filler(9530), { kind: 'paragraph', text: [span.text('b '.repeat(100))] }]));
    expect(msg.blocks[msg.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
    expect(JSON.stringify(msg.blocks)).not.toContain('b b');
  });

  it('a list is cut to the items that fit, then "… and N more"', () => {
    const items = Array.from({ length: 20 }, (_, i) => [span.text(`item ${i} ${'x'.repeat(50)}`)]);
    const line = (i: number) => `• item ${i} ${'x'.repeat(50)}`;
    const msg = renderSlack(reply([filler(9000), { kind: 'list', items }]));
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.blocks.slice(-2)).toEqual([section([0, 1, 2, 3, 4, 5, 6, 7, 8].map(line).join('\n') + '\n… and 11 more'), note()]);
    const tight = renderSlack(reply([filler(9500), { kind: 'list', items }]));
    expect(tight.blocks.slice(-2)).toEqual([section(`${line(0)}\n… and 19 more`), note()]);
    // Not even one item fits: the list is left out.
    const none = renderSlack(reply([filler(9550), { kind: 'list', items }]));
    expect(none.blocks[none.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
  });

  it('a long code block keeps the whole sections that fit', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const msg = renderSlack(reply([filler(5000), { kind: 'code', text: lines.join('\n') }]));
    expect(limitViolations(msg)).toEqual([]);
    const code = texts(msg.blocks).filter((t) => t.startsWith('```'));
    expect(code).toHaveLength(1);
    expect(code[0]!.startsWith('```\nline 0\nline 1\n')).toBe(true);
    expect(code[0]!.endsWith('\n```')).toBe(true);
    expect(code[0]!.length).toBeGreaterThan(2900);
    expect(msg.blocks[msg.blocks.length - 1]).toEqual(note());
    // No whole section fits: left out.
    const none = renderSlack(reply([filler(9000), { kind: 'code', text: lines.join('\n') }]));
    expect(none.blocks[none.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
  });

  it('a paper card without an abstract that does not fit is left out whole', () => {
    const msg = renderSlack(reply([filler(9500), { kind: 'paper', paper: testCard(1) }]));
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.blocks[msg.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
    expect(JSON.stringify(msg.blocks)).not.toContain('Paper number 1');
    const fits = renderSlack(reply([filler(9300), { kind: 'paper', paper: testCard(1) }]));
    expect(JSON.stringify(fits.blocks)).toContain('Paper number 1');
    expect(JSON.stringify(fits.blocks)).not.toContain('cut to fit');
  });

  it('a paragraph longer than a section, after a long one, is cut to one section of the room left', () => {
    const msg = renderSlack(reply([filler(8000), { kind: 'paragraph', text: [span.text('b '.repeat(2500))] }]));
    expect(limitViolations(msg)).toEqual([]);
    const [cut, last] = msg.blocks.slice(-2);
    expect(last).toEqual(note());
    const text = (cut as types.SectionBlock).text!.text;
    expect(text).toMatch(/^b( b)+…$/);
    const room = 9600 - texts(msg.blocks.slice(0, -2)).join('').length;
    expect(text.length).toBeLessThanOrEqual(room);
    expect(text.length).toBeGreaterThan(room - 5);
  });

  it('a blank part after the cut is not counted as not shown', () => {
    const msg = renderSlack(reply([filler(9530), { kind: 'paragraph', text: [span.text('b '.repeat(100))] }, { kind: 'paragraph', text: [span.text('  ')] }]));
    expect(msg.blocks[msg.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
  });

  it('at most 50 blocks: the note takes the last place, the footer is kept', () => {
    const dividers: Block[] = Array.from({ length: 60 }, () => ({ kind: 'divider' }));
    const msg = renderSlack(reply(dividers));
    expect(msg.blocks).toHaveLength(50);
    expect(msg.blocks.slice(0, 49).every((b) => b.type === 'divider')).toBe(true);
    expect(msg.blocks[49]).toEqual(note(' 11 more parts not shown.'));
    const paged = renderSlack(reply(dividers, { paging: { page: 1, pages: 2, total: 20, perPage: 10, next: { id: 'next', label: 'Next', command: 'n' } } }));
    expect(paged.blocks).toHaveLength(50);
    expect(paged.blocks.filter((b) => b.type === 'divider')).toHaveLength(47);
    expect(paged.blocks.slice(-3).map((b) => b.type)).toEqual(['context', 'context', 'actions']);
    // A paragraph with no block left for it is left out, even though its text would fit.
    const full = renderSlack(reply([...dividers.slice(0, 49), { kind: 'paragraph', text: [span.text('x')] }]));
    expect(full.blocks).toHaveLength(50);
    expect(full.blocks[49]).toEqual(note(' 1 more part not shown.'));
  });

  it('what follows a cut abstract is kept when it takes at most a quarter of the room, else left out', () => {
    const card = testCard(1, { abstract: 'We study long abstracts. '.repeat(480).trim(), snippet: undefined });
    const show = (n: number) => renderSlack(reply([{ kind: 'paper', paper: card }, filler(n)], { command: 'show paper-1' }));
    // The room is 9,600 characters: 2,400 is a quarter of it.
    const kept = show(2400);
    expect(limitViolations(kept)).toEqual([]);
    expect(texts(kept.blocks).some((t) => t.startsWith('w w') && t.length === 2400)).toBe(true);
    expect(kept.blocks[kept.blocks.length - 1]).toEqual(note());
    const left = show(2401);
    expect(texts(left.blocks).some((t) => t.startsWith('w w'))).toBe(false);
    expect(left.blocks[left.blocks.length - 1]).toEqual(note(' 1 more part not shown.'));
  });

  it('a part that does not fit is dropped whole; the note counts the parts not shown and suggests narrowing', () => {
    const msg = renderSlack(reply([big(1), big(2), big(3), big(4), big(5)]));
    expect(limitViolations(msg)).toEqual([]);
    const last = msg.blocks[msg.blocks.length - 1];
    expect(last).toEqual(context("… This reply was cut to fit Slack's message size limit. 2 more parts not shown. Narrow the request to see the rest."));
  });

  it('with paging, the note suggests a smaller --limit; one part not shown is "1 more part"', () => {
    const msg = renderSlack(
      reply([big(1), big(2), big(3), big(4)], {
        paging: { page: 1, pages: 2, total: 20, perPage: 10, next: { id: 'next', label: 'Next', command: 'n' } },
      }),
    );
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.blocks.filter((b) => b.type === 'section')).toHaveLength(3);
    expect(JSON.stringify(msg.blocks)).toContain(
      "… This reply was cut to fit Slack's message size limit. 1 more part not shown. Use a smaller `--limit` to see fewer results per page.",
    );
  });
});
