/**
 * Step 6 of `npm run bench:million`, in a process of its own (run with tsx): papers arriving while
 * a large library is served. Boots Paperboy on `DATA_DIR` as the bot does (index cache, build
 * worker), then twice stores `--papers` new papers (one `upsertBatch`, as an ingest writes them)
 * and calls `library.refresh()` (what an ingest in the bot does after writing; another process's
 * writes are picked up by the bot's 2-second poll instead). The first time with nothing else
 * asked: how long until they are found, and the event loop's longest delay meanwhile (how long an
 * answer can wait behind the indexing work). The second time with a search asked every few
 * milliseconds: their latency meanwhile. Prints one JSON line. Adds papers to the store.
 *
 * Options: --papers N (1000)  --seed S (7)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bootFromEnv } from '../../src/app/boot-env.ts';
import { corpusPapers } from '../../src/corpus/generate.ts';
import { SCALE_QUERIES } from '../../src/corpus/bench-queries.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { percentile } from './stats.ts';
import { probe } from './ingest-probe.ts';

const { values } = parseArgs({ options: { papers: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } } });
const NEW = Number(values.papers);
/** A word no paper has (new each run): found once the new papers are searchable. */
const MARKER = `arrival${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
/** A month no synthetic paper is from (new each run), for the new papers' arXiv ids. */
const MONTH = String(3000 + Math.floor(Math.random() * 7000));

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
/** `NEW` synthetic arXiv papers whose titles carry `marker`, ids from `first` on. */
function arrivals(marker: string, first: number, seed: number): Paper[] {
  const out: Paper[] = [];
  let k = first;
  for (const p of corpusPapers({ papers: NEW, seed })) {
    const id = `${MONTH}.${String(k++).padStart(5, '0')}`;
    out.push({
      id,
      arxivId: id,
      title: `${p.title} (${marker})`,
      aliases: [],
      abstract: p.abstract,
      links: [{ url: `https://arxiv.org/abs/${id}`, kind: 'arxiv' }],
      highlights: [],
      sources: [{ feed: 'arxiv', date: today }],
      published: today,
      categories: ['cs.LG'],
    });
  }
  return out;
}

/**
 * Phase 1, nothing else asked meanwhile: how long until the new papers are found, and the event
 * loop's longest delay (`monitorEventLoopDelay`, 1 ms resolution) while they are taken in: how
 * long an answer arriving at the worst moment waits behind that work before its own starts.
 */
const first = arrivals(MARKER, 0, Number(values.seed));
const before = library.engine.search(MARKER).total;
const t = performance.now();
await store.upsertBatch(first);
const writeEnd = performance.now();
const writeMs = writeEnd - t;
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let refreshedAt: number | undefined;
const refreshing = library.refresh().then(() => (refreshedAt = performance.now()));
let foundAt: number | undefined;
let found = 0;
while (foundAt === undefined && performance.now() - writeEnd < 120_000) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const r = library.engine.search(MARKER, { limit: 1 });
  if (r.total >= NEW) {
    foundAt = performance.now();
    found = r.total;
  }
}
await refreshing;
delay.disable();
const stallMs = delay.max / 1e6;

/** Phase 2: the same again (another 1,000) with searches asked every few milliseconds: their latency meanwhile. */
const second = arrivals(`${MARKER}b`, NEW, Number(values.seed) + 1);
await store.upsertBatch(second);
let again: number | undefined;
const refreshing2 = library.refresh().then(() => (again = performance.now()));
const during = await probe({
  intervalMs: interval,
  maxMs: 120_000,
  maxQueries: 100_000,
  query: (i) => library.engine.search(query(i)),
  stop: () => again !== undefined,
});
await refreshing2;
await library.close();
await state.close();
const round = (x: number) => Math.round(x * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    papers: library.papers.length,
    added: NEW,
    before,
    found,
    writeMs: round(writeMs),
    searchableMs: foundAt === undefined ? null : round(foundAt - writeEnd),
    refreshMs: round(refreshedAt! - writeEnd),
    stallMs: round(stallMs),
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
