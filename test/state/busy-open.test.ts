/**
 * Opening the state file while another process holds its write lock. SQLite answers some of those
 * meetings with SQLITE_BUSY at once instead of waiting (its deadlock rule), e.g. two processes
 * switching a new file to WAL together: the open tries again until the busy timeout has passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isBusy, retryWhileBusy } from '../../src/db/busy-retry.ts';
import { openStateDatabase } from '../../src/db/sqlite.ts';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-state.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('paperboy-busy-');

function busyError(code = 'SQLITE_BUSY'): Error {
  return Object.assign(new Error('database is locked'), { code });
}

/** A fake clock that moves only when the retry sleeps; records the waits. */
function fakeTime(): { now: () => number; sleep: (ms: number) => void; waits: number[] } {
  let t = 1_000;
  const waits: number[] = [];
  return { now: () => t, sleep: (ms) => (waits.push(ms), (t += ms)), waits };
}

describe('retryWhileBusy', () => {
  it('tries again after SQLITE_BUSY (and its extended codes) until the step succeeds, waiting longer each time', () => {
    const time = fakeTime();
    const codes = ['SQLITE_BUSY', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY', 'SQLITE_BUSY', 'SQLITE_BUSY'];
    let calls = 0;
    const out = retryWhileBusy(
      () => {
        const code = codes[calls++];
        if (code) throw busyError(code);
        return 'wal';
      },
      { timeoutMs: 5000, ...time, random: () => 0.5 },
    );
    expect(out).toBe('wal');
    expect(calls).toBe(6);
    expect(time.waits).toEqual([2, 4, 8, 16, 32]);
  });

  it('throws any other error at once, without waiting', () => {
    const time = fakeTime();
    let calls = 0;
    const err = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    expect(() =>
      retryWhileBusy(
        () => {
          calls++;
          throw err;
        },
        { timeoutMs: 5000, ...time },
      ),
    ).toThrow(err);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('gives up with the last SQLITE_BUSY once the timeout has passed, never waiting past it', () => {
    const time = fakeTime();
    let calls = 0;
    expect(() =>
      retryWhileBusy(
        () => {
          calls++;
          throw busyError();
        },
        { timeoutMs: 300, ...time, random: () => 0.999 },
      ),
    ).toThrow(/database is locked/);
    expect(time.waits.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...time.waits)).toBeLessThanOrEqual(50);
    expect(calls).toBe(time.waits.length + 1);
  });

  it('recognises SQLite busy errors and nothing else', () => {
    expect(isBusy(busyError())).toBe(true);
    expect(isBusy(busyError('SQLITE_BUSY_SNAPSHOT'))).toBe(true);
    expect(isBusy(busyError('SQLITE_BUSYX'))).toBe(false);
    expect(isBusy(busyError('SQLITE_LOCKED'))).toBe(false);
    expect(isBusy(new Error('database is locked'))).toBe(false);
    expect(isBusy(undefined)).toBe(false);
  });
});

/**
 * Another process that holds the write lock of `file` (a new file, not yet in WAL mode, as a
 * first opener leaves it mid-open) for `holdMs`, then lets go. Resolves once the lock is held.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    db.exec('CREATE TABLE IF NOT EXISTS held (x)');
    db.exec('BEGIN IMMEDIATE');
    db.exec('INSERT INTO held VALUES (1)');
    console.log('held');
    setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('released'); }, ${holdMs});
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
    lines.once('line', (line) => (line === 'held' ? resolve() : reject(new Error(`lock holder said: ${line}`))));
  });
  return child;
}

let holder: ChildProcess | undefined;
afterEach(() => {
  holder?.kill();
  holder = undefined;
});

describe('opening the state file while another process writes it', () => {
  it('SQLite refuses the switch to WAL at once (it does not wait)', async () => {
    const file = join(tempDir(), 'state.db');
    holder = await holdWriteLock(file, 400);
    const db = new Database(file, { timeout: 5000 });
    try {
      const started = Date.now();
      let err: unknown;
      try {
        db.pragma('journal_mode = WAL');
      } catch (e) {
        err = e;
      }
      expect(isBusy(err), 'the plain pragma failed with SQLITE_BUSY').toBe(true);
      expect(Date.now() - started, 'without waiting out its busy timeout').toBeLessThan(300);
    } finally {
      db.close();
    }
  });

  it('openStateDatabase waits for the lock to go and opens the file in WAL mode, migrated', async () => {
    const file = join(tempDir(), 'state.db');
    holder = await holdWriteLock(file, 400);
    const { db } = openStateDatabase(file, SQLITE_MIGRATIONS, { integrityCheck: false });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT count(*) AS n FROM held').get()).toEqual({ n: 1 });
      const modules = db.prepare('SELECT module FROM schema_migrations ORDER BY module').pluck().all();
      expect(modules).toEqual(SQLITE_MIGRATIONS.map((m) => m.module).sort());
    } finally {
      db.close();
    }
  });
});
