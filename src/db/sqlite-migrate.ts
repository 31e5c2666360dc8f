import type Database from 'better-sqlite3';
import { StateStoreError } from './errors.ts';

/**
 * One migration runner for every store in the state database. Each module (`schedule`, `papers`,
 * ...) owns an append-only list of SQL migrations; migration `i` brings that module from version
 * `i` to `i + 1`. Versions live in `schema_migrations`, one row per module, so modules evolve
 * independently. Never edit a migration that has shipped.
 */
export interface ModuleMigrations {
  module: string;
  migrations: readonly string[];
  /**
   * The module's version in a database written before `schema_migrations` existed (the schedule
   * module kept it in `PRAGMA user_version`). Called only when the module has no row yet.
   */
  legacyVersion?: (db: Database.Database) => number;
}

const RUNNER_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    module      TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    applied_at  INTEGER NOT NULL
  )`;

/** The module's schema version in this database (0: none yet). */
export function moduleVersion(db: Database.Database, module: string): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_migrations WHERE module = ?').get(module) as { version: number } | undefined;
  return row?.version ?? 0;
}

/**
 * Bring one module's schema up to date inside one write transaction (safe with concurrent
 * openers: the second waits, then finds nothing to do). Refuses a database whose module version
 * is newer than this code knows.
 */
export function migrateModule(db: Database.Database, file: string, spec: ModuleMigrations): void {
  const run = db.transaction(() => {
    db.exec(RUNNER_TABLE);
    const row = db.prepare('SELECT version FROM schema_migrations WHERE module = ?').get(spec.module) as { version: number } | undefined;
    const version = row?.version ?? spec.legacyVersion?.(db) ?? 0;
    if (version > spec.migrations.length) {
      throw new StateStoreError(
        `The state database ${file} has ${spec.module} schema version ${version}, newer than this Paperboy ` +
          `understands (${spec.migrations.length}). Upgrade Paperboy, or point DATA_DIR elsewhere.`,
        file,
      );
    }
    for (let v = version; v < spec.migrations.length; v++) db.exec(spec.migrations[v]!);
    if (!row || version < spec.migrations.length) {
      db.prepare(
        `INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)
         ON CONFLICT (module) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`,
      ).run(spec.module, spec.migrations.length, Date.now());
    }
  });
  run.immediate();
}
