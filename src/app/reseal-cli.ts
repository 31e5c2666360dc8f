/**
 * `paperboy reseal-tokens`: after a key rotation, re-seal every Slack installation with the current
 * key (`PAPERBOY_ENCRYPTION_KEY`), reading the ones sealed with the previous key
 * (`PAPERBOY_ENCRYPTION_KEY_OLD`), so the old key can then be dropped. The bot also re-seals each
 * installation it reads; this does them all at once. Prints how many it re-sealed; never a token.
 */
import { cliConfig, openCliState } from './cli-state.ts';
import { KEY_ENV, OLD_KEY_ENV, TokenCryptoError } from '../installations/token-crypto.ts';

export const RESEAL_USAGE = `Usage: paperboy reseal-tokens [--json]

Re-seals every Slack installation's tokens with ${KEY_ENV}, opening those sealed with
${OLD_KEY_ENV} (set both during a key rotation). Run it once after rotating; then remove
${OLD_KEY_ENV}. Uses the state in DATA_DIR, or DATABASE_URL when set.`;

export interface ResealCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: Record<string, string | undefined>;
}

/** Run `paperboy reseal-tokens …` (words after the command). Exit code: 0 done, 1 failed, 2 configuration. */
export async function resealCli(words: readonly string[], io: ResealCliIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  if (words.includes('--help') || words.includes('-h')) {
    io.stdout.write(`${RESEAL_USAGE}\n`);
    return 0;
  }
  const json = words.includes('--json');
  const other = words.find((w) => w !== '--json');
  if (other !== undefined) {
    say(`paperboy reseal-tokens: unexpected "${other.slice(0, 40)}"\n\n${RESEAL_USAGE}`);
    return 1;
  }
  const config = cliConfig(io);
  if (!config) return 2;
  if (!config.encryptionKey) {
    say(`paperboy reseal-tokens: ${KEY_ENV} is not set: it is the key to re-seal with (and ${OLD_KEY_ENV} the one to read).`);
    return 2;
  }
  const state = await openCliState(io, config, { keys: true });
  if (!state) return 2;
  try {
    const resealed = await state.installations.resealAll();
    const total = (await state.installations.listInstallations()).length;
    if (json) io.stdout.write(`${JSON.stringify({ resealed, installations: total })}\n`);
    else {
      io.stdout.write(
        `Re-sealed ${resealed} of ${total} installation${total === 1 ? '' : 's'} with the current key.` +
          `${config.oldEncryptionKey ? ` Every installation is now sealed with ${KEY_ENV}: ${OLD_KEY_ENV} can be removed.` : ''}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (!(err instanceof TokenCryptoError)) throw err;
    if (json) io.stdout.write(`${JSON.stringify({ error: err.message })}\n`);
    say(`paperboy reseal-tokens: ${err.message}`);
    return 1;
  } finally {
    await state.close();
  }
}
