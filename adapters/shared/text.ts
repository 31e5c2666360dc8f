/**
 * Text pieces both chat renderers need (Slack mrkdwn, Discord markdown). Pure. Each platform's
 * escaping stays in its adapter; what is the same for both lives here.
 */
import type { RichText, Span } from '../../src/reply/reply.ts';
import { stripControlChars } from '../../src/text/control.ts';

/** Zero-width space: breaks a mention or separates a formatting mark from the letters beside it. */
export const ZWSP = '\u200B';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from users or data, fit for a chat message: line breaks made `\n` (CRLF and a lone CR too),
 * tabs made spaces, control characters, bidi controls and the BOM removed, lone surrogates (which
 * make invalid JSON text) replaced by U+FFFD. Newlines are kept.
 */
export function cleanChatText(s: string): string {
  return stripControlChars(s.replace(/\r\n?/g, '\n').replace(/\t/g, ' '), { invisible: true }).replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * `url` trimmed when a chat message may link to it: http(s) (and `mailto:` when allowed), no spaces
 * or control characters. Undefined otherwise (the link then renders as its text). Each platform
 * then escapes it for its own link syntax.
 */
export function linkableUrl(url: string, options: { mailto?: boolean } = {}): string | undefined {
  const u = url.trim();
  const scheme = options.mailto ? /^(https?:\/\/|mailto:)/i : /^https?:\/\//i;
  if (!scheme.test(u) || /[\s\u0000-\u001F\u007F-\u009F]/.test(u)) return undefined;
  return u;
}

const isBold = (s: Span | undefined): s is Span => s !== undefined && (s.kind === 'mark' || s.kind === 'strong');

/**
 * Bold spans (`strong`, `mark`) separated only by spaces or hyphens become one bold run: `KV cache`
 * in one pair of marks, not one per word (matched terms in a snippet read as a phrase).
 */
export function joinBoldRuns(rich: RichText): RichText {
  const out: Span[] = [];
  for (let i = 0; i < rich.length; i++) {
    const s = rich[i]!;
    const prev = out[out.length - 1];
    const next = rich[i + 1];
    if (s.kind === 'text' && /^[ -]{1,3}$/.test(s.text) && isBold(prev) && isBold(next)) {
      out[out.length - 1] = { kind: prev.kind === 'strong' && next.kind === 'strong' ? 'strong' : 'mark', text: `${prev.text}${s.text}${next.text}` };
      i += 1;
      continue;
    }
    if (isBold(s) && isBold(prev)) {
      out[out.length - 1] = { kind: prev.kind === 'strong' && s.kind === 'strong' ? 'strong' : 'mark', text: prev.text + s.text };
      continue;
    }
    out.push(s);
  }
  return out;
}
