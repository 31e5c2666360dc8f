/**
 * Slack installations and OAuth install states, with every token sealed at rest: what the Slack
 * adapter's installer (Bolt's `InstallationStore` and `StateStore`) stores through. The store is
 * opened by the state root (`State.installations`), with the sealer made from
 * `PAPERBOY_ENCRYPTION_KEY` (and `PAPERBOY_ENCRYPTION_KEY_OLD` during a rotation).
 */
export type { InstallationStore, ConsumeStateResult } from './store.ts';
export type { InstallationQuery, InstallationRecord, InstallationSummary } from './installation.ts';
export { installationIdFor, parseInstallation } from './installation.ts';
export {
  KEY_ENV,
  OLD_KEY_ENV,
  TokenCryptoError,
  createTokenSealer,
  open,
  parseKey,
  seal,
  sealedKeyId,
  sealerFromOptions,
  type EncryptionKey,
  type EncryptionKeyOptions,
  type TokenCryptoProblem,
  type TokenSealer,
} from './token-crypto.ts';
