import { describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { evaluate, loadJudgments } from '../../src/eval/evaluation.ts';

describe('search quality on the judged query set', () => {
  it('keeps nDCG@10 >= 0.90 and beats fuse.js and minisearch', async () => {
    const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
    const queries = loadJudgments();
    expect(queries.length).toBeGreaterThanOrEqual(25);
    const [ours, fuse, mini] = evaluate(papers, createSearchEngine(papers), queries);
    expect(ours!.ndcg10).toBeGreaterThanOrEqual(0.9);
    expect(ours!.ndcg10).toBeGreaterThan(fuse!.ndcg10);
    expect(ours!.ndcg10).toBeGreaterThan(mini!.ndcg10);
    expect(ours!.mrr).toBeGreaterThanOrEqual(Math.max(fuse!.mrr, mini!.mrr));
  });
});
