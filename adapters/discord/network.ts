/**
 * Telling a network failure (Discord never answered: no DNS, a refused or timed-out connection, a
 * TLS problem) from Discord's own answers, and saying what it means: no token change can fix it.
 * Pure.
 */
import { scrubSecrets } from '../shared/requests.ts';

/** Where discord.js sends REST calls when DISCORD_API_URL is not set. */
export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';

/** Error codes of a request that never reached Discord, and what each means in words. */
const NETWORK_CODES: Record<string, (host: string) => string> = {
  ENOTFOUND: (host) => `the name ${host} could not be resolved`,
  EAI_AGAIN: (host) => `the name ${host} could not be resolved (DNS did not answer)`,
  ECONNREFUSED: (host) => `${host} refused the connection`,
  ECONNRESET: (host) => `the connection to ${host} was cut`,
  ETIMEDOUT: (host) => `the connection to ${host} timed out`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `the connection to ${host} timed out`,
  UND_ERR_SOCKET: (host) => `the connection to ${host} failed`,
  EHOSTUNREACH: (host) => `${host} cannot be reached from this machine`,
  ENETUNREACH: () => 'this machine has no route to the network',
  EPROTO: (host) => `the TLS connection to ${host} failed`,
  CERT_HAS_EXPIRED: (host) => `the TLS certificate of ${host} is not trusted (expired)`,
  SELF_SIGNED_CERT_IN_CHAIN: (host) => `the TLS certificate of ${host} is not trusted (a proxy that intercepts HTTPS?)`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (host) => `the TLS certificate of ${host} is not trusted (a proxy that intercepts HTTPS?)`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (host) => `the TLS certificate of ${host} is not trusted (a proxy that intercepts HTTPS?)`,
};

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}

/** The network error code of `err`, looked for on it, its `cause` chain and a `DiscordRestError`'s `failure`. */
function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== undefined && e !== null; depth++) {
    for (const c of [prop(e, 'code'), prop(prop(e, 'failure'), 'code')]) if (typeof c === 'string' && c in NETWORK_CODES) return c;
    e = prop(e, 'cause');
  }
  return undefined;
}

/** The lowest-level message of `err` (`getaddrinfo ENOTFOUND discord.com`), first line, secrets scrubbed. */
function rawCause(err: unknown): string {
  // A `DiscordRestError` carries the underlying reason already; otherwise the deepest `cause`.
  const reason = prop(prop(err, 'failure'), 'reason');
  let message: string;
  if (typeof reason === 'string') message = reason;
  else {
    let e: unknown = err;
    for (let depth = 0; depth < 5 && prop(e, 'cause') instanceof Error; depth++) e = prop(e, 'cause');
    message = e instanceof Error ? e.message : String(e);
  }
  return scrubSecrets(message.split('\n')[0] ?? '').slice(0, 200);
}

function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host || apiUrl;
  } catch {
    return apiUrl;
  }
}

/**
 * What a failure to reach Discord means, in one sentence, or undefined when `err` is not a network
 * failure (Discord answered: a rejected token, a server error). `apiUrl`: DISCORD_API_URL when set.
 * E.g. `could not reach the Discord API at https://discord.com/api (getaddrinfo ENOTFOUND
 * discord.com: the name discord.com could not be resolved) — a network problem, not a token
 * problem. Check the internet connection, proxy or firewall.`
 */
export function unreachableMessage(err: unknown, apiUrl: string | undefined): string | undefined {
  const code = networkCode(err);
  if (code === undefined) return undefined;
  const url = scrubSecrets((apiUrl ?? DEFAULT_DISCORD_API_URL).replace(/\/+$/, ''));
  const meaning = NETWORK_CODES[code]!(hostOf(url));
  const raw = rawCause(err);
  return (
    `could not reach the Discord API at ${url} (${raw && raw !== meaning ? `${raw}: ` : ''}${meaning}) — a network problem, not a token problem. ` +
    `Check the internet connection, proxy or firewall${apiUrl ? ', and DISCORD_API_URL' : ''}.`
  );
}
