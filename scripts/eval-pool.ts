/**
 * `tsx scripts/eval-pool.ts <queries.json>`: the judging pool for new queries. For each query it
 * prints the union of the top 10 of Paperboy, minisearch (as a user configures it) and fuse.js,
 * so every paper any system would show gets a judgment. Queries file: `{ "queries": [{ "query",
 * "kind" }] }` (judgments, when present, are ignored).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../src/sources/page-files.ts';
import { createSearchEngine } from '../src/search/engine.ts';
import { fuseBaseline, minisearchBaseline } from '../src/eval/baselines.ts';
import { paperboyRanking } from '../src/eval/evaluation.ts';

const File = z.object({ queries: z.array(z.object({ query: z.string().min(1), kind: z.string() }).passthrough()) });

const path = process.argv[2];
if (!path) {
  console.error('usage: tsx scripts/eval-pool.ts <queries.json>');
  process.exit(2);
}
const { queries } = File.parse(JSON.parse(readFileSync(path, 'utf8')));
const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
const engine = createSearchEngine(papers);
const systems = [(q: string) => paperboyRanking(engine, q, 10), minisearchBaseline(papers).search, fuseBaseline(papers).search];
const title = new Map(papers.map((p) => [p.id, p.title]));
for (const { query, kind } of queries) {
  const pool = [...new Set(systems.flatMap((s) => s(query, 10)))];
  console.log(`## ${query} (${kind}) — ${pool.length} pooled`);
  for (const id of pool) console.log(`- ${id} — ${title.get(id)}`);
  console.log('');
}
