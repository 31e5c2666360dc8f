import type { Paper } from '../papers/paper.ts';
import { foldPhrase } from './fold.ts';

/** Below this many papers a scan is quick enough (and an index not worth its memory). */
export const AUTHOR_INDEX_MIN_PAPERS = 5000;

/**
 * The folded words of a name (see `authorMatcher`): an ASCII name's by its character codes, any
 * other's through `foldPhrase` (which leaves them one space apart).
 */
export function nameWords(name: string): string[] {
  const ascii = asciiNameWords(name);
  if (ascii) return ascii;
  const folded = foldPhrase(name);
  return folded === '' ? [] : folded.split(' ');
}

/**
 * The folded words of an ASCII name by its character codes (the same as `foldPhrase`'s, four times
 * faster: indexing a million papers' names folds four million of them); undefined for any other name.
 */
function asciiNameWords(name: string): string[] | undefined {
  const words: string[] = [];
  let from = -1;
  let lower = true;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 32;
    if (c >= 128) return undefined;
    const digit = c >= 48 && c <= 57;
    const small = c >= 97 && c <= 122;
    const capital = c >= 65 && c <= 90;
    if (digit || small || capital) {
      if (from < 0) {
        from = i;
        lower = true;
      }
      if (capital) lower = false;
    } else if (from >= 0) {
      const w = name.slice(from, i);
      words.push(lower ? w : w.toLowerCase());
      from = -1;
    }
  }
  return words;
}

/** An author index as stored: the distinct folded words, sorted, and each word's papers, ascending. */
export interface AuthorIndexData {
  words: readonly string[];
  /** Word `w`'s papers are `docs[offsets[w] .. offsets[w + 1]]`. */
  offsets: Uint32Array;
  docs: Uint32Array;
}

/** The index of a paper list's author names: its words, sorted, and each word's papers (CSR). */
export function buildAuthorIndex(papers: readonly Paper[]): AuthorIndexData {
  const ids = new Map<string, number>();
  // (word, paper) pairs in paper order, each once per paper.
  let pairs = new Uint32Array(1024);
  let count = 0;
  const seen: number[] = [];
  papers.forEach((p, doc) => {
    if (!p.authors?.length) return;
    seen.length = 0;
    for (const a of p.authors) {
      for (const w of nameWords(a)) {
        let id = ids.get(w);
        if (id === undefined) ids.set(w, (id = ids.size));
        if (seen.includes(id)) continue;
        seen.push(id);
        if (count + 2 > pairs.length) {
          const grown = new Uint32Array(pairs.length * 2);
          grown.set(pairs);
          pairs = grown;
        }
        pairs[count++] = id;
        pairs[count++] = doc;
      }
    }
  });
  const byId = [...ids.keys()];
  const sorted = byId.map((_, i) => i).sort((a, b) => (byId[a]! < byId[b]! ? -1 : byId[a]! > byId[b]! ? 1 : 0));
  const place = new Uint32Array(byId.length);
  sorted.forEach((id, at) => (place[id] = at));
  const words = sorted.map((id) => byId[id]!);
  const offsets = new Uint32Array(byId.length + 1);
  for (let i = 0; i < count; i += 2) offsets[place[pairs[i]!]! + 1]!++;
  for (let w = 0; w < byId.length; w++) offsets[w + 1]! += offsets[w]!;
  const docs = new Uint32Array(count / 2);
  const fill = offsets.slice(0, byId.length);
  // Pairs are in paper order, so each word's papers come out ascending.
  for (let i = 0; i < count; i += 2) docs[fill[place[pairs[i]!]!]!++] = pairs[i + 1]!;
  return { words, offsets, docs };
}

/** Throws when `data` is not an author index of `n` papers: what a stored one must be before it is used. */
export function checkAuthorIndex(data: AuthorIndexData, n: number): void {
  const { words, offsets, docs } = data;
  if (offsets.length !== words.length + 1 || offsets[0] !== 0 || offsets[words.length] !== docs.length)
    throw new Error('author index offsets do not match its words');
  for (let w = 0; w < words.length; w++) {
    if (words[w] === '' || (w > 0 && !(words[w - 1]! < words[w]!))) throw new Error('author index words are not in order');
    const from = offsets[w]!;
    const to = offsets[w + 1]!;
    if (to < from) throw new Error('author index offsets go back');
    for (let p = from; p < to; p++)
      if (docs[p]! >= n || (p > from && docs[p]! <= docs[p - 1]!)) throw new Error('author index papers are out of range or order');
  }
}

