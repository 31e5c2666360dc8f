/**
 * `npm run bench:ingest`: figures for the live-ingest speed targets (prints, never asserts; the
 * machines are shared and noisy). Everything network-ish goes to the local fake HF server on
 * 127.0.0.1; data lives under bench-out/ingest-<pid>/ and is removed at the end.
 *
 *  1. Backfill a year of HF days (365 × 50 papers) from the fake HF server into a fresh SQLite
 *     store with `ingestHf`.                                                  target ≤ 20 s
 *  2. A day's 500 new papers (a new day on the fake HF server, `ingestHf`) on a 100,000-paper
 *     library: time from the end of the store write until `library.engine.search` finds them
 *     (after `library.refresh()`), and search latency meanwhile: an open loop of queries due every
 *     2 ms (or 3 × the search p50 if longer) on the main thread, each timed from when it was due,
 *     so event-loop blocking shows.                     targets ≤ 1 s visible, search p99 ≤ 10 ms
 *  3. Restart to first answer: `node scripts/run.mjs cli search …` on the 100,000-paper store
 *     (after one warm-up run), wall time to the answer, 3 runs.               target ≤ 2 s
 *  4. Search at 100,000 papers: engine p50 over the bench queries, right after `Library.open` and
 *     after the new day (target ≤ 1 ms); end to end per query in one `cli --batch --json`
 *     process: (median time of 3,000 queries − median time of 1) / 2,999 (target ≤ 1.5 ms).
 *
 * Sections 2 and 4a run in a child process of this script, so their memory is gone before the CLI
 * children of 3 and 4b start. The setup of 2 (100,000 papers into the store, `Library.open`) is
 * timed and printed but has no target.
 *
 * Options: --papers N (100000)  --days N (365)  --per-day N (50)  --new N (500)  --seed S (42)
 *          --probe-ms N (query interval during the refresh; default 2, or 3 × the search p50 if longer)
 *          --keep (leave bench-out/ingest-<pid>/ in place)
 * Small run: `npm run bench:ingest -- --papers 5000 --days 30`
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCALE_QUERIES } from '../src/corpus/bench-queries.ts';
import { ingestHf } from '../src/ingest/run.ts';
import { Library } from '../src/library/library.ts';
import { silentLogger } from '../src/app/logger.ts';
import { createHfClient } from '../src/sources/hf.ts';
import type { FetchedPaper } from '../src/sources/types.ts';
import { SqlitePaperStore } from '../src/library/sqlite-store.ts';
import { FakeHf, refusedUrl } from '../test/fakes/hf/fake-hf.ts';
import { percentile } from './bench/stats.ts';
import { ROOT, runCliSteady, type CliRun } from './bench/ingest-cli.ts';
import { synthDays, toHfItem, toPapers } from './bench/ingest-data.ts';
import { probe, type ProbeResult } from './bench/ingest-probe.ts';

/** A word only the new day's papers contain (not producible by the corpus generator: it has a `y`). */
const MARKER = 'zyzzyva';
const PROBE_INTERVAL_MS = 2;
const STORE_CHUNK = 5_000;
const BATCH_QUERIES = 3_000;

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    days: { type: 'string', default: '365' },
    'per-day': { type: 'string', default: '50' },
    new: { type: 'string', default: '500' },
    seed: { type: 'string', default: '42' },
    'probe-ms': { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Internal: section 2 and 4a run in a child process (`--section big --work DIR --t0 MS`), so
    // its ~1.5 GB are freed before the CLI children of sections 3 and 4b start.
    section: { type: 'string' },
    work: { type: 'string' },
    t0: { type: 'string' },
  },
});
const int = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const N = int('papers', values.papers, 1);
const DAYS = int('days', values.days, 1);
const PER_DAY = int('per-day', values['per-day'], 1);
const NEW = int('new', values.new, 1);
const SEED = int('seed', values.seed, 0);
const PROBE_MS = values['probe-ms'] === undefined ? undefined : int('probe-ms', values['probe-ms'], 1);
const FULL = N === 100_000 && DAYS === 365 && PER_DAY === 50 && NEW === 500;

