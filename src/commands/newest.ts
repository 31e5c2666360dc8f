import { isPageSource, type Paper } from '../papers/paper.ts';
import { hasLink } from '../search/cached-papers.ts';

/** Papers newest first, and where each stands in the list it came from. */
export interface NewestOrder {
  readonly papers: readonly Paper[];
  /** `index[j]`: the place of `papers[j]` in the list. */
  readonly index: Uint32Array;
}

/** The order by paper list: a list is one library snapshot (it never changes), and sorting a million papers takes a while. */
const orders = new WeakMap<readonly Paper[], NewestOrder>();

/**
 * Papers newest first: dated papers (HF listing or arXiv submission day) by date, most upvoted first
 * within a day; then page papers with the most recent page first (files later in load order are
 * newer), page order within a file. Stable otherwise.
 *
 * Computed once per list (a frozen array: copy it to reorder), with each paper's keys in typed
 * arrays, so `new`, `code`, filtered lists and every morning's digests do not sort the library
 * again: at a million papers a sort took about a second.
 */
export function newestFirst(papers: readonly Paper[]): readonly Paper[] {
  return newestOrder(papers).papers;
}

/** `newestFirst`, with each paper's place in `papers`. */
export function newestOrder(papers: readonly Paper[]): NewestOrder {
  const known = orders.get(papers);
  if (known) return known;
  const n = papers.length;
  const fileOrder = new Map<string, number>();
  const day = new Array<string | undefined>(n);
  const upvotes = new Float64Array(n);
  const file = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = papers[i]!;
    day[i] = p.published;
    upvotes[i] = p.upvotes ?? -1;
    const sources = p.sources;
    if (sources.length === 1 && !isPageSource(sources[0]!)) continue;
    let rank = 0;
    for (const s of sources) {
      if (!isPageSource(s)) continue;
      let at = fileOrder.get(s.file);
      if (at === undefined) fileOrder.set(s.file, (at = fileOrder.size));
      rank = Math.max(rank, at);
    }
    file[i] = rank;
  }
  // Stable sorts from the last key to the first (list order, file, votes, day), each a counting
  // sort over the key's distinct values: linear, so a new library snapshot is ordered in a few
  // milliseconds where a comparison sort of a million papers took about a second.
  let order: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order = descendingBy(order, file);
  order = descendingBy(order, upvotes);
  order = descendingBy(order, day);
  const list = new Array<Paper>(n);
  for (let j = 0; j < n; j++) list[j] = papers[order[j]!]!;
  const sorted: NewestOrder = { papers: Object.freeze(list), index: order };
  orders.set(papers, sorted);
  return sorted;
}

/** Papers with a code link, newest first, by paper list. */
const withCode = new WeakMap<readonly Paper[], readonly Paper[]>();

/** `newestFirst`, only the papers with a code link (computed once per list, as the order is). */
export function newestWithCode(papers: readonly Paper[]): readonly Paper[] {
  let list = withCode.get(papers);
  if (!list) withCode.set(papers, (list = Object.freeze(newestFirst(papers).filter((p) => hasLink(p, 'code')))));
  return list;
}

/**
 * The papers of a newest-first list that `keep` keeps. With `since` (a day that `keep` already
 * requires papers to be published on or after), the walk stops at the first paper older than it
 * or undated: in that order, every paper after it is too.
 */
export function keptNewest(newest: readonly Paper[], keep: ((p: Paper) => boolean) | undefined, since?: string): readonly Paper[] {
  if (!keep) return newest;
  const out: Paper[] = [];
  for (const p of newest) {
    if (since !== undefined && (p.published === undefined || p.published < since)) break;
    if (keep(p)) out.push(p);
  }
  return out;
}

/**
 * `order` stably sorted by `key` (of each list place), greatest first; undefined is below every
 * value (undated papers last). The same `order` when every key is alike.
 */
function descendingBy(order: Uint32Array, key: ArrayLike<number | string | undefined>): Uint32Array {
  // Each place's key as the order of its first appearance (one map lookup a place), then as its rank.
  const ids = new Map<number | string | undefined, number>();
  const ranks = new Uint32Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const k = key[i];
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    ranks[i] = id;
  }
  if (ids.size <= 1) return order;
  const values = [...ids.keys()];
  const byValue = values.map((_, id) => id).sort((x, y) => descending(values[x], values[y]));
  const rankOf = new Uint32Array(values.length);
  byValue.forEach((id, rank) => (rankOf[id] = rank));
  for (let i = 0; i < ranks.length; i++) ranks[i] = rankOf[ranks[i]!]!;
  const starts = new Uint32Array(values.length + 1);
  for (let i = 0; i < ranks.length; i++) starts[ranks[i]! + 1]!++;
  for (let r = 0; r < values.length; r++) starts[r + 1]! += starts[r]!;
  const out = new Uint32Array(order.length);
  for (const i of order) out[starts[ranks[i]!]!++] = i;
  return out;
}

/** Greatest first; undefined after every value. */
function descending(a: number | string | undefined, b: number | string | undefined): number {
  return a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? 1 : -1;
}
