/**
 * Exact and prefix lookup of papers by id, name, alias and title, on folded keys
 * (`HPC-ColPali` = `hpc colpali` = `hpccolpali`, `E²GAN` = `e2gan`). Prefix lookup is a binary
 * search over sorted keys, so autocomplete stays fast at any corpus size.
 */
import { slugify } from '../parse/slug.ts';
import type { Paper } from '../papers/paper.ts';
import { foldKey, foldPhrase } from './fold.ts';
import { KeyTable, type KeyLookup, type KeyPlaces } from './key-table.ts';

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

/** A map from folded key to papers; single papers are stored as a number (most keys are unique). */
export class KeyMap implements KeyPlaces {
  readonly #map = new Map<string, number | number[]>();

  add(key: string, doc: number): void {
    if (key.length === 0) return;
    const prev = this.#map.get(key);
    if (prev === undefined) this.#map.set(key, doc);
    else if (typeof prev === 'number') {
      if (prev !== doc) this.#map.set(key, [prev, doc]);
    } else if (!prev.includes(doc)) prev.push(doc);
  }

  /** Papers under `key` (a fresh array). */
  get(key: string): number[] {
    const v = this.#map.get(key);
    return v === undefined ? [] : typeof v === 'number' ? [v] : [...v];
  }
}

/**
 * What an index cache file holds for the name index, so a restart does not read every paper's id
 * (at a million papers, a second and a million strings).
 */
export interface StoredNames {
  /** Each paper's id to the paper (the first, for an id given twice). */
  ids: KeyLookup;
  /** Each folded short name (`foldKey`) to its papers. */
  names: KeyPlaces;
  /** The papers with more to index than their id and name: aliases, former ids or an arXiv id other than the id. */
  others: readonly number[];
}

export class NameIndex {
  /** Ids, former ids (a page slug before the arXiv id was known) and arXiv ids, to documents (the first paper for a key given twice). */
  readonly ids: KeyLookup;
  #titleSlugs: Map<string, number> | undefined;
  /** Folded short names to papers. */
  readonly names: KeyPlaces;
  readonly aliases = new KeyMap();
  readonly #papers: readonly Paper[];
  #sorted: { names: Entry[]; titles: Entry[] } | undefined;

  /** Over `papers`; with `stored` (a cache file's papers), only its `others` are read. */
  constructor(papers: readonly Paper[], stored?: StoredNames) {
    this.#papers = papers;
    const ids = new KeyTable(stored ? stored.others.length : papers.length);
    const names = stored ? undefined : new KeyMap();
    // Each field read once: a paper of a cache file makes the value when read.
    const add = (p: Paper, doc: number): void => {
      const id = p.id;
      if (!stored) ids.add(id, doc);
      for (const f of p.formerIds ?? []) ids.add(f, doc);
      const arxivId = p.arxivId;
      if (arxivId && arxivId !== id) ids.add(arxivId, doc);
      const name = names && p.name;
      if (name) names.add(foldKey(name), doc);
      for (const a of p.aliases) this.aliases.add(foldKey(a), doc);
    };
    if (!stored) {
      papers.forEach((p, doc) => add(p, doc));
      this.ids = ids;
      this.names = names!;
      return;
    }
    this.names = stored.names;
    for (const doc of stored.others) add(papers[doc]!, doc);
    // The first paper for a key, as when every paper's keys are added in order: the lower of the two.
    const byId = stored.ids;
    this.ids =
      ids.size === 0
        ? byId
        : {
            get(key: string): number | undefined {
              const a = byId.get(key);
              const b = ids.get(key);
              return a === undefined ? b : b === undefined ? a : Math.min(a, b);
            },
          };
  }

  /**
   * Title slugs of papers whose id is not their title's slug (arXiv-id papers), for exact titles.
   * Built on first use: slugging every title costs ~0.2 s at 100,000 papers, and most runs never ask.
   */
  get titleSlugs(): ReadonlyMap<string, number> {
    if (this.#titleSlugs) return this.#titleSlugs;
    const map = new Map<string, number>();
    this.#papers.forEach((p, doc) => {
      if (!p.arxivId) return;
      const slug = slugify(p.title);
      if (slug !== p.id && !map.has(slug)) map.set(slug, doc);
    });
    return (this.#titleSlugs = map);
  }

  /** Sorted name/alias keys and title phrases, built on first use (autocomplete only). */
  #prefixArrays(): { names: Entry[]; titles: Entry[] } {
    if (this.#sorted) return this.#sorted;
    const names: Entry[] = [];
    const titles: Entry[] = [];
    this.#papers.forEach((p, doc) => {
      if (p.name) {
        const k = foldKey(p.name);
        if (k) names.push({ key: k, doc, kind: 0 });
      }
      for (const a of p.aliases) {
        const k = foldKey(a);
        if (k) names.push({ key: k, doc, kind: 1 });
      }
      const phrase = foldPhrase(p.title);
      if (phrase) titles.push({ key: phrase, doc, kind: 2 });
    });
    const byKey = (a: Entry, b: Entry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.doc - b.doc);
    names.sort(byKey);
    titles.sort(byKey);
    return (this.#sorted = { names, titles });
  }

  /**
   * Papers whose name/alias starts with the folded prefix, or whose title starts with the folded
   * phrase; exact names first, then names by length, then titles by length. At most `limit`.
   */
  prefix(text: string, limit: number): number[] {
    const key = foldKey(text);
    const phrase = foldPhrase(text);
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
    const sorted = this.#prefixArrays();
    scan(sorted.names, key, cap);
    scan(sorted.titles, phrase, found.length + cap);
    found.sort((a, b) => a.rank - b.rank || a.doc - b.doc);
    const out: number[] = [];
    for (const f of found) {
      if (out.length >= limit) break;
      if (!out.includes(f.doc)) out.push(f.doc);
    }
    return out;
  }
}
