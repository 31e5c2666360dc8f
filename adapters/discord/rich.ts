/** Neutral rich text (spans) to Discord markdown, within a length budget. Pure. */
import type { RichText, Span } from '../../src/core/reply.ts';
import { ELLIPSIS, wordPrefix } from '../../src/text/cut.ts';
import { cleanChatText, joinBoldRuns } from '../shared/text.ts';
import { defuseMentions, mdLink, safeText } from './markdown.ts';

/** Inline code that cannot be broken out of: backticks inside are swapped for a look-alike. */
function codeMd(text: string): string {
  const inner = cleanChatText(text).replace(/`/g, 'ˋ').replace(/\n/g, ' ');
  return inner.trim() === '' ? '' : `\`${defuseMentions(inner)}\``;
}

/** One span as markdown. */
export function spanMd(s: Span, atLineStart = true): string {
  switch (s.kind) {
    case 'text':
      return safeText(s.text, atLineStart);
    case 'strong':
    case 'mark': {
      const inner = safeText(s.text, false);
      return inner.trim() === '' ? inner : `**${inner}**`;
    }
    case 'code':
      return codeMd(s.text);
    case 'link':
      return mdLink(s.text, s.url);
  }
}

/** A span cut to at most `room` rendered characters (word boundary), or '' when nothing fits. */
function fitSpan(s: Span, room: number, atLineStart: boolean): string {
  if (room <= 0) return '';
  // A link cannot be cut without breaking it: fall back to its (cut) text.
  const base: Span = s.kind === 'link' ? { kind: 'text', text: s.text } : s;
  let n = Math.min(base.text.length, room);
  while (n > 0) {
    const prefix = wordPrefix(base.text, n);
    if (prefix.length === 0) return '';
    const md = spanMd({ ...base, text: prefix }, atLineStart);
    if (md.length <= room) return md;
    n = Math.min(prefix.length - 1, n - (md.length - room));
  }
  return '';
}

/**
 * Render rich text as Discord markdown of at most `max` characters (`atLineStart`: it begins a line). When it does not fit, the
 * cut is on a word boundary and ends in a visible `…`.
 */
export function richMd(rich: RichText, max = Number.POSITIVE_INFINITY, atLineStart = true): string {
  const parts: string[] = [];
  let len = 0;
  const lineStart = () => (parts.length === 0 ? atLineStart : parts[parts.length - 1]!.endsWith('\n'));
  for (const s of joinBoldRuns(rich)) {
    const md = spanMd(s, lineStart());
    if (len + md.length <= max) {
      parts.push(md);
      len += md.length;
      continue;
    }
    if (max < ELLIPSIS.length) return '';
    // Make room for the ellipsis (rare: only when earlier spans filled the budget exactly).
    let popped = false;
    while (len + ELLIPSIS.length > max && parts.length > 0) {
      len -= parts.pop()!.length;
      popped = true;
    }
    const partial = popped ? '' : fitSpan(s, max - len - ELLIPSIS.length, lineStart());
    return `${(parts.join('') + partial).replace(/\s+$/, '')}${ELLIPSIS}`;
  }
  return parts.join('');
}

/** Plain text of rich text (for places without markdown). */
export function richPlain(rich: RichText): string {
  return rich.map((s) => s.text).join('');
}
