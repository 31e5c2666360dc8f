/**
 * Synthetic Daily Papers page text for performance checks: `count` papers whose abstracts are the
 * built-in page's real abstracts (so LaTeX, URLs and claims occur at their natural rate), each under
 * a unique title, with ~200 words.
 */
export function syntheticPage(realPage: string, count: number): string {
  const lines = realPage.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const abstracts = lines.filter((l) => l.length > 400);
  const parts: string[] = ['Daily Papers', '', 'Aug 8', ''];
  for (let i = 0; i < count; i++) {
    const abs = abstracts[i % abstracts.length] ?? 'empty';
    parts.push(`Paper${i}Net: Efficient Synthetic Model Number ${i} for Benchmarks`, '', abs, '');
  }
  return parts.join('\n');
}
