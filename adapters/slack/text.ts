/**
 * Text hygiene for Slack: strip invisible/control characters, escape Slack's control characters
 * (`&`, `<`, `>`), keep data from triggering mrkdwn formatting, and cut long text on a word boundary
 * with a visible ellipsis. Pure functions.
 */
import { cutWords as cutWordsShared } from '../../src/text/cut.ts';
import { ZWSP, cleanChatText } from '../shared/text.ts';

/**
 * Remove characters that have no business in a chat message (see `cleanChatText`: controls, bidi
 * overrides, the BOM, lone surrogates). Newlines are kept.
 */
export const clean = cleanChatText;

/** Like `clean`, and newlines become spaces (for one-line contexts: labels, headers, inline spans). */
export function cleanLine(s: string): string {
  return clean(s).replace(/\s*\n\s*/g, ' ');
}

/**
 * Escape the three characters Slack treats as control sequences. After this, `<!channel>`,
 * `<@U123>` and `<https://x|y>` are shown as text and ping or link nothing.
 */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const WORDISH = /[\p{L}\p{N}]/u;
const LOOKALIKE: Record<string, string> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02CD', // ˍ modifier letter low macron
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};

/**
 * Keep data text from turning into mrkdwn formatting. Slack has no escape character for `*`, `_`,
 * `~` and `` ` ``, so a mark that could open or close formatting (one not surrounded by letters or
 * digits on both sides, e.g. `A* search`, `_init_`) is replaced by a look-alike character;
 * in-word marks (`snake_case`, `2*3`) cannot format and are kept. Backticks are always replaced.
 * Lines that would start a block quote (`>`) get a zero-width space in front.
 */
export function neutralizeMrkdwn(s: string): string {
  const chars = Array.from(s);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const lookalike = LOOKALIKE[c];
    if (lookalike === undefined) {
      out += c;
      continue;
    }
    const before = chars[i - 1];
    const after = chars[i + 1];
    const inWord = c !== '`' && before !== undefined && after !== undefined && WORDISH.test(before) && WORDISH.test(after);
    out += inWord ? c : lookalike;
  }
  return out.replace(/(^|\n)(\s*)>/g, `$1${ZWSP}$2>`);
}

/** Data text as mrkdwn: cleaned, formatting neutralised, escaped. */
export function mrkdwnText(s: string): string {
  return escapeSlack(neutralizeMrkdwn(clean(s)));
}

/** Data text for a Slack `plain_text` object (headers, button labels): one line, escaped. */
export function plainTextObject(s: string): string {
  return escapeSlack(cleanLine(s));
}

/** Cut `s` to at most `max` characters on a word boundary in the final fifth, ending in `…`. */
export function cutWords(s: string, max: number): string {
  return cutWordsShared(s, max, 0.8);
}

/**
 * Cut raw text so that its rendered form (`render(raw)`, e.g. escaped) is at most `max` characters.
 * Escaping can lengthen text, so the raw budget shrinks until the rendered text fits.
 */
export function fitRendered(raw: string, max: number, render: (s: string) => string): { text: string; cut: boolean } {
  const full = render(raw);
  if (full.length <= max) return { text: full, cut: false };
  let budget = Math.min(raw.length, max);
  for (;;) {
    const text = render(cutWords(raw, budget));
    if (text.length <= max || budget <= 1) return { text: text.slice(0, max), cut: true };
    budget -= Math.max(1, text.length - max);
  }
}
