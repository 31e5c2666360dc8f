/** Lines of the page chrome around the paper list, compared case-insensitively after trimming. */
const BOILERPLATE = new Set(['new', 'get trending papers in your email inbox!', 'subscribe', 'daily papers', 'byak and the research community']);

const DATE = /^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{4}-\d{2}-\d{2})$/i;

/** True for page-chrome lines (`Subscribe`, `Daily Papers`, ...). */
export function isBoilerplate(line: string): boolean {
  return line.length <= 40 && BOILERPLATE.has(line.trim().toLowerCase());
}

/** The page date when `line` is one (`Aug 8`, `August 8, 2025`, `2025-08-08`), else undefined. */
export function pageDate(line: string): string | undefined {
  const t = line.trim();
  return t.length <= 20 && DATE.test(t) ? t : undefined;
}

/** Longest line accepted as a title. */
export const MAX_TITLE_LENGTH = 300;

/**
 * Whether a line reads as an abstract rather than a title. Titles are short and are not prose:
 * a line is an abstract when it is longer than 300 characters, has 40+ words, or has 15+ words and
 * either ends like a sentence (`.`) or contains a sentence break (`... word. Next ...`).
 * Everything else is a title candidate. Classification looks at the line alone, never at its
 * position, so one missing line cannot shift the pairing of the lines after it.
 */
export function looksLikeAbstract(line: string): boolean {
  if (line.length > MAX_TITLE_LENGTH) return true;
  let words = 1;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 32) words++;
  if (words >= 40) return true;
  if (words < 15) return false;
  return /\.$/.test(line) || /[\p{Ll}\p{N})\]]\.\s+\p{Lu}/u.test(line);
}
