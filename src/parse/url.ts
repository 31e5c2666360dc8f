/** Matches a raw URL token as it appears in page text (may carry trailing punctuation or braces). */
export const RAW_URL = /https?:\/\/[^\s<>"]+/g;

const TRAILING_JUNK = /[.,;:!?'"}\]>*]$/;

/**
 * Split a raw URL token into the URL proper and the trailing text that is not part of it
 * (`https://github.com/x/y}}.` -> `https://github.com/x/y` + `}}.`). A closing parenthesis is kept
 * only when the URL opened one. Dots inside the URL (`Wan2.1`, `.github.io`, `.git`) are kept.
 */
export function splitUrl(raw: string): { url: string; rest: string } {
  let url = raw;
  for (;;) {
    if (TRAILING_JUNK.test(url)) {
      url = url.slice(0, -1);
      continue;
    }
    if (url.endsWith(')')) {
      const opens = url.split('(').length - 1;
      const closes = url.split(')').length - 1;
      if (closes > opens) {
        url = url.slice(0, -1);
        continue;
      }
    }
    break;
  }
  // Braces never belong to a URL in this data (LaTeX wrappers such as `{\footnotesizeblue{...}}`).
  const brace = url.search(/[{}]/);
  if (brace >= 0) url = url.slice(0, brace);
  return { url, rest: raw.slice(url.length) };
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
