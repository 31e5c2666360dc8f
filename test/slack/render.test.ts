import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSlack } from '../../adapters/slack/render.ts';
import { cutWords, escapeSlack, neutralizeMrkdwn, clean } from '../../adapters/slack/text.ts';
import { toMrkdwn, slackLinkUrl } from '../../adapters/slack/mrkdwn.ts';
import type { Block, Reply, RichText } from '../../src/reply/reply.ts';
import { buttonsOf } from './harness.ts';
import { testCard } from '../helpers/cards.ts';
import { allStrings, limitViolations, pings } from './check-limits.ts';

const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<@U123|bob>',
  '<#C123|general>',
  '<!subteam^S123|@team>',
  '<https://evil.example|click me>',
  '&lt;!channel&gt;',
  '*bold* _it_ ~strike~ `code` ```block```',
  '> quote',
  'a\u0000b\u0007c\u001bd\u202Ee\u2066f\uFEFFg',
  '🧪 模型 مرحبا שלום',
];

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, command: 'search x', ...extra });

describe('text helpers', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeSlack('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
  });

  it('removes control and bidi-override characters but keeps newlines, emoji and RTL letters', () => {
    expect(clean('a\u0000b\u0007\tc\u202Ed\u2066e\nf 🧪 שלום')).toBe('ab cde\nf 🧪 שלום');
  });

  it('neutralises formatting marks that could pair, keeps in-word ones', () => {
    expect(neutralizeMrkdwn('*bold*')).not.toContain('*');
    expect(neutralizeMrkdwn('_it_ ~s~ `c`')).not.toMatch(/[_~`]/);
    expect(neutralizeMrkdwn('snake_case 2*3')).toBe('snake_case 2*3');
    expect(neutralizeMrkdwn('> quote').startsWith('\u200B')).toBe(true);
  });

  it('cuts on a word boundary with a visible ellipsis, never splitting a surrogate pair', () => {
    expect(cutWords('the quick brown fox jumps', 16)).toBe('the quick brown…');
    expect(cutWords('short', 10)).toBe('short');
    const emoji = '🧪'.repeat(10);
    const cut = cutWords(emoji, 8);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('renders links only for http(s)/mailto, escaping the URL', () => {
    expect(slackLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(slackLinkUrl('https://x.org/a?b=1&c=<2>|3')).toBe('https://x.org/a?b=1&amp;c=%3C2%3E%7C3');
    expect(toMrkdwn([{ kind: 'link', text: 'repo <!here>', url: 'https://github.com/a/b' }])).toBe('<https://github.com/a/b|repo &lt;!here&gt;>');
    expect(toMrkdwn([{ kind: 'link', text: 'x', url: 'javascript:1' }])).toBe('x');
  });

  it('renders mark and strong spans bold, at word boundaries', () => {
    expect(
      toMrkdwn([
        { kind: 'text', text: 'a ' },
        { kind: 'mark', text: 'kv' },
        { kind: 'text', text: ' b' },
      ]),
    ).toBe('a *kv* b');
    expect(
      toMrkdwn([
        { kind: 'text', text: 'pre' },
        { kind: 'mark', text: 'kv' },
      ]),
    ).toBe('pre\u200B*kv*');
    expect(toMrkdwn([{ kind: 'strong', text: ' a*b ' }])).toBe(' *a∗b* ');
  });
});

describe('renderSlack', () => {
  it.each(HOSTILE)('escapes hostile text %j everywhere it can appear', (bad) => {
    const r = reply(
      [
        { kind: 'heading', text: bad },
        {
          kind: 'paragraph',
          text: [
            { kind: 'text', text: bad },
            { kind: 'mark', text: bad },
            { kind: 'code', text: bad },
          ],
        },
        { kind: 'note', text: [{ kind: 'text', text: bad }] },
        { kind: 'list', items: [[{ kind: 'text', text: bad }]] },
        { kind: 'fields', fields: [{ label: bad, value: [{ kind: 'text', text: bad }] }] },
        {
          kind: 'paper',
          paper: testCard(1, {
            title: bad,
            snippet: [{ kind: 'text', text: bad }],
            highlights: [bad],
            abstract: bad,
            links: [{ url: `https://x.org/${bad}`, kind: 'code' }],
          }),
        },
        { kind: 'actions', actions: [{ id: bad, label: bad, command: `search ${bad}` }] },
      ],
      { summary: bad, command: `search ${bad}` },
    );
    const msg = renderSlack(r, { share: true });
    expect(limitViolations(msg)).toEqual([]);
    expect(pings(msg)).toEqual([]);
    for (const s of allStrings(msg)) {
      expect(s).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u202A-\u202E\u2066-\u2069]/);
      // Every < in a displayed string opens one of our own links.
      for (const m of s.matchAll(/</g)) expect(s.slice(m.index)).toMatch(/^<(https?:|mailto:)/);
    }
    // The button still carries the exact raw command back.
    expect(buttonsOf(msg.blocks).find((b) => b.action_id === 'pb:share')?.value).toBe(`search ${bad}`);
  });

  it('property: any text in any block renders within limits and pings nobody', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 400 });
    const rich = fc.array(
      fc.oneof(
        text.map((t) => ({ kind: 'text' as const, text: t })),
        text.map((t) => ({ kind: 'mark' as const, text: t })),
        text.map((t) => ({ kind: 'code' as const, text: t })),
        fc.tuple(text, fc.webUrl()).map(([t, url]) => ({ kind: 'link' as const, text: t, url })),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(text, rich, fc.array(text, { maxLength: 5 }), (t, r: RichText, items) => {
        const msg = renderSlack(
          reply(
            [
              { kind: 'heading', text: t },
              { kind: 'paragraph', text: r },
              { kind: 'list', items: items.map((i) => [{ kind: 'text', text: i }]) },
              { kind: 'paper', paper: testCard(1, { title: t || 'x', snippet: r }) },
            ],
            { summary: t },
          ),
          { share: true },
        );
        expect(limitViolations(msg)).toEqual([]);
        expect(pings(msg)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a long heading becomes a bold section instead of being cut', () => {
    const title = 'word '.repeat(60).trim();
    const msg = renderSlack(reply([{ kind: 'heading', text: title }]));
    expect(msg.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } });
  });

  it('a paragraph longer than a section is split over several sections, losing nothing', () => {
    const words = Array.from({ length: 1200 }, (_, i) => `w${i}`);
    const msg = renderSlack(reply([{ kind: 'paragraph', text: [{ kind: 'text', text: words.join(' ') }] }]));
    expect(limitViolations(msg)).toEqual([]);
    const sections = msg.blocks.filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThan(1);
    const joined = sections.map((b) => (b as { text: { text: string } }).text.text).join(' ');
    expect(joined.split(' ')).toEqual(words);
  });

  it('too many cards: cut visibly, with a note, paging and share buttons kept', () => {
    const blocks: Block[] = [{ kind: 'heading', text: 'Results' }];
    for (let i = 1; i <= 40; i++) blocks.push({ kind: 'paper', paper: testCard(i, { abstract: 'long abstract words '.repeat(150) }) });
    const msg = renderSlack(
      reply(blocks, { paging: { page: 1, pages: 4, total: 160, perPage: 40, next: { id: 'next', label: 'Next ▶', command: 'search x --page 2' } } }),
      { share: true },
    );
    expect(limitViolations(msg)).toEqual([]);
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('cut to fit');
    expect(json).toMatch(/\d+ more parts? not shown/);
    const ids = buttonsOf(msg.blocks).map((b) => b.action_id);
    expect(ids).toContain('pb:page:next');
    expect(ids).toContain('pb:share');
    // A cut abstract ends with … and offers the full text.
    expect(json).toContain('…');
    expect(buttonsOf(msg.blocks).some((b) => b.text === 'Full abstract')).toBe(true);
  });

  it('a huge list is cut with "… and N more" and a note', () => {
    const items: RichText[] = Array.from({ length: 2000 }, (_, i) => [{ kind: 'text', text: `item number ${i} with some words` }]);
    const msg = renderSlack(reply([{ kind: 'list', items }]));
    expect(limitViolations(msg)).toEqual([]);
    const json = JSON.stringify(msg.blocks);
    expect(json).toMatch(/… and \d+ more/);
    expect(json).toContain('cut to fit');
  });

  it('more than 25 buttons are split over several actions blocks; 60 fields over several sections', () => {
    const actions = Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, label: `Button ${i}`, command: `show p${i}` }));
    const fields = Array.from({ length: 60 }, (_, i) => ({ label: `L${i}`, value: [{ kind: 'text' as const, text: `v${i}` }] }));
    const msg = renderSlack(
      reply([
        { kind: 'actions', actions },
        { kind: 'fields', fields },
      ]),
    );
    expect(limitViolations(msg)).toEqual([]);
    expect(buttonsOf(msg.blocks)).toHaveLength(60);
  });

  it('buttons whose command exceeds 2,000 characters are left out, with a visible note', () => {
    const long = `search ${'x'.repeat(2100)}`;
    const msg = renderSlack(
      reply([{ kind: 'paragraph', text: [{ kind: 'text', text: 'hi' }] }], {
        command: long,
        paging: { page: 1, pages: 2, total: 8, perPage: 5, next: { id: 'next', label: 'Next', command: `${long} --page 2` } },
      }),
      { share: true },
    );
    expect(limitViolations(msg)).toEqual([]);
    expect(buttonsOf(msg.blocks)).toHaveLength(0);
    expect(JSON.stringify(msg.blocks)).toContain('too long for Slack');
  });

  it('always has fallback text; long labels are cut to 75 characters', () => {
    const msg = renderSlack(reply([{ kind: 'actions', actions: [{ id: 'x', label: 'label '.repeat(40), command: 'stats' }] }], { summary: '' }));
    expect(msg.text.length).toBeGreaterThan(0);
    for (const summary of [' ', '\u0000\u202e ', '\n\t']) expect(renderSlack(reply([], { summary })).text).toBe('Paperboy');
    const b = buttonsOf(msg.blocks)[0]!;
    expect(b.text.length).toBeLessThanOrEqual(75);
    expect(b.text.endsWith('…')).toBe(true);
  });

  it('"Shared by" only for a valid user id', () => {
    expect(JSON.stringify(renderSlack(reply([]), { sharedBy: 'U0ABC' }).blocks)).toContain('Shared by <@U0ABC>');
    expect(JSON.stringify(renderSlack(reply([]), { sharedBy: '<!channel>' }).blocks)).not.toContain('Shared by');
  });

  it('is pure: same input, same output', () => {
    const r = reply([{ kind: 'paper', paper: testCard(1) }]);
    expect(renderSlack(r, { share: true })).toEqual(renderSlack(r, { share: true }));
  });
});

