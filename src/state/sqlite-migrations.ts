import type { ModuleMigrations } from '../db/sqlite-migrate.ts';

/**
 * The state root's own table: `state_meta`, holding `id`, a random identity made when the database
 * is created, so that what is cached beside it (the index cache) is never taken for another
 * database's. Append only.
 */
export const STATE_MIGRATIONS: ModuleMigrations = {
  module: 'state',
  migrations: [
    `
    CREATE TABLE state_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO state_meta (key, value) VALUES ('id', lower(hex(randomblob(16))));
    `,
  ],
};
