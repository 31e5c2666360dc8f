import pg from 'pg';
import { redactUrlCredentials } from '../text/redact-url.ts';
import { StateStoreError } from './errors.ts';

/** A pool of connections to the shared state database, and where it is (credentials redacted). */
export interface PostgresState {
  readonly pool: pg.Pool;
  /** The database URL without its password, for messages. */
  readonly location: string;
}

/** Something queries can run on: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface PostgresOptions {
  /** Tables live in this schema (tests: a fresh one per file); default: the connection's search_path. */
  schema?: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** How long a query may wait for a connection before it fails (default 10 s). */
  connectionTimeoutMs?: number;
}

/** PostgreSQL's type id of BIGINT (`int8`). */
const INT8: number = pg.types.builtins.INT8;

/** BIGINT columns (Unix-ms times, revisions) as numbers; they stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === INT8) return (v: string) => Number(v);
    const builtIn: unknown = pg.types.getTypeParser(oid, format);
    return builtIn;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** PostgreSQL error codes that mean the server could not be reached or went away. */
export function isConnectionError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(
    code,
  );
}

/** A schema name for `search_path`: letters, digits and underscores only (it is put into SQL). */
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connect to the state database at `url` and check that it answers. Throws `StateStoreError` with
 * a message for the user (the URL's password is never in it) when it cannot be reached or used.
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresState> {
  const location = redactUrlCredentials(url);
  if (opts.schema !== undefined && !SCHEMA.test(opts.schema)) throw new Error(`invalid schema name "${opts.schema}"`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    types,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle connection the server dropped (a restart) is an event, not a crash: the pool replaces it.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw postgresError(location, err);
  }
  return { pool, location };
}

/** A failure of the state database as the user should read it. */
export function postgresError(location: string, err: unknown): StateStoreError {
  if (err instanceof StateStoreError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const reason = redactUrlCredentials(err instanceof Error ? err.message : String(err));
  // A hint only where the setting is the likely cause (a deadlock or a constraint is not).
  const hint = isConnectionError(err)
    ? ' Check that PostgreSQL is running and DATABASE_URL names its host and port.'
    : code === '28P01' || code === '28000'
      ? ' Check the user and password in DATABASE_URL.'
      : code === '3D000'
        ? ' Create the database, or fix its name in DATABASE_URL.'
        : code === '42501'
          ? ' The DATABASE_URL user needs the right to create tables in its schema.'
          : '';
  return new StateStoreError(`Cannot use the state database ${location} (${code ? `${code}: ` : ''}${reason}).${hint}`, location, { cause: err });
}

/** Rows of a query, typed by the caller. */
export async function rows<T>(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, params as unknown[]);
  return result.rows as T[];
}

/** The first row of a query, or undefined. */
export async function row<T>(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, params))[0];
}

/** How many rows a statement changed. */
export async function changes(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<number> {
  const result = await db.query(sql, params as unknown[]);
  return result.rowCount ?? 0;
}

/**
 * Run `work` in one transaction on one connection: committed when it resolves, rolled back when it
 * throws. Keep it short (no network calls, no waiting on the user): claims hold their locks.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A transaction-scoped lock on `key` (two processes claiming for the same channel, say, run one
 * after the other): released at COMMIT or ROLLBACK.
 */
export async function lockFor(client: pg.PoolClient, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
