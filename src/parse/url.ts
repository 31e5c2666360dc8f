/** Matches a raw URL token as it appears in page text (may carry trailing punctuation or braces). */
export const RAW_URL = /https?:\/\/[^\s<>"]+/g;

/** Characters that end a sentence or close a wrapper, never the last character of a URL here. */
const TRAILING_JUNK = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '}', ']', '>', '*']);

/**
 * Split a raw URL token into the URL proper and the trailing text that is not part of it
 * (`https://github.com/x/y}}.` -> `https://github.com/x/y` + `}}.`). A closing parenthesis is kept
 * only when the URL opened one. Dots inside the URL (`Wan2.1`, `.github.io`, `.git`) are kept.
 * Braces never belong to a URL in this data (LaTeX wrappers such as `{\footnotesizeblue{...}}`),
 * so the URL also ends at the first brace. Linear in the token's length.
 */
export function splitUrl(raw: string): { url: string; rest: string } {
  let end = raw.length;
  const brace = raw.search(/[{}]/);
  if (brace >= 0) end = brace;
  let opens = 0;
  let closes = 0;
  for (let i = 0; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === 40) opens++;
    else if (c === 41) closes++;
  }
  while (end > 0) {
    const ch = raw.charAt(end - 1);
    if (TRAILING_JUNK.has(ch)) {
      end--;
    } else if (ch === ')' && closes > opens) {
      closes--;
      end--;
    } else {
      break;
    }
  }
  return { url: raw.slice(0, end), rest: raw.slice(end) };
}

/** The parsed URL when `url` is an http(s) URL with a dotted host, else undefined. */
export function parseUrl(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.') ? u : undefined;
  } catch {
    return undefined;
  }
}
