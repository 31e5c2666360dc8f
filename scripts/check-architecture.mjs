#!/usr/bin/env node
/**
 * Keeps docs/architecture.md and the layer list (scripts/layers.cjs) in step with the tree:
 * every folder under src/ and adapters/ (and every file directly in src/) belongs to exactly one
 * layer, and the doc's layer table names the same layers, in the same order, with the same folders.
 * Part of `npm run lint`; exits 1 with one line per problem.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { LAYERS } = createRequire(import.meta.url)('./layers.cjs');
const problems = [];

// 1. Every place in the tree has exactly one layer.
const named = LAYERS.flatMap((l) => l.folders);
for (const dup of named.filter((f, i) => named.indexOf(f) !== i)) problems.push(`${dup} is in more than one layer`);
const places = [];
for (const top of ['src', 'adapters']) {
  for (const name of readdirSync(join(ROOT, top))) {
    const isDir = statSync(join(ROOT, top, name)).isDirectory();
    if (isDir || /\.[cm]?[jt]s$/.test(name)) places.push(`${top}/${name}`);
  }
}
for (const p of places) if (!named.includes(p)) problems.push(`${p} is in no layer: add it to scripts/layers.cjs and docs/architecture.md`);
for (const f of named) if (!places.includes(f) && !['scripts', 'bin'].includes(f)) problems.push(`${f} is in scripts/layers.cjs but not in the tree`);

// 2. The doc's table, top layer first: | N | name | `folder` `folder` | … |
const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const rows = [...doc.matchAll(/^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|([^|]+)\|/gm)].map((m) => ({
  n: Number(m[1]),
  name: m[2],
  folders: [...m[3].matchAll(/`([^`]+)`/g)].map((f) => f[1].replace(/\/$/, '')),
}));
const expected = LAYERS.map((l, i) => ({ n: i + 1, name: l.name, folders: l.folders })).reverse();
const show = (r) => `${r.n} ${r.name}: ${r.folders.join(' ')}`;
if (rows.length !== expected.length) problems.push(`docs/architecture.md has ${rows.length} layer rows; scripts/layers.cjs has ${expected.length} layers`);
expected.forEach((e, i) => {
  const r = rows[i];
  if (!r || show(r) !== show(e)) problems.push(`docs/architecture.md row ${i + 1} should read "${show(e)}"${r ? `, not "${show(r)}"` : ''}`);
});

if (problems.length) {
  for (const p of problems) console.error(`architecture: ${p}`);
  process.exit(1);
}
console.log(`architecture: ${LAYERS.length} layers, ${places.length} places in src/ and adapters/, docs/architecture.md agrees`);
