import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../src/corpus/generate.ts';
import { parseDailyPapers } from '../../src/parse/daily-papers.ts';

describe('synthetic corpus', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCorpus({ papers: 300, seed: 9, perFile: 100 });
    const b = generateCorpus({ papers: 300, seed: 9, perFile: 100 });
    const c = generateCorpus({ papers: 300, seed: 10, perFile: 100 });
    expect(a).toEqual(b);
    expect(a.map((f) => f.text).join()).not.toBe(c.map((f) => f.text).join());
    expect(a.map((f) => f.name)).toEqual(['2024-01-01.txt', '2024-01-02.txt', '2024-01-03.txt']);
  });

  it('parses back into exactly the requested papers, with names, code links and LaTeX cleaned', () => {
    const files = generateCorpus({ papers: 500, seed: 3, perFile: 200 });
    expect(files).toHaveLength(3);
    const parsed = files.map((f) => parseDailyPapers(f.text, f.name));
    const papers = parsed.flatMap((p) => p.papers);
    expect(parsed.flatMap((p) => p.problems)).toEqual([]);
    expect(papers).toHaveLength(500);
    expect(new Set(papers.map((p) => p.id)).size).toBe(500);
    expect(papers.filter((p) => p.name).length).toBeGreaterThan(100);
    expect(papers.filter((p) => p.links.some((l) => l.kind === 'code')).length).toBeGreaterThan(80);
    expect(files.some((f) => f.text.includes('\\%') && f.text.includes('$^{2}$'))).toBe(true);
    expect(papers.some((p) => p.abstract.includes('\\%'))).toBe(false);
    const words = papers[0]!.abstract.split(/\s+/).length;
    expect(words).toBeGreaterThan(150);
    expect(words).toBeLessThan(300);
  });

  it('handles zero papers', () => {
    expect(generateCorpus({ papers: 0, seed: 1 })).toEqual([]);
  });
});
