import type { State } from './state.ts';
import { openSqliteState, type SqliteStateOptions } from './sqlite-state.ts';

export interface OpenStateOptions extends SqliteStateOptions {
  /** The SQLite state's folder (`DATA_DIR`). */
  dataDir: string;
}

/**
 * The state root: open the state once, at boot, and hand each feature its store. Today the state
 * is SQLite in `DATA_DIR`. Throws `StateStoreError` with a message for the user.
 */
export async function openState(opts: OpenStateOptions): Promise<State> {
  return openSqliteState(opts.dataDir, opts);
}
