import type { Logger } from 'pino';
import type { CommandDeps } from './commands/command.ts';
import { helpCommand } from './commands/help.ts';
import { CORE_COMMANDS } from './commands/index.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from './load.ts';
import type { ParseProblem } from './parse/problem.ts';
import { Paperboy } from './paperboy.ts';
import { createSearchEngine } from './search/engine.ts';
import { BUILTIN_TOPICS_PATH, loadTopics } from './topics.ts';

export interface BootOptions {
  /** A page file or a folder of page files; default: the built-in page. */
  papersPath?: string;
  /** Topics file; default: the shipped `data/topics.json`. */
  topicsPath?: string;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
}

export interface Booted {
  paperboy: Paperboy;
  /** Chunks that were reported and skipped while loading (the rest loaded). */
  problems: ParseProblem[];
  files: string[];
}

/**
 * Load the paper set and topics, build the search engine and register the core commands.
 * Throws `PapersLoadError` / `TopicsLoadError` with a clear message when the data cannot be used.
 */
export async function createPaperboy(opts: BootOptions): Promise<Booted> {
  const [loaded, topics] = await Promise.all([
    loadPapers(opts.papersPath ?? BUILTIN_PAPERS_PATH),
    loadTopics(opts.topicsPath ?? BUILTIN_TOPICS_PATH),
  ]);
  for (const p of loaded.problems) opts.logger.warn({ file: p.file, line: p.line }, `skipped: ${p.message}`);
  const engine = createSearchEngine(loaded.papers);
  const deps: CommandDeps = {
    engine,
    papers: engine.papers,
    topics,
    logger: opts.logger,
    now: opts.now ?? (() => new Date()),
    random: opts.random ?? Math.random,
  };
  const paperboy = new Paperboy(deps, [...CORE_COMMANDS]);
  paperboy.register(helpCommand(() => paperboy.commands));
  opts.logger.info({ papers: engine.papers.length, files: loaded.files.length, topics: topics.length }, 'paper set loaded');
  return { paperboy, problems: loaded.problems, files: loaded.files };
}
