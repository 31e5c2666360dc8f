/** The Daily Papers page parser: one entry point plus the pieces it is built from. */
export { parseDailyPapers, type ParsedPage } from './daily-papers.ts';
export type { ParseProblem } from './problem.ts';
export { mergeById, mergePaper } from '../papers/merge.ts';
export { slugify } from './slug.ts';
export { cleanLatex } from './latex.ts';
export { extractName } from './name.ts';
export { extractAliases } from './aliases.ts';
export { extractLinks, linkKind } from './links.ts';
export { extractHighlights } from './highlights.ts';
