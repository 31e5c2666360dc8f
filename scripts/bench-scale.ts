/**
 * `npm run bench:scale`: search at 1k / 10k / 100k synthetic papers (see scripts/corpus.ts).
 *
 * For each size, each engine runs in its own child process (so peak RSS is per engine) with a
 * time budget; a child past its budget is killed and reported as "> budget". Paperboy: load+parse,
 * index build, peak RSS, multi-word search p50/p99, single-word typo p50/p99, `show` resolution
 * p50/p99, and warm-cache restart to first answer (a fresh process that hashes the inputs, loads
 * the cached index and papers, and answers one query). Baselines: fuse.js over title+abstract and
 * minisearch (defaults), same queries, same run.
 *
 * Options: --sizes 1000,10000,100000  --seed 42  --budget-scale 1
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import { generateCorpus } from '../src/corpus/generate.ts';
import { SCALE_QUERIES, TYPO_QUERIES } from '../src/corpus/bench-queries.ts';
import { silentLogger } from '../src/app/logger.ts';
import { loadPapers } from '../src/sources/page-files.ts';
import type { Paper } from '../src/papers/paper.ts';
import { createSearchEngine } from '../src/search/engine.ts';
import { hashInputFiles, loadOrBuildEngine, saveEngineCache } from '../src/search/engine-cache.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

type Engine = 'paperboy' | 'restart' | 'minisearch' | 'fuse';

interface ChildResult {
  engine: Engine;
  n: number;
  papers?: number;
  loadMs?: number;
  buildMs?: number;
  rssMb: number;
  search?: [number, number];
  typo?: [number, number];
  show?: [number, number];
  restartMs?: number;
  note?: string;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
}

/** Latencies of running each query `rounds` times (after one warm-up pass), or until `capMs` is spent. */
function latencies(queries: readonly string[], run: (q: string) => void, rounds: number, capMs = Infinity): number[] {
  for (const q of queries) run(q);
  const out: number[] = [];
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const [, ms] = time(() => run(q));
      out.push(ms);
      if (performance.now() - start > capMs) return out;
    }
  }
  return out;
}

function rssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function pageFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(dir, f));
}

async function child(engine: Engine, dir: string, n: number, cacheDir: string): Promise<ChildResult> {
  if (engine === 'restart') {
    const logger = silentLogger();
    const inputHash = hashInputFiles(pageFiles(dir));
    const { engine: e, cache } = await loadOrBuildEngine(async () => (await loadPapers(dir)).papers, { cacheDir, inputHash, logger });
    const r = e.search(SCALE_QUERIES[0]!);
    if (r.total < 0) throw new Error('unreachable');
    return { engine, n, rssMb: rssMb(), restartMs: process.uptime() * 1000, note: `cache ${cache}` };
  }
  const t0 = performance.now();
  const { papers } = await loadPapers(dir);
  const loadMs = performance.now() - t0;
  const base = { engine, n, papers: papers.length, loadMs };
  if (engine === 'paperboy') {
    const [e, buildMs] = time(() => {
      const x = createSearchEngine(papers);
      x.correctionKeys();
      return x;
    });
    const search = latencies(SCALE_QUERIES, (q) => e.search(q), n >= 100_000 ? 10 : 20);
    const typo = latencies(TYPO_QUERIES, (q) => e.search(q), 20);
    const names = papers
      .filter((p) => p.name)
      .slice(0, 50)
      .map((p) => p.name!.toLowerCase());
    const show = latencies(names, (q) => e.resolve(q), 5);
    const rss = rssMb();
    saveEngineCache(e, { cacheDir, inputHash: hashInputFiles(pageFiles(dir)), logger: silentLogger() }, papers);
    return {
      ...base,
      buildMs,
      rssMb: rss,
      search: [pct(search, 50), pct(search, 99)],
      typo: [pct(typo, 50), pct(typo, 99)],
      show: [pct(show, 50), pct(show, 99)],
    };
  }
  if (engine === 'minisearch') {
    const [ms, buildMs] = time(() => {
      const m = new MiniSearch<Paper>({ fields: ['title', 'abstract'], idField: 'id' });
      m.addAll(papers);
      return m;
    });
    const search = latencies(SCALE_QUERIES, (q) => ms.search(q).slice(0, 10), n >= 100_000 ? 3 : 10, 60_000);
    const typo = latencies(TYPO_QUERIES, (q) => ms.search(q, { fuzzy: 0.2 }).slice(0, 10), 3, 60_000);
    return { ...base, buildMs, rssMb: rssMb(), search: [pct(search, 50), pct(search, 99)], typo: [pct(typo, 50), pct(typo, 99)], note: 'typo: fuzzy 0.2' };
  }
  const [fuse, buildMs] = time(() => new Fuse(papers, { keys: ['title', 'abstract'], includeScore: true }));
  const cap = n >= 100_000 ? 40_000 : 20_000;
  const search = latencies(SCALE_QUERIES.slice(0, 5), (q) => fuse.search(q, { limit: 10 }), n >= 10_000 ? 1 : 3, cap);
  const typo = latencies(TYPO_QUERIES.slice(0, 5), (q) => fuse.search(q, { limit: 10 }), 1, cap);
  return {
    ...base,
    buildMs,
    rssMb: rssMb(),
    search: [pct(search, 50), pct(search, 99)],
    typo: [pct(typo, 50), pct(typo, 99)],
    note: `${search.length}+${typo.length} sampled queries`,
  };
}

