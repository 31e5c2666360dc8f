/**
 * `paperboy import FILE --category cs [--category cs.CL ...] [--json]`: the command-line side of
 * the bulk import (src/ingest/import-snapshot.ts): arguments, progress on stderr (a live line on a
 * terminal, a plain line now and then otherwise), the result on stdout. Not a chat command: it
 * reads a file of the machine it runs on.
 */
import type { Logger } from 'pino';
import { importSnapshot, ImportError, type ImportReport, type ImportStatus } from '../ingest/import-snapshot.ts';
import { categoryFilter } from '../sources/arxiv-snapshot.ts';
import { createLogger } from './logger.ts';
import { cliConfig, openCliState } from './cli-state.ts';

export const IMPORT_USAGE = `Usage: paperboy import FILE --category NAME [--category NAME ...] [--json]

Imports arXiv's bulk metadata snapshot (the JSON Lines file arXiv publishes as its dataset, plain
or gzip) into Paperboy's store. --category takes an archive (cs) or a category (cs.CL) and may be
repeated; a paper is imported when any of its categories matches, cross-lists included. The file
is streamed, stored in batches; an interrupted import continues where it stopped when run again,
and importing the same file again adds nothing. A malformed line or a record without an abstract
is skipped, counted and logged with its line number. Progress goes to stderr; the result to stdout
(--json: {"added", "updated", "unchanged", "skipped", ...}). A running bot sees the papers once
they are stored. E.g.
  paperboy import arxiv-metadata-oai-snapshot.json --category cs
  paperboy import snapshot.json.gz --category cs.CL --category cs.LG --json`;

export interface ImportCliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Clock for the progress lines (tests). */
  now?: () => number;
  signal?: AbortSignal;
}

/** Plain progress lines (not a terminal) come at most this often. */
const PLAIN_EVERY_MS = 15_000;

type Args = { ok: true; file: string; categories: string[]; json: boolean } | { ok: false; problem: string };

export function parseImportArgs(words: readonly string[]): Args {
  let file: string | undefined;
  const categories: string[] = [];
  let json = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--json') json = true;
    else if (w === '--category' || w === '-c') {
      const v = words[++i];
      if (v === undefined || v.startsWith('-')) return { ok: false, problem: `${w} needs a value: an archive (cs) or a category (cs.CL).` };
      categories.push(...v.split(',').filter((s) => s.trim() !== ''));
    } else if (w.startsWith('--category='))
      categories.push(
        ...w
          .slice('--category='.length)
          .split(',')
          .filter((s) => s.trim() !== ''),
      );
    else if (w.startsWith('-') && w !== '-') return { ok: false, problem: `unknown option ${w}.` };
    else if (file === undefined) file = w;
    else return { ok: false, problem: `one file at a time (got "${file}" and "${w}").` };
  }
  if (file === undefined) return { ok: false, problem: 'name the snapshot file to import.' };
  if (categories.length === 0) return { ok: false, problem: 'name what to import with --category: an archive (cs) or a category (cs.CL).' };
  return { ok: true, file, categories, json };
}

/** Run `paperboy import …` (words after `import`). Returns the exit code: 0 imported, 1 failed, 2 configuration. */
export async function importCli(words: readonly string[], io: ImportCliIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  if (words.includes('--help') || words.includes('-h')) {
    io.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  const args = parseImportArgs(words);
  if (!args.ok) {
    say(`paperboy import: ${args.problem}\n\n${IMPORT_USAGE}`);
    return 1;
  }
  const filter = categoryFilter(args.categories);
  if (!filter.ok) {
    say(`paperboy import: ${filter.problem}`);
    return 1;
  }
  const config = cliConfig(io);
  if (!config) return 2;
  const logger: Logger = createLogger(config.logLevel ?? 'warn');
  const state = await openCliState(io, config);
  if (!state) return 2;
  const progress = progressPrinter(io);
  try {
    const report = await importSnapshot({
      file: args.file,
      filter: filter.filter,
      store: state.papers,
      logger,
      onProgress: (status) => progress.update(status),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    progress.end();
    io.stdout.write(`${args.json ? JSON.stringify(reportJson(report)) : describeImport(report)}\n`);
    return 0;
  } catch (err) {
    progress.end();
    if (!(err instanceof ImportError)) logger.error({ err }, 'import failed');
    const why = err instanceof Error ? err.message : String(err);
    if (args.json) io.stdout.write(`${JSON.stringify({ error: why })}\n`);
    say(`paperboy import: ${why}${err instanceof ImportError ? '' : '\nWhat was stored so far is kept: run the same command again to continue.'}`);
    return 1;
  } finally {
    await state.close();
  }
}

/** The result as JSON: the same counts as `ingest` (`added`, `updated`, `skipped`), and the import's own. */
export function reportJson(r: ImportReport) {
  return {
    source: 'arxiv-snapshot',
    file: r.file,
    categories: r.categories,
    added: r.added,
    updated: r.updated,
    unchanged: r.unchanged,
    skipped: r.skipped,
    matched: r.matched,
    lines: r.lines,
    resumedAt: r.resumedAt,
    alreadyImported: r.alreadyImported,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** One paragraph for people. */
export function describeImport(r: ImportReport): string {
  if (r.alreadyImported) {
    const when = r.importedAt ? ` on ${r.importedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return `${r.file} (${r.categories}) was imported before${when}: nothing to do.`;
  }
  const counts = `${n(r.added)} added, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged, ${n(r.skipped)} skipped`;
  const resumed = r.resumedAt > 0 ? ` Continued after line ${n(r.resumedAt)} (counts include the earlier run).` : '';
  const skipped = r.skipped > 0 ? ' Skipped lines are logged with their line numbers (LOG_LEVEL=warn or lower).' : '';
  return `Imported ${r.file} (${r.categories}): ${counts}, from ${n(r.lines)} lines.${resumed}${skipped}`;
}

/** `412,000 lines, 180,233 stored (5,200 lines/s), 41%, about 2 min left` */
export function progressLine(s: ImportStatus, elapsedMs: number): string {
  const stored = s.added + s.updated + s.unchanged;
  const rate = elapsedMs > 0 ? Math.round((s.lines * 1000) / elapsedMs) : 0;
  const share = s.totalBytes > 0 ? s.bytesRead / s.totalBytes : 0;
  const left = share > 0.01 && share < 1 ? ((1 - share) / share) * elapsedMs : undefined;
  const eta = left === undefined ? '' : `, about ${duration(left)} left`;
  return `Importing: ${n(s.lines)} lines, ${n(stored)} papers stored, ${n(s.skipped)} skipped (${n(rate)} lines/s), ${Math.floor(share * 100)}%${eta}`;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Progress on stderr: rewritten in place on a terminal, a plain line every 15 s otherwise. */
function progressPrinter(io: ImportCliIo) {
  const now = io.now ?? Date.now;
  const started = now();
  const tty = Boolean(io.stderr.isTTY);
  let lastPlain = started;
  let shown = false;
  return {
    update(s: ImportStatus) {
      const t = now();
      if (tty) {
        io.stderr.write(`\r\x1b[K${progressLine(s, t - started)}`);
        shown = true;
      } else if (t - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = t;
        io.stderr.write(`${progressLine(s, t - started)}\n`);
      }
    },
    end() {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
