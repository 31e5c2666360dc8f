/**
 * Contract tests run every store test against both backends: SQLite (always) and PostgreSQL (when
 * TEST_DATABASE_URL names one; `.ci/run` sets it). Without it the PostgreSQL suites are reported as
 * skipped, with the reason in their name, never silently passed.
 *
 *   eachBackend((backend) => {
 *     it('…', async () => {
 *       const db = await backend.fresh();     // an empty database of its own
 *       const state = await db.open();        // a connection to it (open again: another process)
 *       …state.schedules…
 *     });
 *   });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe } from 'vitest';
import { openPostgresState } from '../../src/state/postgres-state.ts';
import { openSqliteState } from '../../src/state/sqlite-state.ts';
import type { State } from '../../src/state/state.ts';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL']?.trim() || undefined;

export interface OpenOptions {
  /** The paper store's clock. */
  now?: () => number;
}

/** One empty database of a test's own. */
export interface TestDatabase {
  /** Open the state on it: a new connection each time, as a second process would have. */
  open(opts?: OpenOptions): Promise<State>;
  /** Where it is: a folder (SQLite) or a schema name (PostgreSQL). */
  readonly where: string;
}

export interface TestBackend {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** A new empty database; everything opened on it is closed and removed after the suite. */
  fresh(): Promise<TestDatabase>;
}

function sqliteBackend(): TestBackend {
  const dirs: string[] = [];
  const states: State[] = [];
  // Each test's connections are closed when it ends (PostgreSQL's connection limit is shared).
  afterEach(async () => {
    for (const s of states.splice(0)) await s.close();
  });
  afterAll(async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    name: 'SQLite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-contract-'));
      dirs.push(dir);
      return {
        where: dir,
        async open(opts = {}) {
          const state = openSqliteState(dir, opts);
          states.push(state);
          return state;
        },
      };
    },
  };
}

function postgresBackend(url: string): TestBackend {
  const schemas: string[] = [];
  const states: State[] = [];
  afterEach(async () => {
    for (const s of states.splice(0)) await s.close().catch(() => undefined);
  });
  afterAll(async () => {
    if (schemas.length === 0) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  return {
    name: 'PostgreSQL',
    async fresh() {
      const schema = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await client.end();
      }
      schemas.push(schema);
      return {
        where: schema,
        async open(opts = {}) {
          const state = await openPostgresState(url, { schema, max: 4, ...opts });
          states.push(state);
          return state;
        },
      };
    },
  };
}

/** Run `suite` once per backend, each in its own `describe`. */
export function eachBackend(suite: (backend: TestBackend) => void): void {
  describe('SQLite', () => suite(sqliteBackend()));
  // Without TEST_DATABASE_URL the PostgreSQL suite is reported as skipped (.ci/run sets it).
  const url = TEST_DATABASE_URL;
  describe.runIf(url !== undefined)(url ? 'PostgreSQL' : 'PostgreSQL (needs TEST_DATABASE_URL; .ci/run sets it)', () =>
    suite(postgresBackend(url ?? 'postgres://unused')),
  );
}
