import { basename } from 'node:path';
import type { ParseProblem } from '../../src/parse/problem.ts';

const MAX_LINES = 6;
const MAX_FILES = 3;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One human line about the page chunks the loader skipped, for the shell (the details are warn-level
 * JSON logs, meant for operators):
 * `note: skipped 2 chunks of malformed.txt (lines 5, 9) — LOG_LEVEL=warn shows why`.
 * `logged`: the warnings are already on stderr (LOG_LEVEL=warn or lower), so point there instead.
 * Undefined when nothing was skipped.
 */
export function skippedChunksNote(problems: readonly ParseProblem[], opts: { logged?: boolean } = {}): string | undefined {
  if (problems.length === 0) return undefined;
  const byFile = new Map<string, number[]>();
  for (const p of problems) {
    const lines = byFile.get(p.file) ?? [];
    lines.push(p.line);
    byFile.set(p.file, lines);
  }
  const parts = [...byFile].slice(0, MAX_FILES).map(([file, lines], i) => {
    const sorted = [...new Set(lines)].sort((a, b) => a - b);
    const shown = sorted.slice(0, MAX_LINES).join(', ') + (sorted.length > MAX_LINES ? ', …' : '');
    const what = i === 0 ? plural(lines.length, 'chunk') : String(lines.length);
    return `${what} of ${basename(file)} (line${sorted.length === 1 ? '' : 's'} ${shown})`;
  });
  const moreFiles = byFile.size - MAX_FILES;
  if (moreFiles > 0)
    parts.push(`${problems.length - [...byFile.values()].slice(0, MAX_FILES).reduce((n, l) => n + l.length, 0)} in ${plural(moreFiles, 'more file')}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `note: skipped ${list} — ${opts.logged ? 'the warnings on stderr say why' : 'LOG_LEVEL=warn shows why'}`;
}

/**
 * The shell's first lines: how many papers, what to type; when no paper has a publication date
 * (the built-in page set has none), that `new` and `trending` need an ingest, and the one command
 * that fetches today's papers. `note`: a further line (skipped chunks), if any.
 */
export function shellBanner(opts: { papers: number; dated: number; note?: string | undefined }): string {
  const lines = [`Paperboy — ${plural(opts.papers, 'paper')} loaded. Type "help", a search such as "kv cache compression", or "quit".`];
  if (opts.dated === 0) {
    lines.push('These papers have no publication dates, so "new" and "trending" have nothing to show yet: "ingest hf" fetches today\'s papers.');
  }
  if (opts.note) lines.push(opts.note);
  return lines.join('\n');
}
