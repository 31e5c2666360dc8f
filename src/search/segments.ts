/**
 * A search engine over several index segments: the set built at start-up plus small segments of
 * papers that arrived since, each built with the collection statistics of the segments before it
 * (see `GlobalStats`), so their scores can be merged. Each segment plans the query on its own
 * vocabulary, told the words the others have so that it never corrects one of them into a word of
 * its own (`knownElsewhere`). Papers superseded by a newer record (more
 * text, a new id) are hidden in their old segment. Immutable: the library builds a new one for
 * each change and swaps it in.
 */
import type { Paper } from '../papers/paper.ts';
import type { PaperboyEngine } from './engine.ts';
import type { GlobalStats } from './inverted-index.ts';
import { isApproximate, type Resolution, type SearchEngine, type SearchHit, type SearchOptions, type SearchResult, type SimilarHit } from './types.ts';

/** Global statistics of a list of segments, for building the next one. */
export function statsOf(segments: readonly PaperboyEngine[]): GlobalStats {
  const n = segments.reduce((a, s) => a + s.index.n, 0);
  const avgLens = [0, 1, 2].map((f) => (n === 0 ? 1 : segments.reduce((a, s) => a + (s.index.avgLens[f] ?? 0) * s.index.n, 0) / n));
  return { n, avgLens, df: (term) => segments.reduce((a, s) => a + s.termDf(term), 0) };
}

export class SegmentedEngine implements SearchEngine {
  /** Oldest (largest) first. */
  readonly segments: readonly PaperboyEngine[];
  readonly #hidden: ReadonlySet<Paper>;
  #papers: readonly Paper[] | undefined;

  /** `hidden`: paper objects of older segments that a newer segment replaces. */
  constructor(segments: readonly PaperboyEngine[], hidden: ReadonlySet<Paper> = new Set()) {
    if (segments.length === 0) throw new Error('a segmented engine needs at least one segment');
    this.segments = segments;
    this.#hidden = hidden;
  }

  get parts(): readonly (readonly Paper[])[] {
    return this.segments.map((s) => s.papers);
  }

