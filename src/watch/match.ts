/**
 * The watch matching rule (pure). A new paper matches a watch when:
 * - every content word of the query appears in the paper's name, aliases, title or abstract, compared
 *   the way search compares words: case, accents and word endings ignored (`models` finds `model`,
 *   `caching` finds `cache`), small words (`the`, `of`, `for`, ...), framing words (`papers`,
 *   `methods`, `anything`, ...) and lone letters skipped, hyphens
 *   and joined spellings equal (`kv cache`, `KV-cache` and `KVCache` meet);
 * - every quoted phrase (`"state space"`) appears with its words side by side;
 * - with `--author`, one author's name has every word of NAME at the start of one of its words
 *   (`hinton`, `G. Hinton` and `Geoffrey Hinton` all find Geoffrey Hinton), accents and case ignored.
 * Unlike a search, nothing is ranked and no word may be missing: a watch posts only papers that have them all.
 */
import { authorMatcher } from '../commands/filters.ts';
import type { Paper } from '../papers/paper.ts';
import { forEachTerm, queryWords, termOf } from '../search/analyze.ts';
import { foldPhrase } from '../search/fold.ts';
import { paperFields } from '../search/inverted-index.ts';
import { containsPhrases, phraseText, quotedPhrases } from '../search/phrase.ts';
import { REQUEST_WORDS } from '../search/stopwords.ts';
import { MAX_AUTHOR_LENGTH, MAX_QUERY_LENGTH, MAX_QUERY_WORDS } from './watch.ts';

/** The rule in one sentence, for help and replies. */
export const RULE_SUMMARY =
  'A new paper is posted when its title, name or abstract has every word of the query (case, accents and word endings ' +
  'ignored; small words like "the" skipped; quoted words side by side) and, with --author, an author whose name has ' +
  'the words of NAME.';

/** One content word of the query and the terms that satisfy it. */
interface Clause {
  term: string;
  folded: string;
  /** The compound with the next / previous word (`kv cache` -> `kvcach`). */
  joinNext?: string;
  joinPrev?: string;
}

export interface WatchRule {
  clauses: Clause[];
  /** Normalised quoted phrases of two words or more. */
  phrases: string[];
  author?: (authors: readonly string[] | undefined) => boolean;
}

export type CompiledRule = { ok: true; rule: WatchRule } | { ok: false; problem: string };

/** Check and compile a watch's query and author. Never throws. */
export function compileRule(query: string, author?: string): CompiledRule {
  const q = query.trim();
  if (q.length > MAX_QUERY_LENGTH) return { ok: false, problem: `The query is too long: at most ${MAX_QUERY_LENGTH} characters.` };
  if (author !== undefined) {
    if (author.length > MAX_AUTHOR_LENGTH) return { ok: false, problem: `--author is too long: at most ${MAX_AUTHOR_LENGTH} characters.` };
    if (foldPhrase(author) === '') return { ok: false, problem: '--author needs a name, e.g. --author "Tri Dao".' };
  }
  const words = queryWords(q);
  // Framing words (`papers about`, `new methods for`) are dropped as search drops them.
  const meaningful = words.filter((w) => !w.noise);
  const topical = meaningful.filter((w) => !REQUEST_WORDS.has(w.folded));
  const content = topical.length > 0 ? topical : meaningful;
  if (content.length === 0 && author === undefined) {
    return {
      ok: false,
      problem:
        words.length > 0
          ? `"${q.slice(0, 60)}" has only small words, which are ignored; give words a paper would contain.`
          : 'Give the words to watch for (or --author NAME).',
    };
  }
  if (content.length > MAX_QUERY_WORDS) return { ok: false, problem: `Too many words: a watch takes at most ${MAX_QUERY_WORDS} (every one must appear).` };
  const clauses: Clause[] = content.map((w) => ({ term: termOf(w.folded), folded: w.folded }));
  for (let i = 0; i + 1 < clauses.length; i++) {
    const joined = termOf(clauses[i]!.folded + clauses[i + 1]!.folded);
    clauses[i]!.joinNext = joined;
    clauses[i + 1]!.joinPrev = joined;
  }
  const rule: WatchRule = { clauses, phrases: quotedPhrases(q) };
  if (author !== undefined) rule.author = authorMatcher(author);
  return { ok: true, rule };
}

/** What the rule looks at in a paper, worked out once per paper and shared by every watch. */
export interface AnalyzedPaper {
  paper: Paper;
  terms: Set<string>;
  /** `phraseText` of the fields, made on first use. */
  phraseText?: string;
}

export function analyzePaper(paper: Paper): AnalyzedPaper {
  const terms = new Set<string>();
  for (const field of paperFields(paper)) forEachTerm(field, (t) => terms.add(t));
  return { paper, terms };
}

/** A compound word the paper has as two words (`kvcache` vs `KV cache`), as search splits it. */
function splitFound(folded: string, terms: ReadonlySet<string>): boolean {
  if (folded.length < 5 || /[^a-z0-9]/.test(folded)) return false;
  for (let i = 2; i <= folded.length - 2; i++) {
    if (terms.has(termOf(folded.slice(0, i))) && terms.has(termOf(folded.slice(i)))) return true;
  }
  return false;
}

function clauseFound(c: Clause, terms: ReadonlySet<string>): boolean {
  return (
    terms.has(c.term) ||
    (c.joinNext !== undefined && terms.has(c.joinNext)) ||
    (c.joinPrev !== undefined && terms.has(c.joinPrev)) ||
    splitFound(c.folded, terms)
  );
}

/** Whether a paper matches a compiled watch rule. */
export function matchesRule(rule: WatchRule, a: AnalyzedPaper): boolean {
  if (rule.author && !rule.author(a.paper.authors)) return false;
  for (const c of rule.clauses) if (!clauseFound(c, a.terms)) return false;
  if (rule.phrases.length > 0) {
    a.phraseText ??= phraseText(paperFields(a.paper).join(' \n '));
    if (!containsPhrases(a.phraseText, rule.phrases)) return false;
  }
  return true;
}

/** Convenience for one paper and one query (tests, docs examples). */
export function watchMatches(query: string, author: string | undefined, paper: Paper): boolean {
  const c = compileRule(query, author);
  return c.ok && matchesRule(c.rule, analyzePaper(paper));
}