const SECTION = values.section;
const WORK = values.work ?? join(ROOT, 'bench-out', `ingest-${process.pid}`);
const cleanup = (): void => {
  if (!values.keep && !SECTION) rmSync(WORK, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

// ---- helpers ---------------------------------------------------------------------------------

const T0 = values.t0 === undefined ? Date.now() : Number(values.t0);
const stamp = (): string => `[${((Date.now() - T0) / 1000).toFixed(1).padStart(6)} s]`;
const progress = (msg: string): void => console.log(`  ${stamp()} ${msg}`);
const ms = (x: number, digits = 2): string => (Number.isNaN(x) ? '—' : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(digits)} ms`);
const secs = (x: number): string => `${(x / 1000).toFixed(2)} s`;
const count = (x: number): string => x.toLocaleString('en-US');
const median = (xs: readonly number[]): number => percentile(xs, 50);
const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;
const peakMb = (): number => process.resourceUsage().maxRSS / 1024;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

interface Verdict {
  id: string;
  what: string;
  target: string;
  measured: string;
  met: boolean | undefined;
}
const verdicts: Verdict[] = [];
function verdict(v: Verdict): void {
  verdicts.push(v);
  const word = v.met === undefined ? 'n/a' : v.met ? 'met' : 'missed';
  console.log(`  => ${v.id} ${v.what}: target ${v.target} / measured ${v.measured} / ${word}`);
}

const query = (i: number): string => SCALE_QUERIES[i % SCALE_QUERIES.length]!;

// ---- 1. backfill -----------------------------------------------------------------------------

async function backfill(): Promise<void> {
  const total = DAYS * PER_DAY;
  console.log(`\n## 1. Backfill: ${DAYS} HF days × ${PER_DAY} papers (${count(total)}) from the fake HF server into a fresh SQLite store`);
  let t = performance.now();
  const days = synthDays({ papers: total, perDay: PER_DAY, seed: SEED });
  const fake = new FakeHf();
  const baseUrl = await fake.start();
  for (const d of days) fake.setDay(d.date, d.papers.map(toHfItem));
  progress(
    `generated ${count(total)} papers over ${days.length} days (${days[0]!.date} … ${days.at(-1)!.date}) in ${secs(performance.now() - t)}; fake HF at ${baseUrl}`,
  );

  const dir = join(WORK, 'backfill');
  mkdirSync(dir, { recursive: true });
  const store = SqlitePaperStore.open(join(dir, 'state.db'));
  const logger = silentLogger();
  const client = createHfClient({ baseUrl, http: { logger } });
  const ticker = setInterval(() => void store.count().then((n) => progress(`backfill: ${count(n)} papers stored`)), 5_000);
  t = performance.now();
  const report = await ingestHf(
    client,
    days.map((d) => d.date),
    { store, logger, now: () => new Date() },
  ).finally(() => clearInterval(ticker));
  const took = performance.now() - t;
  const stored = await store.count();
  await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = (report.added / took) * 1000;
  progress(
    `ingestHf: ${count(report.added)} added, ${report.updated} updated, ${report.skipped.length} skipped, ${report.failed.length} failed days; ` +
      `${count(stored)} in the store; ${fake.requests.length} requests`,
  );
  console.log(`  time ${secs(took)}, ${count(Math.round(rate))} papers/s, ${ms(took / DAYS)} per day (client, server and store share this thread)`);
  // The target is for 365 × 50 papers; other sizes are held to the same rate.
  const targetMs = 20_000 * (total / 18_250);
  verdict({
    id: '1',
    what: `backfill ${DAYS} days × ${PER_DAY}`,
    target: `≤ ${secs(targetMs)}${total === 18_250 ? '' : ' (20 s scaled to size)'} (≥ ${count(Math.round(18_250 / 20))} papers/s)`,
    measured: `${secs(took)} (${count(Math.round(rate))} papers/s)`,
    met: report.failed.length === 0 && stored === total && took <= targetMs,
  });
}

// ---- 2. a new day on the big library ---------------------------------------------------------

interface BigSet {
  dir: string;
  library: Library;
  store: SqlitePaperStore;
  /** Engine search latencies right after `Library.open`, before the new day. */
  openedSearch: SearchTimes;
}

async function newDay(): Promise<BigSet> {
  console.log(`\n## 2. A day's ${NEW} new papers on a ${count(N)}-paper library`);
  const dir = join(WORK, 'big');
  mkdirSync(dir, { recursive: true });
  const store = SqlitePaperStore.open(join(dir, 'state.db'));

  // Setup (not timed against a target): N papers straight into the store.
  let t = performance.now();
  let fresh: FetchedPaper[];
  let lastDate: string;
  {
    const days = synthDays({ papers: N + NEW, perDay: 250, seed: SEED + 1 });
    const flat = days.flatMap((d) => d.papers);
    days.length = 0;
    fresh = flat.splice(N);
    lastDate = flat.at(-1)!.published;
    progress(`generated ${count(N + NEW)} synthetic papers in ${secs(performance.now() - t)}`);
    t = performance.now();
    for (let i = 0; i < flat.length; i += STORE_CHUNK) {
      await store.upsertBatch(toPapers(flat.slice(i, i + STORE_CHUNK)));
      const done = Math.min(flat.length, i + STORE_CHUNK);
      if (done % 20_000 === 0 || done === flat.length) progress(`setup: ${count(done)} papers stored`);
    }
  }
  const storeMs = performance.now() - t;
  t = performance.now();
  const library = await Library.open({ pagePapers: [], store, logger: silentLogger(), worker: true });
  const openMs = performance.now() - t;
  console.log(
    `  setup: upsertBatch in chunks of ${count(STORE_CHUNK)}: ${secs(storeMs)}; Library.open (read + build): ${secs(openMs)}; ` +
      `${count(library.papers.length)} papers; RSS ${rssMb().toFixed(0)} MB`,
  );
  const openedSearch = searchTimes(library);

  // The new day, re-dated to the day after the set, with the marker word in every abstract.
  const newDate = new Date(Date.parse(`${lastDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  fresh = fresh.map((p) => ({ ...p, published: newDate, abstract: `${p.abstract} We call the resulting suite ${capital(MARKER)}.` }));
  const fake = new FakeHf();
  const baseUrl = await fake.start();
  fake.setDay(newDate, fresh.map(toHfItem));
  const logger = silentLogger();
  const client = createHfClient({ baseUrl, http: { logger } });

  // The probe's rate: a query every 2 ms, or every 3 × the search p50 when that is longer, so the
  // probe alone keeps the thread at most about a third busy.
  const warm: number[] = [];
  for (let i = 0; i < SCALE_QUERIES.length * 3; i++) {
    const t1 = performance.now();
    library.engine.search(query(i));
    warm.push(performance.now() - t1);
  }
  const interval = PROBE_MS ?? Math.max(PROBE_INTERVAL_MS, Math.ceil(3 * percentile(warm, 50)));
  const idle = await probe({
    intervalMs: interval,
    maxMs: 1_000,
    maxQueries: 1_000,
    query: (i) => library.engine.search(query(i)),
    stop: () => false,
  });
  const before = library.engine.search(MARKER).total;

  t = performance.now();
  const report = await ingestHf(client, [newDate], { store, logger, now: () => new Date() });
  const writeEnd = performance.now();
  await fake.close();
  progress(`ingested the new day ${newDate} via the fake HF server (ingestHf, ${fake.requests.length} requests): ${report.added} added in ${ms(writeEnd - t)}`);

  let refreshedAt: number | undefined;
  let swapped = false;
  let foundAt: number | undefined;
  let foundTotal = 0;
  const refreshing = library.refresh().then((ok) => {
    refreshedAt = performance.now();
    swapped = ok;
  });
  const during = await probe({
    intervalMs: interval,
    maxMs: 180_000,
    maxQueries: 60_000,
    query: (i) => library.engine.search(query(i)),
    onWake: () => {
      if (foundAt !== undefined) return;
      const r = library.engine.search(MARKER, { limit: 1 });
      if (r.total > 0) {
        foundAt = performance.now();
        foundTotal = r.total;
      }
    },
    stop: () => refreshedAt !== undefined && foundAt !== undefined,
  });
  await refreshing;
  const visibleMs = foundAt === undefined ? NaN : foundAt - writeEnd;
  console.log(
    `  refresh() resolved ${ms(refreshedAt! - writeEnd)} after the store write ended (${swapped ? 'swapped in a new snapshot' : 'did NOT swap'}); "${MARKER}" matched ${before} papers before, ` +
      `${foundTotal} after (${foundAt === undefined ? 'never found' : `found ${ms(visibleMs)} after the store write ended`}); ${count(library.papers.length)} papers`,
  );
  const stats = ({ latencies: xs, maxStallMs }: ProbeResult): string =>
    `p50 ${ms(percentile(xs, 50), 3)}, p99 ${ms(percentile(xs, 99), 3)}, max ${ms(Math.max(...xs), 1)} (${count(xs.length)} queries); longest stall of the event loop ${ms(maxStallMs, 1)}`;
  console.log(`  search latency incl. event-loop delay, a query due every ${interval} ms:`);
  console.log(`    idle:           ${stats(idle)}`);
  console.log(`    during refresh: ${stats(during)}`);
  verdict({
    id: '2a',
    what: `${NEW} new papers searchable (write end → found)`,
    target: '≤ 1 s',
    measured: foundAt === undefined ? 'never' : `${ms(visibleMs, 0)} (${foundTotal}/${NEW} found)`,
    met: foundAt !== undefined && foundTotal === NEW && visibleMs <= 1_000,
  });
  const p99 = percentile(during.latencies, 99);
  verdict({ id: '2b', what: 'search p99 during the refresh', target: '≤ 10 ms', measured: ms(p99, 2), met: p99 <= 10 });
  return { dir, library, store, openedSearch };
}

function capital(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

// ---- 4a. engine search at N ------------------------------------------------------------------

interface SearchTimes {
  papers: number;
  lat: number[];
}

/** `library.engine.search` over the bench queries: 3 warm-up rounds, then 25 timed rounds. */
function searchTimes(library: Library): SearchTimes {
  const engine = library.engine;
  for (let r = 0; r < 3; r++) for (const q of SCALE_QUERIES) engine.search(q);
  const lat: number[] = [];
  for (let r = 0; r < 25; r++) {
    for (const q of SCALE_QUERIES) {
      const t = performance.now();
      engine.search(q);
      lat.push(performance.now() - t);
    }
  }
  return { papers: library.papers.length, lat };
}

function engineSearch(opened: SearchTimes, library: Library): void {
  console.log(`\n## 4a. Engine search (library.engine.search, ${SCALE_QUERIES.length} bench queries × 25 rounds after 3 warm-up rounds)`);
  const after = searchTimes(library);
  const row = (id: string, label: string, t: SearchTimes): void => {
    const p50 = percentile(t.lat, 50);
    const p99 = percentile(t.lat, 99);
    console.log(`  ${label.padEnd(44)} p50 ${ms(p50, 3)}, p99 ${ms(p99, 3)}, max ${ms(Math.max(...t.lat), 2)}`);
    verdicts.push({
      id,
      what: `engine search p50 at ${count(t.papers)} (${label})`,
      target: '≤ 1 ms',
      measured: `${ms(p50, 3)} (p99 ${ms(p99, 3)})`,
      met: p50 <= 1,
    });
  };
  row('4a', 'just opened', opened);
  row('4a+', `after the new day's refresh`, after);
  for (const v of verdicts.slice(-2)) console.log(`  => ${v.id} ${v.what}: target ${v.target} / measured ${v.measured} / ${v.met ? 'met' : 'missed'}`);
}

// ---- 3 and 4b. child processes on the big store ----------------------------------------------

/** Why a child-process timing may be off: dist/ rebuilt under it by someone editing src/. */
function notes(r: CliRun): string {
  const parts = [r.retries ? `${r.retries} run(s) redone: dist/ was rebuilt during them` : '', r.rebuilt ? 'dist/ was rebuilt during this run' : ''];
  const s = parts.filter(Boolean).join('; ');
  return s ? ` (${s})` : '';
}

async function childEnv(dir: string): Promise<Record<string, string>> {
  // The CLI never fetches for `search`; the feed URLs point at a closed local port all the same.
  const nowhere = await refusedUrl();
  return { DATA_DIR: dir, LOG_LEVEL: 'silent', HF_API_URL: nowhere, ARXIV_API_URL: nowhere, NO_COLOR: '1' };
}

async function restart(dir: string, papers: number): Promise<void> {
  console.log(`\n## 3. Restart to first answer: node scripts/run.mjs cli search quantization, ${count(papers)} papers in DATA_DIR`);
  const env = await childEnv(dir);
  const args = ['search', 'quantization'];
  const warm = await runCliSteady(args, env);
  progress(
    `warm-up run (builds dist/ when stale, writes the index cache if there is one, warms the OS file cache): answer at ${ms(warm.firstOutputMs, 0)}${notes(warm)}`,
  );
  const runs: CliRun[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runCliSteady(args, env);
    if (r.lines === 0) throw new Error('the CLI printed no answer');
    runs.push(r);
    progress(`run ${i + 1}: answer at ${ms(r.firstOutputMs, 0)}, exit at ${ms(r.exitMs, 0)}${notes(r)}`);
  }
  const first = runs.map((r) => r.firstOutputMs);
  const exit = runs.map((r) => r.exitMs);
  console.log(
    `  to the answer: min ${ms(Math.min(...first), 0)}, median ${ms(median(first), 0)}; to exit: min ${ms(Math.min(...exit), 0)}, median ${ms(median(exit), 0)}`,
  );
  verdict({
    id: '3',
    what: `restart to first answer at ${count(papers)}`,
    target: '≤ 2 s',
    measured: `median ${ms(median(first), 0)} (min ${ms(Math.min(...first), 0)})`,
    met: median(first) <= 2_000,
  });
}

async function batchSearch(dir: string, papers: number): Promise<void> {
  console.log(`\n## 4b. End to end per query: ${count(BATCH_QUERIES)} searches into one \`cli --batch --json\` process, ${count(papers)} papers`);
  const env = await childEnv(dir);
  const lines = (k: number): string => Array.from({ length: k }, (_, i) => `search ${query(i)}`).join('\n') + '\n';
  const one: number[] = [];
  const many: number[] = [];
  for (let r = 0; r < 3; r++) {
    const a = await runCliSteady(['--batch', '--json'], env, lines(1));
    const b = await runCliSteady(['--batch', '--json'], env, lines(BATCH_QUERIES));
    if (a.lines !== 1 || b.lines !== BATCH_QUERIES) throw new Error(`expected 1 and ${BATCH_QUERIES} answers, got ${a.lines} and ${b.lines}`);
    one.push(a.exitMs);
    many.push(b.exitMs);
    progress(`round ${r + 1}: 1 query ${ms(a.exitMs, 0)}${notes(a)}, ${count(BATCH_QUERIES)} queries ${ms(b.exitMs, 0)}${notes(b)}`);
  }
  const per = (median(many) - median(one)) / (BATCH_QUERIES - 1);
  console.log(
    `  median 1 query ${ms(median(one), 0)}, median ${count(BATCH_QUERIES)} queries ${ms(median(many), 0)} → ${ms(per, 3)} per query (startup excluded)`,
  );
  verdict({ id: '4b', what: `end-to-end per query at ${count(papers)}`, target: '≤ 1.5 ms', measured: ms(per, 3), met: per <= 1.5 });
}

// ---- main ------------------------------------------------------------------------------------

/** Sections 2 and 4a in a child process: their verdicts and figures come back in `<WORK>/big.json`. */
interface BigResult {
  dir: string;
  papers: number;
  peakMb: number;
  verdicts: Verdict[];
}

async function bigSection(): Promise<void> {
  const big = await newDay();
  engineSearch(big.openedSearch, big.library);
  const result: BigResult = { dir: big.dir, papers: big.library.papers.length, peakMb: peakMb(), verdicts };
  await big.library.close();
  await big.store.close();
  writeFileSync(join(WORK, 'big.json'), JSON.stringify(result));
}

function runBigSection(): Promise<BigResult> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--section', 'big', '--work', WORK, '--t0', String(T0)];
  for (const [k, v] of Object.entries({ papers: N, days: DAYS, 'per-day': PER_DAY, new: NEW, seed: SEED })) args.push(`--${k}`, String(v));
  if (PROBE_MS !== undefined) args.push('--probe-ms', String(PROBE_MS));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`section 2 process exited ${signal ?? code}`));
      else resolve(JSON.parse(readFileSync(join(WORK, 'big.json'), 'utf8')) as BigResult);
    });
  });
}

