import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * Secrets at rest (Slack installations: bot, user and refresh tokens), sealed with AES-256-GCM.
 *
 * A sealed value is one compact ASCII string: `pb1.<key id>.<iv>.<tag>.<ciphertext>` — the format
 * version, the id of the key that sealed it (the first 8 hex characters of the key's SHA-256, so
 * the right key is chosen without trial and no key is ever written), a random 12-byte IV, the
 * 16-byte authentication tag and the ciphertext, each base64url. The version and key id are
 * authenticated with the data, and so is an optional `context` (the record the value belongs to):
 * a value moved to another record, or altered in any byte, does not open.
 *
 * Keys come from `PAPERBOY_ENCRYPTION_KEY` (32 bytes as 64 hex characters); during a rotation the
 * previous key stays readable as `PAPERBOY_ENCRYPTION_KEY_OLD`, and what it sealed is re-sealed
 * with the new key (`needsReseal`).
 */

/** The environment variable of the current key. */
export const KEY_ENV = 'PAPERBOY_ENCRYPTION_KEY';
/** The environment variable of the previous key, kept readable during a rotation. */
export const OLD_KEY_ENV = 'PAPERBOY_ENCRYPTION_KEY_OLD';

/** The format version written in front of every sealed value. */
const VERSION = 'pb1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** Why a key could not be used or a value could not be opened. */
export type TokenCryptoProblem = 'bad-key' | 'no-key' | 'malformed' | 'unknown-key' | 'tampered';

/** A key or a sealed value that cannot be used. The message says what to do; it never holds a key or a secret. */
export class TokenCryptoError extends Error {
  override name = 'TokenCryptoError';
  constructor(
    readonly problem: TokenCryptoProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A parsed encryption key: only its id is visible. The key bytes are held apart (not a property),
 * so logging, inspecting or serialising the key, or a sealer holding it, shows the id alone.
 */
export interface EncryptionKey {
  /** The first 8 hex characters of the key's SHA-256: written in each sealed value. */
  readonly id: string;
}

const keyBytes = new WeakMap<EncryptionKey, Buffer>();

function bytesOf(key: EncryptionKey): Buffer {
  const bytes = keyBytes.get(key);
  if (!bytes) throw new TypeError('not an encryption key made by parseKey');
  return bytes;
}

/**
 * Parse a key given as 64 hex characters (surrounding spaces ignored). `name` is the setting it
 * came from, for the message. Throws `TokenCryptoError` (`bad-key`) for a missing, short, long or
 * non-hex key; the message never repeats the value.
 */
export function parseKey(text: string | undefined, name: string = KEY_ENV): EncryptionKey {
  const hex = (text ?? '').trim();
  if (!KEY_HEX.test(hex)) {
    const what =
      hex === ''
        ? 'it is not set'
        : hex.length !== 64
          ? `it has ${hex.length} character${hex.length === 1 ? '' : 's'}`
          : 'it has characters that are not hex digits';
    throw new TokenCryptoError('bad-key', `${name} must be 64 hex characters (32 bytes); generate one with: openssl rand -hex 32 (${what})`);
  }
  const bytes = Buffer.from(hex, 'hex');
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const key: EncryptionKey = Object.freeze({
    id,
    toJSON: () => ({ id }),
    [inspect.custom]: () => `EncryptionKey(${id})`,
  });
  keyBytes.set(key, bytes);
  return key;
}

/** The parts of a sealed value, read without opening it. */
interface SealedParts {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function aad(keyId: string, context: string | undefined): Buffer {
  return Buffer.from(`${VERSION}.${keyId}\u0000${context ?? ''}`, 'utf8');
}

function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split('.');
  if (parts[0] !== VERSION && /^pb\d+$/.test(parts[0] ?? '')) {
    throw new TokenCryptoError(
      'malformed',
      `A sealed value is in format ${parts[0]}, which this Paperboy does not know (it writes ${VERSION}): upgrade Paperboy.`,
    );
  }
  const [version, keyId, iv, tag, data] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    keyId === undefined ||
    !/^[0-9a-f]{8}$/.test(keyId) ||
    iv === undefined ||
    tag === undefined ||
    data === undefined ||
    ![iv, tag, data].every((p) => B64URL.test(p))
  ) {
    // Never the value itself: it may be a secret stored in the clear by mistake.
    throw new TokenCryptoError('malformed', `Not a sealed value (expected ${VERSION}.<key id>.<iv>.<tag>.<data>).`);
  }
  const parsed = { keyId, iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), data: Buffer.from(data, 'base64url') };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) {
    throw new TokenCryptoError('tampered', `A sealed value (key ${keyId}) is damaged: its IV or authentication tag has the wrong length.`);
  }
  return parsed;
}

