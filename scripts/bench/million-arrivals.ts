/**
 * Step 7 of `npm run bench:million`, in a process of its own (run with tsx): papers arriving while
 * a large library is served. Boots Paperboy on `DATA_DIR` as the bot does (index cache, build
 * worker), then stores `--papers` new papers (one `upsertBatch`, as an ingest writes them) and
 * calls `library.refresh()` (what an ingest in the bot does after writing; another process's
 * writes are picked up by the bot's 2-second poll instead). Meanwhile a probe asks a search every
 * few milliseconds and records how late each answer is; the event loop's longest stall is how long
 * an answer can wait behind the indexing work. Prints one JSON line.
 *
 * Options: --papers N (1000)  --seed S (7)
 */
import { parseArgs } from 'node:util';
import { bootFromEnv } from '../../src/app/boot-env.ts';
import { corpusPapers } from '../../src/corpus/generate.ts';
import { SCALE_QUERIES } from '../../src/corpus/bench-queries.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { percentile } from './stats.ts';
import { probe } from './ingest-probe.ts';

const { values } = parseArgs({ options: { papers: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } } });
const NEW = Number(values.papers);
/** A word no synthetic paper has: found once the new papers are searchable. */
const MARKER = 'arrivalmarker';

const booted = await bootFromEnv({ quiet: true, platforms: false, workerBuilds: true });
if (!booted.ok) {
  process.stderr.write(`${booted.message}\n`);
  process.exit(2);
}
const { library, state } = booted;
const store = library.store;
if (!store) throw new Error('no store');
const query = (i: number) => SCALE_QUERIES[i % SCALE_QUERIES.length]!;
const warm: number[] = [];
for (let i = 0; i < SCALE_QUERIES.length * 3; i++) {
  const t = performance.now();
  library.engine.search(query(i));
  warm.push(performance.now() - t);
}
// A query due every 3 x the search p50: the probe alone keeps the thread about a third busy.
const interval = Math.max(2, Math.ceil(3 * percentile(warm, 50)));
const idle = await probe({ intervalMs: interval, maxMs: 3_000, maxQueries: 500, query: (i) => library.engine.search(query(i)), stop: () => false });

const today = new Date().toISOString().slice(0, 10);
const fresh: Paper[] = [];
let k = 0;
for (const p of corpusPapers({ papers: NEW, seed: Number(values.seed) })) {
  const id = `2612.${String(90_000 + k++).padStart(5, '0')}`;
  fresh.push({
    id,
    arxivId: id,
    title: `${p.title} (${MARKER})`,
    aliases: [],
    abstract: p.abstract,
    links: [{ url: `https://arxiv.org/abs/${id}`, kind: 'arxiv' }],
    highlights: [],
    sources: [{ feed: 'arxiv', date: today }],
    published: today,
    categories: ['cs.LG'],
  });
}
const before = library.engine.search(MARKER).total;
const writeStart = performance.now();
await store.upsertBatch(fresh);
const writeEnd = performance.now();

let refreshedAt: number | undefined;
let foundAt: number | undefined;
let found = 0;
const refreshing = library.refresh().then(() => (refreshedAt = performance.now()));
const during = await probe({
  intervalMs: interval,
  maxMs: 120_000,
  maxQueries: 100_000,
  query: (i) => library.engine.search(query(i)),
  onWake: () => {
    if (foundAt !== undefined) return;
    const r = library.engine.search(MARKER, { limit: 1 });
    if (r.total >= NEW) {
      foundAt = performance.now();
      found = r.total;
    }
  },
  stop: () => refreshedAt !== undefined && foundAt !== undefined,
});
await refreshing;
await library.close();
await state.close();
const round = (x: number) => Math.round(x * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    papers: library.papers.length,
    added: NEW,
    before,
    found,
    writeMs: round(writeEnd - writeStart),
    searchableMs: foundAt === undefined ? null : round(foundAt - writeEnd),
    refreshMs: round(refreshedAt! - writeEnd),
    intervalMs: interval,
    idle: { p50: round(percentile(idle.latencies, 50)), p99: round(percentile(idle.latencies, 99)), maxStallMs: round(idle.maxStallMs) },
    during: {
      queries: during.latencies.length,
      p50: round(percentile(during.latencies, 50)),
      p99: round(percentile(during.latencies, 99)),
      maxStallMs: round(during.maxStallMs),
    },
  })}\n`,
);
