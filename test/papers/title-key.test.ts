import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { titleKey } from '../../src/papers/title-key.ts';

const DASHES = ['-', '‐', '‑', '‒', '–', '—', '―', '−', '--', '---', ' - ', ' – '];
const SPACES = [' ', '  ', '\t', '\n', '\u00a0', ' \u2009 ', '\u3000'];

/** Plain words (lowercase letters and digits), the part of a title a key must keep. */
const plainWord = fc.stringMatching(/^[a-z0-9]{1,10}$/);
const plainWords = fc.array(plainWord, { minLength: 1, maxLength: 8 });
/** Title-ish words: mixed case, accents, digits, superscripts. */
const titleWord = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éüçøÅßαβ²³'.split('')), {
    minLength: 1,
    maxLength: 10,
  })
  .map((chars) => chars.join(''));
const titleWords = fc.array(titleWord, { minLength: 1, maxLength: 8 });

describe('titleKey examples', () => {
  it('folds superscripts and LaTeX superscripts to plain digits', () => {
    const key = 'e2gan efficient training of efficient gans for image to image translation';
    expect(titleKey('E²GAN: Efficient Training of Efficient GANs for Image-to-Image Translation')).toBe(key);
    expect(titleKey('E$^{2}$GAN: Efficient Training of Efficient GANs for Image-to-Image Translation')).toBe(key);
    expect(titleKey('E^2GAN: Efficient Training of Efficient GANs for Image-to-Image Translation.')).toBe(key);
    expect(titleKey('E2GAN: efficient training of efficient GANs for image–to–image translation')).toBe(key);
  });

  it('removes LaTeX commands, braces and escapes but keeps their text', () => {
    expect(titleKey('\\textbf{SnapKV}: {LLM} Knows What You are Looking for Before Generation')).toBe(
      'snapkv llm knows what you are looking for before generation',
    );
    expect(titleKey('\\emph{Fast} \\& \\textit{Accurate}: 50\\% Fewer FLOPs')).toBe('fast and accurate 50 fewer flops');
    expect(titleKey('$\\alpha$-Blend: \\mathcal{O}(n) Mixing')).toBe(titleKey('α-Blend: O(n) Mixing'));
    expect(titleKey('Up to 4$\\times$ Faster')).toBe(titleKey('Up to 4× faster'));
    expect(titleKey('Up to 4× Faster')).toBe('up to 4x faster');
    expect(titleKey('Schr\\"{o}dinger\'s Bridge, \\\'Etude~and Na\\"ive Bayes')).toBe('schrodinger s bridge etude and naive bayes');
  });

  it('strips accents and folds compatibility forms', () => {
    expect(titleKey('Schrödinger’s Café — “Naïve” Résumé')).toBe('schrodinger s cafe naive resume');
    expect(titleKey('Straße Øresund Łódź')).toBe(titleKey('STRASSE oresund lodz'));
    expect(titleKey('ﬁne-tuning ＦＵＬＬ　ｗｉｄｔｈ')).toBe('fine tuning full width');
    expect(titleKey('İstanbul')).toBe('istanbul');
  });

  it('treats dashes, quotes, punctuation and & uniformly', () => {
    expect(titleKey('Q&A: "Don\'t" Stop — Pre-training!')).toBe('q and a don t stop pre training');
    expect(titleKey('Q & A: ‘Don’t’ stop – pre‑training')).toBe('q and a don t stop pre training');
    expect(titleKey('Tom &amp; Jerry&#39;s')).toBe('tom and jerry s');
    expect(titleKey('Scaling Laws for Data Filtering – Data Curation cannot be Compute Agnostic')).toBe(
      'scaling laws for data filtering data curation cannot be compute agnostic',
    );
  });

  it('ignores a trailing period and surrounding whitespace', () => {
    expect(titleKey('  Attention Is All You Need.  ')).toBe('attention is all you need');
    expect(titleKey('')).toBe('');
    expect(titleKey(' .-– ')).toBe('');
  });

  it('keeps different titles apart', () => {
    const distinct = [
      'GPT-4 Technical Report',
      'GPT-4o Technical Report',
      'GPT 4 Technical Reports',
      'LLM in a flash',
      'LLM in a flash 2',
      'LLMs in a flash',
      'FlashAttention',
      'FlashAttention-2',
      'Swift4D',
      'Swift3D',
      'E²GAN',
      'EGAN',
      'E3GAN',
    ];
    expect(new Set(distinct.map(titleKey)).size).toBe(distinct.length);
  });
});

