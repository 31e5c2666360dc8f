/**
 * What the second stage (rerank.ts) reads of a paper, as term ids: computed from the paper's text
 * once, instead of tokenising, folding and stemming the text of every candidate on every query
 * (that was half of a multi-word query's time at 100,000 papers).
 *
 * - `fields`: for the names, title and abstract (see `paperFields`), the term id of each word in
 *   order, -1 for a word the index does not have (it still takes a place: proximity counts words);
 *   noise words are left out, as `scanWords` leaves them out.
 * - `titleTerms`: the distinct terms of the names and title, joined compounds (`kvcache`) included
 *   (`forEachTerm`), ascending.
 * - `joined`: for each field, the term ids of its hyphen groups' joined compounds (`kv-cache` ->
 *   `kvcache`), which the index counts beside the words: with `fields`, every term occurrence the
 *   index counted, so a paper's impacts can be computed from its terms (paper-impacts.ts).
 *
 * Encoded compactly for the index cache (varints of id + 1, field by field), where they are read
 * from disk one paper at a time; `decodePaperTerms` checks everything it reads. The file writes
 * each term by its place in `termOrder` (most papers first) rather than by its id (first seen
 * first): the words most papers have then take one or two bytes wherever they first appeared.
 * Measured on the bench's 100,000 papers: 26% fewer bytes (524 to 390 a paper).
 */
import type { Paper } from '../papers/paper.ts';
import { collectWords, forEachTerm, isNoise, scanWords, slashesAsHyphens } from './analyze.ts';
import { paperFields } from './inverted-index.ts';
import { WordTable } from './word-table.ts';

type Fields = readonly [Int32Array, Int32Array, Int32Array];

export interface PaperTerms {
  readonly fields: Fields;
  readonly titleTerms: Int32Array;
  readonly joined: Fields;
}

/** One field's terms: its words' ids in order, and its joined compounds' ids. */
interface FieldTerms {
  ids: Int32Array;
  joined: Int32Array;
}

const NO_TERMS = new Int32Array(0);

/** A paper's terms. `idOf` maps a folded word to its term id (-1: not indexed); `termId` a term (stemmed) to its id. */
export function paperTermsOf(p: Paper, idOf: (folded: string) => number, termId: (term: string) => number): PaperTerms {
  return withTitleTerms(p, (text) => textField(text, idOf), termId);
}

/** A field's terms by the general text path (`scanWords`; compounds as the indexer's `collectWords` joins them). */
function textField(text: string, idOf: (folded: string) => number): FieldTerms {
  const ids: number[] = [];
  scanWords(text, (folded) => ids.push(idOf(folded)));
  const compounds: string[] = [];
  collectWords(text, [], false, compounds);
  const joined: number[] = [];
  for (const c of compounds) {
    // As the indexer: a compound that is a noise word is not counted.
    const id = isNoise(c) ? -1 : idOf(c);
    if (id >= 0) joined.push(id);
  }
  return { ids: Int32Array.from(ids), joined: joined.length === 0 ? NO_TERMS : Int32Array.from(joined) };
}

function withTitleTerms(p: Paper, field: (text: string) => FieldTerms, termId: (term: string) => number): PaperTerms {
  const texts = paperFields(p);
  const parts = texts.map(field);
  const fields = parts.map((f) => f.ids) as unknown as Fields;
  const joined = parts.map((f) => f.joined) as unknown as Fields;
  const title = new Set<number>();
  for (const text of texts.slice(0, 2)) {
    forEachTerm(text, (term) => {
      const id = termId(term);
      if (id >= 0) title.add(id);
    });
  }
  return { fields, titleTerms: Int32Array.from(title).sort(), joined };
}

const NON_ASCII = /[^\x00-\x7f]/;
/** A word-table value: a noise word (left out). */
const NOISE = -2;

/**
 * `paperTermsOf` for many papers in turn (writing the index cache: every paper once), the same
 * result about four times faster: ascii fields are scanned by char code and each distinct word is
 * folded, stemmed and looked up once (a word table, as the index build uses). `scanWords` visits
 * exactly the runs of [a-z0-9] of lowercased ascii text that are not noise, and so does this.
 */
export class PaperTermsScanner {
  readonly #table = new WordTable();
  readonly #idOf: (folded: string) => number;
  readonly #termId: (term: string) => number;

  constructor(idOf: (folded: string) => number, termId: (term: string) => number) {
    this.#idOf = idOf;
    this.#termId = termId;
  }

