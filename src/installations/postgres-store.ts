import type pg from 'pg';
import { changes, postgresError, row, rows } from '../db/postgres.ts';
import {
  installationColumns,
  installationIdFor,
  parseInstallation,
  type InstallationQuery,
  type InstallationRecord,
  type InstallationSummary,
} from './installation.ts';
import { SUMMARY_COLUMNS, toSummary, type InstallationRow } from './installation-row.ts';
import { stateHash } from './install-state.ts';
import { openRecord, requireSealer, sealRecord, type SealedRecord } from './sealed-record.ts';
import type { ConsumeStateResult, InstallationStore } from './store.ts';
import type { TokenSealer } from './token-crypto.ts';

/**
 * The installation store on the shared PostgreSQL state database (the state root's pool, whose
 * migrations it has run). Many processes on many hosts write at once, and every write is one
 * statement: the upsert of `saveInstallation`, the update of `deleteInstallation`, a re-seal as a
 * compare-and-set on the sealed value it replaces, and `consumeState` as one `DELETE … RETURNING`
 * (the row lock decides which caller consumes a state).
 *
 * Database errors are `StateStoreError`s naming the database (never its password); a missing key
 * or a record that does not open is a `TokenCryptoError`, never wrapped.
 */
export class PostgresInstallationStore implements InstallationStore {
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #sealer: TokenSealer | undefined;

  /** A store over the state root's pool, sealing with `sealer` (none: no key, see `InstallationStore`). */
  constructor(pool: pg.Pool, location: string, sealer: TokenSealer | undefined) {
    this.#pool = pool;
    this.location = location;
    this.#sealer = sealer;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw postgresError(this.location, err);
    }
  }

  async saveInstallation(installation: InstallationRecord, now: Date): Promise<void> {
    const sealer = requireSealer(this.#sealer);
    const record = parseInstallation(installation);
    const c = installationColumns(record);
    const { sealed, keyId } = sealRecord(sealer, c.id, record);
    const t = now.getTime();
    await this.#run(() =>
      this.#pool.query(
        `INSERT INTO installations (id, is_enterprise_install, team_id, team_name, enterprise_id, enterprise_name, app_id, bot_user_id,
           installed_at, updated_at, uninstalled_at, key_id, sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, NULL, $10, $11)
         ON CONFLICT (id) DO UPDATE SET
           is_enterprise_install = EXCLUDED.is_enterprise_install, team_id = EXCLUDED.team_id, team_name = EXCLUDED.team_name,
           enterprise_id = EXCLUDED.enterprise_id, enterprise_name = EXCLUDED.enterprise_name, app_id = EXCLUDED.app_id,
           bot_user_id = EXCLUDED.bot_user_id,
           installed_at = CASE WHEN installations.uninstalled_at IS NULL THEN installations.installed_at ELSE EXCLUDED.installed_at END,
           updated_at = EXCLUDED.updated_at, uninstalled_at = NULL, key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed`,
        [c.id, c.isEnterpriseInstall, c.teamId, c.teamName, c.enterpriseId, c.enterpriseName, c.appId, c.botUserId, t, keyId, sealed],
      ),
    );
  }

  async getInstallation(query: InstallationQuery): Promise<InstallationRecord | undefined> {
    const sealer = requireSealer(this.#sealer);
    const id = installationIdFor(query);
    if (id === undefined) return undefined;
    const r = await this.#run(() => row<{ sealed: string }>(this.#pool, 'SELECT sealed FROM installations WHERE id = $1 AND sealed IS NOT NULL', [id]));
    if (!r) return undefined;
    const { installation, reseal } = openRecord(sealer, id, r.sealed);
    // Only if nobody changed it meanwhile (a newer save is sealed with its own process's key).
    if (reseal) await this.#compareAndSet(id, r.sealed, reseal);
    return installation;
  }

  /** Replace the sealed record of `id` if it still is `was`; whether it was. */
  async #compareAndSet(id: string, was: string, next: SealedRecord): Promise<boolean> {
    const n = await this.#run(() =>
      changes(this.#pool, 'UPDATE installations SET sealed = $1, key_id = $2 WHERE id = $3 AND sealed = $4', [next.sealed, next.keyId, id, was]),
    );
    return n > 0;
  }

  async deleteInstallation(query: InstallationQuery, now: Date): Promise<boolean> {
    const id = installationIdFor(query);
    if (id === undefined) return false;
    const t = now.getTime();
    const n = await this.#run(() =>
      changes(
        this.#pool,
        'UPDATE installations SET sealed = NULL, key_id = NULL, uninstalled_at = $1, updated_at = $1 WHERE id = $2 AND uninstalled_at IS NULL',
        [t, id],
      ),
    );
    return n > 0;
  }

  async listInstallations(opts: { includeUninstalled?: boolean } = {}): Promise<InstallationSummary[]> {
    const where = opts.includeUninstalled ? '' : ' WHERE uninstalled_at IS NULL';
    // COLLATE "C": ids in byte order, as SQLite sorts them, whatever the database's collation.
    return this.#run(async () =>
      (await rows<InstallationRow>(this.#pool, `SELECT ${SUMMARY_COLUMNS} FROM installations${where} ORDER BY id COLLATE "C"`)).map(toSummary),
    );
  }

  async resealAll(): Promise<number> {
    const sealer = requireSealer(this.#sealer);
    const stale = await this.#run(() =>
      rows<{ id: string; sealed: string }>(
        this.#pool,
        'SELECT id, sealed FROM installations WHERE sealed IS NOT NULL AND key_id <> $1 ORDER BY id COLLATE "C"',
        [sealer.keyId],
      ),
    );
    let n = 0;
    for (const { id, sealed } of stale) {
      const { reseal } = openRecord(sealer, id, sealed);
      if (reseal && (await this.#compareAndSet(id, sealed, reseal))) n += 1;
    }
    return n;
  }

  async issueState(state: string, expiresAt: Date, metadata?: string): Promise<boolean> {
    const n = await this.#run(() =>
      changes(this.#pool, 'INSERT INTO installation_states (state_hash, expires_at, metadata) VALUES ($1, $2, $3) ON CONFLICT (state_hash) DO NOTHING', [
        stateHash(state),
        expiresAt.getTime(),
        metadata ?? null,
      ]),
    );
    return n > 0;
  }

  async consumeState(state: string, now: Date): Promise<ConsumeStateResult> {
    // One statement: whoever deletes the row has consumed it; a concurrent delete waits on its row lock, then finds nothing.
    const r = await this.#run(() =>
      row<{ expires_at: number; metadata: string | null }>(this.#pool, 'DELETE FROM installation_states WHERE state_hash = $1 RETURNING expires_at, metadata', [
        stateHash(state),
      ]),
    );
    if (!r) return { ok: false, why: 'unknown' };
    if (r.expires_at <= now.getTime()) return { ok: false, why: 'expired' };
    return r.metadata === null ? { ok: true } : { ok: true, metadata: r.metadata };
  }

  async pruneStates(now: Date): Promise<number> {
    return this.#run(() => changes(this.#pool, 'DELETE FROM installation_states WHERE expires_at <= $1', [now.getTime()]));
  }

  /** The pool is the state root's: it closes it. */
  async close(): Promise<void> {}
}
