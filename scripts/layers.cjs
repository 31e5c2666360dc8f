/**
 * The layers of Paperboy, bottom first: each names the folders (or entry-point files) in it.
 * Read by .dependency-cruiser.cjs (the import rules) and by scripts/check-architecture.mjs (which
 * checks that docs/architecture.md shows the same layers and that every folder has a layer).
 */
const LAYERS = [
  { name: 'helpers', folders: ['src/text', 'src/time', 'src/files', 'src/corpus', 'src/metrics'] },
  { name: 'paper record', folders: ['src/papers'] },
  { name: 'vocabulary', folders: ['src/reply', 'src/parse'] },
  { name: 'services', folders: ['src/search', 'src/sources', 'src/db', 'src/render', 'src/posting'] },
  { name: 'library', folders: ['src/library', 'src/ephemeral'] },
  { name: 'commands', folders: ['src/commands'] },
  { name: 'conversation', folders: ['src/conversation'] },
  { name: 'coordinator', folders: ['src/core', 'src/eval'] },
  { name: 'features', folders: ['src/ingest', 'src/reading', 'src/votes', 'src/schedule', 'src/watch', 'src/installations'] },
  { name: 'workspace lifecycle', folders: ['src/workspaces'] },
  { name: 'state root', folders: ['src/state'] },
  { name: 'app', folders: ['src/app'] },
  { name: 'adapter toolkit', folders: ['adapters/shared'] },
  { name: 'adapters', folders: ['adapters/slack', 'adapters/discord', 'adapters/shell'] },
  { name: 'entry points', folders: ['src/main.ts', 'src/cli.ts', 'scripts'] },
  { name: 'installed command', folders: ['bin'] },
];

module.exports = { LAYERS };
