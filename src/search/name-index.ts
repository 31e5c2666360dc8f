/**
 * Exact and prefix lookup of papers by id, name, alias and title, on folded keys
 * (`HPC-ColPali` = `hpc colpali` = `hpccolpali`, `E²GAN` = `e2gan`). Prefix lookup is a binary
 * search over sorted keys, so autocomplete stays fast at any corpus size.
 */
import type { Paper } from '../paper.ts';
import { foldKey, foldPhrase } from './fold.ts';

interface Entry {
  key: string;
  doc: number;
  /** 0 name, 1 alias, 2 title. */
  kind: 0 | 1 | 2;
}

function lowerBound(entries: readonly Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function addTo(map: Map<string, number[]>, key: string, doc: number): void {
  if (key.length === 0) return;
  const list = map.get(key);
  if (!list) map.set(key, [doc]);
  else if (!list.includes(doc)) list.push(doc);
}

export class NameIndex {
  readonly ids = new Map<string, number>();
  readonly names = new Map<string, number[]>();
  readonly aliases = new Map<string, number[]>();
  readonly titles = new Map<string, number[]>();
  /** Name and alias keys (folded, no spaces), sorted. */
  readonly #nameKeys: Entry[] = [];
  /** Title phrases (folded words separated by spaces), sorted. */
  readonly #titleKeys: Entry[] = [];

  constructor(papers: readonly Paper[]) {
    papers.forEach((p, doc) => {
      if (!this.ids.has(p.id)) this.ids.set(p.id, doc);
      if (p.name) {
        const k = foldKey(p.name);
        addTo(this.names, k, doc);
        if (k) this.#nameKeys.push({ key: k, doc, kind: 0 });
      }
      for (const a of p.aliases) {
        const k = foldKey(a);
        addTo(this.aliases, k, doc);
        if (k) this.#nameKeys.push({ key: k, doc, kind: 1 });
      }
      addTo(this.titles, foldKey(p.title), doc);
      const phrase = foldPhrase(p.title).replace(/\s+/g, ' ');
      if (phrase) this.#titleKeys.push({ key: phrase, doc, kind: 2 });
    });
    const byKey = (a: Entry, b: Entry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.doc - b.doc);
    this.#nameKeys.sort(byKey);
    this.#titleKeys.sort(byKey);
  }

  /**
   * Papers whose name/alias starts with the folded prefix, or whose title starts with the folded
   * phrase; exact names first, then names by length, then titles by length. At most `limit`.
   */
  prefix(text: string, limit: number): number[] {
    const key = foldKey(text);
    const phrase = foldPhrase(text).replace(/\s+/g, ' ');
    const found: Array<{ doc: number; rank: number }> = [];
    const scan = (entries: readonly Entry[], k: string, cap: number): void => {
      if (k.length === 0) return;
      for (let i = lowerBound(entries, k); i < entries.length && found.length < cap; i++) {
        const e = entries[i]!;
        if (!e.key.startsWith(k)) break;
        const exact = e.key === k;
        found.push({ doc: e.doc, rank: (exact ? 0 : 1000) + e.kind * 100 + Math.min(99, e.key.length - k.length) });
      }
    };
    const cap = Math.max(limit * 8, 64);
    scan(this.#nameKeys, key, cap);
    scan(this.#titleKeys, phrase, found.length + cap);
    found.sort((a, b) => a.rank - b.rank || a.doc - b.doc);
    const out: number[] = [];
    for (const f of found) {
      if (out.length >= limit) break;
      if (!out.includes(f.doc)) out.push(f.doc);
    }
    return out;
  }
}
