/**
 * Sealing secrets with AES-256-GCM (`token-crypto.ts`): keys parsed from 64 hex characters, values
 * that round-trip, refuse any change, name the unknown key that sealed them (never a key), and a
 * rotation that reads the old key's values and says which need re-sealing.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  TokenCryptoError,
  createTokenSealer,
  missingKeyError,
  open,
  parseKey,
  seal,
  sealedKeyId,
  sealerFromOptions,
  type TokenCryptoProblem,
} from '../../src/installations/token-crypto.ts';

const HEX_A = 'a1'.repeat(32);
const HEX_B = '0b'.repeat(32);
const HEX_C = 'C3'.repeat(32);
const TOKEN = ['xoxb', '1234', '5678', 'SecretBotToken'].join('-');
const idOf = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex').slice(0, 8);

/** The error `work` throws, checked to be a TokenCryptoError of `problem`. */
function cryptoError(work: () => unknown, problem: TokenCryptoProblem): TokenCryptoError {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(TokenCryptoError);
    expect((err as TokenCryptoError).problem).toBe(problem);
    return err as TokenCryptoError;
  }
  throw new Error('expected a TokenCryptoError');
}

/** `sealed` with one character of its part `index` (0 version … 4 ciphertext) changed. */
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const p = parts[index]!;
  parts[index] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1);
  return parts.join('.');
}

describe('parseKey', () => {
  it('takes 64 hex characters, either case, spaces around ignored; its id is the first 8 hex of its SHA-256', () => {
    expect(parseKey(HEX_A).id).toBe(idOf(HEX_A));
    expect(parseKey(` ${HEX_C}\n`).id).toBe(idOf(HEX_C));
    expect(parseKey(HEX_C.toLowerCase()).id).toBe(parseKey(HEX_C).id);
    expect(parseKey(HEX_A).id).not.toBe(parseKey(HEX_B).id);
  });

  it.each([
    ['missing', undefined, 'it is not set'],
    ['empty', '  ', 'it is not set'],
    ['short', 'abcd', 'it has 4 characters'],
    ['long', `${HEX_A}00`, 'it has 66 characters'],
    ['not hex', `${'z'.repeat(64)}`, 'it has characters that are not hex digits'],
  ])('a %s key is refused with what to do, never the value', (_what, text, detail) => {
    const err = cryptoError(() => parseKey(text), 'bad-key');
    expect(err.message).toBe(`PAPERBOY_ENCRYPTION_KEY must be 64 hex characters (32 bytes); generate one with: openssl rand -hex 32 (${detail})`);
    if (text?.trim()) expect(err.message).not.toContain(text.trim());
  });

  it('names the setting it came from', () => {
    expect(cryptoError(() => parseKey('abc', 'PAPERBOY_ENCRYPTION_KEY_OLD'), 'bad-key').message).toMatch(/^PAPERBOY_ENCRYPTION_KEY_OLD must be 64 hex/);
  });

  it('a key shows only its id when logged, inspected or serialised', () => {
    const key = parseKey(HEX_A);
    for (const shown of [JSON.stringify(key), inspect(key), String(Object.values(key))]) {
      expect(shown).toContain(key.id);
      expect(shown.toLowerCase()).not.toContain('a1a1a1a1');
    }
  });
});

