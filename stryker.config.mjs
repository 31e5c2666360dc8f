// Mutation testing (`npm run test:mutation`, not in CI: it takes long). Stryker changes the code
// on purpose, one mutant at a time, and runs the tests that cover it; a mutant that leaves every
// test green is a bug the tests would let through. Scores per module are kept in docs/testing.md.
// One group at a time: `npm run test:mutation -- --mutate 'adapters/slack/**/*.ts'`.

/** Where a silent bug costs most: the chat request paths and renderers, votes, claims, ingest. */
const MODULES = [
  'adapters/slack/listeners.ts',
  'adapters/slack/interaction-handler.ts',
  'adapters/slack/message-handler.ts',
  'adapters/slack/http-front.ts',
  'adapters/slack/reactions.ts',
  'adapters/slack/render.ts',
  'adapters/slack/mrkdwn.ts',
  'adapters/discord/interaction-handler.ts',
  'adapters/discord/message-handler.ts',
  'adapters/discord/render.ts',
  'adapters/discord/rich.ts',
  'adapters/discord/reactions.ts',
  'src/votes/observer.ts',
  'src/votes/rank.ts',
  'src/schedule/scheduler.ts',
  'src/schedule/sqlite-store.ts',
  'src/watch/notifier.ts',
  'src/watch/sqlite-store.ts',
  'src/ingest/run.ts',
  'src/ingest/jobs.ts',
];

// MUTATION_RUN=name keeps a run's sandbox, reports and incremental file apart
// (reports/mutation/<name>/), so two groups can run side by side without overwriting each other.
const run = process.env.MUTATION_RUN?.replace(/[^\w.-]/g, '') || '';
const out = run ? `reports/mutation/${run}` : 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.config.ts' },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants, run once at import) need the whole suite per mutant:
  // ~20% of the mutants, ~90% of the time. They are reported as ignored, not counted in the score.
  ignoreStatic: true,
  mutate: MODULES,
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  thresholds: { high: 90, low: 80, break: null },
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  tempDirName: run ? `.stryker-tmp-${run}` : '.stryker-tmp',
  ignorePatterns: ['.stryker-tmp*', 'dist', '.paperboy', 'bench-out', '.corpus', 'reports', 'coverage'],
};
