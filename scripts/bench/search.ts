/**
 * Search core benchmark on the built-in papers (called by `npm run bench`): parse+index time and
 * search latency p50/p99 over the judged query list, and the parser's speed on a page of 20,000
 * papers. Prints only; never asserts.
 *
 * Both a cold figure (the first build in a fresh process: what a one-shot CLI pays, JIT included)
 * and a steady-state figure (median of repeated builds) are printed; the target is checked on the
 * steady state, as latency is measured after warm-up.
 */
import { readFileSync } from 'node:fs';
import { syntheticPage } from '../../src/corpus/synthetic-page.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { loadJudgments } from '../../src/eval/evaluation.ts';
import { percentile as pct } from './stats.ts';

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

export async function run(): Promise<void> {
  console.log('\n## search (built-in papers)');
  const t0 = performance.now();
  const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
  const t1 = performance.now();
  let engine = createSearchEngine(papers);
  const t2 = performance.now();

  const parses: number[] = [];
  const builds: number[] = [];
  for (let i = 0; i < 10; i++) {
    const a = performance.now();
    await loadPapers(BUILTIN_PAPERS_PATH);
    const b = performance.now();
    engine = createSearchEngine(papers);
    builds.push(performance.now() - b);
    parses.push(b - a);
  }

  const queries = loadJudgments().map((q) => q.query);
  for (let round = 0; round < 5; round++) for (const q of queries) engine.search(q); // warm-up
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
  const steadyIndex = pct(builds, 50);
  const p99 = pct(times, 99);
  console.log(`papers: ${papers.length}`);
  console.log(`parse: cold ${(t1 - t0).toFixed(1)} ms, steady ${pct(parses, 50).toFixed(1)} ms`);
  console.log(`index: cold ${(t2 - t1).toFixed(1)} ms, steady ${steadyIndex.toFixed(1)} ms   (target < 50 ms: ${verdict(steadyIndex < 50)})`);
  console.log(
    `search (${queries.length} queries x 30, snippets included): p50 ${pct(times, 50).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms   (target p99 < 2 ms: ${verdict(p99 < 2)})`,
  );
  console.log(`resolve by name (${resolveTimes.length}): p50 ${pct(resolveTimes, 50).toFixed(3)} ms, p99 ${pct(resolveTimes, 99).toFixed(3)} ms`);

  // The parser at scale: a page of 20,000 papers whose abstracts are the built-in page's (LaTeX,
  // URLs and claims at their natural rate). CPU time, best of three.
  const count = 20_000;
  const page = syntheticPage(readFileSync(BUILTIN_PAPERS_PATH, 'utf8'), count);
  parseDailyPapers(page.slice(0, 200_000), 'warmup.txt');
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    const parsed = parseDailyPapers(page, 'synthetic.txt').papers.length;
    const used = process.cpuUsage(start);
    if (parsed !== count) throw new Error(`the synthetic page parsed to ${parsed} papers, not ${count}`);
    cpu.push((used.user + used.system) / 1000);
  }
  const perPaper = (Math.min(...cpu) * 1000) / count;
  console.log(
    `parse at scale (${count.toLocaleString('en-US')} papers, ${(page.length / 1e6).toFixed(1)} MB): ${Math.min(...cpu).toFixed(0)} ms CPU, ${perPaper.toFixed(1)} µs a paper   (target < 20 µs, 2 s for 100,000: ${verdict(perPaper < 20)})`,
  );
}
