/**
 * `npm run eval`: search quality on the built-in papers. Prints nDCG@10, MRR and Recall@10 for
 * Paperboy and two stock baselines (fuse.js, minisearch) computed in the same run, then the
 * per-query nDCG@10. Exits non-zero when Paperboy does not beat both baselines.
 */
import { BUILTIN_PAPERS_PATH, loadPapers } from '../src/sources/page-files.ts';
import { createSearchEngine } from '../src/search/engine.ts';
import { evaluate, loadJudgments } from '../src/eval/evaluation.ts';

const f3 = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
  const queries = loadJudgments();
  const engine = createSearchEngine(papers);
  const rows = evaluate(papers, engine, queries);

  console.log(`Search quality: ${queries.length} judged queries over ${papers.length} papers (relevant = grade >= 2 for MRR/Recall)\n`);
  const w = Math.max(...rows.map((r) => r.system.length));
  console.log(`${'system'.padEnd(w)}  nDCG@10    MRR  Recall@10`);
  for (const r of rows) console.log(`${r.system.padEnd(w)}  ${f3(r.ndcg10).padStart(7)}  ${f3(r.mrr).padStart(5)}  ${f3(r.recall10).padStart(9)}`);

  console.log('\nPer query nDCG@10:');
  const qw = Math.max(...queries.map((q) => q.query.length + q.kind.length + 3));
  console.log(`${'query'.padEnd(qw)}  ${rows.map((r) => r.system.split(' ')[0]!.padStart(10)).join('')}`);
  queries.forEach((q, i) => {
    console.log(`${`${q.query} (${q.kind})`.padEnd(qw)}  ${rows.map((r) => f3(r.perQuery[i]!).padStart(10)).join('')}`);
  });

  const [ours, ...base] = rows;
  const wins = base.every((b) => ours!.ndcg10 > b.ndcg10);
  console.log(`\nPaperboy ${wins ? 'beats' : 'does NOT beat'} both baselines on nDCG@10 (target >= 0.90: ${ours!.ndcg10 >= 0.9 ? 'met' : 'not met'}).`);
  if (!wins) process.exitCode = 1;
}

await main();
