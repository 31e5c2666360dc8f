/** Most highlights kept per paper. */
export const MAX_HIGHLIGHTS = 5;
/** Longest highlight, in characters. */
export const MAX_HIGHLIGHT_LENGTH = 80;

const NUM = String.raw`\d{1,15}(?:[.,/]\d{1,15}){0,4}`; // bounded: no backtracking blow-up on digit runs
const RANGE = String.raw`${NUM}(?:[x×%]?\s*(?:-|–|to)\s*${NUM})?`;
/** Qualifiers kept in front of the number (`over 120x`, `up to 20%`), matched backwards from it. */
const QUALIFIER_BEFORE =
  /(?:^|\s)((?:over|up to|more than|nearly|approximately|around|about|at least|at most|only|by|almost|less than|under|roughly|above|within)\s+)$/i;
/**
 * A quantitative claim: a number (or range) with a ratio/percentage unit (`120x`, `2.4×`, `64%`,
 * `3 times`, `5-fold`), or a number followed by a comparative word (`speedup`, `faster`, `fewer`...).
 * Plain counts, years, model sizes (`7B`) and section numbers carry no such unit and are skipped.
 * The pattern starts with a digit so the engine skips non-digits quickly.
 */
const CLAIM = new RegExp(
  String.raw`${RANGE}(?:\s*(?:[x×%](?![A-Za-z0-9])|\s?times\b|-?fold\b|\s?percent\b)|\s+(?=(?:speedup|speed-up|faster|fewer|less|smaller|lower|higher|larger|reduction|improvement|increase|decrease|acceleration)\b))`,
  'gi',
);
/** A claim must start its number: not glued to a letter, digit or dot before it (`v2.5x`, `1.5x` inside `11.5x`). */
function startsNumber(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46) return false;
  return c < 128 || !/[\p{L}\p{N}]/u.test(text.charAt(at - 1));
}

/** Words that end a highlight on either side (clause glue, reporting verbs). */
const STOP = new Set([
  'and',
  'or',
  'but',
  'while',
  'without',
  'despite',
  'whereby',
  'which',
  'that',
  'with',
  'whereas',
  'where',
  'when',
  'compared',
  'than',
  'achieves',
  'achieve',
  'achieved',
  'achieving',
  'obtains',
  'obtained',
  'obtain',
  'shows',
  'show',
  'showing',
  'demonstrate',
  'demonstrates',
  'yields',
  'yield',
  'yielding',
  'delivers',
  'delivering',
  'reaching',
  'reaches',
  'resulting',
  'results',
  'leading',
  'providing',
  'provides',
  'offering',
  'offers',
  'is',
  'are',
  'was',
  'were',
  'be',
  'being',
  'can',
  'also',
  'both',
  'we',
  'it',
  'our',
  'its',
  'this',
  'these',
  'the',
  'over',
  'relative',
  'during',
  'using',
  'when',
  'through',
]);
/** Stop words that may continue a claim to the right of its number. */
const RIGHT_OK = new Set(['the', 'its', 'our']);
/** Words a highlight may not end with. */
const DANGLING = /\s+(?:of|the|a|an|on|in|to|for|by|at|from|as|per|vs|across|under|over|up|our|its)$/i;
/** Words a highlight may not start with. */
const LEADING = /^(?:a|an|the|to|of|in|on|and)\s+/i;
const MAX_WORDS_LEFT = 3;
const MAX_WORDS_RIGHT = 5;

/**
 * Short quotes of the abstract's quantitative claims, in order of appearance, at most 5, each at
 * most 80 characters: the number with its qualifier and unit plus up to 3 words before it and 4
 * after it within the same clause (`over 120x compression`, `increases rendering FPS up to 20%`,
 * `3.6x increase in generation speed`). Linear in the abstract's length.
 */
export function extractHighlights(abstract: string): string[] {
  const out: string[] = [];
  const bare: string[] = [];
  let consumed = 0;
  for (const m of abstract.matchAll(CLAIM)) {
    if (out.length >= MAX_HIGHLIGHTS) break;
    if (!startsNumber(abstract, m.index)) continue;
    const qualifier = QUALIFIER_BEFORE.exec(abstract.slice(Math.max(0, m.index - 14), m.index))?.[1] ?? '';
    const start = m.index - qualifier.length;
    const end = m.index + m[0].length;
    if (start < consumed) continue;
    // Right: words until punctuation, a stop word or the word budget.
    let right = end;
    let words = 0;
    const tail = /^\s*((?:[^\s,;:.()!?]|[.,:](?=[\p{L}\p{N}]))+)/u;
    for (;;) {
      const w = tail.exec(abstract.slice(right, right + 60));
      if (w === null || words >= MAX_WORDS_RIGHT) break;
      const word = (w[1] ?? '').toLowerCase();
      // `the` ends a claim on the left, but on the right it carries the object: `90% of the performance`.
      if ((STOP.has(word) && !RIGHT_OK.has(word)) || /^https?:/.test(word)) break;
      // Allow `1.3B` style decimals inside a word only (punctuation check already stops at '.').
      right += w[0].length;
      words++;
    }
    // Left: words back to punctuation, a stop word or the budget (only when the claim is not a sentence start).
    // Left context only when the claim needs it: it starts with a qualifier (`up to 20%` -> what went
    // up) or has no words after it (`APE can preserve 98%`).
    let left = start;
    const wantLeft = words === 0 || qualifier.length > 0;
    words = 0;
    while (wantLeft && words < MAX_WORDS_LEFT) {
      const before = abstract.slice(Math.max(0, left - 40), left);
      const w = /([^\s,;:.()!?]+)\s+$/.exec(before);
      if (w === null || w.index + w[0].length !== before.length) break;
      const word = (w[1] ?? '').toLowerCase();
      if (STOP.has(word) || /\d/.test(word)) break;
      left -= w[0].length;
      words++;
    }
    let text = abstract.slice(left, right).replace(/\s+/g, ' ').trim();
    for (let i = 0; i < 3 && DANGLING.test(text); i++) text = text.replace(DANGLING, '');
    for (let i = 0; i < 2 && LEADING.test(text); i++) text = text.replace(LEADING, '');
    if (text.length > MAX_HIGHLIGHT_LENGTH) text = `${qualifier}${m[0]}`.trim();
    // A bare figure (`90%`) says little on its own: it is kept only when the abstract has no worded claim.
    const worded = /\p{L}{2,}/u.test(text.replace(/\d+(?:[.,]\d+)*\s*(?:x|×|%|times|fold|percent)/giu, ''));
    const list = worded ? out : bare;
    if (text.length > 0 && !list.includes(text)) list.push(text);
    consumed = right;
  }
  return out.length > 0 ? out : bare.slice(0, MAX_HIGHLIGHTS);
}