/** The id of the key that sealed `sealed` (throws `TokenCryptoError` when it is not a sealed value). */
export function sealedKeyId(sealed: string): string {
  return parseSealed(sealed).keyId;
}

/** Seal `plaintext` with `key` (a fresh random IV each time), bound to `context` when given. */
export function seal(key: EncryptionKey, plaintext: string, context?: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', bytesOf(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, context));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/**
 * Open `sealed` with whichever of `keys` sealed it (chosen by its key id), checking that it was
 * sealed for `context`. Throws `TokenCryptoError`: `unknown-key` (naming the key id, never a key)
 * when none of `keys` sealed it, `tampered` when it was altered or sealed for another context,
 * `malformed` when it is not a sealed value.
 */
export function open(keys: readonly EncryptionKey[], sealed: string, context?: string): string {
  const parts = parseSealed(sealed);
  const key = keys.find((k) => k.id === parts.keyId);
  if (!key) {
    const known = keys.length ? `the keys given are ${keys.map((k) => k.id).join(' and ')}` : 'no key is given';
    throw new TokenCryptoError(
      'unknown-key',
      `A value was sealed with encryption key ${parts.keyId}, but ${known}: set the key it was sealed with as ${OLD_KEY_ENV} ` +
        `(or as ${KEY_ENV} if it is the current one).`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', bytesOf(key), parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(parts.keyId, context));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.data), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenCryptoError(
      'tampered',
      `A sealed value (key ${parts.keyId}) failed its integrity check: it was altered or damaged, or belongs to another record.`,
    );
  }
}

/**
 * What seals and opens secrets for a store: seals with the current key, opens what the current or
 * the old key sealed. Holds its keys without showing them (logging it shows key ids only).
 */
export interface TokenSealer {
  /** The current key's id: what `seal` writes. */
  readonly keyId: string;
  /** The old key's id, during a rotation. */
  readonly oldKeyId: string | undefined;
  /** Seal with the current key, bound to `context` (the record it belongs to) when given. */
  seal(plaintext: string, context?: string): string;
  /** Open what the current or the old key sealed for `context`; throws `TokenCryptoError` otherwise. */
  open(sealed: string, context?: string): string;
  /** Whether `sealed` was sealed with another key than the current one (the old key): seal it again. */
  needsReseal(sealed: string): boolean;
}

/** A sealer that seals with `key` and also opens what `oldKey` sealed (a rotation in progress). */
export function createTokenSealer(key: EncryptionKey, oldKey?: EncryptionKey): TokenSealer {
  const keys = oldKey && oldKey.id !== key.id ? [key, oldKey] : [key];
  const oldKeyId = keys[1]?.id;
  return Object.freeze({
    keyId: key.id,
    oldKeyId,
    seal: (plaintext: string, context?: string) => seal(key, plaintext, context),
    open: (sealed: string, context?: string) => open(keys, sealed, context),
    needsReseal: (sealed: string) => sealedKeyId(sealed) !== key.id,
    toJSON: () => ({ keyId: key.id, oldKeyId }),
    [inspect.custom]: () => `TokenSealer(${key.id}${oldKeyId ? `, old ${oldKeyId}` : ''})`,
  });
}

/** The encryption settings of the state root (`openState`): the keys as given in the environment. */
export interface EncryptionKeyOptions {
  /** `PAPERBOY_ENCRYPTION_KEY`: 64 hex characters. Unset or empty: nothing can be sealed or opened. */
  encryptionKey?: string | undefined;
  /** `PAPERBOY_ENCRYPTION_KEY_OLD`: the previous key during a rotation (needs `encryptionKey`). */
  oldEncryptionKey?: string | undefined;
}

/**
 * The sealer for the given settings, or undefined when no key is set (empty counts as unset).
 * Throws `TokenCryptoError` (`bad-key`) for a malformed key, or an old key without a current one.
 */
export function sealerFromOptions(opts: EncryptionKeyOptions): TokenSealer | undefined {
  const current = opts.encryptionKey?.trim() || undefined;
  const old = opts.oldEncryptionKey?.trim() || undefined;
  if (current === undefined) {
    if (old !== undefined) throw new TokenCryptoError('bad-key', `${OLD_KEY_ENV} is set but ${KEY_ENV} is not: set the new key as ${KEY_ENV}.`);
    return undefined;
  }
  return createTokenSealer(parseKey(current, KEY_ENV), old === undefined ? undefined : parseKey(old, OLD_KEY_ENV));
}

/** The error for sealing or opening without a key: OAuth installations cannot be kept without one. */
export function missingKeyError(): TokenCryptoError {
  return new TokenCryptoError(
    'no-key',
    `OAuth mode needs ${KEY_ENV}: Slack installations are stored encrypted. Set it to 64 hex characters (32 bytes); generate one with: openssl rand -hex 32`,
  );
}
