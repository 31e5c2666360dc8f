/**
 * Paperboy's search engine: BM25F over an own inverted index, with synonyms, compound folding,
 * typo correction, snippets, reference resolution, similar papers and autocomplete.
 */
import type { Paper } from '../papers/paper.ts';
import { forEachTerm } from './analyze.ts';
import { Corrector } from './correct.ts';
import { foldPhrase } from './fold.ts';
import { bm25f, buildIndex, FIELD_COUNT, idf, paperFields, postingsOf, type GlobalStats, type IndexData } from './inverted-index.ts';
import { NameIndex, type StoredNames } from './name-index.ts';
import { planQuery, type QueryPlan, type Vocabulary } from './query.ts';
import { MaxScoreRanker } from './maxscore.ts';
import { findPosting } from './postings.ts';
import { Ranker, type Ranked } from './rank.ts';
import { containsPhrases, phraseText, quotedPhrases } from './phrase.ts';
import { Resolver } from './resolver.ts';
import { KeyTable, SlotTable, type KeyLookup } from './key-table.ts';
import { makeSnippet } from './snippet.ts';
import { RERANK, Reranker, type RerankSettings } from './rerank.ts';
import type { PaperTerms } from './paper-terms.ts';
import { neededClauses } from './query.ts';
import type { Resolution, SearchEngine, SearchHit, SearchOptions, SearchResult, SimilarHit } from './types.ts';

export interface SearchEngineOptions {
  /** Statistics of the segments this engine is added beside (see `GlobalStats`). */
  global?: GlobalStats;
  /** A prebuilt index for exactly these papers (from the on-disk cache). Built when absent. */
  index?: IndexData;
  /**
   * Prebuilt typo-correction keys for that index (see correct.ts), or how to read them (called when
   * a query first needs them). Built on first use when absent.
   */
  correctionKeys?: Float64Array | (() => Float64Array);
  /** Each paper's terms for the second stage, stored with that index; computed from the text when absent. */
  paperTerms?: (doc: number) => PaperTerms;
  /** The name index's ids, stored with those papers (see `StoredNames`); built from the papers when absent. */
  names?: StoredNames;
}

/** The engine with its index exposed (for caching and benchmarks). */
export type PaperboyEngine = SearchEngine & {
  readonly index: IndexData;
  /** The query plan for a text (tests, diagnostics). */
  readonly plan: (query: string) => QueryPlan;
  /** The typo-correction keys (built now if they were not yet). */
  correctionKeys(): Float64Array;
  /** Document frequency of a stemmed term (0 when unknown): global statistics for new segments. */
  termDf(term: string): number;
  /** A paper's strongest weighted terms (the `similar` query vector), or undefined for an unknown id. */
  termVector(id: string): { terms: string[]; weights: number[]; norm: number } | undefined;
  /** Second-stage ranking settings (see rerank.ts); tests and tuning may swap them. */
  rerankSettings: RerankSettings;
  /** What the second stage reads of paper `doc` (stored, or computed from its text). */
  paperTerms(doc: number): PaperTerms;
  /** The same for every paper in turn (writing the index cache): faster, nothing kept. */
  allPaperTerms(): (doc: number) => PaperTerms;
  /**
   * What `resolve` answers when that is a direct find (id, arXiv id, name, alias, exact title), else
   * undefined: no correction or fuzzy match is tried (see `Resolver.resolveExact`).
   */
  resolveExact(ref: string): Extract<Resolution, { kind: 'found' }> | undefined;
  /** Papers nearest to a term vector, skipping paper `skipId`: cosine-like scores in [0, 1]. */
  nearest(vector: { terms: readonly string[]; weights: readonly number[]; norm: number }, skipId: string | undefined, k: number): SimilarHit[];
};

/** Most terms of a paper used as the query vector for `similar` (its highest-weighted ones). */
export const SIMILAR_QUERY_TERMS = 64;
const MAX_LIMIT = 1000;
/** Papers below the clause requirement may fill a result list up to this many. */
const FILL = 10;

function clampInt(v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined || !Number.isFinite(v)) return def;
  return Math.min(max, Math.max(min, Math.floor(v)));
}