  /** Every visible paper: the segments' papers in order, superseded records left out. */
  get papers(): readonly Paper[] {
    if (this.#papers) return this.#papers;
    if (this.#hidden.size === 0) return (this.#papers = ([] as Paper[]).concat(...this.segments.map((s) => s.papers)));
    const out: Paper[] = [];
    for (const s of this.segments) for (const p of s.papers) if (!this.#hidden.has(p)) out.push(p);
    return (this.#papers = out);
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const limit = Math.max(0, Math.floor(options.limit ?? 10));
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const hits: SearchHit[] = [];
    let total = 0;
    let loose = 0;
    let first: SearchResult | undefined;
    // A word some segment has is not corrected in the others (into a word of theirs, with its papers).
    const knownElsewhere = (term: string) => this.segments.some((s) => s.termDf(term) > 0);
    for (const s of this.segments) {
      // Ask each segment for one page's worth; when hidden records took places, ask again for more.
      const want = offset + limit;
      let k = want;
      let r = s.search(query, { ...options, knownElsewhere, offset: 0, limit: k });
      for (let round = 0; round < 4; round++) {
        const hiddenHits = r.hits.reduce((n, h) => n + (this.#hidden.has(h.paper) ? 1 : 0), 0);
        if (hiddenHits === 0 || r.hits.length - hiddenHits >= want || r.hits.length < k) break;
        k = want + 2 * hiddenHits;
        r = s.search(query, { ...options, knownElsewhere, offset: 0, limit: k });
      }
      first ??= r;
      loose += r.loose ?? 0;
      let hiddenHits = 0;
      for (const h of r.hits) {
        if (this.#hidden.has(h.paper)) hiddenHits++;
        else hits.push(h);
      }
      // Exact unless hidden records matched beyond the hits looked at (then a few too many).
      total += Math.max(0, r.total - hiddenHits);
    }
    // Newer segments win ties (stable sort keeps older ones first, so sort by score only).
    hits.sort((a, b) => b.score - a.score);
    const result: SearchResult = { hits: hits.slice(offset, offset + limit), total, terms: first!.terms };
    if (loose > 0) result.loose = Math.min(loose, total);
    // A correction from the large segment only makes sense when the new papers did not match either.
    if (first!.corrected !== undefined && total === first!.total) result.corrected = first!.corrected;
    if (first!.suggestion !== undefined && total === first!.total) result.suggestion = first!.suggestion;
    return result;
  }

  resolve(ref: string): Resolution {
    const byId = this.byId(typeof ref === 'string' ? ref.trim() : '');
    if (byId) return { kind: 'found', paper: byId, via: 'id' };
    const visible = (p: Paper) => !this.#hidden.has(p);
    // A direct find in any part answers without the others' corrections and fuzzy matching (a
    // name in the large part would otherwise cost each small part a typo search, and its typo
    // keys built, the first time).
    const direct: Extract<Resolution, { kind: 'found' }>[] = [];
    for (const s of [...this.segments].reverse()) {
      const r = s.resolveExact(ref);
      if (r && visible(r.paper)) direct.push(r);
    }
    if (direct.length === 1) return direct[0]!;
    if (direct.length > 1) return { kind: 'ambiguous', candidates: direct.map((r) => r.paper) };
    const results = [...this.segments].reverse().map((s) => s.resolve(ref));
    const exact = results.filter((r): r is Extract<Resolution, { kind: 'found' }> => r.kind === 'found' && !isApproximate(r) && visible(r.paper));
    if (exact.length === 1) return exact[0]!;
    if (exact.length > 1) return { kind: 'ambiguous', candidates: exact.map((r) => r.paper) };
    const candidates: Paper[] = [];
    const fuzzy = results.filter((r): r is Extract<Resolution, { kind: 'found' }> => r.kind === 'found' && visible(r.paper));
    for (const r of results) if (r.kind === 'ambiguous') candidates.push(...r.candidates.filter(visible));
    if (fuzzy.length === 1 && candidates.length === 0) return fuzzy[0]!;
    candidates.unshift(...fuzzy.map((r) => r.paper));
    if (candidates.length > 0) return { kind: 'ambiguous', candidates };
    const suggestions = results.flatMap((r) => (r.kind === 'none' ? r.suggestions.filter(visible) : [])).slice(0, 5);
    return { kind: 'none', suggestions };
  }

  similar(id: string, limit = 5): SimilarHit[] {
    const k = Math.max(0, Math.min(1000, Math.floor(limit)));
    const own = this.#segmentOf(id);
    if (!own || k === 0) return [];
    const vector = own.segment.termVector(own.paper.id);
    if (!vector) return [];
    const hits: SimilarHit[] = [];
    for (const s of this.segments) {
      for (const h of s.nearest(vector, s === own.segment ? own.paper.id : undefined, k + Math.min(this.#hidden.size, 50))) {
        if (!this.#hidden.has(h.paper) && h.paper.id !== own.paper.id) hits.push(h);
      }
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  complete(prefix: string, limit = 10): Paper[] {
    const out: Paper[] = [];
    const seen = new Set<string>();
    for (const s of [...this.segments].reverse()) {
      for (const p of s.complete(prefix, limit)) {
        if (out.length >= limit) return out;
        if (this.#hidden.has(p) || seen.has(p.id)) continue;
        seen.add(p.id);
        out.push(p);
      }
    }
    return out.slice(0, limit);
  }

  byId(id: string): Paper | undefined {
    return this.#segmentOf(id)?.paper;
  }

  /** The newest segment holding a visible paper with this id (or former id, or arXiv id). */
  #segmentOf(id: string): { segment: PaperboyEngine; paper: Paper } | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i]!;
      const paper = segment.byId(id);
      if (paper && !this.#hidden.has(paper)) return { segment, paper };
    }
    return undefined;
  }
}
