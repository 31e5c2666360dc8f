import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDailyPapers } from '../../src/parse/index.ts';
import type { PageSource } from '../../src/papers/paper.ts';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/pages/${name}`, import.meta.url)), 'utf8');

const TITLE = 'SnapKV: LLM Knows What You are Looking for Before Generation';
const ABSTRACT =
  'SnapKV compresses the KV cache by selecting important positions for each attention head. It reaches a 3.6x increase in generation speed and an 8.2x enhancement in memory efficiency.';

describe('malformed pages', () => {
  it('reports each odd chunk with its line and still loads the good ones in order', () => {
    const page = parseDailyPapers(fixture('malformed.txt'), 'malformed.txt');
    expect(page.date).toBe('Aug 9');
    expect(page.papers.map((p) => [p.name, (p.sources[0] as PageSource | undefined)?.line])).toEqual([
      ['GoodNet', 5],
      ['SecondGood', 11],
      ['ThirdGood', 21],
      ['FourthGood', 26],
    ]);
    expect(page.problems.map((p) => [p.file, p.line])).toEqual([
      ['malformed.txt', 9],
      ['malformed.txt', 15],
      ['malformed.txt', 17],
      ['malformed.txt', 24],
    ]);
    const [noAbstract, noTitle, threeLines, tooLong] = page.problems.map((p) => p.message);
    expect(noAbstract).toMatch(/title "Orphan Title Without Abstract" has no abstract/);
    expect(noTitle).toMatch(/abstract "This abstract has lost its title.*has no title before it/);
    expect(threeLines).toMatch(/chunk of 3 non-blank lines \(lines 17-19\)/);
    expect(tooLong).toMatch(/too long for a title \(433 characters\)/);
    // The good papers kept their own abstracts: nothing shifted after the damage.
    expect(page.papers[1]?.abstract).toMatch(/^This paper studies memory use/);
    expect(page.papers[2]?.abstract).toMatch(/^Here the title and the abstract are on consecutive lines/);
    expect(page.papers[3]?.abstract).toMatch(/no trailing newline/);
  });

  it('merges a paper repeated on one page and says so', () => {
    const page = parseDailyPapers(fixture('duplicate.txt'), 'duplicate.txt');
    expect(page.papers).toHaveLength(2);
    const dup = page.papers[0];
    expect(dup?.sources.map((s) => (s as PageSource).line)).toEqual([3, 11]);
    expect(dup?.abstract).toMatch(/longer abstract of the two/);
    expect(page.problems).toEqual([{ file: 'duplicate.txt', line: 11, message: 'paper "DupNet: Twice on One Page" repeats the one on line 3; merged' }]);
  });

  it('reports a page that has only chrome and a dangling title', () => {
    const page = parseDailyPapers(fixture('no-papers.txt'), 'no-papers.txt');
    expect(page.papers).toEqual([]);
    expect(page.problems).toEqual([{ file: 'no-papers.txt', line: 13, message: 'title "Only A Title Here" has no abstract after it; skipped' }]);
  });

  it('does not let a missing abstract shift the pairing of later papers', () => {
    const text = ['First Paper Title', '', 'Second: A Title', '', ABSTRACT, '', TITLE, '', ABSTRACT.replace('SnapKV', 'It')].join('\n');
    const page = parseDailyPapers(text, 'p.txt');
    expect(page.papers.map((p) => [p.title, (p.sources[0] as PageSource | undefined)?.line])).toEqual([
      ['Second: A Title', 3],
      [TITLE, 7],
    ]);
    expect(page.problems).toEqual([{ file: 'p.txt', line: 1, message: 'title "First Paper Title" has no abstract after it; skipped' }]);
  });

  it('accepts a title glued to its abstract but not two titles in one chunk', () => {
    const page = parseDailyPapers(`${TITLE}\n${ABSTRACT}\n\nTitle One\nTitle Two\n`, 'p.txt');
    expect(page.papers.map((p) => p.name)).toEqual(['SnapKV']);
    expect(page.problems).toEqual([{ file: 'p.txt', line: 4, message: expect.stringMatching(/chunk of 2 non-blank lines \(lines 4-5\)/) }]);
  });

  it('handles empty and whitespace-only text', () => {
    expect(parseDailyPapers('', 'e.txt')).toEqual({ papers: [], problems: [] });
    expect(parseDailyPapers('\n\r\n  \n\t', 'e.txt')).toEqual({ papers: [], problems: [] });
  });

  it('reports a pair whose title cleans to nothing', () => {
    const page = parseDailyPapers(`$ $\n\n${ABSTRACT}\n`, 'p.txt');
    expect(page.papers).toEqual([]);
    expect(page.problems[0]?.line).toBe(1);
    expect(page.problems[0]?.message).toMatch(/invalid.*title/);
  });
});

describe('format variants give identical output', () => {
  const base = readFileSync(fileURLToPath(new URL('../../data/daily-papers.txt', import.meta.url)), 'utf8');
  const reference = parseDailyPapers(base, 'f.txt');

  it.each([
    ['CRLF line ends', base.replace(/\n/g, '\r\n')],
    ['CR line ends', base.replace(/\n/g, '\r')],
    ['a BOM', `\uFEFF${base}`],
    ['trailing spaces and tabs', base.replace(/\n/g, ' \t \n')],
    ['a final newline', `${base}\n`],
    ['BOM + CRLF + trailing spaces + final newline', `\uFEFF${base.replace(/\n/g, '  \r\n')}\r\n`],
  ])('%s', (_label, text) => {
    expect(parseDailyPapers(text, 'f.txt')).toEqual(reference);
  });

  it('stray blank lines change only the line numbers', () => {
    const text = `\n\n${base.replace(/\n\n/g, '\n\n\n')}\n\n\n`;
    const page = parseDailyPapers(text, 'f.txt');
    expect(page.problems).toEqual([]);
    const strip = (p: (typeof reference.papers)[number]) => ({ ...p, sources: p.sources.map((s) => ({ ...s, line: 0 })) });
    expect(page.papers.map(strip)).toEqual(reference.papers.map(strip));
    // Line numbers still point at the title lines.
    const lines = text.split('\n');
    const baseLines = base.split('\n');
    page.papers.forEach((p, i) => {
      const ref = (reference.papers[i]?.sources[0] as PageSource | undefined)?.line ?? 0;
      expect(lines[((p.sources[0] as PageSource | undefined)?.line ?? 0) - 1]).toBe(baseLines[ref - 1]);
    });
  });
});
