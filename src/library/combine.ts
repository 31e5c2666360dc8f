import { mergePaper } from '../papers/merge.ts';
import type { Paper } from '../papers/paper.ts';
import { titleKey } from '../papers/title-key.ts';

/**
 * The paper set: stored feed papers (newest first) followed by page-file papers. A page paper whose
 * normalised title matches a stored paper is merged into it (the stored record first, so the
 * arXiv id stays the id and the page slug becomes a former id). Pure.
 */
export function combinePapers(stored: readonly Paper[], pages: readonly Paper[]): Paper[] {
  if (stored.length === 0) return [...pages];
  if (pages.length === 0) return [...stored];
  const byTitle = new Map<string, number>();
  const out = [...stored];
  out.forEach((p, i) => {
    const k = titleKey(p.title);
    if (!byTitle.has(k)) byTitle.set(k, i);
  });
  const rest: Paper[] = [];
  for (const p of pages) {
    const i = byTitle.get(titleKey(p.title));
    if (i === undefined) rest.push(p);
    else out[i] = mergePaper(out[i]!, p);
  }
  return [...out, ...rest];
}
