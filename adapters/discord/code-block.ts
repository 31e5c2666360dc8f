/**
 * Preformatted text (a BibTeX entry) as Discord code blocks (```bibtex … ```). Pure.
 *
 * Discord renders everything inside a fence literally except a run of three backticks, which ends
 * it: runs of backticks get zero-width spaces between them, so content cannot break out. Control
 * characters are removed. Text longer than one embed is split between lines into several blocks;
 * a block cut to fit keeps its fences and ends in a `…` line.
 */
import { ELLIPSIS } from '../../src/text/cut.ts';
import { ZWSP, cleanChatText } from '../shared/text.ts';

/** Content that cannot end or escape a fence: runs of backticks get zero-width spaces between them. */
export function fenceSafe(text: string): string {
  return text.replace(/`{2,}/g, (run) => run.split('').join(ZWSP));
}

/** A fence's language tag: letters, digits, `+`, `#`, `-` only (anything else: none). */
export function codeLanguage(language: string | undefined): string {
  return language !== undefined && /^[A-Za-z0-9+#-]{1,20}$/.test(language) ? language.toLowerCase() : '';
}

function fence(lines: readonly string[], language: string): string {
  return `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``;
}

/** Fence overhead for a language tag: the opening ``` + tag + newline, and the newline + closing ```. */
function overhead(language: string): number {
  return 3 + language.length + 1 + 1 + 3;
}

/** The content lines: cleaned, fence-safe, trailing spaces and surrounding blank lines dropped. */
function contentLines(text: string): string[] {
  const lines = fenceSafe(cleanChatText(text))
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines;
}

/** Split a line longer than `max` into pieces of at most `max` (surrogate pairs kept whole). */
function splitLong(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const out: string[] = [];
  let piece = '';
  for (const ch of line) {
    if (piece.length + ch.length > max) {
      out.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece !== '') out.push(piece);
  return out;
}

/**
 * `text` as the contents of code blocks whose fenced form is at most `max` characters each,
 * split between lines (a line longer than a whole block is split inside). Each chunk is a list of
 * lines, ready for `fencedCode`. Empty text gives no chunks.
 */
export function codeChunks(text: string, language: string | undefined, max: number): string[][] {
  const lang = codeLanguage(language);
  const room = max - overhead(lang);
  if (room < 1) return [];
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const raw of contentLines(text)) {
    for (const line of splitLong(raw, room)) {
      const added = (current.length > 0 ? 1 : 0) + line.length;
      if (size + added > room && current.length > 0) {
        chunks.push(current);
        current = [];
        size = 0;
      }
      size += (current.length > 0 ? 1 : 0) + line.length;
      current.push(line);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * A chunk of lines fenced, at most `max` characters: whole when it fits, else the lines that fit
 * and a last `…` line, inside the fences. '' when not even that fits.
 */
export function fencedCode(lines: readonly string[], language: string | undefined, max: number): string {
  const lang = codeLanguage(language);
  const full = fence(lines, lang);
  if (full.length <= max) return full;
  const room = max - overhead(lang) - 1 - ELLIPSIS.length;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const added = (kept.length > 0 ? 1 : 0) + line.length;
    if (size + added > room) break;
    kept.push(line);
    size += added;
  }
  if (kept.length === 0) return max >= overhead(lang) + ELLIPSIS.length ? fence([ELLIPSIS], lang) : '';
  return fence([...kept, ELLIPSIS], lang);
}
