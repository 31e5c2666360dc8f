import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treat empty and whitespace-only variables as unset (a blank line in `.env` is not a value). */
const optionalString = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().optional(),
);

function prefixed(prefix: string, what: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .refine((s) => s.startsWith(prefix) && s.length > prefix.length + 8, {
        message: `must be ${what} starting with "${prefix}"`,
      })
      .optional(),
  );
}

const httpUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string()
    .url({ message: 'must be an http(s) URL' })
    .refine((s) => /^https?:\/\//.test(s), { message: 'must be an http(s) URL' })
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

const snowflake = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().regex(/^\d{15,21}$/, { message: 'must be a Discord id (15-21 digits)' }).optional(),
);

/** Every environment variable Paperboy reads. Keep in step with `.env.example` and the README. */
export const EnvSchema = z.object({
  PAPERS_PATH: optionalString,
  TOPICS_PATH: optionalString,
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ),
  DATA_DIR: optionalString,
  PAPERBOY_CONFIG: optionalString,

  SLACK_BOT_TOKEN: prefixed('xoxb-', 'a bot token'),
  SLACK_APP_TOKEN: prefixed('xapp-', 'an app-level token'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: httpUrl,
  PORT: port,

  HF_API_URL: httpUrl,
  ARXIV_API_URL: httpUrl,

  DISCORD_TOKEN: optionalString,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_URL: httpUrl,
});
export type Env = z.infer<typeof EnvSchema>;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** HTTP mode when set (and no app token). */
  signingSecret?: string;
  apiUrl?: string;
  port: number;
}

export interface DiscordConfig {
  token: string;
  guildId?: string;
  apiUrl?: string;
}

export interface Config {
  papersPath?: string;
  topicsPath?: string;
  logLevel?: LogLevel;
  dataDir: string;
  scheduleConfigPath?: string;
  /** Live sources' base URLs (defaults: huggingface.co, export.arxiv.org). */
  hfApiUrl?: string;
  arxivApiUrl?: string;
  slack?: SlackConfig;
  discord?: DiscordConfig;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Validate the environment into a `Config`, listing every problem (never throws). */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    return { ok: false, problems };
  }
  const e = parsed.data;
  const problems: string[] = [];

  let slack: SlackConfig | undefined;
  const anySlack = e.SLACK_BOT_TOKEN || e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET;
  if (anySlack) {
    if (!e.SLACK_BOT_TOKEN) {
      problems.push('SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set (xoxb-...)');
    } else if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
      problems.push(
        'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: one is required with SLACK_BOT_TOKEN ' +
          '(app token for Socket Mode, signing secret for HTTP mode)',
      );
    } else {
      slack = {
        botToken: e.SLACK_BOT_TOKEN,
        appToken: e.SLACK_APP_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        apiUrl: e.SLACK_API_URL,
        port: e.PORT,
      };
    }
  }

  let discord: DiscordConfig | undefined;
  if (e.DISCORD_TOKEN) {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(e.DISCORD_TOKEN)) {
      problems.push('DISCORD_TOKEN: does not look like a bot token (three dot-separated parts)');
    } else {
      discord = { token: e.DISCORD_TOKEN, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL };
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      papersPath: e.PAPERS_PATH,
      topicsPath: e.TOPICS_PATH,
      logLevel: e.LOG_LEVEL,
      dataDir: e.DATA_DIR ?? '.paperboy',
      scheduleConfigPath: e.PAPERBOY_CONFIG,
      ...(e.HF_API_URL ? { hfApiUrl: e.HF_API_URL } : {}),
      ...(e.ARXIV_API_URL ? { arxivApiUrl: e.ARXIV_API_URL } : {}),
      slack,
      discord,
    },
  };
}
