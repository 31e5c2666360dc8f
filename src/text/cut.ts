/** Cutting text on a word boundary with a visible ellipsis. Pure. */

export const ELLIPSIS = '…';

/** Punctuation and spaces that should not dangle before an ellipsis. */
const TRAILING = /[\s,;:.\-–—]+$/u;

/**
 * The longest prefix of `text` of at most `max` characters that ends on a word boundary, trailing
 * spaces and punctuation trimmed. A surrogate pair is never split. When the last boundary would
 * keep less than `minKeep` of the room (default 0.6), the cut is hard, mid-word. No ellipsis.
 */
export function wordPrefix(text: string, max: number, minKeep = 0.6): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  let head = text.slice(0, end);
  // A cut right before a space already ends on a word boundary.
  if (!/\s/.test(text[end] ?? '')) {
    const space = head.search(/\s\S*$/);
    if (space > 0 && space >= Math.floor(max * minKeep)) head = head.slice(0, space);
  }
  return head.replace(TRAILING, '');
}

/** `text` itself when it fits in `max`, else a word-boundary prefix plus `…` (total <= `max`). */
export function cutWords(text: string, max: number, minKeep?: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  return wordPrefix(text, max - ELLIPSIS.length, minKeep) + ELLIPSIS;
}
