import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { platformDataHome, resolveDataHome, type DataHome } from './data-home.ts';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../state/retention.ts';
import { parseVoteEmoji } from '../votes/emoji.ts';
import { KEY_ENV, OLD_KEY_ENV, TokenCryptoError, sealerFromOptions } from '../installations/token-crypto.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treat empty and whitespace-only variables as unset (a blank line in `.env` is not a value). */
const optionalString = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().optional(),
);

/** The shortest real Slack token is far longer than this; anything shorter was cut off when pasted. */
const MIN_TOKEN_LENGTH = 20;
/** A state secret shorter than this is guessable. */
const MIN_STATE_SECRET = 16;

/** The bot scopes an OAuth install asks for unless `SLACK_SCOPES` says otherwise (as in adapters/slack/manifest.oauth.json). */
export const DEFAULT_SLACK_SCOPES: readonly string[] = ['app_mentions:read', 'chat:write', 'commands', 'im:history', 'reactions:read'];

function prefixed(prefix: string, what: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      // Messages never echo the value: it is a secret.
      .refine((s) => s.startsWith(prefix), { message: `must be ${what} starting with "${prefix}"` })
      .refine((s) => !s.startsWith(prefix) || s.length >= MIN_TOKEN_LENGTH, {
        message: `looks cut off: ${what} is "${prefix}" and at least ${MIN_TOKEN_LENGTH - prefix.length} more characters; copy it again from the Slack app settings`,
      })
      .optional(),
  );
}

/**
 * What is wrong with a base URL setting, in one message (the value is not echoed: a URL can carry
 * credentials), or `undefined` when it is an http(s) URL.
 */
function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http(s) URL such as https://example.org; this is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL, not ${url.protocol.slice(0, 40)}`;
  if (!/^https?:\/\/[^/?#\s]/i.test(value)) return 'must be an http(s) URL such as https://example.org, with "//" and a host after the scheme';
  return undefined;
}

const httpUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .superRefine((s, ctx) => {
      const problem = httpUrlProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
);

/** A PostgreSQL connection URL (`postgres://user:password@host:5432/db`); messages never echo it (it holds a password). */
const postgresUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .superRefine((s, ctx) => {
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/paperboy; this is not a URL' });
        return;
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        ctx.addIssue({ code: 'custom', message: `must be a postgres:// (or postgresql://) URL, not ${url.protocol.slice(0, 40)}` });
      } else if (!url.hostname && !url.searchParams.get('host')) {
        ctx.addIssue({ code: 'custom', message: 'names no host: postgres://user:password@host:5432/paperboy' });
      }
    })
    .optional(),
);

const port = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.coerce
    .number({ message: 'must be a port number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3000),
);

/** An address to listen on: an IPv4 or IPv6 address, or a host name (`localhost`). */
const host = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .refine((s) => isIP(s) !== 0 || /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(s), {
      message: 'must be an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name (localhost)',
    })
    .optional(),
);

const snowflake = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .regex(/^\d{15,21}$/, { message: 'must be a Discord id (15-21 digits)' })
    .optional(),
);

