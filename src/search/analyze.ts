/**
 * The text analyzer: words -> index terms.
 *
 * A word is a run of letters/digits (with combining marks); hyphens join words into a group
 * (`kv-cache`, `state-of-the-art`). Each word is folded (see fold.ts), dropped if it is a stopword
 * or a lone letter, and stemmed. A hyphen group also yields its joined compound (`kv-cache` ->
 * `kv`, `cach`, `kvcach`), so `kv-cache`, `KV cache` (query side joins adjacent words) and
 * `kvcache` all meet.
 */
import { foldWord } from './fold.ts';
import { stem } from './stem.ts';
import { STOPWORDS } from './stopwords.ts';

const WORD_GROUP = /[\p{L}\p{N}\p{M}]+(?:[-\u2010\u2011][\p{L}\p{N}\p{M}]+)*/gu;
const PART = /[\p{L}\p{N}\p{M}]+/gu;

export const SLASHED_LETTERS = /(?<![\p{L}\p{N}])(\p{L})\/(\p{L})(?![\p{L}\p{N}])/gu;

/** `I/O` -> `I-O` (same length, so offsets hold): a hyphen group whose compound is `io`. */
export function slashesAsHyphens(text: string): string {
  return text.includes('/') ? text.replace(SLASHED_LETTERS, '$1-$2') : text;
}

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 500_000;

/** Drop the stem memo (the indexer calls this after a build: the memo is only worth keeping for query words). */
export function clearStemCache(): void {
  stemCache.clear();
}

/** Stem with a process-wide memo (vocabularies are small compared to token streams). */
export function termOf(folded: string): string {
  let t = stemCache.get(folded);
  if (t === undefined) {
    t = stem(folded);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(folded, t);
  }
  return t;
}

/** True when a folded word carries no topic (stopword, lone letter, empty). */
export function isNoise(folded: string): boolean {
  if (folded.length === 0) return true;
  if (folded.length === 1) return !(folded >= '0' && folded <= '9');
  return STOPWORDS.has(folded);
}

/** One analysed word with its place in the original text (for snippets). */
export interface Token {
  /** Stemmed index term. */
  term: string;
  /** Folded surface form (unstemmed). */
  folded: string;
  start: number;
  end: number;
  /** Index of the hyphen group this word belongs to. */
  group: number;
}

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const ASCII_GROUP = /[a-z0-9]+(?:-[a-z0-9]+)*/g;
const HYPHENS = /[-\u2010\u2011]/;

/**
 * Push every folded word of `text` onto `out`, plus the joined compound of each hyphen group
 * (`state-of-the-art` -> ..., `stateoftheart`; noise parts still join). Noise words are pushed
 * too when `keepNoise` (the indexer filters them through its memo). Unstemmed. With `joined`, the
 * compounds go there instead (in order) and `out` holds the words alone.
 */
export function collectWords(input: string, out: string[], keepNoise = false, joined: string[] = out): void {
  let text = slashesAsHyphens(input).toLowerCase();
  let re = ASCII_GROUP;
  if (NON_ASCII.test(text)) {
    text = text.normalize('NFKD').replace(MARKS, '');
    if (NON_ASCII.test(text)) re = WORD_GROUP;
  }
  const ascii = re === ASCII_GROUP;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const raw = m[0];
    if (ascii ? raw.indexOf('-') >= 0 : HYPHENS.test(raw)) {
      let compound = '';
      let parts = 0;
      for (const p of raw.split(HYPHENS)) {
        const f = ascii ? p : foldWord(p);
        compound += f;
        parts++;
        if (keepNoise || !isNoise(f)) out.push(f);
      }
      if (parts > 1 && compound.length > 1) joined.push(compound);
    } else {
      const f = ascii ? raw : foldWord(raw);
      if (keepNoise || !isNoise(f)) out.push(f);
    }
  }
}

