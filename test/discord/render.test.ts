import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiscord, type CustomIdFor } from '../../adapters/discord/render.ts';
import type { Action, Block, Reply } from '../../src/reply/reply.ts';
import { span } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { messageProblems } from '../fakes/discord/form-body.ts';
import { allText, limitViolations } from './check-limits.ts';

const ids = (): CustomIdFor => {
  let n = 0;
  return (a, mode) => `${mode}:${n++}:${a.command}`.slice(0, 100);
};

const results = (n: number, extra: Partial<Reply> = {}): Reply => ({
  tone: 'ok',
  summary: 'Results',
  blocks: [
    { kind: 'heading', text: 'Results for “kv cache”' },
    { kind: 'note', text: [span.text(`${n} papers`)] },
    ...Array.from({ length: n }, (_, i): Block => ({ kind: 'paper', paper: testCard(i + 1) })),
  ],
  ...extra,
});

describe('renderDiscord', () => {
  it('renders a heading embed and one embed per paper, no mentions allowed', () => {
    const msg = renderDiscord(results(3), { customId: ids() });
    expect(msg.content).toBe('');
    expect(msg.allowedMentions).toEqual({ parse: [] });
    expect(msg.embeds).toHaveLength(4);
    expect(msg.embeds[0]!.title).toBe('Results for “kv cache”');
    expect(msg.embeds[0]!.description).toBe('-# 3 papers');
    expect(msg.embeds[1]!.title).toBe('1. Paper number 1: a study');
    expect(msg.embeds[1]!.description).toContain('We study **kv cache** compression.');
    expect(msg.embeds[1]!.description).toContain('[Code](https://github.com/x/p1)');
    expect(msg.embeds[1]!.description).toContain('-# 3x faster');
    expect(msg.embeds[1]!.footer?.text).toBe('id: paper-1');
    expect(limitViolations(msg)).toEqual([]);
  });

  it('names the paper on each button when there are several papers', () => {
    const msg = renderDiscord(results(2), { customId: ids() });
    const labels = msg.components.flatMap((r) => r.components.map((b) => ('label' in b ? b.label : '')));
    expect(labels).toEqual([
      'Abstract: Paper number 1: a study',
      'Similar: Paper number 1: a study',
      'Abstract: Paper number 2: a study',
      'Similar: Paper number 2: a study',
    ]);
  });

  it('a single paper gets plain labels and URL buttons for its links', () => {
    const msg = renderDiscord(
      { tone: 'ok', summary: 's', blocks: [{ kind: 'paper', paper: testCard(1, { rank: undefined, abstract: 'Full abstract.', snippet: undefined }) }] },
      { customId: ids() },
    );
    const buttons = msg.components.flatMap((r) => r.components);
    expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual(['Abstract', 'Similar', 'Code']);
    expect(buttons[2]).toMatchObject({ style: 5, url: 'https://github.com/x/p1' });
    expect(msg.embeds[0]!.description).toMatch(/^Full abstract\./);
  });

  it('a link button only for http(s) URLs of at most 512 characters: a longer one is left out, and Discord would accept the message', () => {
    const long = `https://github.com/x/p1?${'q=kv-cache&'.repeat(55)}end`;
    const atLimit = `https://example.org/${'p'.repeat(512 - 'https://example.org/'.length)}`;
    expect([long.length > 512, atLimit.length]).toEqual([true, 512]);
    const paper = testCard(1, {
      rank: undefined,
      links: [
        { kind: 'code', url: long },
        { kind: 'project', url: atLimit },
        { kind: 'other', url: 'ftp://example.org/paper.pdf' },
      ],
    });
    const msg = renderDiscord({ tone: 'ok', summary: 's', blocks: [{ kind: 'paper', paper }] }, { customId: ids() });
    const links = msg.components.flatMap((r) => r.components).flatMap((b) => ('url' in b ? [b.url] : []));
    expect(links).toEqual([atLimit]);
    expect(messageProblems(msg)).toEqual([]);
  });

  it('puts paging first: prev/next update the message, the page counter is disabled', () => {
    const modes: string[] = [];
    const reply = results(2, {
      paging: {
        page: 2,
        pages: 3,
        total: 12,
        perPage: 5,
        prev: { id: 'prev', label: '◀ Previous', command: 'search kv --page 1' },
        next: { id: 'next', label: 'Next ▶', command: 'search kv --page 3' },
      },
    });
    const msg = renderDiscord(reply, { customId: (a, mode) => (modes.push(`${mode}:${a.command}`), `id${modes.length}`) });
    const row = msg.components[0]!.components;
    expect(row.map((b) => ('label' in b ? b.label : ''))).toEqual(['◀ Previous', 'Page 2 of 3', 'Next ▶']);
    expect(row[1]).toMatchObject({ disabled: true });
    expect(modes.slice(0, 2)).toEqual(['update:search kv --page 1', 'update:search kv --page 3']);
    expect(modes.slice(2).every((m) => m.startsWith('ephemeral:'))).toBe(true);
  });

  it('disables the missing direction on the first page', () => {
    const reply = results(1, { paging: { page: 1, pages: 2, total: 6, perPage: 5, next: { id: 'next', label: 'Next ▶', command: 'x --page 2' } } });
    const row = renderDiscord(reply, { customId: ids() }).components[0]!.components;
    expect(row[0]).toMatchObject({ disabled: true, label: '◀ Previous' });
    expect(row[2]).toMatchObject({ label: 'Next ▶' });
    expect(row[2]).not.toHaveProperty('disabled');
  });

  it('falls back to content when a reply has no blocks', () => {
    const msg = renderDiscord({ tone: 'info', summary: 'Nothing **here** @everyone', blocks: [] });
    expect(msg.embeds).toEqual([]);
    expect(msg.content).toBe('Nothing \\*\\*here\\*\\* @\u200beveryone');
  });

  it('renders fields, lists, notes, dividers and error colour', () => {
    const msg = renderDiscord({
      tone: 'error',
      summary: 'x',
      blocks: [
        { kind: 'paragraph', text: [span.text('Bad '), span.code('input`s')] },
        { kind: 'list', items: [[span.text('one')], [span.text('two')]], ordered: true },
        { kind: 'divider' },
        { kind: 'fields', fields: [{ label: 'Papers', value: [span.text('116')] }] },
      ],
    });
    expect(msg.embeds[0]!.color).toBe(0xed4245);
    expect(msg.embeds[0]!.description).toBe('Bad `inputˋs`\n1\\. one\n2\\. two\n\u200b');
    expect(msg.embeds[0]!.fields).toEqual([{ name: 'Papers', value: '116', inline: true }]);
  });

  it('cuts a long abstract on a word boundary with a visible ellipsis, keeping the links', () => {
    const abstract = 'word '.repeat(2000).trim();
    const msg = renderDiscord(
      { tone: 'ok', summary: 's', blocks: [{ kind: 'paper', paper: testCard(1, { abstract, snippet: undefined }) }] },
      { customId: ids() },
    );
    const d = msg.embeds[0]!.description!;
    expect(d.length).toBeLessThanOrEqual(4096);
    expect(d).toMatch(/word…\n-# 3x faster\n\[Code\]\(https:\/\/github\.com\/x\/p1\)$/);
    expect(limitViolations(msg)).toEqual([]);
  });

  it('keeps a huge reply within every limit (embeds, total, fields, rows)', () => {
    const long = 'Lorem ipsum dolor sit amet '.repeat(300);
    const many: Action[] = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, label: long, command: `help ${i}` }));
    const reply: Reply = {
      tone: 'ok',
      summary: long,
      blocks: [
        { kind: 'heading', text: long },
        { kind: 'paragraph', text: [span.text(long)] },
        { kind: 'fields', fields: Array.from({ length: 40 }, (_, i) => ({ label: `${long}${i}`, value: [span.text(long)] })) },
        { kind: 'actions', actions: many },
        ...Array.from({ length: 14 }, (_, i): Block => ({
          kind: 'paper',
          paper: testCard(i, { title: long, abstract: long, snippet: undefined, highlights: [long] }),
        })),
        { kind: 'heading', text: 'tail' },
        { kind: 'note', text: [span.text(long)] },
      ],
      paging: { page: 1, pages: 9, total: 90, perPage: 10, next: { id: 'next', label: 'Next ▶', command: 'next' } },
    };
    const msg = renderDiscord(reply, { customId: ids() });
    expect(limitViolations(msg)).toEqual([]);
    expect(allText(msg)).toContain('…');
  });

  it('lists papers compactly when they do not fit in 10 embeds, instead of dropping any', () => {
    const msg = renderDiscord(results(14), { customId: ids() });
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.embeds).toHaveLength(1);
    for (let i = 1; i <= 14; i++) expect(msg.embeds[0]!.description).toContain(`**${i}. Paper number ${i}: a study** \`paper-${i}\``);
  });

  it('neutralises hostile data everywhere', () => {
    const evil = '@everyone <@&123> <@456> **__~~ ||x|| # h\n> q \u0000\u0007\u202E [a](javascript:alert(1))';
    const reply: Reply = {
      tone: 'ok',
      summary: evil,
      blocks: [
        { kind: 'heading', text: evil },
        { kind: 'paragraph', text: [span.text(evil), span.mark(evil), span.strong(evil), span.code(evil), span.link(evil, 'https://x.org')] },
        { kind: 'note', text: [span.text(evil)] },
        {
          kind: 'paper',
          paper: testCard(1, {
            title: evil,
            name: evil,
            snippet: [span.text(evil)],
            highlights: [evil],
            actions: [{ id: 'x', label: evil, command: 'x' }],
            links: [{ url: 'javascript:alert(1)', kind: 'code' }],
          }),
        },
        { kind: 'fields', fields: [{ label: evil, value: [span.text(evil)] }] },
      ],
    };
    const msg = renderDiscord(reply, { customId: ids() });
    expect(limitViolations(msg)).toEqual([]);
    const text = allText(msg);
    expect(text).not.toMatch(/@everyone|@here|<@&\d|<@\d/);
    expect(text).not.toMatch(/[\u0000-\u0008\u202E]/);
    const markdown = msg.embeds.map((e) => `${e.title}\n${e.description}\n${(e.fields ?? []).map((f) => f.value).join('\n')}`).join('\n');
    expect(markdown.replace(/`[^`]*`/g, '')).not.toMatch(/(^|[^\\])\]\(javascript:/);
    expect(markdown.replace(/`[^`]*`/g, '')).not.toMatch(/(^|[^\\])\*\*__/);
  });

  it('every arbitrary reply respects every limit', () => {
    const str = fc.string({ maxLength: 400, unit: fc.constantFrom('a', ' ', '*', '_', '@', 'é', '😀', '\n', '<', '#', 'x', 'everyone') });
    const rich = fc.array(fc.oneof(str.map(span.text), str.map(span.mark), str.map(span.code)), { maxLength: 5 });
    const action = fc.record({ id: fc.string(), label: str, command: str });
    const paperArb = fc.record({
      id: fc.constant('p'),
      title: str,
      snippet: rich,
      abstract: fc.option(fc.string({ maxLength: 5000 }), { nil: undefined }),
      links: fc.array(fc.record({ url: fc.webUrl(), kind: fc.constantFrom('code' as const, 'project' as const, 'other' as const) }), { maxLength: 3 }),
      highlights: fc.array(str, { maxLength: 4 }),
      actions: fc.array(action, { maxLength: 4 }),
    });
    const block: fc.Arbitrary<Block> = fc.oneof(
      str.map((text) => ({ kind: 'heading' as const, text })),
      rich.map((text) => ({ kind: 'paragraph' as const, text })),
      rich.map((text) => ({ kind: 'note' as const, text })),
      fc.array(rich, { maxLength: 8 }).map((items) => ({ kind: 'list' as const, items })),
      fc.array(fc.record({ label: str, value: rich }), { maxLength: 30 }).map((fields) => ({ kind: 'fields' as const, fields })),
      fc.array(action, { maxLength: 8 }).map((actions) => ({ kind: 'actions' as const, actions })),
      paperArb.map((paper) => ({ kind: 'paper' as const, paper })),
      fc.constant({ kind: 'divider' as const }),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 25 }), str, (blocks, summary) => {
        const msg = renderDiscord({ tone: 'ok', summary, blocks }, { customId: ids() });
        expect(limitViolations(msg)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('paper footers', () => {
  it('show the short name alone when the card is named by it (card.ref), else the id to type', () => {
    const card = (name: string | undefined, ref: string | undefined): Reply => ({
      tone: 'ok',
      summary: 's',
      blocks: [
        {
          kind: 'paper',
          paper: {
            id: 'long-paper-id-123',
            title: 'T',
            ...(name ? { name } : {}),
            ...(ref ? { ref } : {}),
            links: [],
            highlights: [],
            // The footer does not read the reference back out of the button's command.
            actions: [{ id: 'a', label: 'Abstract', command: 'show something-else' }],
          },
        },
      ],
    });
    expect(renderDiscord(card('ZipCache', 'zipcache')).embeds[0]!.footer?.text).toBe('ZipCache');
    expect(renderDiscord(card('Wan', 'long-paper-id-123')).embeds[0]!.footer?.text).toBe('Wan · id: long-paper-id-123');
    expect(renderDiscord(card(undefined, 'long-paper-id-123')).embeds[0]!.footer?.text).toBe('id: long-paper-id-123');
    expect(renderDiscord(card('Wan', undefined)).embeds[0]!.footer?.text).toBe('Wan · id: long-paper-id-123');
  });
});
