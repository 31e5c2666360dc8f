/**
 * Text hygiene for Slack: strip invisible/control characters, escape Slack's control characters
 * (`&`, `<`, `>`), keep data from triggering mrkdwn formatting, and cut long text on a word boundary
 * with a visible ellipsis. Pure functions.
 */

export const ELLIPSIS = '…';

/** Zero-width space: separates our own formatting marks from adjacent word characters. */
export const ZWSP = '\u200B';

// C0 controls except \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates, BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Remove characters that have no business in a chat message: control characters (tabs become
 * spaces, `\r` is dropped), bidi override/isolate controls (which can visually reorder the text
 * around them) and lone surrogates (which make invalid JSON text for Slack). Newlines are kept.
 */
export function clean(s: string): string {
  return s.replace(/\t/g, ' ').replace(INVISIBLE, '').replace(LONE_SURROGATE, '\uFFFD');
}

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

/** Data text as plain_text (headers, button labels): one line, escaped. */
export function plainText(s: string): string {
  return escapeSlack(cleanLine(s));
}

/**
 * Cut `s` to at most `max` characters (code points never split), preferring the last word
 * boundary in the final fifth, and end it with `…`. Returns `s` unchanged when it fits.
 */
export function cutWords(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  let end = max - ELLIPSIS.length;
  // Never split a surrogate pair.
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  let head = s.slice(0, end);
  const lastSpace = head.search(/\s\S*$/);
  if (lastSpace > 0 && lastSpace >= Math.floor(end * 0.8)) head = head.slice(0, lastSpace);
  head = head.replace(/[\s,;:.\-–—]+$/u, '');
  return head + ELLIPSIS;
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