/** Emit every non-noise folded word of `text` and its hyphen-group compounds (see collectWords). */
export function forEachWord(input: string, emit: (folded: string) => void): void {
  const words: string[] = [];
  collectWords(input, words);
  for (const w of words) emit(w);
}

/** Emit every index term of `text` (see forEachWord), stemmed, with its folded surface form. */
export function forEachTerm(text: string, emit: (term: string, folded: string) => void): void {
  forEachWord(text, (f) => emit(termOf(f), f));
}

/**
 * Visit every non-noise word of `text` with its folded form, offsets in `text` and hyphen group
 * index (ascending). Allocation-free on the ascii fast path.
 */
export function scanWords(input: string, visit: (folded: string, start: number, end: number, group: number) => void): void {
  const text = slashesAsHyphens(input);
  let group = 0;
  const lower = text.toLowerCase();
  if (lower.length === text.length && !NON_ASCII.test(lower)) {
    // Fast path: ascii text, lowercasing keeps offsets.
    ASCII_GROUP.lastIndex = 0;
    for (let m = ASCII_GROUP.exec(lower); m !== null; m = ASCII_GROUP.exec(lower)) {
      const raw = m[0];
      let at = m.index;
      if (raw.indexOf('-') < 0) {
        if (!isNoise(raw)) visit(raw, at, at + raw.length, group);
      } else {
        for (const part of raw.split('-')) {
          if (!isNoise(part)) visit(part, at, at + part.length, group);
          at += part.length + 1;
        }
      }
      group++;
    }
    return;
  }
  // Any other text: the general path, groups by regular expression (`input`: it reads slashes itself).
  scanGroups(input, (words, g) => {
    for (const w of words) if (!w.noise) visit(w.folded, w.start, w.end, g);
  });
}

/** A word of a hyphen group (see `scanGroups`). */
export interface GroupWord {
  folded: string;
  start: number;
  end: number;
  noise: boolean;
}

/**
 * Visit every hyphen group of `text` with all its words, noise words included (they join the
 * group's compound, `state-of-the-art` -> `stateoftheart`, as the index joins them), offsets in
 * `text`. Groups are numbered as `scanWords` numbers them. The general path, for any text.
 */
export function scanGroups(input: string, visit: (words: readonly GroupWord[], group: number) => void): void {
  const text = slashesAsHyphens(input);
  let group = 0;
  WORD_GROUP.lastIndex = 0;
  for (let m = WORD_GROUP.exec(text); m !== null; m = WORD_GROUP.exec(text)) {
    const base = m.index;
    const raw = m[0];
    const words: GroupWord[] = [];
    PART.lastIndex = 0;
    for (let p = PART.exec(raw); p !== null; p = PART.exec(raw)) {
      const folded = foldWord(p[0]);
      words.push({ folded, start: base + p.index, end: base + p.index + p[0].length, noise: isNoise(folded) });
    }
    visit(words, group++);
  }
}

/** Analysed words of `text` with offsets (noise words left out; compounds not included). */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  scanWords(text, (folded, start, end, group) => out.push({ term: termOf(folded), folded, start, end, group }));
  return out;
}

/** A word of a query, folded, with the hyphen group it came from. Noise words are kept (flagged). */
export interface QueryWord {
  folded: string;
  noise: boolean;
  group: number;
}

/** Split a query into folded words (in order), keeping noise words flagged so phrases still line up. */
export function queryWords(input: string): QueryWord[] {
  const text = slashesAsHyphens(input);
  const out: QueryWord[] = [];
  let group = 0;
  WORD_GROUP.lastIndex = 0;
  for (let m = WORD_GROUP.exec(text); m !== null; m = WORD_GROUP.exec(text)) {
    PART.lastIndex = 0;
    const raw = m[0];
    for (let p = PART.exec(raw); p !== null; p = PART.exec(raw)) {
      const f = foldWord(p[0]);
      if (f.length > 0) out.push({ folded: f, noise: isNoise(f), group });
    }
    group++;
  }
  return out;
}
