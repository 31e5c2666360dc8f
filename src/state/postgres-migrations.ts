import type { PgModuleMigrations } from '../db/postgres-migrate.ts';

/** The state root's own table, as in SQLite (`sqlite-migrations.ts`): `state_meta` with a random `id`. Append only. */
export const STATE_PG_MIGRATIONS: PgModuleMigrations = {
  module: 'state',
  migrations: [
    `
    CREATE TABLE state_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO state_meta (key, value) VALUES ('id', md5(random()::text || clock_timestamp()::text));
    `,
  ],
};