/**
 * The papers of one paper list by the folded words of their authors' names, so `--author` over a
 * million papers does not fold four million names per query: each distinct word once, its papers
 * in one array (CSR). A query word matches every indexed word it starts (`g` finds `geoffrey`),
 * which is what `authorMatcher` asks of each word; the papers having a match for every query word
 * are then checked with the matcher itself (one author must have them all).
 */
export class AuthorIndex {
  readonly #papers: readonly Paper[];
  /** Distinct words, sorted. */
  readonly #words: readonly string[];
  /** Papers of word `w` (its place in `#words`): `#docs[#offsets[w] .. #offsets[w + 1]]`, ascending. */
  readonly #offsets: Uint32Array;
  readonly #docs: Uint32Array;

  /** `data`: the index of exactly these papers (from the index cache); built from them when absent. */
  constructor(papers: readonly Paper[], data: AuthorIndexData = buildAuthorIndex(papers)) {
    this.#papers = papers;
    this.#words = data.words;
    this.#offsets = data.offsets;
    this.#docs = data.docs;
  }

  /** What the index holds (to store it). */
  get data(): AuthorIndexData {
    return { words: this.#words, offsets: this.#offsets, docs: this.#docs };
  }

  /** Papers of the list whose authors `matches` (the same test as `authorMatcher(name)`), in list order. */
  papersBy(name: string, matches: (authors: readonly string[] | undefined) => boolean): Paper[] {
    const want = nameWords(name);
    if (want.length === 0) return [];
    const n = this.#papers.length;
    let both: Uint32Array | undefined;
    for (const w of want) {
      const bits = new Uint32Array((n + 31) >>> 5);
      // The words starting with `w` lie together in sorted order, from the first word >= w.
      let lo = 0;
      let hi = this.#words.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.#words[mid]! < w) lo = mid + 1;
        else hi = mid;
      }
      for (let at = lo; at < this.#words.length && this.#words[at]!.startsWith(w); at++) {
        for (let p = this.#offsets[at]!; p < this.#offsets[at + 1]!; p++) {
          const d = this.#docs[p]!;
          bits[d >>> 5]! |= 1 << (d & 31);
        }
      }
      if (both) for (let i = 0; i < bits.length; i++) both[i]! &= bits[i]!;
      else both = bits;
    }
    // One word: a paper with a name word it starts is a match (the index holds exactly the words the
    // matcher folds). More: they must all be in one author's name, which only the matcher can tell.
    const check = want.length > 1;
    const out: Paper[] = [];
    for (let i = 0; i < both!.length; i++) {
      let x = both![i]!;
      while (x !== 0) {
        const bit = 31 - Math.clz32(x & -x);
        x &= x - 1;
        const paper = this.#papers[(i << 5) + bit]!;
        if (!check || matches(paper.authors)) out.push(paper);
      }
    }
    return out;
  }
}

/** The index by paper list: a list never changes (an engine part: see `SearchEngine.parts`). */
const indexes = new WeakMap<readonly Paper[], AuthorIndex>();

/** Stored indexes, by paper list, read when first asked for. */
const stored = new WeakMap<readonly Paper[], () => AuthorIndexData | undefined>();

/**
 * Where the author index of a paper list is stored (the index cache): `read` gives it, checked,
 * or undefined when it cannot be used (then it is built from the papers).
 */
export function storedAuthorIndex(papers: readonly Paper[], read: () => AuthorIndexData | undefined): void {
  stored.set(papers, read);
}

/** The author index of a paper list: as stored, or built when first asked for. */
export function authorIndex(papers: readonly Paper[]): AuthorIndex {
  let index = indexes.get(papers);
  if (!index) {
    const data = stored.get(papers)?.();
    stored.delete(papers);
    indexes.set(papers, (index = new AuthorIndex(papers, data)));
  }
  return index;
}
