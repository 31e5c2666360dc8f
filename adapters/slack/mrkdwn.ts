import type { RichText, Span } from '../../src/reply/reply.ts';
import { ELLIPSIS } from '../../src/text/cut.ts';
import { ZWSP, joinBoldRuns, linkableUrl } from '../shared/text.ts';
import { clean, cleanLine, cutWords, escapeSlack, mrkdwnText } from './text.ts';

/**
 * Neutral rich text -> Slack mrkdwn. Every string from the reply is escaped; `strong` and `mark`
 * render bold, `code` as inline code, `link` as `<url|text>` (http(s) and mailto only).
 */

const WORD_CHAR = /[\p{L}\p{N}]$/u;
const WORD_START = /^[\p{L}\p{N}]/u;

/** A URL for a Slack link token `<url|text>`, or undefined (then the link renders as its text). */
export function slackLinkUrl(url: string): string | undefined {
  const u = linkableUrl(url, { mailto: true });
  if (u === undefined) return undefined;
  // `|` and `>` would end the link token early; `<` is never valid inside it.
  return escapeSlack(u.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E'));
}

/** Merge adjacent spans that render the same way (`strong` and `mark` are both bold). */
function mergeSpans(text: RichText): Span[] {
  const out: Span[] = [];
  const style = (s: Span) => (s.kind === 'mark' ? 'strong' : s.kind);
  for (const s of joinBoldRuns(text)) {
    if (s.text === '') continue;
    const prev = out[out.length - 1];
    if (prev && s.kind !== 'link' && style(prev) === style(s)) {
      out[out.length - 1] = { ...prev, text: prev.text + s.text };
    } else {
      out.push(s);
    }
  }
  return out;
}

function wrap(mark: string, inner: string, prevOut: string, nextRaw: string | undefined): string {
  // Slack only formats at word boundaries; a zero-width space makes one next to letters/digits.
  const pre = WORD_CHAR.test(prevOut) ? ZWSP : '';
  const post = nextRaw !== undefined && WORD_START.test(nextRaw) ? ZWSP : '';
  return `${pre}${mark}${inner}${mark}${post}`;
}

/** Render one span given what precedes it (for boundary handling) and the raw text after it. */
function renderSpan(s: Span, prevOut: string, nextRaw: string | undefined): string {
  switch (s.kind) {
    case 'text':
      return mrkdwnText(s.text);
    case 'strong':
    case 'mark': {
      const raw = cleanLine(s.text);
      const lead = /^\s*/.exec(raw)?.[0] ?? '';
      const trail = /\s*$/.exec(raw)?.[0] ?? '';
      const core = raw.trim();
      if (core === '') return raw;
      const inner = mrkdwnText(core).replace(/\*/g, '\u2217');
      return lead + wrap('*', inner, prevOut + lead, trail === '' ? nextRaw : trail) + trail;
    }
    case 'code': {
      const core = cleanLine(s.text).replace(/`/g, '\u02CB');
      if (core.trim() === '') return escapeSlack(core);
      return wrap('`', escapeSlack(core), prevOut, nextRaw);
    }
    case 'link': {
      const url = slackLinkUrl(s.url);
      const label = cleanLine(s.text).trim();
      if (url === undefined) return mrkdwnText(label || s.url);
      return label === '' || label === s.url.trim() ? `<${url}>` : `<${url}|${mrkdwnText(label)}>`;
    }
  }
}

/** Rich text -> mrkdwn (no length limit). */
export function toMrkdwn(text: RichText): string {
  const spans = mergeSpans(text);
  const parts: string[] = [];
  // Only the last character before a span matters (a word boundary): its last two code units keep a
  // surrogate pair whole. Looking at all the output so far made each span cost everything before it.
  let tail = '';
  spans.forEach((s, i) => {
    const part = renderSpan(s, tail, spans[i + 1]?.text);
    parts.push(part);
    tail = (tail + part).slice(-2);
  });
  return parts.join('');
}

/** Cut rich text to about `budget` raw characters, on a word boundary, ending in `…`. */
function cutRich(text: RichText, budget: number): RichText {
  const out: Span[] = [];
  let left = budget;
  for (const s of text) {
    const len = clean(s.text).length;
    if (len <= left) {
      out.push(s);
      left -= len;
      continue;
    }
    if (s.kind === 'link' || s.kind === 'code') {
      // Never cut inside a link or code token: drop it whole.
      out.push({ kind: 'text', text: ELLIPSIS });
    } else {
      // At most `len - 1`: a span one character over the budget would otherwise come back whole, with no `…`.
      out.push({ ...s, text: cutWords(clean(s.text), Math.max(1, Math.min(left + ELLIPSIS.length, len - 1))) });
    }
    return out;
  }
  return out;
}

/**
 * Rich text -> mrkdwn of at most `max` characters. When it has to be cut, the cut is on a word
 * boundary and ends with a visible `…` (`cut: true`).
 */
export function fitMrkdwn(text: RichText, max: number): { text: string; cut: boolean } {
  const full = toMrkdwn(text);
  if (full.length <= max) return { text: full, cut: false };
  let budget = Math.min(
    max,
    text.reduce((n, s) => n + s.text.length, 0),
  );
  for (;;) {
    const rendered = toMrkdwn(cutRich(text, budget));
    if (rendered.length <= max) return { text: rendered, cut: true };
    if (budget <= 1) return { text: ELLIPSIS, cut: true };
    budget = Math.max(1, budget - Math.max(1, rendered.length - max));
  }
}
