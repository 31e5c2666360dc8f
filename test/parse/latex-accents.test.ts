import { describe, expect, it } from 'vitest';
import { latexAccents } from '../../src/parse/latex-accents.ts';
import { cleanLatex } from '../../src/parse/latex.ts';

describe('latexAccents', () => {
  it.each([
    ["Bal\\'azs", 'Balázs'],
    ['M\\"uller', 'Müller'],
    ['M\\"{u}ller', 'Müller'],
    ['Erd\\H{o}s', 'Erdős'],
    ['{\\AA}str\\"om', 'Åström'],
    ['Gro{\\ss}e', 'Große'],
    ['\\v{C}ech', 'Čech'],
    ['\\v Zitnik', 'Žitnik'],
    ["Garc{\\'\\i}a", 'García'],
    ['Fran\\c{c}ois', 'François'],
    ['\\L{}ukasz', 'Łukasz'],
    ['Bj{\\o}rn', 'Bjørn'],
    ["{\\'E}cole", 'École'],
    ['Ma\\~nas', 'Mañas'],
    ['Ko\\c{c}', 'Koç'],
    ['\\`a la', 'à la'],
  ])('%s -> %s', (latex, unicode) => {
    expect(latexAccents(latex)).toBe(unicode);
  });

  it('leaves other commands and plain text as they are', () => {
    for (const text of ['a \\cite{x} b', '\\textbf{x}', '\\url{https://x.org}', '$\\omega \\in \\Omega$', '\\log n', 'plain text']) {
      expect(latexAccents(text)).toBe(text);
    }
  });

  it('gives composed (NFC) letters, so names compare equal to typed ones', () => {
    expect(latexAccents("\\'e")).toBe('\u00e9');
    expect(latexAccents("\\'e").length).toBe(1);
  });

  it('runs inside cleanLatex: names and titles from arXiv come out readable', () => {
    expect(cleanLatex('Schr\\"odinger bridges for {\\O}stergaard')).toBe('Schrödinger bridges for Østergaard');
  });
});
