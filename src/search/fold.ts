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