  termsOf(p: Paper): PaperTerms {
    return withTitleTerms(p, (text) => this.field(text), this.#termId);
  }

  /** The term ids of one field's words and joined compounds (see `PaperTerms`). */
  field(text: string): FieldTerms {
    const lower = text.toLowerCase();
    if (lower.length !== text.length || NON_ASCII.test(lower)) return textField(text, this.#idOf);
    const ids: number[] = [];
    let joined: number[] | undefined;
    // Slashes between letters as hyphens (`I/O`), as the indexer reads them: the same words, and its groups.
    this.#table.scan(
      slashesAsHyphens(lower),
      (word) => (isNoise(word) ? NOISE : this.#idOf(word)),
      (v) => {
        if (v !== NOISE) ids.push(v);
      },
      (v) => {
        if (v >= 0) (joined ??= []).push(v);
      },
    );
    return { ids: Int32Array.from(ids), joined: joined ? Int32Array.from(joined) : NO_TERMS };
  }
}

/** Whether `t` is one of the paper's title terms. */
export function inTitle(terms: PaperTerms, t: number): boolean {
  const a = terms.titleTerms;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < a.length && a[lo] === t;
}

/**
 * Term ids in the order a file writes them: by document frequency, highest first (ties by id).
 * `order[place]` is the term id at that place.
 */
export function termOrder(df: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: df.length }, (_, t) => t);
  return order.sort((a, b) => df[b]! - df[a]! || a - b);
}

/** Each term's place in `order` (its inverse). */
export function placesOf(order: Uint32Array): Uint32Array {
  const place = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) place[order[i]!] = i;
  return place;
}

/**
 * Bytes: for each field its word count then id + 1 per word, then the title term count and ids + 1
 * (ascending), then for each field its joined compound count and ids + 1; all varints. With
 * `place` (see `termOrder`), each term is written as its place + 1 instead of its id + 1.
 */
export function encodePaperTerms(terms: PaperTerms, place?: Uint32Array): Uint8Array {
  const values: number[] = [];
  const list = (ids: Int32Array, byPlace = place !== undefined): void => {
    values.push(ids.length);
    for (const id of ids) values.push(id < 0 || !byPlace ? id + 1 : place![id]! + 1);
  };
  for (const ids of terms.fields) list(ids);
  // Ascending as written: by place when written by place.
  if (place) list(Int32Array.from(terms.titleTerms, (t) => place[t]!).sort(), false);
  else list(terms.titleTerms);
  for (const ids of terms.joined) list(ids);
  const out = new Uint8Array(values.length * 5);
  let at = 0;
  for (let v of values) {
    while (v >= 0x80) {
      out[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[at++] = v;
  }
  return out.slice(0, at);
}

export class PaperTermsError extends Error {
  override name = 'PaperTermsError';
}

/**
 * Decode `encodePaperTerms`'s bytes for an index of `vocabulary` terms, written by place in
 * `order` when given (`order.length` must be `vocabulary`). Throws PaperTermsError when they do not fit.
 */
export function decodePaperTerms(bytes: Uint8Array, vocabulary: number, order?: Uint32Array): PaperTerms {
  const size = bytes.length;
  let at = 0;
  // One varint (at most 5 bytes, below 2^35), read inline: this runs for every word of every
  // paper the second stage looks at.
  const next = (): number => {
    if (at < size) {
      const b = bytes[at]!;
      if (b < 0x80) {
        at++;
        return b;
      }
    }
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (at >= size) break;
      const b = bytes[at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    throw new PaperTermsError('paper terms are cut short or malformed');
  };
  const list = (): Int32Array => {
    const count = next();
    if (count > size - at) throw new PaperTermsError('paper terms are cut short or malformed');
    const ids = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = next() - 1;
      if (v >= vocabulary) throw new PaperTermsError('paper terms name a term the index does not have');
      ids[i] = v;
    }
    return ids;
  };
  const byId = (ids: Int32Array): Int32Array => {
    if (order) for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) ids[i] = order[ids[i]!]!;
    return ids;
  };
  const fields = [byId(list()), byId(list()), byId(list())] as const;
  const titleTerms = list();
  const joined = [byId(list()), byId(list()), byId(list())] as const;
  if (at !== size) throw new PaperTermsError('paper terms have bytes left over');
  for (let i = 0; i < titleTerms.length; i++)
    if (titleTerms[i]! < 0 || (i > 0 && titleTerms[i]! <= titleTerms[i - 1]!)) throw new PaperTermsError('paper title terms are not in order');
  if (order) byId(titleTerms).sort();
  for (const ids of joined) for (let i = 0; i < ids.length; i++) if (ids[i]! < 0) throw new PaperTermsError('a joined compound of the paper is not a term');
  return { fields, titleTerms, joined };
}
