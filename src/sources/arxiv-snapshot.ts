/**
 * arXiv's bulk metadata snapshot: the JSON Lines file arXiv publishes as its dataset, one record a
 * line (`id`, `title`, `abstract`, `authors`, `authors_parsed`, `categories`, `versions`,
 * `update_date`, `doi`, ...; titles and abstracts wrapped with `"\n  "`, LaTeX in names). This
 * module reads one line at a time into a `FetchedPaper`; reading the file is the importer's job.
 * Pure.
 */
import { z } from 'zod';
import { parseArxivRef } from '../papers/arxiv-id.ts';
import { cleanLatex, collapseSpace } from '../parse/latex.ts';
import { ARXIV_ARCHIVES, checkArxivCategory } from './arxiv-categories.ts';
import type { FetchedPaper } from './types.ts';

const Text = z.string().nullish();

const SnapshotRecordSchema = z.object({
  id: z.string(),
  title: Text,
  abstract: Text,
  authors: Text,
  /** `[keyname, forenames, suffix]` per author. */
  authors_parsed: z.array(z.array(z.string())).nullish(),
  categories: Text,
  versions: z.array(z.object({ version: z.string().nullish(), created: z.string().nullish() })).nullish(),
  update_date: Text,
  doi: Text,
});
type SnapshotRecord = z.infer<typeof SnapshotRecordSchema>;

/** What one line of the snapshot is. */
export type SnapshotLine =
  /** A record of a wanted category, ready to store. `stamp` changes when arXiv changes the record. */
  | { kind: 'paper'; paper: FetchedPaper; stamp: string }
  /** A record of no wanted category (or a blank line): not imported, not a problem. */
  | { kind: 'other' }
  /** A line that could not be used: malformed JSON, a bad id, no title or no abstract. */
  | { kind: 'skipped'; id?: string; reason: string };

/** Which categories to import: archives (`cs`) and categories (`cs.CL`), as `--category` names them. */
export interface CategoryFilter {
  archives: ReadonlySet<string>;
  categories: ReadonlySet<string>;
}

export type CategoryFilterResult = { ok: true; filter: CategoryFilter } | { ok: false; problem: string };

/**
 * A filter from `--category` values: each an archive (`cs`, `math`, `hep-th`) or a category
 * (`cs.CL`, checked against arXiv's taxonomy, case fixed). Refuses an empty list and unknown names.
 */
export function categoryFilter(specs: readonly string[]): CategoryFilterResult {
  if (specs.length === 0) return { ok: false, problem: 'Name at least one category or archive: --category cs (or cs.CL, cs.LG, ...).' };
  const archives = new Set<string>();
  const categories = new Set<string>();
  for (const spec of specs) {
    const name = spec.trim();
    if (ARXIV_ARCHIVES.includes(name.toLowerCase())) {
      archives.add(name.toLowerCase());
      continue;
    }
    const checked = checkArxivCategory(name);
    if (!checked.ok) return { ok: false, problem: checked.problem };
    categories.add(checked.category);
  }
  return { ok: true, filter: { archives, categories } };
}

/** `--category` values as one line: `cs, stat.ML`. */
export function describeFilter(filter: CategoryFilter): string {
  return [...filter.archives, ...filter.categories].join(', ');
}

/** Whether a record with these categories (space-separated, primary first) is wanted: any one matching counts (cross-lists included). */
export function wanted(categories: string, filter: CategoryFilter): boolean {
  for (const c of categories.split(' ')) {
    if (c === '') continue;
    if (filter.categories.has(c)) return true;
    const dot = c.indexOf('.');
    if (filter.archives.has(dot < 0 ? c : c.slice(0, dot))) return true;
  }
  return false;
}

/** The categories value of a raw line, read without parsing the JSON (it never holds quotes or escapes). */
const CATEGORIES_FIELD = /"categories":\s*"([^"\\]*)"/;

/**
 * One line of the snapshot. Lines of unwanted categories are recognised without parsing the whole
 * record (most of a full snapshot is other fields' papers). `lineNo` is only for messages.
 */
export function parseSnapshotLine(line: string, filter: CategoryFilter): SnapshotLine {
  if (line.trim() === '') return { kind: 'other' };
  const quick = CATEGORIES_FIELD.exec(line);
  if (quick && !wanted(quick[1]!, filter)) return { kind: 'other' };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: 'skipped', reason: 'malformed JSON' };
  }
  const parsed = SnapshotRecordSchema.safeParse(json);
  if (!parsed.success) {
    const id = typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'string' ? json.id : undefined;
    const issue = parsed.error.issues[0];
    const reason = `not a snapshot record (${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'bad shape'})`;
    return id !== undefined ? { kind: 'skipped', id, reason } : { kind: 'skipped', reason };
  }
  const record = parsed.data;
  if (!wanted(record.categories ?? '', filter)) return { kind: 'other' };
  return snapshotPaper(record);
}

function snapshotPaper(record: SnapshotRecord): SnapshotLine {
  const rawId = record.id.trim();
  const arxivId = parseArxivRef(rawId);
  if (arxivId === undefined) return { kind: 'skipped', id: rawId, reason: 'not an arXiv id' };
  const title = collapseSpace(record.title ?? '');
  if (title === '') return { kind: 'skipped', id: arxivId, reason: 'no title' };
  const abstract = collapseSpace(record.abstract ?? '');
  if (abstract === '') return { kind: 'skipped', id: arxivId, reason: 'no abstract' };
  const published = firstVersionDate(record);
  if (published === undefined) return { kind: 'skipped', id: arxivId, reason: 'no date (no versions, no update_date)' };
  const authors = authorNames(record);
  const categories = (record.categories ?? '').split(' ').filter((c) => c !== '');
  // Several DOIs are separated by spaces (as in OAI-PMH): the first is the article's.
  const doi = collapseSpace(record.doi ?? '').split(' ')[0] ?? '';
  const paper: FetchedPaper = {
    arxivId,
    title,
    abstract,
    authors,
    published,
    ...(categories.length ? { categories } : {}),
    ...(doi ? { doi } : {}),
  };
  return { kind: 'paper', paper, stamp: `${record.update_date ?? ''}#${record.versions?.length ?? 0}` };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first version's day (UTC) — the paper's date; else `update_date`. */
function firstVersionDate(record: SnapshotRecord): string | undefined {
  const created = record.versions?.find((v) => v.version === 'v1')?.created ?? record.versions?.[0]?.created;
  if (created) {
    const ms = Date.parse(created);
    if (Number.isFinite(ms)) return new Date(ms).toISOString().slice(0, 10);
  }
  const updated = record.update_date?.trim();
  return updated && ISO_DATE.test(updated) ? updated : undefined;
}

/** Author names in order, LaTeX accents as letters: `authors_parsed` (`Forenames Keyname Suffix`), else the `authors` line split at commas and "and". */
function authorNames(record: SnapshotRecord): string[] {
  const parsed = record.authors_parsed ?? [];
  const names = parsed.length
    ? parsed.map(([keyname = '', forenames = '', suffix = '']) => [forenames, keyname, suffix].filter((s) => s.trim() !== '').join(' '))
    : (record.authors ?? '').split(/,|\band\b/);
  return names.map((n) => cleanLatex(collapseSpace(n))).filter((n) => n !== '');
}
