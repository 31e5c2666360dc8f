/**
 * Query planning: text -> scoring units.
 *
 * Every content word of the query is a clause. A unit is a conjunction of index terms with a
 * weight and the clauses it satisfies:
 * - the word's own term (weight 1);
 * - the joined compound of two adjacent words, `kv cache` -> `kvcache` (weight 1, both clauses);
 * - a split of a compound word into two known terms, `kvcache` -> `kv` + `cache` (weight 0.8);
 * - a typo correction for a word the index does not know (weight 0.9);
 * - synonym/acronym expansions (weight 0.5), below what the user typed.
 */
import { queryWords, termOf } from './analyze.ts';
import { maxEdits, type Corrector } from './correct.ts';
import { findSynonyms } from './synonyms.ts';
import { REQUEST_WORDS } from './stopwords.ts';

export const WEIGHT_EXACT = 1;
export const WEIGHT_JOIN = 1;
export const WEIGHT_SPLIT = 0.8;
export const WEIGHT_CORRECTION = 0.9;
export const WEIGHT_SYNONYM = 0.5;
/** Clauses beyond this are ignored (clause sets are 32-bit masks). */
export const MAX_CLAUSES = 24;

export interface Unit {
  terms: number[];
  weight: number;
  /** Bit mask of the clauses this unit satisfies. */
  covers: number;
}

export interface QueryPlan {
  units: Unit[];
  /** Clause bits that at least one unit can satisfy. */
  matchable: number;
  /** Number of matchable clauses. */
  clauses: number;
  /** Terms for display: what was searched, expansions included. */
  display: string[];
  /** The query with typo corrections applied, when any word was corrected. */
  corrected?: string;
  /** Clauses a paper must satisfy, when not `requiredClauses(clauses)` (the second stage's wider net). */
  minClauses?: number;
  /** Query words (folded) that no paper has, even corrected, when other words remain to search. */
  unmatched?: string[];
}

/** What the planner needs to know about the index. */
export interface Vocabulary {
  id(term: string): number | undefined;
  df(id: number): number;
  term(id: number): string;
  surface(id: number): string;
  corrector(): Corrector;
}

function bitsOf(from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m |= 1 << i;
  return m >>> 0;
}

/** Best split of a compound word into two known terms, or undefined. */
function splitCompound(folded: string, vocab: Vocabulary): [number, number] | undefined {
  if (folded.length < 5 || /[^a-z0-9]/.test(folded)) return undefined;
  const whole = vocab.id(termOf(folded));
  const wholeDf = whole === undefined ? 0 : vocab.df(whole);
  let best: [number, number] | undefined;
  let bestMin = 0;
  for (let i = 2; i <= folded.length - 2; i++) {
    const a = vocab.id(termOf(folded.slice(0, i)));
    const b = vocab.id(termOf(folded.slice(i)));
    if (a === undefined || b === undefined) continue;
    const m = Math.min(vocab.df(a), vocab.df(b));
    if (m > wholeDf && m > bestMin) {
      best = [a, b];
      bestMin = m;
    }
  }
  return best;
}

/** Plan a query against a vocabulary. Never throws; an empty plan matches nothing. */
export function planQuery(query: string, vocab: Vocabulary, opts: { correct?: boolean; knownElsewhere?: (term: string) => boolean } = {}): QueryPlan {
  const words = queryWords(query.slice(0, 1000));
  const meaningful = words.filter((w) => !w.noise);
  const topical = meaningful.filter((w) => !REQUEST_WORDS.has(w.folded));
  const content = (topical.length > 0 ? topical : meaningful).slice(0, MAX_CLAUSES);
  const units: Unit[] = [];
  const seen = new Set<string>();
  const display: string[] = [];
  const addUnit = (terms: number[], weight: number, covers: number): void => {
    const key = `${[...terms].sort((a, b) => a - b).join(',')}|${covers}`;
    if (seen.has(key)) return;
    seen.add(key);
    // Every unit's terms one kind of array (packed small integers), however they were made (a
    // literal, a \`map\`): the code that walks them is optimised for one kind, and a new kind met
    // mid-run throws that code away (V8's "wrong map" deoptimisations, seen as slow searches).
    const packed: number[] = [];
    for (const t of terms) packed.push(t);
    units.push({ terms: packed, weight, covers: covers >>> 0 });
    for (const t of terms) {
      const s = vocab.surface(t);
      if (!display.includes(s)) display.push(s);
    }
  };

  const terms = content.map((w) => termOf(w.folded));
  let anyCorrected = false;
  const correctedWords = content.map((w) => w.folded);

  content.forEach((w, i) => {
    const bit = 1 << i;
    const id = vocab.id(terms[i]!);
    if (id !== undefined) addUnit([id], WEIGHT_EXACT, bit);
    const split = splitCompound(w.folded, vocab);
    if (split) addUnit(split, WEIGHT_SPLIT, bit);
    // A word other papers of the library have is what the user meant: not corrected into another.
    if (id === undefined && !split && opts.correct !== false && maxEdits(w.folded.length) > 0 && !opts.knownElsewhere?.(terms[i]!)) {
      const fix = vocab.corrector().correct(w.folded, terms[i]);
      if (fix !== undefined) {
        addUnit([fix], WEIGHT_CORRECTION, bit);
        correctedWords[i] = vocab.surface(fix);
        anyCorrected = true;
      }
    }
  });

  // Adjacent words joined: `kv cache` -> `kvcache`, `flash attention` -> `flashattention`.
  for (let i = 0; i + 1 < content.length; i++) {
    const id = vocab.id(termOf(content[i]!.folded + content[i + 1]!.folded));
    if (id !== undefined) addUnit([id], WEIGHT_JOIN, bitsOf(i, i + 2));
  }

  for (const m of findSynonyms(terms)) {
    for (const alt of m.alternatives) {
      const ids = alt.map((t) => vocab.id(t));
      if (ids.every((x): x is number => x !== undefined)) addUnit(ids, WEIGHT_SYNONYM, bitsOf(m.start, m.end));
    }
  }

  let matchable = 0;
  for (const u of units) matchable |= u.covers;
  matchable >>>= 0;
  let clauses = 0;
  for (let m = matchable; m !== 0; m &= m - 1) clauses++;

  const plan: QueryPlan = { units, matchable, clauses, display };
  if (anyCorrected) plan.corrected = correctedWords.join(' ');
  if (clauses > 0 && clauses < content.length) plan.unmatched = [...new Set(content.filter((_, i) => (matchable & (1 << i)) === 0).map((w) => w.folded))];
  return plan;
}

/** Clauses a paper must satisfy: one for queries of up to two words, otherwise at least half. */
export function requiredClauses(clauses: number): number {
  return clauses <= 2 ? Math.min(1, clauses) : Math.ceil(clauses / 2);
}

/** The clauses a plan asks for: its own `minClauses`, else `requiredClauses`. */
export function neededClauses(plan: Pick<QueryPlan, 'clauses' | 'minClauses'>): number {
  return plan.minClauses ?? requiredClauses(plan.clauses);
}
