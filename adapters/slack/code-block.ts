/**
 * Preformatted text (a BibTeX entry) as Slack mrkdwn code blocks. Pure.
 *
 * Inside ``` Slack applies no formatting, but it still reads `&`, `<` and `>` as its control
 * characters (escaped here, so nothing can mention or link) and a run of three backticks ends the
 * block (broken up here with zero-width spaces, so content cannot escape the fence). Text longer
 * than one section is split between lines into several fenced sections.
 */
import { ZWSP } from '../shared/text.ts';
import { clean, escapeSlack } from './text.ts';

const OPEN = '```\n';
const CLOSE = '\n```';
const FENCES = OPEN.length + CLOSE.length;

/** Content that cannot end or escape a ``` block: runs of backticks get zero-width spaces between them. */
export function fenceSafe(text: string): string {
  return text.replace(/`{2,}/g, (run) => run.split('').join(ZWSP));
}

/** The lines of `text` as they go inside the fence: cleaned, fence-safe, trailing blank lines dropped. */
function codeLines(text: string): string[] {
  const lines = fenceSafe(clean(text))
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines;
}

/** Split one raw line into pieces whose escaped form is at most `max` characters (surrogate pairs kept whole). */
function splitLine(raw: string, max: number): string[] {
  if (raw === '') return [''];
  const out: string[] = [];
  let piece = '';
  let size = 0;
  for (const ch of raw) {
    const n = escapeSlack(ch).length;
    if (size + n > max && piece !== '') {
      out.push(escapeSlack(piece));
      piece = '';
      size = 0;
    }
    piece += ch;
    size += n;
  }
  if (piece !== '') out.push(escapeSlack(piece));
  return out;
}

/**
 * `text` as fenced mrkdwn sections of at most `max` characters each, split between lines (a line
 * longer than a whole section is split inside). Empty text gives no sections.
 */
export function codeSections(text: string, max: number): string[] {
  const room = max - FENCES;
  if (room < 1) return [];
  const sections: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length > 0) sections.push(`${OPEN}${current.join('\n')}${CLOSE}`);
    current = [];
    size = 0;
  };
  for (const raw of codeLines(text)) {
    for (const line of splitLine(raw, room)) {
      const added = (current.length > 0 ? 1 : 0) + line.length;
      if (size + added > room) flush();
      size += (current.length > 0 ? 1 : 0) + line.length;
      current.push(line);
    }
  }
  flush();
  return sections;
}
