import type { Logger } from 'pino';
import type { CommandDeps } from './commands/command.ts';
import { helpCommand } from './commands/help.ts';
import { CORE_COMMANDS } from './commands/index.ts';
import { stat } from 'node:fs/promises';
import { BUILTIN_PAPERS_PATH, listPageFiles, loadPageFiles } from './load.ts';
import type { ParseProblem } from './parse/problem.ts';
import { PARSER_VERSION } from './parse/version.ts';
import type { Paper } from './papers/paper.ts';
import { Paperboy } from './paperboy.ts';
import { Library } from './library/library.ts';
import type { PaperStore } from './store/paper-store.ts';
import { hashInputFiles, loadOrBuildEngine } from './search/engine-cache.ts';
import { createSearchEngine, type PaperboyEngine } from './search/engine.ts';
import { BUILTIN_TOPICS_PATH, loadTopics } from './topics.ts';

export interface BootOptions {
  /** A page file or a folder of page files; default: the built-in page. */
  papersPath?: string;
  /** Topics file; default: the shipped `data/topics.json`. */
  topicsPath?: string;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
  /**
   * Where to keep the built index between runs. Used only for paper sets of at least
   * `CACHE_MIN_BYTES` of page text (small sets build faster than a cache would save).
   */
  cacheDir?: string;
  /** Stored feed papers (HF, arXiv), combined with the page papers. Absent: page papers only. */
  store?: PaperStore;
}

/** Page text below this size (~2,500 papers) is always parsed and indexed afresh. */
export const CACHE_MIN_BYTES = 5 * 1024 * 1024;

export interface Booted {
  paperboy: Paperboy;
  library: Library;
  /** Chunks that were reported and skipped while loading (the rest loaded). */
  problems: ParseProblem[];
  files: string[];
}

/**
 * Load the paper set and topics, build the search engine and register the core commands.
 * Throws `PapersLoadError` / `TopicsLoadError` with a clear message when the data cannot be used.
 */
export async function createPaperboy(opts: BootOptions): Promise<Booted> {
  const [files, topics] = await Promise.all([
    listPageFiles(opts.papersPath ?? BUILTIN_PAPERS_PATH),
    loadTopics(opts.topicsPath ?? BUILTIN_TOPICS_PATH),
  ]);
  // With stored papers the engine is built over the combined set; page papers alone may come
  // from the index cache.
  const stored = opts.store ? await opts.store.count() : 0;
  const { engine, papers: pagePapers, problems } = stored === 0 ? await buildEngine(files, opts) : { ...(await parsePages(files)), engine: undefined };
  for (const p of problems) opts.logger.warn({ file: p.file, line: p.line }, `skipped: ${p.message}`);
  const library = await Library.open({
    pagePapers,
    logger: opts.logger,
    ...(opts.store ? { store: opts.store } : {}),
    ...(engine ? { engine } : {}),
  });
  const deps: CommandDeps = {
    library,
    get engine() {
      return library.engine;
    },
    get papers() {
      return library.papers;
    },
    topics,
    logger: opts.logger,
    now: opts.now ?? (() => new Date()),
    random: opts.random ?? Math.random,
  };
  const paperboy = new Paperboy(deps, [...CORE_COMMANDS]);
  paperboy.register(helpCommand(() => paperboy.commands));
  opts.logger.info({ papers: library.papers.length, stored, files: files.length, topics: topics.length }, 'paper set loaded');
  return { paperboy, library, problems, files };
}

async function parsePages(files: string[]): Promise<{ papers: Paper[]; problems: ParseProblem[] }> {
  const { papers, problems } = await loadPageFiles(files);
  return { papers, problems };
}

/** Parse and index the page files, through the on-disk index cache when the set is large. */
async function buildEngine(files: string[], opts: BootOptions): Promise<{ engine: PaperboyEngine; papers: readonly Paper[]; problems: ParseProblem[] }> {
  let problems: ParseProblem[] = [];
  const parse = async (): Promise<Paper[]> => {
    const loaded = await loadPageFiles(files);
    problems = loaded.problems;
    return loaded.papers;
  };
  if (opts.cacheDir) {
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    if (sizes.reduce((a, b) => a + b, 0) >= CACHE_MIN_BYTES) {
      const inputHash = `p${PARSER_VERSION}-${hashInputFiles(files)}`;
      const { engine, cache } = await loadOrBuildEngine(parse, { cacheDir: opts.cacheDir, inputHash, logger: opts.logger });
      opts.logger.info({ cache, files: files.length }, `index cache ${cache}`);
      return { engine, papers: engine.papers, problems };
    }
  }
  const engine = createSearchEngine(await parse());
  return { engine, papers: engine.papers, problems };
}
