import { z } from 'zod';
import { FileReadError, readRegularFile } from '../files/read-file.ts';
import type { IngestSourceSpec } from '../ingest/jobs.ts';
import type { Topic } from '../library/topics.ts';
import type { Admins } from '../reply/context.ts';
import { checkCron } from '../schedule/cron.ts';
import { ScheduleConfigError } from '../schedule/errors.ts';
import type { ScheduleSettings } from '../schedule/index.ts';
import { checkArxivCategory } from '../sources/arxiv-categories.ts';
import { OAI_SET } from '../sources/oai.ts';
import {
  DEFAULT_DIGEST_COUNT,
  DEFAULT_GRACE_MS,
  MAX_DIGEST_COUNT,
  MAX_SCHEDULES_PER_CHANNEL,
  type PaperFilter,
  type ScheduleSpec,
} from '../schedule/schedule.ts';

/** Ids of config-file schedules: lowercase words joined by hyphens (`ml-morning-digest`). */
export const CONFIG_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_GRACE_MINUTES = 7 * 24 * 60;

const userIds = z.array(z.string().trim().min(1, { message: 'user ids must not be empty' })).max(1000);

const ScheduleEntrySchema = z
  .object({
    id: z
      .string()
      .max(40, { message: 'must be at most 40 characters' })
      .regex(CONFIG_ID, { message: 'must be lowercase letters, digits and single hyphens (e.g. ml-morning-digest)' }),
    platform: z.enum(['shell', 'slack', 'discord'], { message: 'must be "shell", "slack" or "discord"' }),
    channel: z.string().trim().min(1, { message: 'must be a channel id' }).max(100),
    /** The channel's workspace: Slack team id (`T0123ABCD`) or Discord guild id. Optional. */
    workspace: z.string().trim().min(1, { message: 'must be a Slack team id or Discord guild id' }).max(100).optional(),
    cron: z.string().trim().min(1, { message: 'must be a cron expression such as "0 9 * * 1-5"' }).max(100),
    timezone: z.string().trim().min(1).max(64).default('UTC'),
    kind: z.enum(['digest', 'paper-of-the-day'], { message: 'must be "digest" or "paper-of-the-day"' }),
    count: z
      .number()
      .int()
      .min(1)
      .max(MAX_DIGEST_COUNT, { message: `must be at most ${MAX_DIGEST_COUNT}` })
      .optional(),
    query: z.string().trim().min(1).max(300).optional(),
    topic: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((e) => !(e.query && e.topic), { message: 'give either "query" or "topic", not both' })
  .refine((e) => e.workspace === undefined || e.platform !== 'shell', { message: '"workspace" applies to slack and discord only', path: ['workspace'] })
  .refine((e) => e.count === undefined || e.kind === 'digest', { message: '"count" applies to digests only', path: ['count'] });

const categoryList = z
  .array(
    // arXiv's own spelling (`cs.cl` -> `cs.CL`); an unknown name is refused with the closest ones.
    z.string().transform((text, ctx) => {
      const check = checkArxivCategory(text);
      if (check.ok) return check.category;
      ctx.addIssue({ code: 'custom', message: check.problem });
      return z.NEVER;
    }),
  )
  .min(1)
  .max(20);

/** A live source to ingest on a timetable (`"sources"` in the config file). */
const SourceEntrySchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('hf'),
        cron: z.string().trim().min(1).max(100),
        timezone: z.string().trim().min(1).max(64).default('UTC'),
        /** Days fetched per run, ending today (UTC). Default 2: today and yesterday. */
        days: z.number().int().min(1).max(31).default(2),
      })
      .strict(),
    z
      .object({
        type: z.literal('arxiv'),
        cron: z.string().trim().min(1).max(100),
        timezone: z.string().trim().min(1).max(64).default('UTC'),
        categories: categoryList.optional(),
        max: z.number().int().min(1).max(2000).default(100),
      })
      .strict(),
    z
      .object({
        type: z.literal('oai'),
        cron: z.string().trim().min(1).max(100),
        timezone: z.string().trim().min(1).max(64).default('UTC'),
        /** An arXiv OAI-PMH set: an archive (`cs`) or `group:archive:CATEGORY` (`cs:cs:AI`). Default `cs`. */
        set: z.string().trim().regex(OAI_SET, { message: 'an arXiv set: an archive (cs, math) or group:archive:CATEGORY (cs:cs:AI)' }).default('cs'),
      })
      .strict(),
  ],
  { message: 'each source needs "type": "hf", "arxiv" or "oai"' },
);

export const ScheduleConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    /** Missed slots younger than this are posted when Paperboy starts; older ones are skipped. */
    graceMinutes: z
      .number()
      .min(0)
      .max(MAX_GRACE_MINUTES, { message: `must be at most ${MAX_GRACE_MINUTES} (a week)` })
      .default(60),
    /** Who may add/remove/pause/resume/run schedules, per platform. A platform not listed: anyone. */
    admins: z.object({ shell: userIds.optional(), slack: userIds.optional(), discord: userIds.optional() }).strict().default({}),
    schedules: z.array(ScheduleEntrySchema).max(1000).default([]),
    /** Live sources ingested on a timetable. */
    sources: z.array(SourceEntrySchema).max(20).default([]),
  })
  .strict();

export type ScheduleConfigFile = z.infer<typeof ScheduleConfigFileSchema>;

/**
 * The validated config file: the schedule settings (grace window, admins, config schedules) and
 * the scheduled ingests. Loaded once by the app, which hands each feature its part.
 */
export interface ScheduleConfig extends ScheduleSettings {
  schedules: ScheduleSpec[];
  /** Scheduled ingests. */
  sources: IngestSourceSpec[];
}