describe('seal and open', () => {
  const key = parseKey(HEX_A);

  it('round-trips text (any Unicode) through a compact string that does not hold it', () => {
    for (const text of [TOKEN, '', 'ünïcødé ✓ 🗞️', JSON.stringify({ bot: { token: TOKEN } })]) {
      const sealed = seal(key, text);
      expect(sealed).toMatch(/^pb1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
      expect(sealed).not.toContain(text || 'never');
      expect(open([key], sealed)).toBe(text);
    }
  });

  it('writes the key id, and a fresh IV each time (the same text seals differently)', () => {
    const a = seal(key, TOKEN);
    const b = seal(key, TOKEN);
    expect(sealedKeyId(a)).toBe(key.id);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toBe(b);
  });

  it('refuses a value with any part changed: IV, tag or ciphertext', () => {
    const sealed = seal(key, TOKEN);
    for (const part of [2, 3, 4]) {
      const err = cryptoError(() => open([key], flip(sealed, part)), 'tampered');
      expect(err.message).toBe(`A sealed value (key ${key.id}) failed its integrity check: it was altered or damaged, or belongs to another record.`);
    }
  });

  it('refuses a truncated ciphertext or a shortened tag', () => {
    const sealed = seal(key, TOKEN);
    const parts = sealed.split('.');
    expect(() => open([key], [...parts.slice(0, 4), parts[4]!.slice(0, -2)].join('.'))).toThrow(/failed its integrity check/);
    cryptoError(() => open([key], [...parts.slice(0, 3), parts[3]!.slice(0, 10), parts[4]].join('.')), 'tampered');
  });

  it('refuses a value sealed for another context (a record moved to another row)', () => {
    const sealed = seal(key, TOKEN, 'installation:team:T1');
    expect(open([key], sealed, 'installation:team:T1')).toBe(TOKEN);
    cryptoError(() => open([key], sealed, 'installation:team:T2'), 'tampered');
    cryptoError(() => open([key], sealed), 'tampered');
  });

  it('refuses a value whose key id was rewritten to another known key’s', () => {
    const other = parseKey(HEX_B);
    const parts = seal(key, TOKEN).split('.');
    parts[1] = other.id;
    cryptoError(() => open([key, other], parts.join('.')), 'tampered');
  });

  it('refuses a value sealed with an unknown key, naming that key’s id and the ids it has, never a key', () => {
    const sealed = seal(parseKey(HEX_C), TOKEN);
    const err = cryptoError(() => open([key], sealed), 'unknown-key');
    expect(err.message).toContain(`sealed with encryption key ${idOf(HEX_C)}`);
    expect(err.message).toContain(`the keys given are ${key.id}`);
    expect(err.message).toContain('PAPERBOY_ENCRYPTION_KEY_OLD');
    for (const hex of [HEX_A, HEX_C]) expect(err.message.toLowerCase()).not.toContain(hex.toLowerCase().slice(0, 16));
  });

  it('refuses what is not a sealed value without repeating it (a token stored in the clear)', () => {
    for (const text of [TOKEN, '', 'pb1.abc', `pb1.${key.id}.a.b`, `pb1.${key.id}.!!.b.c`, `pb1.XYZ12345.a.b.c`]) {
      const err = cryptoError(() => open([key], text), 'malformed');
      expect(err.message).toBe('Not a sealed value (expected pb1.<key id>.<iv>.<tag>.<data>).');
    }
  });

  it('refuses a value of a newer format, saying so', () => {
    const sealed = seal(key, TOKEN).replace(/^pb1\./, 'pb2.');
    expect(cryptoError(() => open([key], sealed), 'malformed').message).toMatch(/format pb2, which this Paperboy does not know/);
  });
});

describe('TokenSealer and key rotation', () => {
  const oldKey = parseKey(HEX_A);
  const newKey = parseKey(HEX_B);

  it('seals with the current key and opens its own values', () => {
    const sealer = createTokenSealer(newKey);
    const sealed = sealer.seal(TOKEN, 'ctx');
    expect(sealedKeyId(sealed)).toBe(newKey.id);
    expect(sealer.open(sealed, 'ctx')).toBe(TOKEN);
    expect(sealer.needsReseal(sealed)).toBe(false);
    expect(sealer.keyId).toBe(newKey.id);
    expect(sealer.oldKeyId).toBeUndefined();
  });

  it('after a rotation: opens what the old key sealed, which needs re-sealing; what it seals opens without the old key', () => {
    const before = createTokenSealer(oldKey);
    const old = before.seal(TOKEN, 'ctx');
    const rotated = createTokenSealer(newKey, oldKey);
    expect(rotated.oldKeyId).toBe(oldKey.id);
    expect(rotated.open(old, 'ctx')).toBe(TOKEN);
    expect(rotated.needsReseal(old)).toBe(true);
    const resealed = rotated.seal(rotated.open(old, 'ctx'), 'ctx');
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(createTokenSealer(newKey).open(resealed, 'ctx')).toBe(TOKEN);
  });

  it('once the old key is dropped, its values are refused naming the old key’s id', () => {
    const old = createTokenSealer(oldKey).seal(TOKEN);
    const err = cryptoError(() => createTokenSealer(newKey).open(old), 'unknown-key');
    expect(err.message).toContain(oldKey.id);
  });

  it('the same key given as old and new is one key', () => {
    const sealer = createTokenSealer(oldKey, parseKey(HEX_A));
    expect(sealer.oldKeyId).toBeUndefined();
    expect(sealer.needsReseal(sealer.seal(TOKEN))).toBe(false);
  });

  it('a sealer shows key ids only when logged or serialised', () => {
    const sealer = createTokenSealer(newKey, oldKey);
    for (const shown of [JSON.stringify(sealer), inspect(sealer)]) {
      expect(shown).toContain(newKey.id);
      expect(shown).toContain(oldKey.id);
      expect(shown.toLowerCase()).not.toMatch(/a1a1a1a1|0b0b0b0b/);
    }
  });
});

describe('sealerFromOptions (the state root’s settings)', () => {
  it('no key, or an empty one: no sealer', () => {
    expect(sealerFromOptions({})).toBeUndefined();
    expect(sealerFromOptions({ encryptionKey: '', oldEncryptionKey: ' ' })).toBeUndefined();
  });

  it('a key, and an old key: a sealer that reads both', () => {
    const old = createTokenSealer(parseKey(HEX_A)).seal(TOKEN);
    const sealer = sealerFromOptions({ encryptionKey: HEX_B, oldEncryptionKey: HEX_A });
    expect(sealer?.keyId).toBe(idOf(HEX_B));
    expect(sealer?.open(old)).toBe(TOKEN);
  });

  it('a malformed key or old key is refused naming its setting; an old key alone is refused', () => {
    expect(() => sealerFromOptions({ encryptionKey: 'nope' })).toThrow(/^PAPERBOY_ENCRYPTION_KEY must be 64 hex characters/);
    expect(() => sealerFromOptions({ encryptionKey: HEX_A, oldEncryptionKey: 'nope' })).toThrow(/^PAPERBOY_ENCRYPTION_KEY_OLD must be 64 hex characters/);
    expect(() => sealerFromOptions({ oldEncryptionKey: HEX_A })).toThrow('PAPERBOY_ENCRYPTION_KEY_OLD is set but PAPERBOY_ENCRYPTION_KEY is not');
  });

  it('the missing-key error says OAuth mode needs the key and how to make one', () => {
    const err = missingKeyError();
    expect(err.problem).toBe('no-key');
    expect(err.message).toMatch(/^OAuth mode needs PAPERBOY_ENCRYPTION_KEY/);
    expect(err.message).toContain('openssl rand -hex 32');
  });
});