async function main(): Promise<void> {
  if (SECTION === 'big') {
    await bigSection();
    return;
  }
  console.log(
    `# bench:ingest — node ${process.version}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GB, load ${load()}, ${new Date().toISOString()}\n` +
      `  --papers ${N} --days ${DAYS} --per-day ${PER_DAY} --new ${NEW} --seed ${SEED}; data in ${WORK}` +
      (FULL ? '' : '\n  (reduced size: targets 2–4 are stated for 100,000 papers; the backfill target is scaled to the size)'),
  );
  mkdirSync(WORK, { recursive: true });
  let bigPeak = NaN;
  try {
    await backfill();
    const big = await runBigSection();
    verdicts.push(...big.verdicts);
    bigPeak = big.peakMb;
    await restart(big.dir, big.papers);
    await batchSearch(big.dir, big.papers);
  } finally {
    cleanup();
  }

  console.log(
    `\n## Summary (peak RSS: this process ${peakMb().toFixed(0)} MB, the section 2 process ${bigPeak.toFixed(0)} MB, CLI children not measured; ` +
      `load ${load()}; total ${secs(Date.now() - T0)})`,
  );
  console.log('| # | target | goal | measured | verdict |\n|---|---|---|---|---|');
  for (const v of [...verdicts].sort((a, b) => a.id.localeCompare(b.id)))
    console.log(`| ${v.id} | ${v.what} | ${v.target} | ${v.measured} | ${v.met === undefined ? 'n/a' : v.met ? 'met' : 'missed'} |`);
}

await main();
