import { join, resolve } from 'node:path';
import { StateStoreError } from '../db/errors.ts';
import { ScheduleConfigError } from '../schedule/errors.ts';
import { STATE_DB_FILE, isCorruption, stateStoreError } from '../db/sqlite.ts';

/**
 * What to tell the user when starting up failed for a reason they can fix: the state database is
 * corrupt, unwritable or too new (whether opening it or a first query found that out), or the
 * config file is invalid. Undefined for anything else (a bug: let it show its stack).
 */
export function startupProblem(err: unknown, dataDir: string): string | undefined {
  if (err instanceof StateStoreError || err instanceof ScheduleConfigError) return err.message;
  if (isCorruption(err)) return stateStoreError(resolve(join(dataDir, STATE_DB_FILE)), err).message;
  return undefined;
}
