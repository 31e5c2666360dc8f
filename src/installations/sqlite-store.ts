import type Database from 'better-sqlite3';
import { openStateDatabase } from '../db/sqlite.ts';
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
import { openRecord, requireSealer, sealRecord } from './sealed-record.ts';
import { INSTALLATION_MIGRATIONS } from './sqlite-migrations.ts';
import type { ConsumeStateResult, InstallationStore } from './store.ts';
import type { TokenSealer } from './token-crypto.ts';

/**
 * The installation store on the SQLite state database (WAL mode, busy timeout, the shared
 * migration runner). Several processes may share the file: every write is one statement, and a
 * re-seal is a compare-and-set on the sealed value it replaces.
 */
export class SqliteInstallationStore implements InstallationStore {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #sealer: TokenSealer | undefined;
  readonly #ownsConnection: boolean;

  /**
   * A store over an open state database (the state root's shared connection, whose migrations it
   * has run), sealing with `sealer` (none: no key, see `InstallationStore`). `ownsConnection`:
   * `close()` closes the connection too (a store opened on its own).
   */
  constructor(db: Database.Database, location: string, sealer: TokenSealer | undefined, opts: { ownsConnection?: boolean } = {}) {
    this.#db = db;
    this.location = location;
    this.#sealer = sealer;
    this.#ownsConnection = opts.ownsConnection ?? false;
  }

  /**
   * Open (creating and migrating) the state database file. Throws `StateStoreError` naming the
   * file when it is corrupt, not a Paperboy database, newer, or not writable.
   */
  static open(file: string, sealer: TokenSealer | undefined): SqliteInstallationStore {
    const { db, path } = openStateDatabase(file, [INSTALLATION_MIGRATIONS], { integrityCheck: false });
    return new SqliteInstallationStore(db, path, sealer, { ownsConnection: true });
  }

  async saveInstallation(installation: InstallationRecord, now: Date): Promise<void> {
    const sealer = requireSealer(this.#sealer);
    const record = parseInstallation(installation);
    const c = installationColumns(record);
    const { sealed, keyId } = sealRecord(sealer, c.id, record);
    const t = now.getTime();
    this.#db
      .prepare(
        `INSERT INTO installations (id, is_enterprise_install, team_id, team_name, enterprise_id, enterprise_name, app_id, bot_user_id,
           installed_at, updated_at, uninstalled_at, key_id, sealed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           is_enterprise_install = excluded.is_enterprise_install, team_id = excluded.team_id, team_name = excluded.team_name,
           enterprise_id = excluded.enterprise_id, enterprise_name = excluded.enterprise_name, app_id = excluded.app_id,
           bot_user_id = excluded.bot_user_id,
           installed_at = CASE WHEN installations.uninstalled_at IS NULL THEN installations.installed_at ELSE excluded.installed_at END,
           updated_at = excluded.updated_at, uninstalled_at = NULL, key_id = excluded.key_id, sealed = excluded.sealed`,
      )
      .run(c.id, c.isEnterpriseInstall ? 1 : 0, c.teamId, c.teamName, c.enterpriseId, c.enterpriseName, c.appId, c.botUserId, t, t, keyId, sealed);
  }

  async getInstallation(query: InstallationQuery): Promise<InstallationRecord | undefined> {
    const sealer = requireSealer(this.#sealer);
    const id = installationIdFor(query);
    if (id === undefined) return undefined;
    const sealed = this.#db.prepare('SELECT sealed FROM installations WHERE id = ? AND sealed IS NOT NULL').pluck().get(id) as string | undefined;
    if (sealed === undefined) return undefined;
    const { installation, reseal } = openRecord(sealer, id, sealed);
    // Only if nobody changed it meanwhile (a newer save is sealed with its own process's key).
    if (reseal) this.#db.prepare('UPDATE installations SET sealed = ?, key_id = ? WHERE id = ? AND sealed = ?').run(reseal.sealed, reseal.keyId, id, sealed);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery, now: Date): Promise<boolean> {
    const id = installationIdFor(query);
    if (id === undefined) return false;
    const t = now.getTime();
    const info = this.#db
      .prepare('UPDATE installations SET sealed = NULL, key_id = NULL, uninstalled_at = ?, updated_at = ? WHERE id = ? AND uninstalled_at IS NULL')
      .run(t, t, id);
    return info.changes > 0;
  }

  async listInstallations(opts: { includeUninstalled?: boolean } = {}): Promise<InstallationSummary[]> {
    const where = opts.includeUninstalled ? '' : ' WHERE uninstalled_at IS NULL';
    return (this.#db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM installations${where} ORDER BY id`).all() as InstallationRow[]).map(toSummary);
  }

  async resealAll(): Promise<number> {
    const sealer = requireSealer(this.#sealer);
    const stale = this.#db.prepare('SELECT id, sealed FROM installations WHERE sealed IS NOT NULL AND key_id <> ? ORDER BY id').all(sealer.keyId) as {
      id: string;
      sealed: string;
    }[];
    const update = this.#db.prepare('UPDATE installations SET sealed = ?, key_id = ? WHERE id = ? AND sealed = ?');
    let n = 0;
    for (const { id, sealed } of stale) {
      const { reseal } = openRecord(sealer, id, sealed);
      if (reseal) n += update.run(reseal.sealed, reseal.keyId, id, sealed).changes;
    }
    return n;
  }

  async issueState(state: string, expiresAt: Date, metadata?: string): Promise<boolean> {
    const info = this.#db
      .prepare('INSERT INTO installation_states (state_hash, expires_at, metadata) VALUES (?, ?, ?) ON CONFLICT (state_hash) DO NOTHING')
      .run(stateHash(state), expiresAt.getTime(), metadata ?? null);
    return info.changes > 0;
  }

  async consumeState(state: string, now: Date): Promise<ConsumeStateResult> {
    // One statement: whoever deletes the row has consumed it; everyone else finds nothing.
    const r = this.#db.prepare('DELETE FROM installation_states WHERE state_hash = ? RETURNING expires_at, metadata').get(stateHash(state)) as
      { expires_at: number; metadata: string | null } | undefined;
    if (!r) return { ok: false, why: 'unknown' };
    if (r.expires_at <= now.getTime()) return { ok: false, why: 'expired' };
    return r.metadata === null ? { ok: true } : { ok: true, metadata: r.metadata };
  }

  async pruneStates(now: Date): Promise<number> {
    return this.#db.prepare('DELETE FROM installation_states WHERE expires_at <= ?').run(now.getTime()).changes;
  }

  async close(): Promise<void> {
    if (this.#ownsConnection && this.#db.open) this.#db.close();
  }
}
