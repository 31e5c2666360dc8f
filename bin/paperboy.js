#!/usr/bin/env node
// The `paperboy` command: the one-shot / batch CLI (bundled on first use, then run with plain Node).
process.argv.splice(2, 0, 'cli');
await import('../scripts/run.mjs');
