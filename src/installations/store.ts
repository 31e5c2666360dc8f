import type { InstallationQuery, InstallationRecord, InstallationSummary } from './installation.ts';

/** What `consumeState` found: the state's metadata the first time, a refusal after that. */
export type ConsumeStateResult =
  | { ok: true; metadata?: string }
  /** `unknown`: never issued, already consumed, or pruned; `expired`: issued, but too late (now consumed too). */
  | { ok: false; why: 'unknown' | 'expired' };

/**
 * Slack installations — one per workspace, or per organisation for an org-wide install — and the
 * OAuth install states, in the shared state database (SQLite or PostgreSQL), opened by the state
 * root. The storage under Bolt's `InstallationStore` and `StateStore`, which the Slack adapter
 * builds on it.
 *
 * Tokens at rest: the whole installation record (bot token, user token, refresh tokens and all)
 * is stored sealed (AES-256-GCM, `token-crypto.ts`), bound to its row; only ids, names and times
 * are plain columns. The store seals and opens with the `TokenSealer` it was opened with; without
 * one (no `PAPERBOY_ENCRYPTION_KEY`), `saveInstallation`, `getInstallation` and `resealAll`
 * reject with a `TokenCryptoError` (`no-key`: "OAuth mode needs PAPERBOY_ENCRYPTION_KEY"), and the
 * rest works. A record sealed with the old key (`PAPERBOY_ENCRYPTION_KEY_OLD`) is re-sealed with
 * the current key when it is read.
 *
 * Several processes may share the store: writes are single statements or compare-and-set, and a
 * state is consumed by exactly one caller.
 */
export interface InstallationStore {
  /** Where the state lives (file path, or database URL without its password), for messages. */
  readonly location: string;

  /**
   * Save an installation (Bolt's `storeInstallation`): insert, or replace the one of the same
   * workspace (`team.id`), or organisation (`enterprise.id`) for an org-wide install. A refreshed
   * token replaces the record and keeps `installedAt`; installing again after an uninstall starts
   * a new installation at `now`. Throws `TypeError` for an installation with neither id, a
   * `ZodError` for one that is not an installation record.
   */
  saveInstallation(installation: InstallationRecord, now: Date): Promise<void>;
  /**
   * The installed record a query names (Bolt's `fetchInstallation`), opened; undefined when there
   * is none or it was uninstalled. An org-wide install is looked up by `enterpriseId`, any other
   * by `teamId`. Sealed with the old key: re-sealed with the current key on the way.
   */
  getInstallation(query: InstallationQuery): Promise<InstallationRecord | undefined>;
  /**
   * Uninstall (Bolt's `deleteInstallation`, `app_uninstalled`, `tokens_revoked`): the sealed
   * record — every token — is deleted; ids, names and times stay, with `uninstalledAt = now`.
   * True when an installed one was there.
   */
  deleteInstallation(query: InstallationQuery, now: Date): Promise<boolean>;
  /** Every installation without its secrets, by id; uninstalled ones too when asked. */
  listInstallations(opts?: { includeUninstalled?: boolean }): Promise<InstallationSummary[]>;
  /**
   * Re-seal with the current key every record sealed with another one (after a key rotation, so
   * the old key can be dropped). Returns how many this call re-sealed. Rejects with a
   * `TokenCryptoError` naming the key id when a record was sealed with a key it does not have.
   */
  resealAll(): Promise<number>;

  /**
   * Record an OAuth install state (the `state` parameter of the authorize URL) until `expiresAt`,
   * with `metadata` to hand back when it is consumed (Bolt's install options). Only a hash of the
   * state is kept. False, and nothing changed, when that state was issued already.
   */
  issueState(state: string, expiresAt: Date, metadata?: string): Promise<boolean>;
  /**
   * Consume a state on the OAuth redirect, before any code exchange: `ok` exactly once across
   * every process sharing the store (deleted and returned in one statement); refused when never
   * issued, already consumed, or expired by `now`.
   */
  consumeState(state: string, now: Date): Promise<ConsumeStateResult>;
  /** Delete the states that expired by `now` (installs never finished); how many went. */
  pruneStates(now: Date): Promise<number>;

  close(): Promise<void>;
}