describe('the limit checker itself', () => {
  it('catches each kind of violation', () => {
    const btn = (id: string, text = 'ok', value = 'v') => ({ type: 'button', action_id: id, text: { type: 'plain_text', text }, value });
    expect(limitViolations({ text: '', blocks: [] })).toContain('fallback text missing');
    expect(limitViolations({ text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] })).toHaveLength(1);
    expect(limitViolations({ text: 't', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] })).toHaveLength(1);
    expect(limitViolations({ text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toHaveLength(1);
    expect(limitViolations({ text: 't', blocks: [{ type: 'actions', elements: [btn('a'), btn('a')] }] })).toHaveLength(1);
    expect(limitViolations({ text: 't', blocks: [{ type: 'actions', elements: [btn('a', 'x'.repeat(76))] }] })).toHaveLength(1);
    expect(limitViolations({ text: 't', blocks: [{ type: 'actions', elements: [btn('a', 'ok', 'x'.repeat(2001))] }] })).toHaveLength(1);
    expect(
      limitViolations({ text: 't', blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) }] }),
    ).toHaveLength(1);
    expect(pings({ text: '<!channel>' })).toEqual(['<!channel>']);
    expect(pings({ blocks: [{ text: 'Shared by <@U1>' }] }, 'U1')).toEqual([]);
  });
});

describe('the "Post to channel" button', () => {
  const body: Block[] = [{ kind: 'paragraph', text: [{ kind: 'text', text: 'hello' }] }];
  const shareIds = (r: Reply) => buttonsOf(renderSlack(r, { share: true }).blocks).filter((b) => b.action_id === 'pb:share');

  it('is offered on answers and listings', () => {
    expect(shareIds(reply(body, { tone: 'ok' }))).toHaveLength(1);
    expect(shareIds(reply(body, { tone: 'info', command: 'help' }))).toHaveLength(1);
  });

  it('is not offered on "nothing found" or error replies, nor without a command', () => {
    expect(shareIds(reply(body, { tone: 'empty' }))).toEqual([]);
    expect(shareIds(reply(body, { tone: 'error' }))).toEqual([]);
    expect(shareIds({ tone: 'ok', summary: 's', blocks: body })).toEqual([]);
  });
});
