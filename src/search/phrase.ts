/**
 * Quoted phrases in a query (`"state space" models`): a paper matches a phrase when its name,
 * title or abstract contains those words next to each other, ignoring case, accents and
 * punctuation (`"kv cache"` matches `KV-cache`). Words are compared as written, not stemmed, as
 * quotes ask for exactly these words.
 */

const QUOTED = /["\u201C\u201D\u201E]([^"\u201C\u201D\u201E]*)["\u201C\u201D\u201E]?/g;

/** Lowercase, strip accents, and turn every run of non-alphanumerics into one space, padded. */
export function phraseText(text: string): string {
  const folded = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return ` ${folded
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** The normalised quoted phrases of a query that have two words or more (one quoted word is just a word). */
export function quotedPhrases(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(QUOTED)) {
    const p = phraseText(m[1] ?? '');
    if (p.trim().includes(' ') && !out.includes(p)) out.push(p);
  }
  return out;
}

/** True when the (already `phraseText`-normalised) text contains every phrase. */
export function containsPhrases(normalisedText: string, phrases: readonly string[]): boolean {
  return phrases.every((p) => normalisedText.includes(p));
}
