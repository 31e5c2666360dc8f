import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaperSchema } from '../../src/papers/paper.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';
import type { PageSource } from '../../src/papers/paper.ts';

const TITLE = 'SnapKV: LLM Knows What You are Looking for Before Generation';
const ABSTRACT = 'SnapKV compresses the KV cache by selecting important positions for each attention head. It reaches a 3.6x increase in generation speed.';

/** Page-shaped text: a mix of real-looking lines, LaTeX bits, blanks and junk. */
const pageLine = fc.oneof(
  fc.constantFrom('', '', '', 'Daily Papers', 'Aug 8', 'new', TITLE, ABSTRACT, '\r', '\uFEFF', '$^{2}$', '\\prjname{', '}}', 'https://x.y/}.'),
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

describe('parseDailyPapers on arbitrary input', () => {
  it('never throws on arbitrary strings and always returns valid papers with in-range lines', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
        const page = parseDailyPapers(text, 'fuzz.txt');
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const p of page.papers) {
          expect(PaperSchema.safeParse(p).success).toBe(true);
          for (const s of p.sources) expect((s as PageSource).line).toBeLessThanOrEqual(lineCount);
        }
        for (const pr of page.problems) {
          expect(pr.line).toBeGreaterThanOrEqual(1);
          expect(pr.line).toBeLessThanOrEqual(lineCount);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on page-shaped text, and every title line maps to one paper', () => {
    fc.assert(
      fc.property(fc.array(pageLine, { maxLength: 60 }), (lines) => {
        const text = lines.join('\n');
        const page = parseDailyPapers(text, 'fuzz.txt');
        const ids = page.papers.map((p) => p.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of page.papers) expect(PaperSchema.safeParse(p).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.array(pageLine, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        expect(parseDailyPapers(text, 'a.txt')).toEqual(parseDailyPapers(text, 'a.txt'));
      }),
      { numRuns: 100 },
    );
  });
});