/** The child's result, `'timeout'` when it ran past `budgetMs`, or its error output. */
function runChild(engine: Engine, dir: string, n: number, cacheDir: string, budgetMs: number): Promise<ChildResult | string> {
  return new Promise((done) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', engine, '--dir', dir, '--n', String(n), '--cache', cacheDir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, budgetMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return done('timeout');
      const line = out.trim().split('\n').pop() ?? '';
      try {
        done(JSON.parse(line) as ChildResult);
      } catch {
        done(`exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`);
      }
    });
  });
}

const fmt = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      dir: { type: 'string' },
      n: { type: 'string' },
      cache: { type: 'string' },
      sizes: { type: 'string', default: '1000,10000,100000' },
      seed: { type: 'string', default: '42' },
      'budget-scale': { type: 'string', default: '1' },
    },
  });
  if (values.child) {
    const r = await child(values.child as Engine, values.dir!, Number(values.n), values.cache!);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const sizes = values.sizes
    .split(',')
    .map(Number)
    .filter((x) => Number.isInteger(x) && x > 0);
  const seed = Number(values.seed);
  const scale = Number(values['budget-scale']) || 1;
  console.log(`bench:scale — sizes ${sizes.join(', ')}, seed ${seed}, node ${process.version}, ${(await import('node:os')).cpus().length} CPUs\n`);
  const rows: Array<{ n: number; results: Record<Engine, ChildResult | string> }> = [];
  for (const n of sizes) {
    const dir = join(ROOT, '.corpus', `${n}-${seed}`);
    if (!existsSync(dir) || readdirSync(dir).length === 0) {
      mkdirSync(dir, { recursive: true });
      for (const f of generateCorpus({ papers: n, seed })) writeFileSync(join(dir, f.name), f.text);
    }
    const cacheDir = join(ROOT, '.corpus', `${n}-${seed}.cache`);
    rmSync(cacheDir, { recursive: true, force: true });
    const budget = (n >= 100_000 ? 240_000 : n >= 10_000 ? 90_000 : 45_000) * scale;
    const results = {} as Record<Engine, ChildResult | string>;
    for (const engine of ['paperboy', 'restart', 'minisearch', 'fuse'] as const) {
      const r = await runChild(engine, dir, n, cacheDir, engine === 'restart' ? 60_000 * scale : budget);
      const result = r === 'timeout' ? `> budget (${Math.round((engine === 'restart' ? 60_000 * scale : budget) / 1000)} s)` : r;
      results[engine] = result;
      console.log(`  n=${n} ${engine}: ${typeof result === 'string' ? result : 'done'}`);
    }
    rows.push({ n, results });
  }

  const head =
    '| papers | engine | load+parse ms | build ms | peak RSS MB | search p50 / p99 ms | typo p50 / p99 ms | show p50 / p99 ms | warm restart ms | notes |';
  console.log(`\n${head}\n|${'---|'.repeat(10)}`);
  for (const { n, results } of rows) {
    for (const engine of ['paperboy', 'minisearch', 'fuse'] as const) {
      const r = results[engine];
      if (typeof r === 'string') {
        console.log(`| ${n} | ${engine} | ${r} | | | | | | | |`);
        continue;
      }
      const restarted = results.restart;
      const restart = engine !== 'paperboy' ? '—' : typeof restarted === 'string' ? restarted : fmt(restarted.restartMs, 0);
      const pair = (x?: [number, number]): string => (x ? `${fmt(x[0], 3)} / ${fmt(x[1], 3)}` : '—');
      console.log(
        `| ${n} | ${engine} | ${fmt(r.loadMs, 0)} | ${fmt(r.buildMs, 0)} | ${fmt(r.rssMb, 0)} | ${pair(r.search)} | ${pair(r.typo)} | ${pair(r.show)} | ${restart} | ${r.note ?? ''} |`,
      );
    }
  }
  console.log('\nRatios (baseline p50 / Paperboy p50):');
  for (const { n, results } of rows) {
    const ours = results.paperboy;
    if (typeof ours === 'string' || !ours.search) continue;
    const parts = (['minisearch', 'fuse'] as const).map((b) => {
      const r = results[b];
      if (typeof r === 'string' || !r.search) return `${b}: ${typeof r === 'string' ? r : 'n/a'}`;
      return `${b} search ${(r.search[0] / ours.search![0]).toFixed(0)}x, typo ${r.typo ? (r.typo[0] / ours.typo![0]).toFixed(0) : '?'}x`;
    });
    console.log(`  n=${n}: ${parts.join('; ')}`);
  }
}

await main();