class Engine implements SearchEngine {
  readonly papers: readonly Paper[];
  readonly index: IndexData;
  readonly #termIds: KeyLookup;
  readonly #ranker: Ranker;
  readonly #maxscore: MaxScoreRanker;
  readonly #names: NameIndex;
  readonly #resolver: Resolver;
  #corrector: Corrector | undefined;
  readonly #vocab: Vocabulary;
  readonly #correctionKeys: Float64Array | (() => Float64Array) | undefined;
  readonly #reranker: Reranker;
  /** Second-stage settings (tests and tuning may swap them). */
  rerankSettings: RerankSettings = RERANK;

  get parts(): readonly (readonly Paper[])[] {
    return [this.papers];
  }

  constructor(papers: readonly Paper[], index: IndexData, options: SearchEngineOptions) {
    const { correctionKeys, paperTerms } = options;
    this.#correctionKeys = correctionKeys;
    if (index.n !== papers.length) throw new Error(`index is for ${index.n} papers, got ${papers.length}`);
    this.papers = papers;
    this.index = index;
    // A cache file's table is read; an index built here has its table built.
    this.#termIds = index.termSlots ? new SlotTable(index.termSlots, (t) => index.terms[t]!) : KeyTable.over(index.terms);
    this.#ranker = new Ranker(index);
    this.#maxscore = new MaxScoreRanker(index);
    this.#reranker = new Reranker(index, papers, this.#termIds, paperTerms);
    this.#names = new NameIndex(papers, options.names);
    this.#resolver = new Resolver({
      papers,
      names: this.#names,
      searchDocs: (text, limit) => this.#rank(this.#plan(text), limit).top.map((h) => h.doc),
      correct: (text) => this.#plan(text).corrected,
    });
    this.#vocab = {
      id: (t) => this.#termIds.get(t),
      df: (id) => index.df[id]!,
      term: (id) => index.terms[id]!,
      surface: (id) => index.surfaces[id]!,
      corrector: () => this.#correctorNow(),
    };
    this.plan = (query) => planQuery(query, this.#vocab);
  }

  /** The query plan for a text (exposed for tests and diagnostics). */
  readonly plan: (query: string) => QueryPlan;

  correctionKeys(): Float64Array {
    return this.#correctorNow().keys;
  }

  #correctorNow(): Corrector {
    if (this.#corrector) return this.#corrector;
    const keys = typeof this.#correctionKeys === 'function' ? this.#correctionKeys() : this.#correctionKeys;
    return (this.#corrector = new Corrector(this.index.terms, this.index.surfaces, this.index.df, keys));
  }

  paperTerms(doc: number): PaperTerms {
    return this.#reranker.terms(doc);
  }

  allPaperTerms(): (doc: number) => PaperTerms {
    return this.#reranker.allTerms();
  }

  #plan(query: string): QueryPlan {
    return planQuery(query, this.#vocab);
  }

  /**
   * Exact top k and total, by MaxScore (skips papers that cannot reach the top k). Scoring every
   * posting was used when a plan's postings passed twice the papers; with MaxScore's bounds from
   * each list's seeds it is faster there too (at a million papers, the bench's three such queries:
   * 1.6-1.9 ms against 15-16 ms).
   */
  #rank(plan: QueryPlan, k: number, codeOnly = false): Ranked {
    return this.#maxscore.rank(plan, k, codeOnly);
  }

  /**
   * The second stage (see rerank.ts): the first stage's best `depth` papers, plus papers that
   * match fewer of the words (when the first stage found too few to fill a page) and papers like
   * the best ones (pseudo-relevance feedback), scored again with weighted coverage, proximity and
   * feedback similarity. Papers below the first stage's clause requirement are added only to fill
   * a page, and are counted in `total`. Papers past `depth` keep their first-stage order.
   */
  #rerank(plan: QueryPlan, first: Ranked, stage: (p: QueryPlan, k: number) => Ranked, keep: ((doc: number) => boolean) | undefined): Ranked {
    const cfg = this.rerankSettings;
    // One word has no pairs to bring together and nothing to fill: BM25F alone ranks it as well.
    if (plan.clauses < 2) return first;
    const head = first.top.slice(0, cfg.depth);
    const strong = new Set(head.map((h) => h.doc));
    const weak = new Set<number>();
    const need = neededClauses(plan);
    // Only queries of three words or more (descriptions, questions) reach past the requirement:
    // one or two words are what the user wants to see, not papers near them.
    const room = need > 1 ? Math.max(0, FILL - first.total) : 0;
    if (room > 0) for (const h of stage({ ...plan, minClauses: 1 }, cfg.depth).top) if (!strong.has(h.doc)) weak.add(h.doc);
    const rr = this.#reranker;
    const feedback =
      cfg.feedbackDocs > 0 && plan.clauses >= cfg.feedbackMinWords && head.length > 0
        ? rr.expansion(plan, head.slice(0, cfg.feedbackDocs), cfg.feedbackTerms, cfg.feedbackMaxDf)
        : undefined;
    if (feedback && room > 0) {
      for (const h of this.#ranker.dot(feedback.ids, feedback.weights, -1, cfg.depth)) if (!strong.has(h.doc) && (!keep || keep(h.doc))) weak.add(h.doc);
    }
    const shape = rr.prepare(plan);
    const top = head[0]?.score ?? 0;
    // Cheap features for every candidate; proximity and title (which read the paper's text) only
    // for the best `closeDepth` of them, the only places they can still reorder.
    const base = (doc: number, weakOne: boolean) => {
      const m = rr.match(plan, doc);
      const lexical = m.acc * Reranker.coverage(m.mask, plan, shape.weights) ** cfg.coveragePower;
      const fed = feedback ? cfg.feedbackWeight * top * rr.similarity(feedback, doc) : 0;
      return { doc, lexical, fed, score: lexical + fed, weak: weakOne };
    };
    const cands = [...head.map((h) => base(h.doc, false)), ...[...weak].map((doc) => base(doc, true))];
    cands.sort((a, b) => b.score - a.score || a.doc - b.doc);
    if (cfg.proximity > 0 || cfg.title > 0) {
      for (const c of cands.slice(0, cfg.closeDepth)) {
        if (c.lexical === 0) continue;
        const near = rr.closeness(shape, c.doc, cfg.window);
        c.score = c.lexical * (1 + cfg.proximity * near.proximity) * (1 + cfg.title * near.title) + c.fed;
      }
      cands.sort((a, b) => b.score - a.score || a.doc - b.doc);
    }
    // Weak candidates (below the clause requirement) only fill the room left on the first page.
    const kept: typeof cands = [];
    let loose = 0;
    for (const c of cands) {
      if (c.weak) {
        if (c.score <= 0 || loose >= room) continue;
        loose++;
      }
      kept.push(c);
    }
    return { top: [...kept, ...first.top.slice(cfg.depth)], total: first.total + loose, loose };
  }

  /**
   * Keep papers that contain every quoted phrase: first a cheap check that each phrase word is in
   * the paper's postings, then the words' adjacency in its name, title or abstract.
   */
  #phraseFilter(phrases: readonly string[], codeOnly: boolean): (doc: number) => boolean {
    const { hasCode } = this.index;
    const termIds: number[] = [];
    let unknown = false;
    for (const p of phrases) {
      forEachTerm(p, (term) => {
        const id = this.#termIds.get(term);
        if (id === undefined) unknown = true;
        else if (!termIds.includes(id)) termIds.push(id);
      });
    }
    return (doc) => {
      if (unknown || (codeOnly && hasCode[doc] !== 1)) return false;
      if (!termIds.every((t) => this.#inPostings(t, doc))) return false;
      const p = this.papers[doc]!;
      return containsPhrases(phraseText(paperFields(p).join(' \n ')), phrases);
    };
  }

  /** Whether paper `doc` is in term `t`'s postings. */
  #inPostings(t: number, doc: number): boolean {
    const postings = postingsOf(this.index, t);
    return findPosting(postings, 0, postings.length, doc, this.index.impactBits) >= 0;
  }

  /**
   * A hit whose snippet is made when first read: merged results (segments) and pages drop most of
   * the hits a segment returns, and a snippet reads the paper's abstract.
   */
  #hit(plan: QueryPlan, doc: number, score: number): SearchHit {
    const paper = this.papers[doc]!;
    let snippet: SearchHit['snippet'] | undefined;
    const make = () => makeSnippet(paper.title, paper.abstract, this.#matchedTerms(plan, doc));
    return {
      paper,
      score,
      get snippet() {
        return (snippet ??= make());
      },
    };
  }

  /** Terms of the plan's units that the paper actually matched (for snippet marks). */
  #matchedTerms(plan: QueryPlan, doc: number): Set<string> {
    const out = new Set<string>();
    for (const u of plan.units) if (u.terms.every((t) => this.#inPostings(t, doc))) for (const t of u.terms) out.add(this.index.terms[t]!);
    return out;
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const limit = clampInt(options.limit, 10, 0, MAX_LIMIT);
    const offset = clampInt(options.offset, 0, 0, 1_000_000);
    const text = typeof query === 'string' ? query : '';
    const plan = options.knownElsewhere ? planQuery(text, this.#vocab, { knownElsewhere: options.knownElsewhere }) : this.#plan(text);
    const phrases = quotedPhrases(text);
    const codeOnly = options.codeOnly === true;
    const { filter } = options;
    // Filters need every match looked at (their totals are exact too).
    const hasPhrases = phrases.length > 0 ? this.#phraseFilter(phrases, codeOnly) : undefined;
    const keep =
      phrases.length === 0 && !filter
        ? undefined
        : (doc: number): boolean => (hasPhrases ? hasPhrases(doc) : !codeOnly || this.index.hasCode[doc] === 1) && (!filter || filter(this.papers[doc]!));
    const stage = (p: QueryPlan, k: number): Ranked => (keep ? this.#ranker.rankExhaustive(p, k, keep) : this.#rank(p, k, codeOnly));
    const settings = this.rerankSettings;
    const first = stage(plan, Math.max(offset + limit, settings.depth));
    const ranked = limit === 0 ? first : this.#rerank(plan, first, stage, keep ?? (codeOnly ? (d) => this.index.hasCode[d] === 1 : undefined));
    const hits: SearchHit[] = ranked.top.slice(offset, offset + limit).map(({ doc, score }) => this.#hit(plan, doc, score));
    const result: SearchResult = { hits, total: ranked.total, terms: plan.display };
    if (ranked.loose) result.loose = ranked.loose;
    if (plan.unmatched && ranked.total > 0) result.unmatched = plan.unmatched;
    if (
      plan.clauses >= 2 &&
      hits.length > 0 &&
      !ranked.top.slice(offset, offset + limit).some(({ doc }) => this.#reranker.match(plan, doc).mask === plan.matchable)
    ) {
      result.partial = true;
    }
    if (plan.corrected !== undefined) {
      result.corrected = plan.corrected;
      if (this.#worthSuggesting(text, plan.corrected, codeOnly)) result.suggestion = plan.corrected;
    }
    return result;
  }

  /**
   * Whether a correction is worth offering: the corrected query must find clearly more papers
   * than the words as typed without it (at least twice as many and three more), or clearly better
   * ones (a best score half as high again), or something where they found nothing. Turning a
   * real word the papers happen not to use into another (`anything` -> `another`, `routing` ->
   * `root`) changes nothing a reader wants, and is not offered.
   */
  #worthSuggesting(text: string, corrected: string, codeOnly: boolean): boolean {
    const fixed = this.#rank(this.#plan(corrected), 1, codeOnly);
    if (fixed.total === 0) return false;
    const asTyped = this.#rank(planQuery(text, this.#vocab, { correct: false }), 1, codeOnly);
    if (asTyped.total === 0) return true;
    const more = fixed.total >= 2 * asTyped.total && fixed.total - asTyped.total >= 3;
    const better = (fixed.top[0]?.score ?? 0) >= 1.5 * (asTyped.top[0]?.score ?? 0);
    return more || better;
  }

  resolve(ref: string): Resolution {
    return this.#resolver.resolve(typeof ref === 'string' ? ref : '');
  }

  resolveExact(ref: string): Extract<Resolution, { kind: 'found' }> | undefined {
    return this.#resolver.resolveExact(typeof ref === 'string' ? ref : '');
  }

  termDf(term: string): number {
    const id = this.#termIds.get(term);
    return id === undefined ? 0 : this.index.df[id]!;
  }

  termVector(id: string): { terms: string[]; weights: number[]; norm: number } | undefined {
    const doc = this.#names.ids.get(id);
    if (doc === undefined) return undefined;
    const ix = this.index;
    const norm = ix.norms[doc]!;
    // The paper's own BM25F vector (identical to its postings), strongest terms first.
    const tf = new Map<number, number[]>();
    paperFields(this.papers[doc]!).forEach((text, f) => {
      forEachTerm(text, (term) => {
        const t = this.#termIds.get(term);
        if (t === undefined) return;
        let row = tf.get(t);
        if (!row) tf.set(t, (row = [0, 0, 0]));
        row[f]!++;
      });
    });
    const lens = Array.from({ length: FIELD_COUNT }, (_, f) => ix.fieldLens[doc * FIELD_COUNT + f]!);
    const vec = [...tf].map(([t, row]) => ({ t, w: bm25f(idf(ix.n, ix.df[t]!), row, lens, ix.avgLens) }));
    vec.sort((a, b) => b.w - a.w || a.t - b.t);
    const top = vec.slice(0, SIMILAR_QUERY_TERMS);
    return { terms: top.map((x) => ix.terms[x.t]!), weights: top.map((x) => x.w), norm };
  }

  nearest(vector: { terms: readonly string[]; weights: readonly number[]; norm: number }, skipId: string | undefined, k: number): SimilarHit[] {
    if (vector.norm === 0 || k <= 0) return [];
    const ids: number[] = [];
    const weights: number[] = [];
    vector.terms.forEach((term, i) => {
      const t = this.#termIds.get(term);
      if (t !== undefined) {
        ids.push(t);
        weights.push(vector.weights[i]!);
      }
    });
    const skip = skipId === undefined ? -1 : (this.#names.ids.get(skipId) ?? -1);
    return this.#ranker
      .dot(ids, weights, skip, k)
      .map(({ doc: d, score }) => ({ paper: this.papers[d]!, score: Math.min(1, Math.max(0, score / vector.norm)) }));
  }

  similar(id: string, limit = 5): SimilarHit[] {
    const k = clampInt(limit, 5, 0, MAX_LIMIT);
    const vector = this.termVector(id);
    if (!vector || k === 0) return [];
    return this.nearest(vector, id, k);
  }

  complete(prefix: string, limit = 10): Paper[] {
    const k = clampInt(limit, 10, 0, 100);
    if (k === 0) return [];
    const text = typeof prefix === 'string' ? prefix.slice(0, 200) : '';
    if (text.trim() === '') return this.papers.slice(0, k);
    const docs = this.#names.prefix(text, k);
    // Then papers whose title has a word starting with the last word typed, best full-text match first.
    const words = foldPhrase(text)
      .split(/\s+/)
      .filter((w) => w.length > 0);
    const last = words[words.length - 1];
    if (docs.length < k && last !== undefined && text.trim().length >= 3) {
      for (const h of this.#rank(this.#plan(text), 4 * k).top) {
        if (docs.length >= k) break;
        const p = this.papers[h.doc]!;
        const titleWords = foldPhrase(`${p.name ?? ''} ${p.aliases.join(' ')} ${p.title}`).split(/\s+/);
        if (!docs.includes(h.doc) && titleWords.some((w) => w.startsWith(last))) docs.push(h.doc);
      }
    }
    return docs.map((d) => this.papers[d]!);
  }

  byId(id: string): Paper | undefined {
    const d = this.#names.ids.get(id);
    return d === undefined ? undefined : this.papers[d];
  }
}

/** Build a search engine over `papers` (their order is the tie-break order). */
export function createSearchEngine(papers: readonly Paper[], options: SearchEngineOptions = {}): PaperboyEngine {
  return new Engine(papers, options.index ?? buildIndex(papers, options.global), options);
}
