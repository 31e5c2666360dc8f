import { paperCard, resultRow } from '../reply/cards.ts';
import { span, type Block, type Reply, type RichText } from '../reply/reply.ts';
import type { Paper } from '../papers/paper.ts';
import { ALERT_PAPERS, type Watch } from './watch.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `“kv cache” by “Tri Dao”`, `papers by “Tri Dao”`: what a watch looks for, for headings and lists. */
export function describeWatch(w: Pick<Watch, 'query' | 'author'>): string {
  const q = w.query.trim();
  if (!q) return `papers by “${w.author ?? ''}”`;
  // Phrases keep their quotes (curly), and then the words around them go unquoted: `“kv cache” compression`.
  let open = true;
  const words = q.includes('"')
    ? q.replace(/"/g, () => {
        open = !open;
        return open ? '”' : '“';
      })
    : `“${q}”`;
  return `${words}${w.author ? ` by “${w.author}”` : ''}`;
}

/** The command that lists the papers of one alert, page `page` (the "and N more" button). */
export function alertPageCommand(watchId: string, alertId: number, page: number): string {
  return `watch matches ${watchId} --alert ${alertId}${page > 1 ? ` --page ${page}` : ''}`;
}

/** How buttons name a paper (`show <ref>`); default its id. */
export type PaperRefFn = (paper: Paper) => string;

/**
 * One alert: a heading naming the watch, the first `ALERT_PAPERS` papers as cards, then "and N
 * more" with a button that lists the rest (`watch matches <id> --alert <n> --page 2`). `papers` are
 * the alert's papers in order; their count is the alert's size.
 */
export function alertPost(watch: Watch, alertId: number, papers: readonly Paper[], ref?: PaperRefFn): Reply {
  const shown = papers.slice(0, ALERT_PAPERS);
  const more = papers.length - shown.length;
  const what = describeWatch(watch);
  const heading = `New ${papers.length === 1 ? 'paper' : 'papers'}: ${what}`;
  const note: RichText = [
    span.text(`${watch.personal ? 'Your watch' : 'Watch'} `),
    span.code(watch.id),
    span.text(` · ${plural(papers.length, 'new paper')} · `),
    span.code(`watch pause ${watch.id}`),
    span.text(' stops these'),
  ];
  const blocks: Block[] = [
    { kind: 'heading', text: heading },
    { kind: 'note', text: note },
    ...shown.map((p, i): Block => ({ kind: 'paper', paper: paperCard(p, { rank: i + 1, ...(ref ? { ref: ref(p) } : {}) }) })),
  ];
  if (more > 0) {
    blocks.push({ kind: 'paragraph', text: [span.text(`and ${more} more.`)] });
    blocks.push({
      kind: 'actions',
      actions: [{ id: `watch-more:${alertId}`, label: `Show the other ${more}`, command: alertPageCommand(watch.id, alertId, 2), style: 'primary' }],
    });
  }
  return {
    tone: 'ok',
    summary: `${heading} (${plural(papers.length, 'paper')}${more > 0 ? `, ${more} more behind the button` : ''})`,
    blocks,
    data: { type: 'results', query: watch.query, results: shown.map((p) => resultRow(p, 1)) },
  };
}
