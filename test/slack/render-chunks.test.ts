/**
 * How the Slack renderer splits long text over sections, exactly: where a long abstract or
 * paragraph is cut (word boundaries, hard cuts in a long word, escaping that lengthens text), how
 * spans are grouped, and the note under an abstract cut to fit, naming where to read it in full.
 */
import { describe, expect, it } from 'vitest';
import { renderSlack, safeCut, type SlackMessage } from '../../adapters/slack/render.ts';
import type { types } from '@slack/bolt';
import type { Block, CardLink, Reply, RichText } from '../../src/reply/reply.ts';
import { span } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { limitViolations } from './check-limits.ts';

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, command: 'search x', ...extra });
const sectionTexts = (msg: SlackMessage): string[] => msg.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
const paragraph = (text: RichText) => sectionTexts(renderSlack(reply([{ kind: 'paragraph', text }])));
/** The abstract's sections of a `show` reply for a card with only an abstract. */
const abstractSections = (abstract: string) =>
  sectionTexts(
    renderSlack(
      reply([{ kind: 'paper', paper: testCard(1, { abstract, snippet: undefined, links: [], highlights: [], actions: [] }) }], { command: 'show paper-1' }),
    ),
  ).slice(1);

describe('a long text split over sections', () => {
  it('is cut at the last space within 3,000 characters', () => {
    const text = `${'y'.repeat(1900)} ${'z'.repeat(2000)}`;
    expect(paragraph([span.text(text)])).toEqual(['y'.repeat(1900), 'z'.repeat(2000)]);
    expect(abstractSections(text)).toEqual(['y'.repeat(1900), 'z'.repeat(2000)]);
  });

  it('a space right at the 3,000th character or just after it is a clean cut', () => {
    expect(paragraph([span.text(`${'y'.repeat(2999)} ${'z'.repeat(100)}`)])).toEqual(['y'.repeat(2999), 'z'.repeat(100)]);
    expect(paragraph([span.text(`${'y'.repeat(3000)} ${'z'.repeat(100)}`)])).toEqual(['y'.repeat(3000), 'z'.repeat(100)]);
  });

  it('a word that would leave a section less than 60% full is cut hard at 3,000 characters instead', () => {
    expect(paragraph([span.text(`${'y'.repeat(1700)} ${'z'.repeat(2000)}`)])).toEqual([`${'y'.repeat(1700)} ${'z'.repeat(1299)}`, 'z'.repeat(701)]);
    expect(abstractSections(`a ${'x'.repeat(5000)}`)).toEqual([`a ${'x'.repeat(2998)}`, 'x'.repeat(2002)]);
  });

  it('text that escaping lengthens: each section at most 3,000 characters once escaped, as full as it can be, nothing lost', () => {
    const text = 'a & b '.repeat(500).trim();
    const full = text.replace(/&/g, '&amp;');
    for (const sections of [paragraph([span.text(text)]), abstractSections(text)]) {
      expect(sections.map((s) => s.length)).toEqual([2999, 1999]);
      expect(sections.join(' ')).toBe(full);
    }
    const lt = 'a<b '.repeat(1000).trim();
    const secs = paragraph([span.text(lt)]);
    expect(secs.map((s) => s.length)).toEqual([2995, 2995, 1007]);
    expect(secs.join(' ')).toBe(lt.replace(/</g, '&lt;'));
  });

  it('spans are grouped whole into sections while they fit', () => {
    const a = 'a'.repeat(999);
    const b = 'b'.repeat(999);
    expect(paragraph([span.text(a), span.mark(b), span.text(a), span.mark(b), span.text(a)])).toEqual([`${a}\u200B*${b}*`, `${a}\u200B*${b}*`, a]);
  });

  it('a code span longer than a section cannot be split: it shows as an ellipsis between the text around it', () => {
    expect(paragraph([span.text('before '), span.code('x'.repeat(4000)), span.text(' after')])).toEqual(['before ', '…', ' after']);
  });

  it('a bold span longer than a section is split, each piece bold', () => {
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(' ');
    const secs = paragraph([span.strong(words)]);
    expect(secs.length).toBe(2);
    for (const s of secs) expect(s).toMatch(/^\*w\d+( w\d+)*\*$/);
    expect(secs.map((s) => s.slice(1, -1)).join(' ')).toBe(words);
  });
});

describe('safeCut', () => {
  it('moves a cut before a zero-width joiner sequence', () => {
    expect(safeCut('abc\u200Dd', 4)).toBe(2);
  });

  it('in a run of modifiers longer than the piece, cuts between them without splitting a pair', () => {
    const tones = `a${'\u{1F3FB}'.repeat(5)}`;
    expect(safeCut(tones, 4)).toBe(3);
    expect(safeCut(tones, 4, 3)).toBe(5);
  });

  it('a cut at or past the end stays where it is', () => {
    expect(safeCut('ab', 2)).toBe(2);
    expect(safeCut('ab', 5)).toBe(5);
  });
});