/** Every environment variable Paperboy reads. Keep in step with `.env.example` and the README. */
export const EnvSchema = z.object({
  PAPERS_PATH: optionalString,
  TOPICS_PATH: optionalString,
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}, not "${String(issue.input).slice(0, 20)}"` }).optional(),
  ),
  DATA_DIR: optionalString,
  DATABASE_URL: postgresUrl,
  PAPERBOY_CONFIG: optionalString,

  SLACK_BOT_TOKEN: prefixed('xoxb-', 'a bot token'),
  SLACK_APP_TOKEN: prefixed('xapp-', 'an app-level token'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: httpUrl,
  /** OAuth mode (many workspaces install the app from a link): the app's credentials. */
  SLACK_CLIENT_ID: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^\d+\.\d+$/, { message: "must be the Client ID from the app's Basic Information page (digits, a dot, digits)" })
      .optional(),
  ),
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .min(MIN_STATE_SECRET, { message: `must be at least ${MIN_STATE_SECRET} characters of random text; generate one with: openssl rand -hex 32` })
      .optional(),
  ),
  /** OAuth mode: the bot scopes asked for (comma or space separated); absent: the manifest's. */
  SLACK_SCOPES: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .transform((s, ctx) => {
        const scopes = s.split(/[\s,]+/).filter((x) => x !== '');
        const bad = scopes.find((x) => !/^[a-z][a-z_]*(?:[.:][a-z_]+)*$/.test(x));
        if (bad !== undefined) {
          ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 40)}" is not a Slack scope (such as chat:write, app_mentions:read)` });
          return z.NEVER;
        }
        return scopes;
      })
      .optional(),
  ),
  /** OAuth mode: the redirect URL registered with Slack, when the app has several (else Slack uses the one it has). */
  SLACK_REDIRECT_URI: httpUrl,
  [KEY_ENV]: optionalString,
  [OLD_KEY_ENV]: optionalString,
  PORT: port,
  HOST: host,
  METRICS_PORT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number({ message: 'must be a port number' })
      .int({ message: 'must be a whole number' })
      .min(0, { message: 'must be between 0 and 65535' })
      .max(65535, { message: 'must be between 0 and 65535' })
      .optional(),
  ),

  HF_API_URL: httpUrl,
  ARXIV_API_URL: httpUrl,
  OAI_URL: httpUrl,

  DISCORD_TOKEN: optionalString,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_URL: httpUrl,

  /** Days run records, posted history, alerts and the like are kept before they are pruned. */
  RETENTION_DAYS: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number({ message: `must be a number of days (${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS})` })
      .int({ message: 'must be a whole number of days' })
      .min(MIN_RETENTION_DAYS, { message: `must be at least ${MIN_RETENTION_DAYS} (days)` })
      .max(MAX_RETENTION_DAYS, { message: `must be at most ${MAX_RETENTION_DAYS} (days)` })
      .default(DEFAULT_RETENTION_DAYS),
  ),

  /** Reactions that count as votes: emoji or short names, separated by commas or spaces. */
  VOTE_EMOJI: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .transform((s, ctx) => {
        const r = parseVoteEmoji(s);
        if (!r.ok) {
          ctx.addIssue({ code: 'custom', message: r.problem });
          return z.NEVER;
        }
        return r.emoji;
      })
      .optional(),
  ),
});
export type Env = z.infer<typeof EnvSchema>;

export type LogLevel = (typeof LOG_LEVELS)[number];

interface SlackCommon {
  apiUrl?: string;
  port: number;
  /** HTTP mode: the address to listen on (`HOST`); absent: every interface. */
  host?: string;
}

/** One workspace, its bot token in `.env`: Socket Mode (`appToken`) or HTTP mode (`signingSecret`). */
export interface SlackTokenConfig extends SlackCommon {
  botToken: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** HTTP mode when set (and no app token). */
  signingSecret?: string;
  oauth?: undefined;
}

/** The app's OAuth credentials: workspaces install it from `/slack/install`, each with its own token. */
export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  /** Signs install states, so a forged one is refused before the store is asked. */
  stateSecret: string;
  /** Bot scopes asked for at install. */
  scopes: string[];
  /** The redirect URL registered with Slack, when set (`SLACK_REDIRECT_URI`); its path is served. */
  redirectUri?: string;
}

/** Many workspaces (OAuth, HTTP mode): each installs the app and gets its own token, kept sealed in the state. */
export interface SlackOAuthConfig extends SlackCommon {
  oauth: SlackOAuthSettings;
  signingSecret: string;
  botToken?: undefined;
  appToken?: undefined;
}

export type SlackConfig = SlackTokenConfig | SlackOAuthConfig;

export interface DiscordConfig {
  token: string;
  guildId?: string;
  apiUrl?: string;
}