export const DEFAULT_SCHEDULE_CONFIG: ScheduleConfig = { graceMs: DEFAULT_GRACE_MS, admins: {}, schedules: [], sources: [] };

function issuePath(path: readonly PropertyKey[], json: unknown): string {
  // Name schedules by id when possible: `schedules[1] (ml-digest).cron`.
  let out = '';
  let node: unknown = json;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const id = node && typeof node === 'object' && 'id' in node && typeof node.id === 'string' ? node.id : undefined;
      if (id) out += ` (${id})`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
    }
  }
  return out || '(file)';
}

/**
 * Parse and check a schedule config file's text (pure apart from reading `now`): JSON shape, then
 * cron expressions, timezones, frequency, topics, duplicate ids and the per-channel limit.
 * Throws `ScheduleConfigError` listing every problem.
 */
export function parseScheduleConfig(text: string, file: string, ctx: { topics: readonly Topic[]; now: Date }): ScheduleConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScheduleConfigError(`${file}: not valid JSON (${(err as Error).message})`, file);
  }
  const parsed = ScheduleConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${issuePath(i.path, json)}: ${i.message}`);
    throw new ScheduleConfigError(`${file}: invalid schedule config:\n${problems.join('\n')}`, file);
  }
  const data = parsed.data;
  const problems: string[] = [];
  const schedules: ScheduleSpec[] = [];
  const seen = new Set<string>();
  const perChannel = new Map<string, number>();
  data.schedules.forEach((e, i) => {
    const where = `schedules[${i}] (${e.id})`;
    if (seen.has(e.id)) problems.push(`${where}: the id "${e.id}" is used twice`);
    seen.add(e.id);
    const checked = checkCron(e.cron, e.timezone, ctx.now);
    if (!checked.ok) problems.push(`${where}: ${checked.problem}`);
    if (e.topic && !ctx.topics.some((t) => t.name === e.topic)) {
      const names = ctx.topics.map((t) => t.name).join(', ');
      problems.push(`${where}: unknown topic "${e.topic}"${names ? ` (topics: ${names})` : ' (no topics are loaded)'}`);
    }
    const key = `${e.platform}:${e.channel}`;
    const n = (perChannel.get(key) ?? 0) + 1;
    perChannel.set(key, n);
    if (n === MAX_SCHEDULES_PER_CHANNEL + 1) {
      problems.push(`${where}: more than ${MAX_SCHEDULES_PER_CHANNEL} schedules for ${e.platform} channel ${e.channel}`);
    }
    const filter: PaperFilter = e.query ? { kind: 'query', query: e.query } : e.topic ? { kind: 'topic', topic: e.topic } : { kind: 'all' };
    schedules.push({
      id: e.id,
      platform: e.platform,
      ...(e.workspace ? { workspaceId: e.workspace } : {}),
      channelId: e.channel,
      cron: checked.ok ? checked.value.expression : e.cron,
      timezone: checked.ok ? checked.value.timezone : e.timezone,
      kind: e.kind,
      count: e.kind === 'digest' ? (e.count ?? DEFAULT_DIGEST_COUNT) : 1,
      filter,
    });
  });
  const sources: IngestSourceSpec[] = [];
  data.sources.forEach((e, i) => {
    const checked = checkCron(e.cron, e.timezone, ctx.now);
    if (!checked.ok) problems.push(`sources[${i}] (${e.type}): ${checked.problem}`);
    const timing = { cron: checked.ok ? checked.value.expression : e.cron, timezone: checked.ok ? checked.value.timezone : e.timezone };
    sources.push(
      e.type === 'hf'
        ? { type: 'hf', ...timing, days: e.days }
        : e.type === 'oai'
          ? { type: 'oai', ...timing, set: e.set }
          : { type: 'arxiv', ...timing, max: e.max, ...(e.categories ? { categories: [...new Set(e.categories)] } : {}) },
    );
  });
  if (problems.length > 0) {
    throw new ScheduleConfigError(`${file}: invalid schedules:\n${problems.map((p) => `  - ${p}`).join('\n')}`, file);
  }
  const admins: Admins = {};
  for (const p of ['shell', 'slack', 'discord'] as const) {
    const list = data.admins[p];
    if (list) admins[p] = [...new Set(list)];
  }
  return { file, graceMs: Math.round(data.graceMinutes * 60_000), admins, schedules, sources };
}

/** The largest config file read (a thousand schedules fit in a fraction of it). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Read the config file at `path` (from `PAPERBOY_CONFIG`): a regular file of at most 1 MB; no path means defaults. */
export async function loadScheduleConfig(path: string | undefined, ctx: { topics: readonly Topic[]; now: Date }): Promise<ScheduleConfig> {
  if (!path) return DEFAULT_SCHEDULE_CONFIG;
  let text: string;
  try {
    text = (await readRegularFile(path, { maxBytes: MAX_CONFIG_BYTES })).toString('utf8');
  } catch (err) {
    if (err instanceof FileReadError && (err.code === 'not-regular' || err.code === 'too-large')) {
      throw new ScheduleConfigError(`${err.message}. PAPERBOY_CONFIG must name a JSON config file (see examples/paperboy.config.json).`, path);
    }
    const code = err instanceof FileReadError ? err.code : (err as Error).message;
    throw new ScheduleConfigError(
      `${path}: cannot read the schedule config file (${code}). Fix PAPERBOY_CONFIG or create the file ` + '(see examples/paperboy.config.json).',
      path,
    );
  }
  return parseScheduleConfig(text, path, ctx);
}
