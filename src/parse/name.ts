import { isCapitalisedWord, isGenericTerm, isStrongToken } from './name-like.ts';

/** Single words that head a title before a colon without being a name (`Survey: ...`). */
const NOT_A_NAME = new Set([
  'survey',
  'review',
  'introduction',
  'tutorial',
  'overview',
  'position',
  'perspective',
  'perspectives',
  'editorial',
  'abstract',
  'erratum',
  'correction',
  'commentary',
  'report',
  'preface',
  'keynote',
  'towards',
  'beyond',
  'revisiting',
  'rethinking',
  'understanding',
  'benchmarking',
  'evaluating',
  'scaling',
  'efficient',
]);

function isNameWord(word: string): boolean {
  return isStrongToken(word) || isCapitalisedWord(word);
}

/** The head of a title: the text before its first colon (`Swift4D:Adaptive` has no space), if any. */
function titleHead(title: string): string | undefined {
  const colon = title.indexOf(':');
  if (colon <= 0) return undefined;
  return title.slice(0, colon).trim();
}

/**
 * The short name a title gives its work, or undefined.
 *
 * Heuristic, in order:
 * 1. A head (the part before the first colon, or a whole colon-less title) ending in a
 *    parenthesised strong token names that token: `Probabilistic Partitive Partitioning (PPP)` -> `PPP`,
 *    `Self-Referencing Embedded Strings (SELFIES): ...` -> `SELFIES`.
 * 2. A one-word head before a colon is a name unless it is a common word (`Survey`): `SnapKV`,
 *    `Curator`, `Cache-Craft`, `E²GAN`.
 * 3. A head of 2–4 words is a name when every word is capitalised or name-shaped and at least one
 *    is a strong token (camel case / acronym / digits): `LUT Tensor Core`, `DeepSpeed Inference`;
 *    phrases with lowercase words, commas or numbers (`LLM in a flash`, `Train Small, Infer Large`,
 *    `70% Size, 100% Accuracy`, `Discrete Audio Tokens`) are not.
 * 4. When a comma comes before any colon, a strong single token before it is a name:
 *    `SortedNet, a Place for Every Network...` -> `SortedNet`.
 */
export function extractName(title: string): string | undefined {
  const head = titleHead(title);
  const paren = /\(\s*([^()\s]+)\s*\)$/.exec(head ?? title);
  if (paren?.[1] !== undefined && isStrongToken(paren[1]) && !isGenericTerm(paren[1])) return paren[1];

  if (head !== undefined && !head.includes(',')) {
    const words = head.split(/\s+/);
    if (words.length === 1) {
      const w = words[0] ?? '';
      if (isNameWord(w) && !NOT_A_NAME.has(w.toLowerCase())) return w;
      return undefined;
    }
    if (words.length <= 4 && words.every(isNameWord) && words.some(isStrongToken)) return head;
    return undefined;
  }

  const comma = title.indexOf(',');
  const colon = title.indexOf(':');
  if (comma > 0 && (colon < 0 || comma < colon)) {
    const first = title.slice(0, comma).trim();
    if (!/\s/.test(first) && isStrongToken(first) && !isGenericTerm(first)) return first;
  }
  return undefined;
}
