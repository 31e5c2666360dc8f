/**
 * Offline evaluation: run Paperboy and the stock baselines over a judged query set and score
 * them with the same metrics (see metrics.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Paper } from '../papers/paper.ts';
import { fuseBaseline, minisearchBaseline, minisearchDefaultsBaseline, type Baseline } from './baselines.ts';
import { understand } from '../conversation/questions.ts';
import { meanScores, ndcgAt, type QualityScores } from './metrics.ts';
import type { SearchEngine } from '../search/types.ts';

/** The judged query set for the built-in papers. */
export const BUILTIN_JUDGMENTS_PATH = fileURLToPath(new URL('../../test/fixtures/judgments.json', import.meta.url));

const JudgedQuerySchema = z.object({
  query: z.string().min(1),
  /** `question` for natural-language questions; anything else (topic, descriptive, acronym, name, typo) is a keyword query. */
  kind: z.string().default('topic'),
  /** `dev`: may be tuned on. `test`: held out, only reported. */
  split: z.enum(['dev', 'test']).default('dev'),
  /** `blind`: written before any system's results were seen; `tuning-set`: written while tuning. */
  origin: z.string().optional(),
  judgments: z.record(z.string(), z.number().int().min(0).max(3)),
});
const JudgmentFileSchema = z.object({ description: z.string().optional(), queries: z.array(JudgedQuerySchema).min(1) });
export type JudgedQuery = z.infer<typeof JudgedQuerySchema>;

/** Read and validate a judgments file; a bad file throws with the zod issue paths in the message. */
export function loadJudgments(path: string = BUILTIN_JUDGMENTS_PATH): JudgedQuery[] {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const parsed = JudgmentFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`judgments file ${path} is invalid: ${issues}`);
  }
  return parsed.data.queries;
}

/** Keyword queries and questions are measured apart (their targets differ). */
export type QueryGroup = 'keywords' | 'questions';

export function groupOf(q: Pick<JudgedQuery, 'kind'>): QueryGroup {
  return q.kind === 'question' ? 'questions' : 'keywords';
}

/** The queries of one split and group. */
export function slice(queries: readonly JudgedQuery[], split: 'dev' | 'test', group: QueryGroup): JudgedQuery[] {
  return queries.filter((q) => q.split === split && groupOf(q) === group);
}

export interface SystemScores extends QualityScores {
  system: string;
  /** nDCG@10 per query, in query order. */
  perQuery: number[];
}

function score(system: string, rankings: string[][], queries: readonly JudgedQuery[]): SystemScores {
  const judgments = queries.map((q) => q.judgments);
  return { system, ...meanScores(rankings, judgments), perQuery: rankings.map((r, i) => ndcgAt(r, judgments[i]!, 10)) };
}

/**
 * Paperboy's ranking for text a user sends: a question is read as the search it asks for (as the
 * bot does with free text), anything else is searched as it is.
 */
export function paperboyRanking(engine: SearchEngine, text: string, limit: number): string[] {
  const asked = understand(text)?.command;
  const query = asked?.startsWith('search ') ? asked.slice('search '.length).replace(/\s*--code\b/, '') : text;
  return engine.search(query, { limit }).hits.map((h) => h.paper.id);
}

/**
 * Evaluate Paperboy (`engine`) and the two stock baselines over `queries`. Judged ids that are
 * not in `papers` make the evaluation throw (stale judgments must not silently score 0).
 */
export function evaluate(
  papers: readonly Paper[],
  engine: SearchEngine,
  queries: readonly JudgedQuery[],
  baselineSet: ReadonlyArray<(papers: readonly Paper[]) => Baseline> = [minisearchBaseline, minisearchDefaultsBaseline, fuseBaseline],
): SystemScores[] {
  const ids = new Set(papers.map((p) => p.id));
  for (const q of queries) {
    for (const id of Object.keys(q.judgments)) if (!ids.has(id)) throw new Error(`judged paper "${id}" (query "${q.query}") is not in the paper set`);
  }
  const baselines: Baseline[] = baselineSet.map((make) => make(papers));
  const rows: SystemScores[] = [
    score(
      'Paperboy',
      queries.map((q) => paperboyRanking(engine, q.query, 10)),
      queries,
    ),
  ];
  for (const b of baselines)
    rows.push(
      score(
        b.name,
        queries.map((q) => b.search(q.query, 10)),
        queries,
      ),
    );
  return rows;
}
