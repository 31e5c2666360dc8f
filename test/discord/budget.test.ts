/**
 * Cutting rich text to a budget: `richMd` never gets shorter as its budget grows (render.ts shares
 * the 6000-character embed budget between parts on that assumption), and no rendered reply ever
 * exceeds Discord's limits, also when its parts end exactly at a part's limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../adapters/discord/render.ts';
import { richMd } from '../../adapters/discord/rich.ts';
import { span, type Block, type Reply, type RichText } from '../../src/reply/reply.ts';
import { limitViolations } from './check-limits.ts';

const words = (n: number) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27) + 1).slice(0, n);

/** Text with the characters that markdown escaping expands, mentions, newlines and emoji. */
const tricky = fc.string({
  maxLength: 120,
  unit: fc.constantFrom('a', 'b', ' ', ' ', '*', '_', '`', '~', '|', '@', '<', '>', '#', '-', 'é', '😀', '\n', 'everyone', 'word '),
});
const spanArb = fc.oneof(
  tricky.map(span.text),
  tricky.map(span.strong),
  tricky.map(span.mark),
  tricky.map(span.code),
  fc.tuple(tricky, fc.webUrl()).map(([t, u]) => span.link(t, u)),
);
const richArb: fc.Arbitrary<RichText> = fc.array(spanArb, { minLength: 1, maxLength: 6 });

describe('richMd within a budget', () => {
  it('a span that ends exactly at the budget is not dropped when the next one does not fit', () => {
    const rich = [span.text(words(4096)), span.text(' (end)')];
    const at = richMd(rich, 4096);
    expect(at.length).toBeGreaterThan(4000);
    expect(at.length).toBeLessThanOrEqual(4096);
    expect(at.endsWith('…')).toBe(true);
    expect(at.length).toBeGreaterThanOrEqual(richMd(rich, 4095).length);
  });

  it('never exceeds the budget and never gets shorter as the budget grows', () => {
    fc.assert(
      fc.property(richArb, fc.boolean(), (rich, atLineStart) => {
        const full = richMd(rich, Number.POSITIVE_INFINITY, atLineStart);
        let previous = 0;
        for (let max = 0; max <= full.length + 2; max++) {
          const out = richMd(rich, max, atLineStart);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out.length, `max ${max}`).toBeGreaterThanOrEqual(previous);
          previous = out.length;
        }
        expect(previous).toBe(full.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rendered replies within the 6000-character embed total', () => {
  /** Spans sized at and around the description (4096) and field value (1024) limits. */
  const sized = fc
    .oneof(fc.integer({ min: 1015, max: 1030 }), fc.integer({ min: 4085, max: 4100 }), fc.integer({ min: 1, max: 3000 }))
    .map((n) => span.text(words(n)));
  const bigRich = fc.array(fc.oneof(sized, spanArb), { minLength: 1, maxLength: 3 });
  const block: fc.Arbitrary<Block> = fc.oneof(
    tricky.map((text) => ({ kind: 'heading' as const, text })),
    bigRich.map((text) => ({ kind: 'paragraph' as const, text })),
    bigRich.map((text) => ({ kind: 'note' as const, text })),
    fc.array(fc.record({ label: tricky, value: bigRich }), { maxLength: 8 }).map((fields) => ({ kind: 'fields' as const, fields })),
    fc.integer({ min: 1, max: 5000 }).map((n) => ({ kind: 'code' as const, text: words(n) })),
    fc.constant({ kind: 'divider' as const }),
  );

  it('a paragraph cut exactly at the 4096 description limit beside a 3800-character code embed stays within the 6000 total', () => {
    const reply: Reply = {
      tone: 'ok',
      summary: 's',
      blocks: [
        { kind: 'paragraph', text: [span.text(words(4096)), span.text(' (end)')] },
        { kind: 'code', text: 'x'.repeat(3800) },
      ],
    };
    expect(limitViolations(renderDiscord(reply))).toEqual([]);
  });

  it('a divider after a description that is one character short of the limit adds nothing past it', () => {
    const reply: Reply = { tone: 'ok', summary: 's', blocks: [{ kind: 'paragraph', text: [span.text(words(4095))] }, { kind: 'divider' }] };
    expect(limitViolations(renderDiscord(reply))).toEqual([]);
  });

  it('any reply with parts at the limits stays within every limit', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 8 }), (blocks) => {
        const reply: Reply = { tone: 'ok', summary: 'summary', blocks };
        expect(limitViolations(renderDiscord(reply))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
