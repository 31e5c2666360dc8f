import { join } from 'node:path';
import { STATE_DB_FILE, openStateDatabase } from '../db/sqlite.ts';
import { PAPER_MIGRATIONS } from '../library/sqlite-migrations.ts';
import { SqlitePaperStore } from '../library/sqlite-store.ts';
import { READING_MIGRATIONS } from '../reading/sqlite-migrations.ts';
import { SqliteReadingListStore } from '../reading/sqlite-store.ts';
import { SCHEDULE_MIGRATIONS } from '../schedule/sqlite-migrations.ts';
import { SqliteScheduleStore } from '../schedule/sqlite-store.ts';
import { VOTE_MIGRATIONS } from '../votes/sqlite-migrations.ts';
import { SqliteVoteStore } from '../votes/sqlite-store.ts';
import { WATCH_MIGRATIONS } from '../watch/sqlite-migrations.ts';
import { SqliteWatchStore } from '../watch/sqlite-store.ts';
import { STATE_MIGRATIONS } from './sqlite-migrations.ts';
import { EPHEMERAL_MIGRATIONS } from '../ephemeral/sqlite-migrations.ts';
import { SqliteEphemeralStore } from '../ephemeral/sqlite-store.ts';
import { INSTALLATION_MIGRATIONS } from '../installations/sqlite-migrations.ts';
import { SqliteInstallationStore } from '../installations/sqlite-store.ts';
import { sealerFromOptions, type EncryptionKeyOptions } from '../installations/token-crypto.ts';
import type { State } from './state.ts';

/** Every module's SQLite migrations, in the order they are run. */
export const SQLITE_MIGRATIONS = [
  STATE_MIGRATIONS,
  PAPER_MIGRATIONS,
  SCHEDULE_MIGRATIONS,
  WATCH_MIGRATIONS,
  VOTE_MIGRATIONS,
  READING_MIGRATIONS,
  EPHEMERAL_MIGRATIONS,
  INSTALLATION_MIGRATIONS,
] as const;

export interface SqliteStateOptions extends EncryptionKeyOptions {
  /**
   * Check the whole file first (`quick_check`): the bot does, at start; one-shot commands skip it
   * (it reads every page). Damage found later by a query is reported the same way.
   */
  integrityCheck?: boolean;
  /** Clock for the paper store's timestamps (tests). */
  now?: () => number;
}

/**
 * The state in `<dataDir>/state.db` (created private, 0700/0600): one connection shared by every
 * store, in WAL mode so other processes can share the file. Throws `StateStoreError` naming the
 * file when it is corrupt, from a newer Paperboy, or not writable; `TokenCryptoError` for a
 * malformed encryption key (checked before the file is opened).
 */
export function openSqliteState(dataDir: string, opts: SqliteStateOptions = {}): State {
  return stateOn(join(dataDir, STATE_DB_FILE), opts);
}

/** A state that lives in memory only and is gone when closed (what needs the commands, not the data: registering slash commands; tests). */
export function openMemoryState(opts: SqliteStateOptions = {}): State {
  return stateOn(':memory:', opts);
}

function stateOn(file: string, opts: SqliteStateOptions): State {
  const sealer = sealerFromOptions(opts);
  const { db, path } = openStateDatabase(file, SQLITE_MIGRATIONS, { integrityCheck: opts.integrityCheck ?? false });
  const { value: id } = db.prepare("SELECT value FROM state_meta WHERE key = 'id'").get() as { value: string };
  let closed = false;
  return {
    id,
    papers: new SqlitePaperStore(db, path, opts.now ? { now: opts.now } : {}),
    schedules: new SqliteScheduleStore(db, path),
    watches: new SqliteWatchStore(db, path),
    votes: new SqliteVoteStore(db, path),
    reading: new SqliteReadingListStore(db, path),
    ephemeral: new SqliteEphemeralStore(db, path),
    installations: new SqliteInstallationStore(db, path, sealer),
    location: path,
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (db.open) db.close();
    },
  };
}
