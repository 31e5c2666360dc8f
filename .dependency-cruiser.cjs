/**
 * Paperboy's import rules (`npm run lint`). The layers are in scripts/layers.cjs, bottom first. A
 * module may import its own folder and any folder of a LOWER layer; never a folder beside it in its
 * own layer, never one above. That also rules out cycles between folders; `no-circular` rules out
 * cycles between files. There are no exceptions: where a rule bites, move the code.
 */
const { LAYERS } = require('./scripts/layers.cjs');

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A folder's modules (or an entry point file itself). */
const place = (f) => (/\.[cm]?[jt]s$/.test(f) ? `^${escapeRegex(f)}$` : `^${escapeRegex(f)}/`);
const ALL = LAYERS.flatMap((l) => l.folders);
const PROJECT = '^(src|adapters|scripts|bin)/';

const layerRules = LAYERS.flatMap((layer, i) => {
  const below = LAYERS.slice(0, i).flatMap((l) => l.folders);
  return layer.folders.map((folder) => ({
    name: 'layers',
    severity: 'error',
    comment: `${folder} (layer "${layer.name}") may import only its own folder and the layers below: ${below.join(', ') || 'none'}.`,
    from: { path: place(folder) },
    to: { path: PROJECT, pathNot: [place(folder), ...below.map(place)] },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other: split out what they share.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'unlayered',
      severity: 'error',
      comment: 'A module in a folder no layer names (add the folder to LAYERS in .dependency-cruiser.cjs and to docs/architecture.md).',
      from: { path: PROJECT, pathNot: ALL.map(place) },
      to: { path: PROJECT },
    },
    ...layerRules,
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-tests-from-code',
      severity: 'error',
      comment: 'The product never imports a test file or a test helper (the benchmarks in scripts/ may use the local fakes).',
      from: { path: '^(src|adapters|bin)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    // Tests are not cruised, but an import of one is still seen (and refused from the product).
    doNotFollow: { path: '^(node_modules|test)/' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
