/** Cutting text to a length on a word boundary, with a visible ellipsis. Pure. */

export const ELLIPSIS = '…';

/** Index <= `max` that does not split a surrogate pair. */
function safeIndex(text: string, max: number): number {
  if (max <= 0) return 0;
  if (max >= text.length) return text.length;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/**
 * The longest prefix of `text` of at most `max` characters that ends on a word boundary (or a hard
 * cut when the last word boundary is far back), trailing spaces and punctuation trimmed. No ellipsis.
 */
export function wordPrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  const hard = safeIndex(text, max);
  const head = text.slice(0, hard);
  // Cut at the last space when it keeps most of the room; else cut hard mid-word.
  const space = head.search(/\s\S*$/);
  const cut = text[hard] !== undefined && /\s/.test(text[hard]!) ? head : space >= max * 0.6 ? head.slice(0, space) : head;
  return cut.replace(/[\s,;:]+$/u, '');
}

/** `text` itself when it fits in `max`, else a word-boundary prefix plus `…` (total <= `max`). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return wordPrefix(text, max - ELLIPSIS.length) + ELLIPSIS;
}
