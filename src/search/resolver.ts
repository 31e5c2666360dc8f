/**
 * Paper reference resolution for `show`/`similar`: id, then exact name or alias (folded), then
 * exact title (case- and punctuation-insensitive, via the title's slug), then title words, then fuzzy (fuse.js over names, aliases and titles). Close calls
 * come back as `ambiguous` instead of a guess; a single guess (`via: 'fuzzy'` or `'version'`) carries
 * the next closest papers as `alternatives`, so a reply can say it guessed and offer them.
 */
import { parseArxivRef } from '../papers/arxiv-id.ts';
import Fuse from 'fuse.js';
import type { Paper } from '../papers/paper.ts';
import { queryWords, termOf, tokens } from './analyze.ts';
import { slugify } from '../parse/slug.ts';
import { cleanLatex } from '../parse/latex.ts';
import { foldKey, foldPhrase } from './fold.ts';
import type { KeyPlaces } from './key-table.ts';
import type { NameIndex } from './name-index.ts';
import { isApproximate, type Resolution } from './types.ts';

/** What resolution needs from the engine. */
export interface ResolveContext {
  papers: readonly Paper[];
  names: NameIndex;
  /** Paper indices of the best full-text hits for `text`. */
  searchDocs(text: string, limit: number): number[];
  /** The reference with unknown words corrected against the index vocabulary, if any were. */
  correct(text: string): string | undefined;
}

/** Above this many papers, fuse runs over a shortlist (search hits and prefix matches) only. */
export const FUSE_FULL_SCAN_MAX = 2000;
/** Fuse scores (0 best, 1 worst) above this are not a match. */
const FUSE_THRESHOLD = 0.34;
/** Two fuzzy matches this close are ambiguous. */
const FUSE_CLOSE = 0.04;
const MAX_CANDIDATES = 10;
/** Alternatives offered beside a guess. */
const MAX_ALTERNATIVES = 3;

const VERSION_SUFFIXES = ['1', '2', '3', '4', '5', 'v1', 'v2', 'v3', 'v4', 'v5'];

interface FuseItem {
  doc: number;
  name: string;
  aliases: string[];
  title: string;
}

function fuseOver(items: FuseItem[]): Fuse<FuseItem> {
  return new Fuse(items, {
    keys: [
      { name: 'name', weight: 3 },
      { name: 'aliases', weight: 2 },
      { name: 'title', weight: 1 },
    ],
    includeScore: true,
    ignoreLocation: true,
    threshold: 0.4,
  });
}

function item(p: Paper, doc: number): FuseItem {
  return { doc, name: p.name ?? '', aliases: p.aliases, title: p.title };
}

/**
 * Whether `text` is the paper's title as people cite it: the whole title, or its part before or
 * after the first colon (`LLM in a flash` for `LLM in a flash: Efficient …`), words folded.
 */
export function isTitleOf(text: string, title: string): boolean {
  const typed = foldPhrase(text);
  if (typed === '') return false;
  const colon = title.indexOf(':');
  const parts = colon < 0 ? [title] : [title, title.slice(0, colon), title.slice(colon + 1)];
  return parts.some((part) => foldPhrase(part) === typed);
}

