import type { Paper } from '../papers/paper.ts';
import { mergePaper } from '../papers/merge.ts';
import { isBoilerplate, looksLikeAbstract, pageDate } from './page-lines.ts';
import { buildPaper } from './paper-record.ts';
import type { ParseProblem } from './problem.ts';

export interface ParsedPage {
  papers: Paper[];
  problems: ParseProblem[];
  /** First page date seen (`Aug 8`), when the page has one. */
  date?: string;
}

interface Line {
  no: number;
  text: string;
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Parse the text of a Hugging Face "Daily Papers" page into validated papers. Pure, linear, never throws.
 *
 * Format: page chrome (`new`, `Subscribe`, `Daily Papers`, ...) and a date line (`Aug 8`), then
 * for each paper a title line and an abstract line, separated by blank lines. CRLF/CR line ends,
 * a BOM, trailing spaces and extra blank lines are tolerated; chrome lines are ignored anywhere and
 * a date line sets the date for the papers after it (several pages may be concatenated).
 *
 * Recognition: lines are grouped into blank-line-separated chunks. Each line is classified on its
 * own as title or abstract (`looksLikeAbstract`: long or sentence-like prose), never by position,
 * so the parser resynchronises after any damage. A title followed by an abstract (as two chunks,
 * or as one two-line chunk) is a paper. Reported and skipped: a title with no abstract after it,
 * an abstract with no title before it (this includes over-long "titles"), and chunks of three or
 * more lines. A paper whose id repeats an earlier one in the same text is merged into it and noted.
 */
export function parseDailyPapers(text: string, file: string): ParsedPage {
  const problems: ParseProblem[] = [];
  const byId = new Map<string, Paper>();
  const firstLine = new Map<string, number>();
  let firstDate: string | undefined;
  let date: string | undefined;
  let pending: Line | undefined;

  const report = (line: number, message: string): void => {
    problems.push({ file, line, message });
  };
  const flushPendingTitle = (): void => {
    if (pending === undefined) return;
    report(pending.no, `title "${preview(pending.text)}" has no abstract after it; skipped`);
    pending = undefined;
  };
  const emit = (title: Line, abstract: Line): void => {
    const result = buildPaper(title.text, abstract.text, { file, line: title.no, ...(date !== undefined ? { date } : {}) });
    if (!result.ok) {
      report(title.no, `${result.message}; skipped`);
      return;
    }
    const prev = byId.get(result.paper.id);
    if (prev === undefined) {
      byId.set(result.paper.id, result.paper);
      firstLine.set(result.paper.id, title.no);
    } else {
      report(title.no, `paper "${preview(result.paper.title)}" repeats the one on line ${firstLine.get(result.paper.id) ?? '?'}; merged`);
      byId.set(result.paper.id, mergePaper(prev, result.paper));
    }
  };
  const singleLine = (line: Line): void => {
    if (looksLikeAbstract(line.text)) {
      if (pending !== undefined) {
        emit(pending, line);
        pending = undefined;
      } else if (!/[.!?]$/.test(line.text) && !/[.!?]\s/.test(line.text)) {
        report(line.no, `line is too long for a title (${line.text.length} characters) and no title precedes it; skipped`);
      } else {
        report(line.no, `abstract "${preview(line.text)}" has no title before it; skipped`);
      }
      return;
    }
    flushPendingTitle();
    pending = line;
  };
  const chunk = (lines: Line[]): void => {
    const [a, b] = lines;
    if (a === undefined) return;
    if (lines.length === 1) return singleLine(a);
    if (lines.length === 2 && b !== undefined && !looksLikeAbstract(a.text) && looksLikeAbstract(b.text)) {
      flushPendingTitle();
      emit(a, b);
      return;
    }
    flushPendingTitle();
    report(
      a.no,
      `chunk of ${lines.length} non-blank lines (lines ${a.no}-${a.no + lines.length - 1}) is not a title followed by an abstract; expected a title line and an abstract line separated by a blank line; skipped`,
    );
  };

  let src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.includes('\u0000')) src = src.replace(/\u0000/g, '');
  // Native splitting is far faster than a character loop on 100k-paper corpora.
  const rawLines = src.includes('\r') ? src.split(/\r\n|\r|\n/) : src.split('\n');
  let current: Line[] = [];
  for (let i = 0; i < rawLines.length; i++) {
    const no = i + 1;
    const raw = (rawLines[i] ?? '').trim();
    const d = raw.length > 0 ? pageDate(raw) : undefined;
    if (raw.length === 0 || isBoilerplate(raw) || d !== undefined) {
      if (current.length > 0) chunk(current);
      current = [];
      if (d !== undefined) {
        flushPendingTitle();
        date = d;
        firstDate ??= d;
      }
    } else {
      current.push({ no, text: raw });
    }
  }
  if (current.length > 0) chunk(current);
  flushPendingTitle();

  return { papers: [...byId.values()], problems, ...(firstDate !== undefined ? { date: firstDate } : {}) };
}
