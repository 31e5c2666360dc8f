import { missingKeyError, type TokenSealer } from './token-crypto.ts';
import { parseInstallation, type InstallationRecord } from './installation.ts';

/** A sealed installation record and the id of the key that sealed it (kept in a plain column, to find what a rotation must re-seal). */
export interface SealedRecord {
  sealed: string;
  keyId: string;
}

/** What a sealed record is bound to: the installation it belongs to (moved to another row, it does not open). */
const context = (id: string): string => `installation:${id}`;

/** The store's sealer, or the error that says OAuth mode needs a key. */
export function requireSealer(sealer: TokenSealer | undefined): TokenSealer {
  if (!sealer) throw missingKeyError();
  return sealer;
}

/** Seal a whole installation record (every token in it) for the installation `id`. */
export function sealRecord(sealer: TokenSealer, id: string, installation: InstallationRecord): SealedRecord {
  return { sealed: sealer.seal(JSON.stringify(installation), context(id)), keyId: sealer.keyId };
}

/**
 * Open the sealed record of installation `id`. `reseal`: the same record sealed with the current
 * key, when it was sealed with the old one (to be written back: re-encrypt on use). Throws
 * `TokenCryptoError` for an unknown key or altered data.
 */
export function openRecord(sealer: TokenSealer, id: string, sealed: string): { installation: InstallationRecord; reseal?: SealedRecord } {
  const installation = parseInstallation(JSON.parse(sealer.open(sealed, context(id))));
  return sealer.needsReseal(sealed) ? { installation, reseal: sealRecord(sealer, id, installation) } : { installation };
}
