import { PaperSchema, type Paper, type PaperSource } from '../papers/paper.ts';
import { stripTerminalControls } from '../text/control.ts';
import { extractAliases } from './aliases.ts';
import { extractHighlights } from './highlights.ts';
import { cleanLatex } from './latex.ts';
import { extractLinks } from './links.ts';
import { extractName } from './name.ts';
import { slugify } from './slug.ts';

/** Either a validated paper or the reason the pair could not become one. */
export type RecordResult = { ok: true; paper: Paper } | { ok: false; message: string };

/**
 * Build one validated `Paper` from a raw title line and a raw abstract line (page text, LaTeX and
 * all). Terminal escape sequences, control characters, bidi controls and the BOM are dropped first: a source's text never
 * reaches a terminal or a chat as escape sequences. Pure; validation failures come back as a
 * message instead of an exception.
 */
export function buildPaper(rawTitle: string, rawAbstract: string, source: PaperSource): RecordResult {
  const title = cleanLatex(stripTerminalControls(rawTitle));
  const name = extractName(title);
  const abstract = cleanLatex(stripTerminalControls(rawAbstract), name !== undefined ? { projectName: name } : {});
  const candidate = {
    id: slugify(title),
    title,
    ...(name !== undefined ? { name } : {}),
    aliases: extractAliases(abstract, name),
    abstract,
    links: extractLinks(abstract),
    highlights: extractHighlights(abstract),
    sources: [source],
  };
  const parsed = PaperSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, paper: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'paper'}: ${i.message}`).join('; ');
  return { ok: false, message: `paper "${title.slice(0, 60)}" is invalid (${issues})` };
}