export interface Config {
  papersPath?: string;
  topicsPath?: string;
  logLevel?: LogLevel;
  /** The data folder, absolute: `DATA_DIR`, else the platform's data folder (see `resolveDataHome`). */
  dataDir: string;
  /** Where `dataDir` came from, and what the user should know about it (a folder left by an older version). */
  dataHome: Omit<DataHome, 'dir'>;
  /** Shared state in PostgreSQL (`DATABASE_URL`); absent: SQLite in `dataDir`. */
  databaseUrl?: string;
  scheduleConfigPath?: string;
  /** Live sources' base URLs (defaults: huggingface.co, export.arxiv.org). */
  hfApiUrl?: string;
  arxivApiUrl?: string;
  /** arXiv's OAI-PMH base URL (`OAI_URL`), for `ingest oai` and `oai` sources. */
  oaiUrl?: string;
  slack?: SlackConfig;
  discord?: DiscordConfig;
  /** Reactions that count as votes (`VOTE_EMOJI`); absent: 👍 ⭐ ❤️ 🔥. */
  voteEmoji?: string[];
  /** Days old records are kept before the daily prune deletes them (`RETENTION_DAYS`, default 365). */
  retentionDays: number;
  /** Where `/healthz` and `/metrics` are served when Slack HTTP mode does not serve them (`METRICS_PORT`). */
  metricsPort?: number;
  /** The address every HTTP server listens on (`HOST`); absent: every interface. */
  host?: string;
  /** Seals Slack installations' tokens (`PAPERBOY_ENCRYPTION_KEY`, 64 hex characters); required in OAuth mode. */
  encryptionKey?: string;
  /** The previous key during a rotation (`PAPERBOY_ENCRYPTION_KEY_OLD`). */
  oldEncryptionKey?: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Validate the environment into a `Config`, listing every problem at once (never throws). Each
 * variable is checked on its own, so one bad value does not hide the others. With
 * `platforms: false` (the one-shot CLI) the Slack and Discord settings are not needed and not checked.
 */
export function loadConfig(env: Record<string, string | undefined>, opts: { platforms?: boolean; cwd?: string; dataHome?: string } = {}): ConfigResult {
  const platforms = opts.platforms ?? true;
  const problems: string[] = [];
  const shape = EnvSchema.shape;
  const values: Partial<Env> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    if (!platforms && /^(SLACK_|DISCORD_|PORT$|HOST$|METRICS_PORT$)/.test(key)) continue;
    const r = shape[key].safeParse(env[key]);
    if (r.success) (values as Record<string, unknown>)[key] = r.data;
    else problems.push(...r.error.issues.map((i) => `${key}: ${i.message}`));
  }
  const e = values;
  const failed = (key: keyof Env) => problems.some((p) => p.startsWith(`${key}:`));