/** Strip one pair of surrounding quotes (straight, curly, guillemets) and spaces. */
function unquote(text: string): string {
  const t = text.trim();
  const m = /^["'“”‘’«»„](.*)["'“”‘’«»„]$/su.exec(t);
  return (m ? m[1]! : t).trim();
}

export class Resolver {
  readonly #ctx: ResolveContext;
  #fullFuse: Fuse<FuseItem> | undefined;

  constructor(ctx: ResolveContext) {
    this.#ctx = ctx;
  }

  #papersOf(docs: readonly number[]): Paper[] {
    return docs.slice(0, MAX_CANDIDATES).map((d) => this.#ctx.papers[d]!);
  }

  /** Exact name/alias hits, widened to version variants (`flashattention` -> FlashAttention and FlashAttention-2). */
  #byName(key: string, map: KeyPlaces): number[] {
    const docs = map.get(key);
    if (docs.length === 0) return docs;
    for (const d of this.#variants(key)) if (!docs.includes(d)) docs.push(d);
    return docs;
  }

  /** Papers named `key` plus a version suffix (`flashattention` -> FlashAttention-2). */
  #variants(key: string): number[] {
    const out: number[] = [];
    for (const s of VERSION_SUFFIXES) for (const d of this.#ctx.names.names.get(key + s)) if (!out.includes(d)) out.push(d);
    return out;
  }

  /**
   * One paper named exactly `key` answers directly, with the papers named as its versions as
   * `related` (`flashattention` is FlashAttention, FlashAttention-2 beside it); several exact
   * names, or only versions, are ambiguous.
   */
  #named(key: string, map: KeyPlaces, via: 'name' | 'alias'): Resolution | undefined {
    const exact = map.get(key);
    const { papers } = this.#ctx;
    if (exact.length === 1) {
      const related = this.#variants(key).filter((d) => d !== exact[0]);
      return { kind: 'found', paper: papers[exact[0]!]!, via, ...(related.length > 0 ? { related: this.#papersOf(related) } : {}) };
    }
    if (exact.length > 1) return { kind: 'ambiguous', candidates: this.#papersOf(this.#byName(key, map)) };
    return undefined;
  }

  /**
   * A guess: paper `doc`, with the next closest papers as alternatives (`near` first, then the
   * best full-text matches of the reference).
   */
  #guess(doc: number, via: 'version' | 'fuzzy', text: string, near: readonly number[] = []): Resolution {
    const { papers } = this.#ctx;
    const others: number[] = [];
    for (const d of [...near, ...this.#ctx.searchDocs(text, MAX_ALTERNATIVES + 1)]) {
      if (d !== doc && !others.includes(d)) others.push(d);
    }
    const alternatives = others.slice(0, MAX_ALTERNATIVES).map((d) => papers[d]!);
    return { kind: 'found', paper: papers[doc]!, via, ...(alternatives.length > 0 ? { alternatives } : {}) };
  }

  resolve(ref: string): Resolution {
    return this.#resolve(ref, false)!;
  }

  /**
   * What `resolve` answers when it finds the paper directly (by id, arXiv id, name, alias or exact
   * title), without trying a correction or a fuzzy match; undefined otherwise (nothing, several
   * papers, or only a guess would answer). Cheap, so a library of several parts asks every part
   * this first (see segments.ts). A title matched only after a full-text search (the title as
   * cited, not its exact slug) is not found this way.
   */
  resolveExact(ref: string): Extract<Resolution, { kind: 'found' }> | undefined {
    const r = this.#resolve(ref, true);
    return r?.kind === 'found' && !isApproximate(r) ? r : undefined;
  }

  /** With `directOnly`, undefined where `resolve` would go on to corrections and fuzzy matching. */
  #resolve(ref: string, directOnly: boolean): Resolution | undefined {
    const { papers, names } = this.#ctx;
    // A pasted title may carry its LaTeX (`E$^{2}$GAN`) and quotes; read it as the page shows it.
    const text = unquote(/[$\\{}]/.test(ref) ? cleanLatex(ref.slice(0, 500)) : ref.trim().slice(0, 500));
    const key = foldKey(text);
    if (key.length === 0) return { kind: 'none', suggestions: [] };

    const byId = names.ids.get(text.toLowerCase()) ?? names.ids.get(text);
    if (byId !== undefined) return { kind: 'found', paper: papers[byId]!, via: 'id' };
    // An arXiv id with a version or prefix, or an arxiv.org / huggingface.co/papers URL.
    const arxivId = parseArxivRef(text);
    if (arxivId !== undefined) {
      const doc = names.ids.get(arxivId);
      if (doc !== undefined) return { kind: 'found', paper: papers[doc]!, via: 'id' };
      return { kind: 'none', suggestions: [] };
    }

    const byName = this.#named(key, names.names, 'name') ?? this.#named(key, names.aliases, 'alias');
    if (byName) return byName;
    // Only versions of the name (`flashattention` when just FlashAttention-2 exists): one answers, several are asked about.
    const versions = key.length >= 3 ? this.#variants(key) : [];
    if (versions.length > 0 && directOnly) return undefined;
    if (versions.length === 1) return this.#guess(versions[0]!, 'version', text);
    if (versions.length > 1) return { kind: 'ambiguous', candidates: this.#papersOf(versions) };

    // Exact title: page papers' ids are slugs of their titles; arXiv papers' title slugs are kept aside.
    const slug = slugify(text);
    const byTitle = names.ids.get(slug) ?? names.titleSlugs.get(slug);
    if (byTitle !== undefined) return { kind: 'found', paper: papers[byTitle]!, via: 'title' };
    if (directOnly) return undefined;

    // A typo of a name or alias (`snpakv`, `zipcahce`): correct against the vocabulary, look up again.
    const corrected = this.#ctx.correct(text);
    if (corrected !== undefined) {
      const fixed = foldKey(corrected);
      const named = this.#named(fixed, names.names, 'name') ?? this.#named(fixed, names.aliases, 'alias');
      if (named?.kind === 'found') {
        const docOf = (p: Paper) => names.ids.get(p.id) ?? papers.indexOf(p);
        return this.#guess(docOf(named.paper), 'fuzzy', corrected, (named.related ?? []).map(docOf));
      }
      if (named) return named;
    }

    const hits = this.#ctx.searchDocs(text, 50);

    // Title words: every content word of the reference appears in the title.
    const want = [
      ...new Set(
        queryWords(text)
          .filter((w) => !w.noise)
          .map((w) => termOf(w.folded)),
      ),
    ];
    if (want.length > 0) {
      const inTitle = hits.filter((d) => {
        const have = new Set(tokens(papers[d]!.title).map((t) => t.term));
        return want.every((t) => have.has(t));
      });
      if (inTitle.length === 1) {
        const doc = inTitle[0]!;
        // The title as cited (`LLM in a flash`) is exact; some of its words are a guess (`lora`).
        if (isTitleOf(text, papers[doc]!.title)) return { kind: 'found', paper: papers[doc]!, via: 'title' };
        return this.#guess(doc, 'fuzzy', text, hits);
      }
      if (inTitle.length > 1) return { kind: 'ambiguous', candidates: this.#papersOf(inTitle) };
    }

    // Fuzzy over short fields.
    let fuse: Fuse<FuseItem>;
    if (papers.length <= FUSE_FULL_SCAN_MAX) {
      this.#fullFuse ??= fuseOver(papers.map(item));
      fuse = this.#fullFuse;
    } else {
      const shortlist = [...new Set([...names.prefix(text, 20), ...hits])];
      fuse = fuseOver(shortlist.map((d) => item(papers[d]!, d)));
    }
    const fuzzy = fuse.search(text.slice(0, 64), { limit: MAX_CANDIDATES }).filter((r) => (r.score ?? 1) <= FUSE_THRESHOLD);
    const best = fuzzy[0];
    if (best) {
      const close = fuzzy.filter((r) => (r.score ?? 1) - (best.score ?? 0) <= FUSE_CLOSE);
      if (close.length === 1)
        return this.#guess(
          best.item.doc,
          'fuzzy',
          text,
          fuzzy.slice(1).map((r) => r.item.doc),
        );
      return { kind: 'ambiguous', candidates: close.map((r) => papers[r.item.doc]!) };
    }
    return { kind: 'none', suggestions: this.#papersOf(hits.slice(0, 5)) };
  }
}