describe('the note under a cut abstract', () => {
  const abstract = 'We study long abstracts. '.repeat(480).trim();
  const noteFor = (links: CardLink[]) => {
    const msg = renderSlack(
      reply([{ kind: 'paper', paper: testCard(1, { abstract, snippet: undefined, links, highlights: [] }) }], { command: 'show paper-1' }),
    );
    expect(limitViolations(msg)).toEqual([]);
    const ctx = msg.blocks.find((b) => b.type === 'context');
    return ctx && 'elements' in ctx ? (ctx.elements[0] as { text: string }).text : undefined;
  };

  it('links the arXiv page first, then Hugging Face, then the PDF', () => {
    expect(noteFor([{ url: 'https://hf.co/papers/1', kind: 'hf' }])).toBe(
      '… Abstract cut to fit Slack; read it in full on <https://hf.co/papers/1|Hugging Face>.',
    );
    expect(
      noteFor([
        { url: 'https://x.org/p.pdf', kind: 'pdf' },
        { url: 'https://hf.co/papers/1', kind: 'hf' },
      ]),
    ).toBe('… Abstract cut to fit Slack; read it in full on <https://hf.co/papers/1|Hugging Face>.');
    expect(
      noteFor([
        { url: 'javascript:x', kind: 'arxiv' },
        { url: 'https://x.org/p.pdf', kind: 'pdf' },
      ]),
    ).toBe('… Abstract cut to fit Slack; read it in full on <https://x.org/p.pdf|the PDF>.');
  });

  it('without such a link, just says the abstract was cut', () => {
    expect(noteFor([{ url: 'https://github.com/x', kind: 'code' }])).toBe("… Abstract cut to fit Slack's message size limit.");
  });
});

describe('a paper with a long abstract, as the room left for it shrinks', () => {
  const abstract = 'We study long abstracts. '.repeat(480).trim();
  const card = testCard(1, {
    rank: undefined,
    abstract,
    snippet: undefined,
    ref: 'SnapKV',
    links: [{ url: 'https://arxiv.org/abs/2401.10001', kind: 'arxiv' }],
    actions: [{ id: 'similar', label: 'Similar', command: 'similar paper-1' }],
  });
  /** The blocks after an `n`-character paragraph, summarised: S<length> for a section, C for a context (its first words), A for buttons. */
  const after = (n: number, command = 'digest') => {
    const filler: Block = { kind: 'paragraph', text: [span.text('w '.repeat(n / 2).trim())] };
    const msg = renderSlack(reply([filler, { kind: 'paper', paper: card }], { command }));
    expect(limitViolations(msg)).toEqual([]);
    const start = msg.blocks.findIndex((b) => b.type === 'section' && b.text?.text.startsWith('*Paper'));
    if (start < 0) return 'left out';
    return msg.blocks
      .slice(start)
      .map((b) => {
        if (b.type === 'section') return `S${b.text!.text.length}`;
        if (b.type === 'context') return `C:${(b.elements[0] as { text: string }).text.slice(0, 16)}`;
        return `A:${(b as types.ActionsBlock).elements.map((e) => (e as types.Button).text.text).join(',')}`;
      })
      .join(' ');
  };

  it('keeps as much of the abstract as fits, cut visibly, with the note and a Full abstract button', () => {
    expect(after(9000)).toBe('S25 S284 C:… Abstract cut t A:Similar,Full abstract C:… This reply was');
    expect(after(9150)).toBe('S25 S134 C:… Abstract cut t A:Similar,Full abstract C:… This reply was');
  });

  it('with room for less than 120 characters of it, shows none of the abstract but still says where it is', () => {
    expect(after(9200)).toBe('S25 C:… Abstract cut t A:Similar,Full abstract C:… This reply was');
  });

  it('drops the Full abstract button, then the note, then the whole card, as the room runs out', () => {
    expect(after(9300)).toBe('S25 C:… Abstract cut t A:Similar C:… This reply was');
    expect(after(9350)).toBe('S25 C::page_facing_up: A:Similar C:… This reply was');
    expect(after(9450)).toBe('left out');
  });

  it("no Full abstract button when the reply is this paper's show (by id or name, any case, paper/abstract too)", () => {
    for (const command of ['show snapkv', 'paper snapkv', 'ABSTRACT  paper-1 ']) {
      // The room the button would take goes to the abstract.
      expect(after(9000, command), command).toBe('S25 S328 C:… Abstract cut t A:Similar C:… This reply was');
    }
    for (const command of ['similar snapkv', 'show paper-2', 'shows paper-1']) {
      expect(after(9000, command), command).toBe('S25 S284 C:… Abstract cut t A:Similar,Full abstract C:… This reply was');
    }
  });

  it("the Full abstract button runs show with the paper's reference and answers with a new message", () => {
    const msg = renderSlack(
      reply(
        [
          { kind: 'paragraph', text: [span.text('w '.repeat(4500).trim())] },
          { kind: 'paper', paper: card },
        ],
        { command: 'digest' },
      ),
    );
    const buttons = msg.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as types.Button[]) : []));
    expect(buttons.map((b) => [b.text.text, b.value, b.action_id])).toEqual([
      ['Similar', 'similar paper-1', 'pb:run:1.similar'],
      ['Full abstract', 'show SnapKV', 'pb:run:2.full-paper-1'],
    ]);
  });
});