  let slack: SlackConfig | undefined;
  const set = (key: string) => Boolean(env[key]?.trim());
  const oauthKeys = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
  const anyOAuth = platforms && oauthKeys.some(set);
  const anySlack = platforms && (set('SLACK_BOT_TOKEN') || set('SLACK_APP_TOKEN') || set('SLACK_SIGNING_SECRET'));
  if (anyOAuth) {
    // OAuth mode: many workspaces, each on its own token; a bot token in .env would say otherwise.
    if (set('SLACK_BOT_TOKEN')) {
      problems.push('SLACK_BOT_TOKEN: not used with SLACK_CLIENT_ID (OAuth mode, every workspace has its own token): unset one of them');
    } else if (set('SLACK_APP_TOKEN')) {
      problems.push(
        'SLACK_APP_TOKEN: OAuth mode runs over HTTP (Slack redirects installs to it): unset SLACK_APP_TOKEN, or use SLACK_BOT_TOKEN for one workspace',
      );
    }
    for (const key of [...oauthKeys, 'SLACK_SIGNING_SECRET'] as const) {
      if (!set(key) && !failed(key)) problems.push(`${key}: required in OAuth mode (with ${oauthKeys.filter((k) => k !== key && set(k)).join(', ')})`);
    }
    if (!set(KEY_ENV) && !failed(KEY_ENV)) {
      problems.push(`${KEY_ENV}: required in OAuth mode: it seals every workspace's token at rest; generate one with: openssl rand -hex 32`);
    }
    if (e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_SIGNING_SECRET && !set('SLACK_BOT_TOKEN') && !set('SLACK_APP_TOKEN')) {
      slack = {
        oauth: {
          clientId: e.SLACK_CLIENT_ID,
          clientSecret: e.SLACK_CLIENT_SECRET,
          stateSecret: e.SLACK_STATE_SECRET,
          scopes: e.SLACK_SCOPES ?? [...DEFAULT_SLACK_SCOPES],
          ...(e.SLACK_REDIRECT_URI ? { redirectUri: e.SLACK_REDIRECT_URI } : {}),
        },
        signingSecret: e.SLACK_SIGNING_SECRET,
        apiUrl: e.SLACK_API_URL,
        port: e.PORT ?? 3000,
        ...(e.HOST ? { host: e.HOST } : {}),
      };
    }
  } else if (anySlack) {
    if (!e.SLACK_BOT_TOKEN && !failed('SLACK_BOT_TOKEN')) {
      problems.push(
        'SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set (xoxb-...); ' +
          'or, for an app many workspaces install, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET',
      );
    } else if (!env['SLACK_APP_TOKEN']?.trim() && !e.SLACK_SIGNING_SECRET) {
      problems.push(
        'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: one is required with SLACK_BOT_TOKEN ' + '(app token for Socket Mode, signing secret for HTTP mode)',
      );
    } else if (e.SLACK_BOT_TOKEN) {
      slack = {
        botToken: e.SLACK_BOT_TOKEN,
        appToken: e.SLACK_APP_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        apiUrl: e.SLACK_API_URL,
        port: e.PORT ?? 3000,
        ...(e.HOST ? { host: e.HOST } : {}),
      };
    }
  }
  if (platforms && !anyOAuth) {
    for (const key of ['SLACK_SCOPES', 'SLACK_REDIRECT_URI'] as const) {
      if (set(key) && !failed(key)) problems.push(`${key}: only used in OAuth mode (with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)`);
    }
  }
  // The keys are checked whenever they are set (one-shot commands re-seal with them too); never echoed.
  if (!failed(KEY_ENV) && !failed(OLD_KEY_ENV)) {
    try {
      sealerFromOptions({ encryptionKey: e[KEY_ENV], oldEncryptionKey: e[OLD_KEY_ENV] });
    } catch (err) {
      if (!(err instanceof TokenCryptoError)) throw err;
      const key = err.message.startsWith(OLD_KEY_ENV) ? OLD_KEY_ENV : KEY_ENV;
      problems.push(`${key}: ${err.message.startsWith(`${key} `) ? err.message.slice(key.length + 1) : err.message}`);
    }
  }

  let discord: DiscordConfig | undefined;
  if (platforms && e.DISCORD_TOKEN) {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(e.DISCORD_TOKEN)) {
      problems.push('DISCORD_TOKEN: does not look like a bot token (three dot-separated parts)');
    } else {
      discord = { token: e.DISCORD_TOKEN, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL };
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  const cwd = opts.cwd ?? process.cwd();
  const absolute = (path: string | undefined) => (path === undefined ? undefined : resolve(cwd, path));
  const home = resolveDataHome(e.DATA_DIR, { cwd, home: opts.dataHome ?? platformDataHome(env) });
  return {
    ok: true,
    config: {
      // Paths are absolute from here on: what a message shows, or a schedule records, means the same from any folder.
      papersPath: absolute(e.PAPERS_PATH),
      topicsPath: absolute(e.TOPICS_PATH),
      logLevel: e.LOG_LEVEL,
      dataDir: home.dir,
      dataHome: { source: home.source, ...(home.note ? { note: home.note } : {}) },
      ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
      scheduleConfigPath: absolute(e.PAPERBOY_CONFIG),
      ...(e.HF_API_URL ? { hfApiUrl: e.HF_API_URL } : {}),
      ...(e.ARXIV_API_URL ? { arxivApiUrl: e.ARXIV_API_URL } : {}),
      ...(e.OAI_URL ? { oaiUrl: e.OAI_URL } : {}),
      ...(e.VOTE_EMOJI ? { voteEmoji: e.VOTE_EMOJI } : {}),
      retentionDays: e.RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS,
      ...(e.METRICS_PORT !== undefined ? { metricsPort: e.METRICS_PORT } : {}),
      ...(e.HOST ? { host: e.HOST } : {}),
      ...(e[KEY_ENV] ? { encryptionKey: e[KEY_ENV] } : {}),
      ...(e[OLD_KEY_ENV] ? { oldEncryptionKey: e[OLD_KEY_ENV] } : {}),
      slack,
      discord,
    },
  };
}
