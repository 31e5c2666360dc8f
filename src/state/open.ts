import { openPostgresState } from './postgres-state.ts';
import type { State } from './state.ts';
import { openSqliteState, type SqliteStateOptions } from './sqlite-state.ts';

export interface OpenStateOptions extends SqliteStateOptions {
  /** The SQLite state's folder (`DATA_DIR`). */
  dataDir: string;
  /** Shared state in PostgreSQL (`DATABASE_URL`): used instead of `DATA_DIR/state.db` when set. */
  databaseUrl?: string | undefined;
}

/**
 * The state root: open the state once, at boot, and hand each feature its store. PostgreSQL when
 * `databaseUrl` is set (several processes on several hosts share it), else SQLite in `dataDir`.
 * `encryptionKey` (and `oldEncryptionKey` during a rotation) seal the Slack installations; without
 * one the state opens all the same. Throws `StateStoreError` with a message for the user, or
 * `TokenCryptoError` for a malformed key.
 */
export async function openState(opts: OpenStateOptions): Promise<State> {
  if (opts.databaseUrl) {
    return openPostgresState(opts.databaseUrl, {
      ...(opts.now ? { now: opts.now } : {}),
      encryptionKey: opts.encryptionKey,
      oldEncryptionKey: opts.oldEncryptionKey,
    });
  }
  return openSqliteState(opts.dataDir, opts);
}
