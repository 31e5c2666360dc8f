/**
 * Making user- and data-derived text safe to put in a Discord message: control characters
 * removed (`cleanChatText`), markdown escaped, mentions defused. Pure functions.
 */
import { ZWSP, cleanChatText, linkableUrl } from '../shared/text.ts';

/**
 * Break every mention so Discord shows it as text: `@everyone`, `@here`, `<@id>`, `<@!id>`,
 * `<@&role>`, `<#channel>`. (Messages are also sent with `allowed_mentions: { parse: [] }`;
 * this keeps them from even looking like pings.)
 */
export function defuseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#)(?=\d)/g, `<$1${ZWSP}`);
}

const URL_RE = /https?:\/\/[^\s<>()[\]]+/g;

function escapePlain(text: string, atLineStart: boolean): string {
  return (
    text
      // Inline markdown anywhere: bold/italic/underline/strike/spoiler/code/links/custom emoji/timestamps.
      .replace(/[\\*_~`|[\]<]/g, (c) => `\\${c}`)
      // Block markdown at the start of a line: headings, subtext, quotes, lists.
      .replace(/(^|\n)([ ]*)([#>+-]|\d+\.(?=\s))/g, (m, nl: string, sp: string, tok: string, offset: number) => {
        if (offset === 0 && nl === '' && !atLineStart) return m;
        return tok.endsWith('.') ? `${nl}${sp}${tok.slice(0, -1)}\\.` : `${nl}${sp}\\${tok}`;
      })
  );
}

/**
 * Escape Discord markdown in `text` so it shows literally. Bare URLs are left intact (escaping
 * inside them would break the link); everything else is escaped. `atLineStart`: the text begins a
 * line, so a leading `#`, `>`, `-` or `1.` would start a block and is escaped too.
 */
export function escapeMarkdown(text: string, atLineStart = true): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapePlain(text.slice(last, m.index), last === 0 ? atLineStart : false);
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + escapePlain(text.slice(last), last === 0 ? atLineStart : false);
}

/** Text from users or data, ready for a markdown field: controls stripped, escaped, mentions defused. */
export function safeText(text: string, atLineStart = true): string {
  return defuseMentions(escapeMarkdown(cleanChatText(text), atLineStart));
}

/** One line for a field that does not render markdown (button labels, choice names, footers): controls stripped, mentions defused. */
export function labelText(text: string): string {
  return defuseMentions(cleanChatText(text).replace(/\s+/g, ' ').trim());
}

/**
 * An http(s) URL safe inside `[text](url)`, or undefined when `url` is not one. Characters that
 * would end the link early are percent-encoded.
 */
export function markdownLinkUrl(url: string): string | undefined {
  const u = linkableUrl(url);
  if (u === undefined || !URL.canParse(u)) return undefined;
  const href = new URL(u).href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return href.length <= 512 ? href : undefined;
}

/** A markdown link `[text](url)` with the text escaped; plain escaped text when the URL is unusable. */
export function mdLink(text: string, url: string): string {
  const href = markdownLinkUrl(url);
  const label = safeText(text.replace(/\s+/g, ' ').trim()) || 'link';
  return href ? `[${label}](${href})` : label;
}
