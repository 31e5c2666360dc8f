/**
 * The state root on both backends: opening runs every module's migrations once (processes that
 * start together take turns), a database from a newer Paperboy is refused, and an unreachable
 * PostgreSQL is a clear message without the password.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStateDatabase } from '../../src/db/sqlite.ts';
import { StateStoreError } from '../../src/db/errors.ts';
import { openPostgresState, POSTGRES_MIGRATIONS } from '../../src/state/postgres-state.ts';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-state.ts';
import { eachBackend } from '../helpers/backends.ts';

eachBackend((backend) => {
  it('opening runs every module’s migrations; opening again (another process) finds nothing to do', async () => {
    const db = await backend.fresh();
    const first = await db.open();
    const second = await db.open();
    expect(await first.papers.count()).toBe(0);
    expect(await second.schedules.listSchedules()).toEqual([]);
  });

  it('several processes starting at once all open the same database', async () => {
    const db = await backend.fresh();
    const states = await Promise.all([db.open(), db.open(), db.open()]);
    for (const s of states) expect(await s.papers.revision()).toBe(0);
  });
});

describe('every module has migrations on both backends', () => {
  it('the same modules, in the same order', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.module)).toEqual(SQLITE_MIGRATIONS.map((m) => m.module));
  });
});

describe('an unreachable PostgreSQL', () => {
  it('is a StateStoreError that names the database without its password and says what to check', async () => {
    // Port 9 on loopback: nothing listens.
    const err = await openPostgresState('postgres://paperboy:hunter2@127.0.0.1:9/paperboy', { connectionTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateStoreError);
    expect((err as Error).message).toMatch(/^Cannot use the state database postgres:\/\/\[redacted\]@127\.0\.0\.1:9\/paperboy \(ECONNREFUSED/);
    expect((err as Error).message).toContain('Check that PostgreSQL is running');
    expect((err as Error).message).not.toContain('hunter2');
  });
});

describe('the SQLite state file', () => {
  it('is made with 16 KB pages; an existing file keeps the page size it has', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-pages-'));
    try {
      const fresh = openStateDatabase(join(dir, 'new.db'), SQLITE_MIGRATIONS);
      expect(fresh.db.pragma('page_size', { simple: true })).toBe(16384);
      fresh.db.close();
      const old = new Database(join(dir, 'old.db'));
      old.exec('CREATE TABLE t (x INTEGER)');
      old.close();
      const opened = openStateDatabase(join(dir, 'old.db'), SQLITE_MIGRATIONS);
      expect(opened.db.pragma('page_size', { simple: true })).toBe(4096);
      opened.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
