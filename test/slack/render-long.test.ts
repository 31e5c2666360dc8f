/**
 * The Slack renderer on long and awkward text: no split surrogate pairs or orphaned combining marks,
 * long paragraphs split between spans (the work it takes: render-cost.test.ts), no empty text objects, and
 * a cut abstract that uses the room there is and says where the rest is.
 */
import { describe, expect, it } from 'vitest';
import { renderSlack, safeCut, type SlackMessage } from '../../adapters/slack/render.ts';
import type { Block, Reply, RichText } from '../../src/reply/reply.ts';
import { testCard } from '../helpers/cards.ts';
import { allStrings, limitViolations } from './check-limits.ts';
import { buttonsOf } from './harness.ts';

const reply = (blocks: Block[], extra: Partial<Reply> = {}): Reply => ({ tone: 'ok', summary: 'summary', blocks, command: 'search x', ...extra });
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const sectionTexts = (msg: SlackMessage): string[] => msg.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
/** Text objects (section, context, header, button) that Slack would reject as empty. */
const emptyTexts = (msg: SlackMessage): string[] => allStrings(msg.blocks).filter((s) => s.trim() === '');

describe('splitting long text', () => {
  it('never splits a surrogate pair: emoji or supplementary CJK abstracts without spaces stay intact', () => {
    for (const abstract of ['x' + '😀'.repeat(4000), '漢' + '𠮷'.repeat(4000), '漢字𠮷'.repeat(2000)]) {
      const msg = renderSlack(reply([{ kind: 'paper', paper: testCard(1, { abstract, snippet: undefined }) }]));
      expect(limitViolations(msg)).toEqual([]);
      for (const s of allStrings(msg.blocks)) {
        expect(s).not.toContain('\uFFFD');
        expect(LONE.test(s)).toBe(false);
      }
      // Split over several sections and nothing lost.
      const abstractSections = sectionTexts(msg).slice(1);
      expect(abstractSections.length).toBeGreaterThan(1);
      expect(abstractSections.join('') === abstract).toBe(true);
    }
  });

  it('never leaves a combining mark or joiner at the start of a piece', () => {
    const abstract = 'x' + 'e\u0301'.repeat(3000);
    const msg = renderSlack(reply([{ kind: 'paper', paper: testCard(1, { abstract, snippet: undefined }) }]));
    expect(limitViolations(msg)).toEqual([]);
    const pieces = sectionTexts(msg).slice(1);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p).toMatch(/^[^\p{M}]/u);
    expect(pieces.join('') === abstract).toBe(true);
    // A paragraph's long span is split the same way.
    const family = '👩‍👩‍👧'.repeat(700); // 5,600 code units, no spaces: two sections
    const para = renderSlack(reply([{ kind: 'paragraph', text: [{ kind: 'text', text: family }] }]));
    expect(limitViolations(para)).toEqual([]);
    for (const p of sectionTexts(para)) {
      expect(LONE.test(p)).toBe(false);
      expect(p.startsWith('\u200D')).toBe(false);
    }
    expect(sectionTexts(para).length).toBe(2);
    expect(sectionTexts(para).join('') === family).toBe(true);
  });

  it('safeCut moves a cut out of a pair, before marks and joiners, and keeps pairs whole in a run of marks', () => {
    expect(safeCut('a😀b', 2)).toBe(1);
    expect(safeCut('abe\u0301\u0302', 4)).toBe(2);
    expect(safeCut('ab👩\u200D👩', 5)).toBe(2);
    expect(safeCut('abc', 2)).toBe(2);
    // Nothing but marks after the first character: cut between marks rather than keep nothing.
    expect(safeCut('e' + '\u0301'.repeat(10), 6)).toBe(6);
  });
});

describe('long paragraphs', () => {
  it('a long paragraph that fits is still split between spans, losing nothing', () => {
    const spans: RichText = Array.from({ length: 400 }, (_, i) => (i % 2 ? { kind: 'mark', text: `kv${i}` } : { kind: 'text', text: ` word ${i} ` }));
    const msg = renderSlack(reply([{ kind: 'paragraph', text: spans }]));
    expect(limitViolations(msg)).toEqual([]);
    const joined = sectionTexts(msg).join('');
    expect(sectionTexts(msg).length).toBeGreaterThan(1);
    for (let i = 1; i < 400; i += 2) expect(joined).toContain(`*kv${i}*`);
  });
});

