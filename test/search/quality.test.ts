/**
 * Guards search quality on the held-out test split of the judged queries (see
 * test/fixtures/judgments.json and `npm run eval`). Targets from issue #11 that are met are
 * asserted as targets; the ones not met yet are asserted at the level reached, so a change that
 * loses ground fails here (raise them as the ranking improves; the README quotes the figures).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { buildIndex } from '../../src/search/inverted-index.ts';
import { evaluate, loadJudgments, slice, type JudgedQuery, type SystemScores } from '../../src/eval/evaluation.ts';
import { minisearchBaseline } from '../../src/eval/baselines.ts';
import { QUALITY_TARGETS } from '../../src/eval/targets.ts';
import type { Paper } from '../../src/papers/paper.ts';

let papers: Paper[];
let queries: JudgedQuery[];
const scores = (split: 'dev' | 'test', group: 'keywords' | 'questions'): [SystemScores, SystemScores] => {
  const [ours, mini] = evaluate(papers, createSearchEngine(papers), slice(queries, split, group), [minisearchBaseline]);
  return [ours!, mini!];
};

beforeAll(async () => {
  ({ papers } = await loadPapers(BUILTIN_PAPERS_PATH));
  queries = loadJudgments();
});

describe('the judged query set', () => {
  it('has at least 100 queries, 30 of them questions, split into dev and test, with every judged id in the paper set', () => {
    expect(queries.length).toBeGreaterThanOrEqual(100);
    expect(queries.filter((q) => q.kind === 'question').length).toBeGreaterThanOrEqual(30);
    for (const group of ['keywords', 'questions'] as const) {
      expect(slice(queries, 'test', group).length).toBeGreaterThanOrEqual(20);
      expect(slice(queries, 'dev', group).length).toBeGreaterThanOrEqual(20);
    }
    // Queries written while tuning never count as held out.
    expect(queries.filter((q) => q.split === 'test' && q.origin !== 'blind')).toEqual([]);
    for (const q of queries)
      expect(
        Object.values(q.judgments).some((g) => g >= 2),
        q.query,
      ).toBe(true);
  });
});

describe('search quality on the held-out test split', () => {
  it('keyword queries: ahead of minisearch configured as its users would', () => {
    const [ours, mini] = scores('test', 'keywords');
    // Target: a lead of 0.05; reached 0.049.
    expect(ours.ndcg10 - mini.ndcg10).toBeGreaterThanOrEqual(0.04);
    // Target 0.92; reached 0.905.
    expect(ours.ndcg10).toBeGreaterThanOrEqual(0.9);
    // Target 0.95; reached 0.935.
    expect(ours.mrr).toBeGreaterThanOrEqual(0.92);
  });

  it('questions: nDCG@10 target met, 0.05 ahead of tuned minisearch', () => {
    const [ours, mini] = scores('test', 'questions');
    expect(ours.ndcg10).toBeGreaterThanOrEqual(QUALITY_TARGETS.questions.ndcg10);
    expect(ours.ndcg10 - mini.ndcg10).toBeGreaterThanOrEqual(QUALITY_TARGETS.margin);
    // Target 0.95; reached 0.938.
    expect(ours.mrr).toBeGreaterThanOrEqual(0.92);
  });

  it('questions rank nearly as well as keyword queries (they used to trail by 0.2)', () => {
    const [kw] = scores('test', 'keywords');
    const [qs] = scores('test', 'questions');
    expect(kw.ndcg10 - qs.ndcg10).toBeLessThan(0.06);
  });
});

describe('search quality at the impact precision of a million papers', () => {
  // A million papers leave 12 bits of a posting for its impact (see src/search/postings.ts); the
  // 116 judged papers get 16. Measured: no figure moves by more than 0.001 at 12 bits (one
  // question's two papers trade places within rounding).
  it('12-bit impacts hold the test split within 0.002 of 16-bit ones', () => {
    const coarse = createSearchEngine(papers, { index: buildIndex(papers, undefined, { impactBits: 12 }) });
    expect(coarse.index.impactBits).toBe(12);
    for (const group of ['keywords', 'questions'] as const) {
      const [fine] = evaluate(papers, createSearchEngine(papers), slice(queries, 'test', group), []);
      const [twelve] = evaluate(papers, coarse, slice(queries, 'test', group), []);
      expect(twelve!.ndcg10, group).toBeGreaterThanOrEqual(fine!.ndcg10 - 0.002);
      expect(twelve!.mrr, group).toBeGreaterThanOrEqual(fine!.mrr - 0.002);
    }
  });
});
