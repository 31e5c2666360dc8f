import type pg from 'pg';
import { StateStoreError } from './errors.ts';
import { lockFor, row, transaction } from './postgres.ts';

/**
 * One module's PostgreSQL migrations (the same modules as in SQLite, with their own SQL):
 * migration `i` brings the module from version `i` to `i + 1`. Append only: never edit one that
 * has shipped.
 */
export interface PgModuleMigrations {
  module: string;
  migrations: readonly string[];
}

const RUNNER_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    module      TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    applied_at  BIGINT NOT NULL
  )`;

/**
 * Bring every module's schema up to date, in one transaction under an advisory lock: processes
 * that start at once take turns, and the later ones find nothing to do. Refuses a database whose
 * module version is newer than this code knows.
 */
export async function migratePostgres(pool: pg.Pool, location: string, modules: readonly PgModuleMigrations[]): Promise<void> {
  await transaction(pool, async (client) => {
    await lockFor(client, 'paperboy:migrations');
    await client.query(RUNNER_TABLE);
    for (const spec of modules) {
      const current = await row<{ version: number }>(client, 'SELECT version FROM schema_migrations WHERE module = $1', [spec.module]);
      const version = current?.version ?? 0;
      if (version > spec.migrations.length) {
        throw new StateStoreError(
          `The state database ${location} has ${spec.module} schema version ${version}, newer than this Paperboy ` +
            `understands (${spec.migrations.length}). Upgrade Paperboy, or point DATABASE_URL elsewhere.`,
          location,
        );
      }
      for (let v = version; v < spec.migrations.length; v++) await client.query(spec.migrations[v]!);
      if (!current || version < spec.migrations.length) {
        await client.query(
          `INSERT INTO schema_migrations (module, version, applied_at) VALUES ($1, $2, $3)
           ON CONFLICT (module) DO UPDATE SET version = EXCLUDED.version, applied_at = EXCLUDED.applied_at`,
          [spec.module, spec.migrations.length, Date.now()],
        );
      }
    }
  });
}