describe('no empty text objects', () => {
  it('a title and byline of invisible characters fall back to the paper id and are dropped', () => {
    const paper = { id: 'p-1', title: '\u202E', byline: '\uFEFF', links: [], highlights: [], actions: [] };
    const msg = renderSlack({ tone: 'ok', summary: 'x', blocks: [{ kind: 'paper', paper }] });
    expect(limitViolations(msg)).toEqual([]);
    expect(emptyTexts(msg)).toEqual([]);
    expect(sectionTexts(msg)[0]).toContain('p-1');
    expect(msg.blocks.some((b) => b.type === 'context')).toBe(false);
  });

  it('with a rank, a name and an abstract of invisible characters, still nothing empty', () => {
    const msg = renderSlack(
      reply([{ kind: 'paper', paper: testCard(3, { title: '\u2066\u0000', name: '\u202E', byline: '\u200E', abstract: '\uFEFF', snippet: undefined }) }]),
    );
    expect(limitViolations(msg)).toEqual([]);
    expect(emptyTexts(msg)).toEqual([]);
    expect(sectionTexts(msg)[0]).toBe('3. *paper-3*');
  });
});

describe('a cut abstract', () => {
  const abstract = 'We study long abstracts. '.repeat(480).trim(); // 12,000 characters
  const showCard = testCard(1, {
    rank: undefined,
    abstract,
    snippet: undefined,
    links: [{ url: 'https://arxiv.org/abs/2401.10001', kind: 'arxiv' }],
    actions: [
      { id: 'similar', label: 'Similar', command: 'similar paper-1' },
      { id: 'save', label: 'Save', command: 'save paper-1', personal: true },
    ],
  });
  const fields: Block = { kind: 'fields', fields: [{ label: 'Id', value: [{ kind: 'code', text: 'paper-1' }] }] };

  it('on its own show reply: fills the free room over several sections, keeps the fields, links the full text, no button repeating the reply', () => {
    const msg = renderSlack(reply([{ kind: 'paper', paper: showCard }, fields], { command: 'show paper-1' }));
    expect(limitViolations(msg)).toEqual([]);
    const abstractSections = sectionTexts(msg).slice(1, -1);
    expect(abstractSections.length).toBeGreaterThanOrEqual(3);
    expect(abstractSections.join('').length).toBeGreaterThan(8000);
    expect(abstract.startsWith(abstractSections[0] ?? 'x')).toBe(true);
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain('Abstract cut to fit Slack; read it in full on <https://arxiv.org/abs/2401.10001|arXiv>');
    expect(json).toContain('*Id*');
    expect(buttonsOf(msg.blocks).map((b) => b.text)).toEqual(['Similar', 'Save']);
    expect(buttonsOf(msg.blocks).some((b) => b.value === 'show paper-1')).toBe(false);
  });

  it('named by its short reference (show <ref>) or with no command (paper of the day): no Full abstract button either', () => {
    const byRef = renderSlack(reply([{ kind: 'paper', paper: { ...showCard, ref: 'SnapKV' } }], { command: 'show snapkv' }));
    const potd = renderSlack(
      reply(
        [
          { kind: 'heading', text: 'Paper of the day' },
          { kind: 'paper', paper: showCard },
          { kind: 'note', text: [{ kind: 'text', text: 'Posted daily' }] },
        ],
        { command: undefined },
      ),
    );
    for (const msg of [byRef, potd]) {
      expect(limitViolations(msg)).toEqual([]);
      expect(buttonsOf(msg.blocks).some((b) => b.text === 'Full abstract')).toBe(false);
      expect(JSON.stringify(msg.blocks)).toContain('read it in full on');
      expect(sectionTexts(msg).join('').length).toBeGreaterThan(8000);
    }
  });

  it('in a reply with little room left for it: a Full abstract button that shows it alone', () => {
    const blocks: Block[] = [
      { kind: 'paragraph', text: [{ kind: 'text', text: 'filler words '.repeat(500) }] },
      { kind: 'paper', paper: { ...showCard, ref: 'SnapKV' } },
    ];
    const msg = renderSlack(reply(blocks, { command: 'digest' }));
    expect(limitViolations(msg)).toEqual([]);
    const full = buttonsOf(msg.blocks).find((b) => b.text === 'Full abstract');
    expect(full?.value).toBe('show SnapKV');
    // The show reply it leads to holds clearly more of the abstract.
    const shownHere = sectionTexts(msg).slice(2).join('').length;
    const alone = renderSlack(reply([{ kind: 'paper', paper: { ...showCard, ref: 'SnapKV' } }, fields], { command: 'show SnapKV' }));
    expect(sectionTexts(alone).slice(1, -1).join('').length).toBeGreaterThan(shownHere + 1000);
  });

  it('an abstract that fits whole gets no cut note', () => {
    const msg = renderSlack(reply([{ kind: 'paper', paper: { ...showCard, abstract: abstract.slice(0, 5000) } }, fields], { command: 'show paper-1' }));
    expect(limitViolations(msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).not.toContain('cut to fit');
  });
});
