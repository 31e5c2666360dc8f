/** Neutral rich text (spans) to Discord markdown, within a length budget. Pure. */
import type { RichText, Span } from '../../src/reply/reply.ts';
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

/**
 * A span cut to at most `room` rendered characters (word boundary), or '' when nothing fits: the
 * longest word prefix whose markdown fits (found by bisection, so a larger room never gives less).
 */
function fitSpan(s: Span, room: number, atLineStart: boolean): string {
  if (room <= 0) return '';
  // A link cannot be cut without breaking it: fall back to its (cut) text.
  const base: Span = s.kind === 'link' ? { kind: 'text', text: s.text } : s;
  const render = (n: number) => spanMd({ ...base, text: wordPrefix(base.text, n) }, atLineStart);
  let lo = 0;
  let hi = Math.min(base.text.length, room);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid).length <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : render(lo);
}

/**
 * Render rich text as Discord markdown of at most `max` characters (`atLineStart`: it begins a line). When it does not fit, the
 * cut is on a word boundary and ends in a visible `…`. The output never gets shorter as `max` grows
 * (callers share one budget between parts on that assumption).
 */
export function richMd(rich: RichText, max = Number.POSITIVE_INFINITY, atLineStart = true): string {
  const spans = joinBoldRuns(rich);
  const whole: string[] = [];
  for (const s of spans) whole.push(spanMd(s, whole.length === 0 ? atLineStart : whole[whole.length - 1]!.endsWith('\n')));
  const full = whole.join('');
  if (full.length <= max) return full;
  if (max < ELLIPSIS.length) return '';
  // Too long: the spans that fit with room left for the ellipsis, then as much of the next as fits.
  const room = max - ELLIPSIS.length;
  let len = 0;
  let i = 0;
  while (i < whole.length && len + whole[i]!.length <= room) len += whole[i++]!.length;
  const lineStart = i === 0 ? atLineStart : whole[i - 1]!.endsWith('\n');
  const partial = i < spans.length ? fitSpan(spans[i]!, room - len, lineStart) : '';
  return `${(whole.slice(0, i).join('') + partial).replace(/\s+$/, '')}${ELLIPSIS}`;
}
