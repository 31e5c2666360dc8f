import type { Paper } from '../papers/paper.ts';
import type { RichText } from '../reply/reply.ts';

export interface SearchOptions {
  /** Only papers that have a code link. */
  codeOnly?: boolean;
  /** How many hits at most (after filtering). Default 10. */
  limit?: number;
  /** Skip this many hits first (paging). Default 0. */
  offset?: number;
  /** Keep only papers this accepts (`--since`, `--author`); `total` counts kept papers only. */
  filter?: (paper: Paper) => boolean;
  /**
   * Terms (analysed, as `termOf` makes them) that other papers of the library have, beside this
   * engine's (the other segments of a segmented library): a query word that is one of them is
   * never corrected here to a word this engine knows. Set by `SegmentedEngine`.
   */
  knownElsewhere?: (term: string) => boolean;
}

export interface SearchHit {
  paper: Paper;
  /** Relevance score; higher is better. Comparable only within one result list. */
  score: number;
  /** A short excerpt of title/abstract around the matched terms, terms as `mark` spans. */
  snippet: RichText;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Total matching papers before limit/offset. */
  total: number;
  /**
   * Of `total`, papers that match only some of the words (fewer than half), ranked in to fill a
   * short list rather than cut it. Absent when every paper matches enough of them.
   */
  loose?: number;
  /**
   * Set when the query has two words or more that papers have and no paper on this page has all
   * of them (`speculative decoding` where papers say only one or the other).
   */
  partial?: true;
  /** Words of the query that no paper has (even corrected), when the others found papers. */
  unmatched?: string[];
  /** Query terms after normalisation and expansion (for display and debugging). */
  terms: string[];
  /** The query with typo corrections applied, when a word was not in the vocabulary. */
  corrected?: string;
  /** A correction worth offering ("did you mean"): it finds clearly more or better papers. */
  suggestion?: string;
}

/** How a reference (`snapkv`, an id, a typo) resolved to papers. */
export type Resolution =
  | {
      kind: 'found';
      paper: Paper;
      /**
       * How the reference named the paper. `id`, `name`, `alias` and `title` are exact (a title, or
       * its part before or after a colon); `version` is a name plus a version suffix, the only
       * paper so named (`flashattention` when just FlashAttention-2 exists); `fuzzy` is a close
       * spelling, some words of a title or a fuzzy match. `version` and `fuzzy` are guesses, which
       * replies say (see `isApproximate`).
       */
      via: 'id' | 'name' | 'alias' | 'title' | 'version' | 'fuzzy';
      /** Papers a reader may have meant instead: versions of an exact name (FlashAttention-2 beside FlashAttention). */
      related?: Paper[];
      /** With a guess (`version`, `fuzzy`): the next closest papers, best first (at most a few). */
      alternatives?: Paper[];
    }
  | { kind: 'ambiguous'; candidates: Paper[] }
  | { kind: 'none'; suggestions: Paper[] };

/** Whether a reference named its paper only approximately (a close spelling, part of a title, a version): a guess to own up to. */
export function isApproximate(r: Resolution): boolean {
  return r.kind === 'found' && (r.via === 'fuzzy' || r.via === 'version');
}

export interface SimilarHit {
  paper: Paper;
  /** Cosine similarity in [0, 1]. */
  score: number;
}

/** The search core over one paper set. Pure in-memory; build once, query many times. */
export interface SearchEngine {
  readonly papers: readonly Paper[];
  /**
   * The paper lists `papers` is made of, each unchanged for as long as an engine serves it: the
   * papers indexed at start outlive many engines while new papers arrive in small lists beside
   * them, so what is computed once per list (an author index) is made once, not per engine. They
   * may also hold papers a newer record hides (not in `papers`).
   */
  readonly parts: readonly (readonly Paper[])[];
  search(query: string, options?: SearchOptions): SearchResult;
  resolve(ref: string): Resolution;
  similar(id: string, limit?: number): SimilarHit[];
  /** Autocomplete for paper references (names, aliases, titles): best first, at most `limit`. */
  complete(prefix: string, limit?: number): Paper[];
  byId(id: string): Paper | undefined;
}
