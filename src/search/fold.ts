/**
 * Unicode and case folding shared by indexing, querying and name lookup.
 *
 * NFKD decomposition turns `²` into `2`, ligatures into letters and accented letters into a base
 * letter plus combining marks; the marks are dropped. Everything is lowercased.
 */

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const NOT_ASCII_ALNUM = /[^a-z0-9]+/g;

/** Fold one word: NFKD, strip diacritics, lowercase, keep only letters and digits. */
export function foldWord(word: string): string {
  if (!NON_ASCII.test(word)) return word.toLowerCase().replace(NOT_ASCII_ALNUM, '');
  const folded = word.normalize('NFKD').replace(MARKS, '').toLowerCase();
  return NON_ASCII.test(folded) ? folded.replace(NOT_ALNUM, '') : folded.replace(NOT_ASCII_ALNUM, '');
}

/**
 * A lookup key for names, aliases, ids and titles: folded with every non-alphanumeric character
 * removed, so `HPC-ColPali`, `hpc colpali` and `hpccolpali` share one key, and `E²GAN` is `e2gan`.
 */
export function foldKey(text: string): string {
  return foldWord(text);
}

/** Folded words of a text, separated by single spaces (title prefixes for autocomplete). */
export function foldPhrase(text: string): string {
  const folded = (NON_ASCII.test(text) ? text.normalize('NFKD').replace(MARKS, '') : text).toLowerCase();
  return folded.replace(NON_ASCII.test(folded) ? NOT_ALNUM : NOT_ASCII_ALNUM, ' ').trim();
}

const SHADOW_CACHE = new Map<number, number>();
const WORDLIKE_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * A lowercase ascii string of the same length as `text` whose words fold exactly like `text`'s
 * (so offsets carry over): each non-ascii character becomes the single ascii character it folds
 * to (`é` -> `e`, `²` -> `2`), or a space if it is not part of a word (no-break space, dashes).
 * Undefined when some character folds to something else (CJK, Greek, ligatures): use the slow path.
 */
export function asciiShadow(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return undefined;
  if (!NON_ASCII.test(lower)) return lower;
  let out = '';
  let from = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 128) continue;
    let sub = SHADOW_CACHE.get(c);
    if (sub === undefined) {
      const ch = String.fromCharCode(c);
      const folded = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
      if (folded.length === 1 && folded.charCodeAt(0) < 128 && /[a-z0-9]/.test(folded)) sub = folded.charCodeAt(0);
      else if (!WORDLIKE_CHAR.test(ch) && !(c >= 0xd800 && c <= 0xdfff)) sub = 32;
      else sub = -1;
      if (SHADOW_CACHE.size < 4096) SHADOW_CACHE.set(c, sub);
    }
    if (sub < 0) return undefined;
    out += lower.slice(from, i) + String.fromCharCode(sub);
    from = i + 1;
  }
  return out + lower.slice(from);
}
