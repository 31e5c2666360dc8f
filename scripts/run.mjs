#!/usr/bin/env node
/**
 * Fast launcher for `npm start` and `npm run cli`: bundles src/ with esbuild when any source is
 * newer than the last build (~0.1 s), then runs the bundle with plain Node. Running TypeScript
 * through a loader costs ~0.5 s per start; a bundle starts in a fraction of that.
 *
 * Every build goes into a folder of its own (`dist/b-<time>-<pid>/`), named in `dist/.built` once
 * complete. A build never replaces files another process is running from: two processes that start
 * at once after an edit each build and run their own, and a bot started yesterday keeps loading its
 * lazy chunks while `paperboy stats` builds today's. The three newest builds are kept, and any
 * younger than a week; older ones are removed.
 *
 * Usage: node scripts/run.mjs <cli|main> [args...]   |   node scripts/run.mjs --build
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
/** Names the current build's folder (relative to dist/); its mtime is the build's time. */
const STAMP = join(DIST, '.built');
const ENTRIES = { cli: 'src/cli.ts', main: 'src/main.ts' };
/** Bundled beside the entries but not run from here: the index-build worker thread. */
const WORKERS = { 'build-worker': 'src/library/build-worker.ts', 'import-worker': 'src/ingest/import-worker.ts' };
const SOURCES = ['src', 'adapters', 'package.json', 'scripts/run.mjs'];
/** Builds this old are removed, unless they are among the newest `KEEP_NEWEST`. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const KEEP_NEWEST = 3;

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** The current build's folder, or undefined when there is none (or it was removed). */
function currentBuild() {
  if (!existsSync(STAMP)) return undefined;
  const name = readFileSync(STAMP, 'utf8').trim();
  return /^b-[\w-]+$/.test(name) && existsSync(join(DIST, name, '.complete')) ? join(DIST, name) : undefined;
}

function isStale() {
  if (!currentBuild()) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => existsSync(join(ROOT, s)) && newestMtime(join(ROOT, s)) > built);
}

/** Remove old builds (best effort: another process may be removing them too). */
function sweep() {
  const builds = [];
  for (const name of readdirSync(DIST)) {
    if (!name.startsWith('b-')) continue;
    try {
      builds.push({ path: join(DIST, name), at: statSync(join(DIST, name)).mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  builds.sort((a, b) => b.at - a.at);
  for (const b of builds.slice(KEEP_NEWEST)) if (Date.now() - b.at > KEEP_MS) rmSync(b.path, { recursive: true, force: true });
}

/** Bundle every entry into a new build folder and make it the current one; returns its folder. */
export async function buildDist() {
  const { build } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const name = `b-${Date.now().toString(36)}-${process.pid}`;
  const out = join(DIST, name);
  await build({
    absWorkingDir: ROOT,
    entryPoints: { ...ENTRIES, ...WORKERS },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  writeFileSync(join(out, '.complete'), new Date().toISOString() + '\n');
  // The pointer is replaced in one step: a reader sees the old build or the new one, never half.
  const tmp = `${STAMP}.${process.pid}`;
  writeFileSync(tmp, name + '\n');
  renameSync(tmp, STAMP);
  sweep();
  return out;
}

const [entry, ...args] = process.argv.slice(2);
if (entry === '--build') {
  await buildDist();
} else if (entry && entry in ENTRIES) {
  const dir = isStale() ? await buildDist() : currentBuild();
  process.setSourceMapsEnabled(true);
  process.argv = [process.argv[0], join(dir, `${entry}.mjs`), ...args];
  await import(pathToFileURL(join(dir, `${entry}.mjs`)).href);
} else {
  process.stderr.write(`usage: node scripts/run.mjs <${Object.keys(ENTRIES).join('|')}|--build> [args...]\n`);
  process.exit(2);
}
