/**
 * Discord that cannot be reached (a host name that does not resolve, a refused port): start-up and
 * `npm run discord:register` say it is a network problem, not a token problem, and what to check.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import { DEFAULT_DISCORD_API_URL, unreachableMessage } from '../../adapters/discord/network.ts';
import { DiscordRestError } from '../../adapters/discord/discord-api.ts';
import { main as register } from '../../scripts/discord-register.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';

const tempDir = useTempDirs('pb-discord-unreachable-');
const TOKEN = ['MTAwMDAwMDAwMDAwMDAwMDAw', 'Gabcde', 'unreachable-token-unreachable-token00'].join('.');

/** A local port nothing listens on (taken, then freed). */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const NETWORK =
  /could not reach the Discord API at .* — a network problem, not a token problem\. Check the internet connection, proxy or firewall, and DISCORD_API_URL\./;

describe('Discord that cannot be reached', () => {
  it.each([
    [
      'a host name that does not resolve',
      async () => 'http://discord.invalid',
      /getaddrinfo (ENOTFOUND|EAI_AGAIN) discord\.invalid: the name discord\.invalid could not be resolved/,
    ],
    ['a refused port', refusedUrl, /ECONNREFUSED 127\.0\.0\.1:\d+: 127\.0\.0\.1:\d+ refused the connection/],
  ])(
    'start-up on %s says it is a network problem',
    async (_what, url, cause) => {
      const apiUrl = await url();
      const a = createDiscordAdapter({
        config: { token: TOKEN, apiUrl },
        paperboy: await testPaperboy(),
        logger: silentLogger(),
        restRetries: 0,
        closeTimeoutMs: 300,
      });
      const err = await a.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      await a.stop();
      expect(err?.message).toMatch(/^Discord start-up failed: /);
      expect(err?.message).toMatch(NETWORK);
      expect(err?.message).toMatch(cause);
      expect(err?.message).toContain(apiUrl);
      expect(err?.message).not.toMatch(/token \(check|rejected/);
      expect(err?.message).not.toContain(TOKEN);
    },
    30_000,
  );

  it.each([
    ['a host name that does not resolve', async () => 'http://discord.invalid', /the name discord\.invalid could not be resolved/],
    ['a refused port', refusedUrl, /refused the connection/],
  ])(
    'discord:register on %s says it is a network problem (exit 1)',
    async (_what, url, cause) => {
      const lines: string[] = [];
      const code = await register({ DATA_DIR: tempDir(), DISCORD_TOKEN: TOKEN, DISCORD_API_URL: await url() }, (l) => lines.push(l));
      const out = lines.join('\n');
      expect(code).toBe(1);
      expect(out).toMatch(/^discord:register: could not reach the Discord API at /);
      expect(out).toMatch(NETWORK);
      expect(out).toMatch(cause);
      expect(out).not.toContain(TOKEN);
    },
    30_000,
  );
});

describe('unreachableMessage', () => {
  it('without DISCORD_API_URL names discord.com and does not send you to a setting you never made', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND discord.com'), { code: 'ENOTFOUND' });
    expect(unreachableMessage(err, undefined)).toBe(
      `could not reach the Discord API at ${DEFAULT_DISCORD_API_URL} (getaddrinfo ENOTFOUND discord.com: the name discord.com could not be resolved) — ` +
        'a network problem, not a token problem. Check the internet connection, proxy or firewall.',
    );
  });
  it('finds the code on a cause (fetch failed) and on a DiscordRestError', () => {
    const cause = Object.assign(new Error('connect ETIMEDOUT 1.2.3.4:443'), { code: 'ETIMEDOUT' });
    expect(unreachableMessage(new Error('fetch failed', { cause }), undefined)).toMatch(
      /\(connect ETIMEDOUT 1\.2\.3\.4:443: the connection to discord\.com timed out\)/,
    );
    const rest = new DiscordRestError('get application', { reason: 'getaddrinfo EAI_AGAIN discord.com', code: 'EAI_AGAIN' });
    expect(unreachableMessage(rest, undefined)).toMatch(
      /\(getaddrinfo EAI_AGAIN discord\.com: the name discord\.com could not be resolved \(DNS did not answer\)\)/,
    );
  });
  it("is nothing for Discord's own answers (a rejected token, a server error)", () => {
    expect(unreachableMessage(new DiscordRestError('get application', { status: 401, reason: '401: Unauthorized' }), undefined)).toBeUndefined();
    expect(unreachableMessage(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }), undefined)).toBeUndefined();
    expect(unreachableMessage(new Error('Internal Server Error'), undefined)).toBeUndefined();
  });
  it('never shows credentials in the URL', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8080'), { code: 'ECONNREFUSED' });
    expect(unreachableMessage(err, 'http://user:secret@10.0.0.1:8080/api')).not.toContain('secret');
  });
});