describe('titleKey on the built-in titles', () => {
  it('gives every built-in title its own key, stable under source-style variations', async () => {
    const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
    expect(papers.length).toBeGreaterThan(100);
    const keys = papers.map((p) => titleKey(p.title));
    expect(new Set(keys).size).toBe(papers.length);
    for (const [i, paper] of papers.entries()) {
      const key = keys[i] as string;
      expect(key, paper.title).toMatch(/^[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*$/u);
      const variants = [
        paper.title.toUpperCase(),
        paper.title.toLowerCase(),
        `${paper.title}.`,
        ` ${paper.title.replaceAll(' ', '   ')} `,
        paper.title.replaceAll('-', '–'),
        paper.title.replaceAll('²', '$^{2}$'),
        paper.title.replaceAll(':', ' \\textemdash{} '),
      ];
      for (const variant of variants) expect(titleKey(variant), variant).toBe(key);
    }
  });
});

describe('titleKey properties', () => {
  it('is idempotent on arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const key = titleKey(s);
        expect(titleKey(key)).toBe(key);
      }),
      { numRuns: 3000 },
    );
  });

  it('produces lowercase words separated by single spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const key = titleKey(s);
        expect(key).toBe(key.trim());
        expect(key).not.toMatch(/ {2}/);
        expect(key).not.toMatch(/[^\p{L}\p{M}\p{N} ]/u);
        expect(key.toUpperCase().toLowerCase()).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it('is insensitive to case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(titleKey(s.toUpperCase())).toBe(titleKey(s.toLowerCase()));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(titleWords, fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }), (words, flips) => {
        const title = words.join(' ');
        const mixed = [...title].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
        expect(titleKey(mixed)).toBe(titleKey(title));
      }),
    );
  });

  it('is insensitive to extra whitespace and to the kind of dash', () => {
    fc.assert(
      fc.property(
        titleWords,
        fc.array(fc.constantFrom(...SPACES), { minLength: 8, maxLength: 8 }),
        fc.array(fc.constantFrom(...DASHES), { minLength: 8, maxLength: 8 }),
        fc.constantFrom(...SPACES),
        (words, spaces, dashes, pad) => {
          const plain = titleKey(words.join(' '));
          const spaced = pad + words.map((w, i) => (i === 0 ? w : (spaces[i % 8] as string) + w)).join('') + pad;
          expect(titleKey(spaced)).toBe(plain);
          const hyphenated = titleKey(words.join('-'));
          const dashed = words.map((w, i) => (i === 0 ? w : (dashes[i % 8] as string) + w)).join('');
          expect(titleKey(dashed)).toBe(hyphenated);
          expect(hyphenated).toBe(plain);
        },
      ),
    );
  });

  it('keeps every plain word in order, so different word lists never collide', () => {
    fc.assert(
      fc.property(plainWords, (words) => {
        expect(titleKey(words.join(' '))).toBe(words.join(' '));
        expect(titleKey(`${words.join(': ')}.`)).toBe(words.join(' '));
      }),
    );
    fc.assert(
      fc.property(plainWords, plainWords, (a, b) => {
        fc.pre(a.join(' ') !== b.join(' '));
        expect(titleKey(a.join(' '))).not.toBe(titleKey(b.join(' ')));
      }),
    );
  });

  it('ignores a trailing period', () => {
    fc.assert(
      fc.property(titleWords, (words) => {
        const title = words.join(' ');
        expect(titleKey(`${title}.`)).toBe(titleKey(title));
      }),
    );
  });
});
