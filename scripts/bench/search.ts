/**
 * Search core benchmark on the built-in papers (called by `npm run bench`): parse+index time and
 * search latency p50/p99 over the judged query list. Prints only; never asserts.
 */
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/load.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { loadJudgments } from '../../src/search/evaluation.ts';
import { percentile as pct } from './stats.ts';

export async function run(): Promise<void> {
  console.log('\n## search (built-in papers)');
  const t0 = performance.now();
  const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
  const t1 = performance.now();
  const engine = createSearchEngine(papers);
  const t2 = performance.now();
  const queries = loadJudgments().map((q) => q.query);
  for (const q of queries) engine.search(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const q of queries) {
      const t = performance.now();
      engine.search(q);
      times.push(performance.now() - t);
    }
  }
  const resolveTimes: number[] = [];
  for (const p of papers.filter((x) => x.name)) {
    const t = performance.now();
    engine.resolve(p.name!);
    resolveTimes.push(performance.now() - t);
  }
  console.log(`papers: ${papers.length}`);
  console.log(`parse: ${(t1 - t0).toFixed(1)} ms, index: ${(t2 - t1).toFixed(1)} ms`);
  console.log(`search (${queries.length} queries x 30, snippets included): p50 ${pct(times, 50).toFixed(3)} ms, p99 ${pct(times, 99).toFixed(3)} ms`);
  console.log(`resolve by name (${resolveTimes.length}): p50 ${pct(resolveTimes, 50).toFixed(3)} ms, p99 ${pct(resolveTimes, 99).toFixed(3)} ms`);
}
