/**
 * Search quality targets on the held-out test split (issue #11), checked by `npm run eval` and
 * guarded by test/search/quality.test.ts.
 */
import type { QueryGroup, SystemScores } from './evaluation.ts';

export const QUALITY_TARGETS = {
  keywords: { ndcg10: 0.92 },
  questions: { ndcg10: 0.85 },
  /** nDCG@10 lead over minisearch configured as its users would. */
  margin: 0.05,
  mrr: 0.95,
} as const;

/** Whether Paperboy (first row) meets the targets for `group`, with one line per check. */
export function checkTargets(group: QueryGroup, rows: readonly SystemScores[]): { met: boolean; lines: string[] } {
  const [ours, ...baselines] = rows;
  if (!ours) return { met: false, lines: ['no results'] };
  const tuned = baselines.find((b) => b.system.startsWith('minisearch (prefix'));
  const want = QUALITY_TARGETS[group].ndcg10;
  const lead = tuned ? ours.ndcg10 - tuned.ndcg10 : Number.NaN;
  const checks: Array<[string, boolean]> = [
    [`nDCG@10 ${ours.ndcg10.toFixed(3)} >= ${want}`, ours.ndcg10 >= want],
    [`lead over tuned minisearch ${lead.toFixed(3)} >= ${QUALITY_TARGETS.margin}`, lead >= QUALITY_TARGETS.margin],
    [`MRR ${ours.mrr.toFixed(3)} >= ${QUALITY_TARGETS.mrr}`, ours.mrr >= QUALITY_TARGETS.mrr],
  ];
  return { met: checks.every(([, ok]) => ok), lines: checks.map(([text, ok]) => `${ok ? 'met    ' : 'MISSED '} ${text}`) };
}
