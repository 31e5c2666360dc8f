import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from '../papers/paper.ts';
import { parseDailyPapers } from '../parse/daily-papers.ts';
import { mergeById } from '../papers/merge.ts';
import type { ParseProblem } from '../parse/problem.ts';
import { packagePath } from '../files/package-root.ts';
import { FileReadError, fileKind, readRegularFile } from '../files/read-file.ts';

export type { ParseProblem } from '../parse/problem.ts';

/** Absolute path of the built-in Daily Papers page (`data/daily-papers.txt`), independent of the cwd. */
export const BUILTIN_PAPERS_PATH = packagePath('data', 'daily-papers.txt');

/** Loading a paper set failed; the message names the file (and line) and says what to do. */
export class PapersLoadError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number) {
    super(message);
    this.name = 'PapersLoadError';
    this.file = file;
    this.line = line;
  }
}

export interface LoadedPapers {
  papers: Paper[];
  problems: ParseProblem[];
  /** Page files read, in the order they were parsed. */
  files: string[];
}

const PAGE_FILE = /\.txt$/i;

function errnoMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `could not be read (${err instanceof Error ? err.message : String(err)})`;
}

function missing(path: string, err: unknown): PapersLoadError {
  return new PapersLoadError(`papers path "${path}" ${errnoMessage(err)}; pass a Daily Papers page file (.txt) or a folder of them`, path);
}

function pageFilesIn(dir: string, names: string[]): string[] {
  const files = names.filter((n) => !n.startsWith('.') && PAGE_FILE.test(n)).sort();
  if (files.length === 0) {
    throw new PapersLoadError(`folder "${dir}" has no page files; put Daily Papers page text files (*.txt) in it or pass a single file`, dir);
  }
  return files.map((n) => join(dir, n));
}

/** Decode page bytes as UTF-8 text, refusing binary content with a clear error. */
function decode(file: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new PapersLoadError(
      `"${file}" looks like a binary file (NUL byte at offset ${nul}), not page text; pass the Daily Papers page saved as UTF-8 text`,
      file,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PapersLoadError(`"${file}" is not valid UTF-8 text (binary or another encoding); re-save the page as UTF-8 text`, file);
  }
}

function combine(files: string[], texts: string[]): LoadedPapers {
  const all: Paper[] = [];
  const problems: ParseProblem[] = [];
  files.forEach((file, i) => {
    const page = parseDailyPapers(texts[i] ?? '', file);
    all.push(...page.papers);
    problems.push(...page.problems);
  });
  const papers = mergeById(all);
  if (papers.length === 0) {
    const first = problems[0];
    const where = files.length === 1 ? `"${files[0]}"` : `${files.length} files (${files.join(', ')})`;
    const detail = first !== undefined ? `; first problem at ${first.file}:${first.line}: ${first.message}` : '';
    throw new PapersLoadError(
      `no papers found in ${where}${detail}; each paper needs a title line followed by an abstract line, separated by a blank line`,
      first?.file ?? files[0] ?? '',
      first?.line,
    );
  }
  return { papers, problems, files };
}

/**
 * The page files a papers path stands for: the file itself, or the `*.txt` files of a folder (by
 * name, not recursive, hidden files ignored). Throws `PapersLoadError` for a missing path or a
 * folder without page files.
 */
export async function listPageFiles(path: string): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    throw missing(path, err);
  }
  if (!info.isDirectory()) {
    if (!info.isFile()) throw new PapersLoadError(`papers path "${path}" is ${fileKind(info)}: give a page file or a folder of page files`, path);
    return [path];
  }
  let names: string[];
  try {
    names = await readdir(path);
  } catch (err) {
    throw missing(path, err);
  }
  return pageFilesIn(path, names);
}

/** Read and parse the given page files (see `listPageFiles`). */
export async function loadPageFiles(files: string[]): Promise<LoadedPapers> {
  const texts = await Promise.all(
    files.map(async (file) => {
      try {
        return decode(file, await readRegularFile(file));
      } catch (err) {
        if (err instanceof PapersLoadError) throw err;
        if (err instanceof FileReadError && err.code === 'not-regular') throw new PapersLoadError(`page file ${err.message}`, file);
        throw new PapersLoadError(`page file "${file}" ${errnoMessage(err)}; check the path and its permissions`, file);
      }
    }),
  );
  return combine(files, texts);
}

/**
 * Load a paper set from a page file or a folder of page files (`*.txt`, by name, not recursive,
 * hidden files ignored). Papers seen in several files are merged by id. Odd chunks come back as
 * `problems`; a missing path, unreadable or binary file, empty folder, or zero papers throws a
 * `PapersLoadError`.
 */
export async function loadPapers(path: string): Promise<LoadedPapers> {
  return loadPageFiles(await listPageFiles(path));
}
