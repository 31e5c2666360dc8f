/**
 * `npm run eval`: search quality on the built-in papers, on the judged queries in
 * test/fixtures/judgments.json. For each split (dev: may be tuned on; test: held out) and each
 * query group (keyword queries, natural-language questions) it prints nDCG@10, MRR and Recall@10
 * for Paperboy and the baselines configured as their users would (same run), then the targets.
 * `--per-query [dev|test]` adds per-query nDCG@10 (dev by default: look at the test split only to
 * report it). `--impact-bits N` builds the index with N-bit impacts (8-16) instead of the 16 the
 * built-in papers get: the precision a large library has (12 at a million papers, see
 * src/search/postings.ts). Exits non-zero when a test-split target is missed.
 */
import { BUILTIN_PAPERS_PATH, loadPapers } from '../src/sources/page-files.ts';
import { createSearchEngine } from '../src/search/engine.ts';
import { buildIndex } from '../src/search/inverted-index.ts';
import { evaluate, loadJudgments, slice, type QueryGroup } from '../src/eval/evaluation.ts';
import { QUALITY_TARGETS, checkTargets } from '../src/eval/targets.ts';

const f3 = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const perQueryAt = args.indexOf('--per-query');
  const perQuerySplit = perQueryAt >= 0 ? (args[perQueryAt + 1] === 'test' ? 'test' : 'dev') : undefined;
  const bitsAt = args.indexOf('--impact-bits');
  const impactBits = bitsAt >= 0 ? Number(args[bitsAt + 1]) : undefined;
  if (impactBits !== undefined && !Number.isInteger(impactBits)) {
    console.error(`--impact-bits needs a whole number of bits, 8 to 16 (got ${args[bitsAt + 1] ?? 'nothing'})`);
    process.exitCode = 2;
    return;
  }
  const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
  const all = loadJudgments();
  let engine;
  try {
    engine = createSearchEngine(papers, impactBits === undefined ? {} : { index: buildIndex(papers, undefined, { impactBits }) });
  } catch (err) {
    console.error(`--impact-bits: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }
  console.log(
    `Search quality over ${papers.length} papers, ${all.length} judged queries (relevant = grade >= 2 for MRR and Recall), ${engine.index.impactBits}-bit impacts.`,
  );
  let failed = false;
  for (const split of ['dev', 'test'] as const) {
    for (const group of ['keywords', 'questions'] as const satisfies readonly QueryGroup[]) {
      const queries = slice(all, split, group);
      if (queries.length === 0) continue;
      const rows = evaluate(papers, engine, queries);
      console.log(`\n${split === 'test' ? 'TEST (held out)' : 'DEV (tuned on)'} · ${group} · ${queries.length} queries`);
      const w = Math.max(...rows.map((r) => r.system.length));
      console.log(`  ${'system'.padEnd(w)}  nDCG@10    MRR  Recall@10`);
      for (const r of rows) console.log(`  ${r.system.padEnd(w)}  ${f3(r.ndcg10).padStart(7)}  ${f3(r.mrr).padStart(5)}  ${f3(r.recall10).padStart(9)}`);
      const check = checkTargets(group, rows);
      for (const line of check.lines) console.log(`  ${line}`);
      if (split === 'test' && !check.met) failed = true;
      if (perQuerySplit === split) {
        const qw = Math.max(...queries.map((q) => q.query.length + q.kind.length + 3));
        console.log(`  ${'query'.padEnd(qw)}  ${rows.map((r) => r.system.split(' ')[0]!.slice(0, 10).padStart(11)).join('')}`);
        queries.forEach((q, i) => console.log(`  ${`${q.query} (${q.kind})`.padEnd(qw)}  ${rows.map((r) => f3(r.perQuery[i]!).padStart(11)).join('')}`));
      }
    }
  }
  const t = QUALITY_TARGETS;
  console.log(
    `\nTargets (test split): nDCG@10 >= ${t.keywords.ndcg10} keywords, >= ${t.questions.ndcg10} questions, each >= ${t.margin} ahead of ` +
      `tuned minisearch; MRR >= ${t.mrr}. ${failed ? 'NOT all met.' : 'All met.'}`,
  );
  if (failed) process.exitCode = 1;
}

await main();
