import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A test that names no DATA_DIR (and every process it starts) keeps its data in a folder of this
// run, never in the user's own Paperboy home (`$XDG_DATA_HOME/paperboy`); the folder goes at exit.
const dataHome = mkdtempSync(join(tmpdir(), 'paperboy-test-home-'));
process.once('exit', () => rmSync(dataHome, { recursive: true, force: true }));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    env: { XDG_DATA_HOME: dataHome },
  },
});
