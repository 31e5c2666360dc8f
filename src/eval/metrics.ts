/**
 * Ranking quality metrics over graded judgments (grades 0-3; unjudged = 0). Pure functions.
 *
 * - nDCG@k with exponential gain (2^grade - 1) and log2 discount, ideal ranking from all judged papers.
 * - Reciprocal rank of the first paper with grade >= `minGrade` (default 2: "substantially relevant").
 * - Recall@k: share of papers with grade >= `minGrade` found in the top k.
 */

export type Judgments = Readonly<Record<string, number>>;

function gradeOf(j: Judgments, id: string): number {
  const g = Object.hasOwn(j, id) ? j[id]! : 0;
  return Number.isFinite(g) && g > 0 ? g : 0;
}

/** Discounted cumulative gain of a list of grades (in rank order), first `k`. */
export function dcg(grades: readonly number[], k: number): number {
  let sum = 0;
  const n = Math.min(k, grades.length);
  for (let i = 0; i < n; i++) sum += (2 ** grades[i]! - 1) / Math.log2(i + 2);
  return sum;
}

/** nDCG@k of `ranking` (paper ids, best first). 0 when nothing is judged relevant. */
export function ndcgAt(ranking: readonly string[], judgments: Judgments, k = 10): number {
  const seen = new Set<string>();
  const grades: number[] = [];
  for (const id of ranking) {
    if (seen.has(id)) continue; // a duplicate earns nothing twice
    seen.add(id);
    grades.push(gradeOf(judgments, id));
  }
  const ideal = Object.keys(judgments)
    .map((id) => gradeOf(judgments, id))
    .sort((a, b) => b - a);
  const best = dcg(ideal, k);
  return best === 0 ? 0 : dcg(grades, k) / best;
}

/** 1 / rank of the first paper with grade >= minGrade, 0 if none. */
export function reciprocalRank(ranking: readonly string[], judgments: Judgments, minGrade = 2): number {
  for (let i = 0; i < ranking.length; i++) if (gradeOf(judgments, ranking[i]!) >= minGrade) return 1 / (i + 1);
  return 0;
}

/** Share of papers with grade >= minGrade found in the first k of `ranking` (0 if there are none). */
export function recallAt(ranking: readonly string[], judgments: Judgments, k = 10, minGrade = 2): number {
  const relevant = Object.keys(judgments).filter((id) => gradeOf(judgments, id) >= minGrade);
  if (relevant.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export interface QualityScores {
  ndcg10: number;
  mrr: number;
  recall10: number;
}

/** Mean metrics over queries: `rankings[i]` is the ranking returned for the query judged by `judgments[i]`. */
export function meanScores(rankings: readonly (readonly string[])[], judgments: readonly Judgments[]): QualityScores {
  if (rankings.length !== judgments.length) throw new Error('rankings and judgments differ in length');
  const n = rankings.length;
  if (n === 0) return { ndcg10: 0, mrr: 0, recall10: 0 };
  let ndcg = 0;
  let mrr = 0;
  let recall = 0;
  rankings.forEach((r, i) => {
    ndcg += ndcgAt(r, judgments[i]!, 10);
    mrr += reciprocalRank(r, judgments[i]!);
    recall += recallAt(r, judgments[i]!, 10);
  });
  return { ndcg10: ndcg / n, mrr: mrr / n, recall10: recall / n };
}
