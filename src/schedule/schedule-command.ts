import type { Command, CommandDeps, CommandInput, FlagSpec } from '../commands/command.ts';
import { quoted } from '../commands/results.ts';
import { findTopic, suggestTopics } from '../commands/topics.ts';
import type { RequestContext, WorkspaceAdmins } from '../reply/context.ts';
import { mayManageChannel } from '../reply/admins.ts';
import { span, type Block, type Field, type Reply, type RichText } from '../reply/reply.ts';
import type { Topic } from '../library/topics.ts';
import { checkCron, formatInZone } from './cron.ts';
import { newShortId } from '../text/short-id.ts';
import {
  DEFAULT_DIGEST_COUNT,
  MAX_DIGEST_COUNT,
  MAX_SCHEDULES_PER_CHANNEL,
  SCHEDULE_KINDS,
  type PaperFilter,
  type Platform,
  type RunRecord,
  type Schedule,
  type ScheduleKind,
  type ScheduleSpec,
} from './schedule.ts';
import type { RunReport, Scheduler } from './scheduler.ts';
import type { ScheduleStore } from './store.ts';

export const SCHEDULE_FLAGS: FlagSpec[] = [
  { name: 'count', type: 'int', min: 1, max: MAX_DIGEST_COUNT, help: `papers per digest (default ${DEFAULT_DIGEST_COUNT})` },
  { name: 'query', type: 'string', placeholder: '"words"', help: 'only papers matching this search' },
  { name: 'topic', type: 'string', placeholder: 'name', help: 'only papers of this topic (see `topics`)' },
  { name: 'tz', type: 'string', placeholder: 'Area/City', help: 'IANA timezone for the cron expression (default UTC)' },
];

const USAGE =
  'add <cron> <digest|paper-of-the-day> [--count N] [--query "words"] [--topic name] [--tz Area/City] | ' +
  'list | remove <id> | pause <id> | resume <id> | run <id> | help';

const KIND_WORDS: Record<string, ScheduleKind> = { digest: 'digest', 'paper-of-the-day': 'paper-of-the-day', potd: 'paper-of-the-day' };
const MAX_QUERY_LENGTH = 300;

export interface ScheduleCommandOptions {
  store: ScheduleStore;
  scheduler: Scheduler;
  /** Admin user ids per platform (from the config file). A platform without a list: anyone. */
  admins: Partial<Record<Platform, readonly string[]>>;
  /** Admins of their own workspace (Slack OAuth mode: who installed Paperboy there), beside `admins`. */
  workspaceAdmins?: WorkspaceAdmins;
  /**
   * This process's config file (its absolute path, as the store records it on config schedules):
   * its schedules cannot be removed from chat. Config schedules of another file, or of none this
   * process knows (an orphan), can be.
   */
  configFile?: string;
}

function error(summary: string, text: RichText, hint?: RichText): Reply {
  const blocks: Block[] = [{ kind: 'paragraph', text }];
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { tone: 'error', summary, blocks };
}

function plainError(message: string, hint?: RichText): Reply {
  return error(message, [span.text(message)], hint);
}

const LIST_HINT: RichText = [span.code('schedule list'), span.text(' shows the schedules in this channel and their ids.')];

/** `digest of 5 papers matching “kv cache”`, `paper of the day on KV cache`. */
function describeContent(s: Pick<ScheduleSpec, 'kind' | 'count' | 'filter'>, topics: readonly Topic[]): string {
  const what = s.kind === 'digest' ? `digest of ${s.count} paper${s.count === 1 ? '' : 's'}` : 'paper of the day';
  return what + describeFilterShort(s.filter, topics);
}

function describeFilterShort(f: PaperFilter, topics: readonly Topic[]): string {
  if (f.kind === 'query') return ` matching ${quoted(f.query)}`;
  if (f.kind === 'topic') {
    const t = topics.find((x) => x.name === f.topic);
    return t ? ` on ${t.label} (topic ${f.topic})` : ` on topic ${f.topic} (no longer defined)`;
  }
  return '';
}

function runLine(run: RunRecord | undefined, timezone: string): RichText {
  if (!run) return [span.text('never')];
  const when = formatInZone(run.trigger === 'manual' ? run.claimedAt : run.slotAt, timezone);
  const papers = run.paperIds.length ? ` · ${run.paperIds.length} paper${run.paperIds.length === 1 ? '' : 's'}` : '';
  const detail = run.detail && run.outcome !== 'posted' ? ` (${run.detail})` : '';
  return [span.strong(run.outcome), span.text(` ${when}${run.trigger === 'manual' ? ' · manual' : ''}${papers}${detail}`)];
}

/** Where a schedule comes from, for `schedule list`: chat, this process's config file, or another one. */
function describeSource(s: Schedule, configFile: string | undefined): string {
  if (s.source !== 'config') return s.createdBy ? `chat, by ${s.createdBy}` : 'chat';
  if (s.configFile === undefined) return 'config file (not recorded)';
  return s.configFile === configFile ? 'config file' : `config file ${s.configFile} (another process's)`;
}

function scheduleFields(s: Schedule, topics: readonly Topic[], next: Date | undefined, last: RunRecord | undefined, configFile?: string): Field[] {
  const source = describeSource(s, configFile);
  return [
    { label: 'Schedule', value: [span.code(s.id)] },
    { label: 'Posts', value: [span.text(describeContent(s, topics))] },
    { label: 'When', value: [span.code(s.cron), span.text(` (${s.timezone})`)] },
    {
      label: 'Next run',
      value: s.paused
        ? [span.strong('paused'), ...(s.pausedReason ? [span.text(` (${s.pausedReason})`)] : [])]
        : next
          ? [span.text(formatInZone(next, s.timezone))]
          : [span.text('never')],
    },
    { label: 'Last run', value: runLine(last, s.timezone) },
    { label: 'Source', value: [span.text(source)] },
  ];
}

/** Split `add` arguments into cron text, kind word and leftovers. Accepts a quoted or an unquoted 5-field cron. */
export function splitAddArgs(words: readonly string[]): { cron: string; kind?: string; extra: string[] } {
  const first = words[0] ?? '';
  if (/\s/.test(first) || first.startsWith('@')) return { cron: first, ...(words[1] !== undefined ? { kind: words[1] } : {}), extra: words.slice(2) };
  // Unquoted: the cron runs up to the first kind word (so a 6-field cron gets a cron error, not "unknown kind").
  const k = words.findIndex((w, i) => i > 0 && KIND_WORDS[w.toLowerCase()] !== undefined);
  if (k > 0) return { cron: words.slice(0, k).join(' '), kind: words[k]!, extra: words.slice(k + 1) };
  const kind = words[5];
  return { cron: words.slice(0, 5).join(' '), ...(kind !== undefined ? { kind } : {}), extra: words.slice(6) };
}

/**
 * The `schedule` command: manage the scheduled posts of the channel it is typed in.
 * Register it on the Paperboy (`paperboy.register(createScheduleCommand(...))`).
 */
export function createScheduleCommand(opts: ScheduleCommandOptions): Command {
  const { store, scheduler, admins } = opts;

  const mayManage = (ctx: RequestContext): Promise<boolean> => mayManageChannel(admins, ctx, opts.workspaceAdmins);

  function denied(ctx: RequestContext, action: string): Reply {
    return plainError(`Only schedule admins may ${action} schedules on ${ctx.platform}.`, [
      span.text('Admins are listed under '),
      span.code(`admins.${ctx.platform}`),
      span.text(' in the schedule config file. Anyone may use '),
      span.code('schedule list'),
      span.text('.'),
    ]);
  }

  /** The schedule with this id in the caller's channel (others' channels' ids are treated as unknown). */
  async function findHere(id: string | undefined, ctx: RequestContext & { channelId: string }, verb: string): Promise<Schedule | Reply> {
    if (!id) {
      return plainError(`Which schedule? Usage: schedule ${verb} <id>`, LIST_HINT);
    }
    const s = await store.getSchedule(id.toLowerCase());
    if (!s || s.platform !== ctx.platform || s.channelId !== ctx.channelId) {
      return error(
        `No schedule "${id}" in this channel.`,
        [span.text('There is no schedule '), span.code(id.slice(0, 40)), span.text(' in this channel.')],
        LIST_HINT,
      );
    }
    return s;
  }

  function usageReply(): Reply {
    const rows: [string, string][] = [
      ['schedule add "0 9 * * 1-5" digest --topic kv-cache --tz Europe/Berlin', 'a digest of 5 KV-cache papers at 09:00 on weekdays, Berlin time'],
      ['schedule add 0 12 * * * paper-of-the-day', 'one paper with its abstract every day at 12:00 UTC'],
      ['schedule add "0 8 * * 1" digest --count 10 --query "speculative decoding"', 'a weekly digest of the best matches for a search'],
      ['schedule list', 'schedules in this channel, with their next run'],
      ['schedule pause <id> / schedule resume <id>', 'stop and restart a schedule (missed runs are not caught up)'],
      ['schedule run <id>', 'post now (counts toward what the channel has seen)'],
      ['schedule remove <id>', 'delete a schedule'],
    ];
    return {
      tone: 'info',
      summary: 'schedule: post papers to this channel on a timetable',
      blocks: [
        { kind: 'heading', text: 'Scheduled posts' },
        {
          kind: 'paragraph',
          text: [
            span.text('Paperboy can post to this channel on its own: a '),
            span.strong('digest'),
            span.text(` (${DEFAULT_DIGEST_COUNT} papers unless --count says otherwise, optionally filtered by --query or --topic) or a `),
            span.strong('paper-of-the-day'),
            span.text(' (one paper with its abstract and highlights). A channel never gets the same paper twice from its schedules.'),
          ],
        },
        { kind: 'list', items: rows.map(([cmd, what]) => [span.code(cmd), span.text(` — ${what}`)]) },
        {
          kind: 'note',
          text: [
            span.text('Cron: 5 fields, minute hour day-of-month month day-of-week (quotes optional), at most hourly. '),
            span.text(`Timezone: --tz with an IANA name (default UTC). Up to ${MAX_SCHEDULES_PER_CHANNEL} schedules per channel.`),
          ],
        },
      ],
    };
  }

  async function add(input: CommandInput, deps: CommandDeps, ctx: RequestContext & { channelId: string }): Promise<Reply> {
    if (!(await mayManage(ctx))) return denied(ctx, 'add');
    const { cron, kind: kindWord, extra } = splitAddArgs(input.args.slice(1));
    if (cron.trim() === '') {
      return plainError('Missing the cron expression. Usage: schedule ' + USAGE.split(' | ')[0], [
        span.text('Example: '),
        span.code('schedule add "0 9 * * 1-5" digest'),
      ]);
    }
    if (!kindWord) {
      return plainError('Missing what to post: digest or paper-of-the-day.', [span.text('Example: '), span.code(`schedule add "${cron}" digest`)]);
    }
    const kind = KIND_WORDS[kindWord.toLowerCase()];
    if (!kind) {
      return error(
        `Unknown kind "${kindWord}": use digest or paper-of-the-day.`,
        [span.text('Unknown kind '), span.code(kindWord.slice(0, 40)), span.text(`: schedules post a ${SCHEDULE_KINDS.join(' or a ')}.`)],
        [span.text('Example: '), span.code('schedule add "0 9 * * 1-5" digest')],
      );
    }
    if (extra.length > 0) {
      const words = extra.join(' ').slice(0, 60);
      return error(
        `Unexpected words after "${kindWord}": ${words}`,
        [span.text('Unexpected words after '), span.code(kindWord), span.text(': '), span.code(words), span.text('.')],
        [span.text('To filter papers, use '), span.code('--query "words"'), span.text(' or '), span.code('--topic name'), span.text('.')],
      );
    }
    const flags = input.flags;
    const count = typeof flags['count'] === 'number' ? flags['count'] : undefined;
    const query = typeof flags['query'] === 'string' ? flags['query'].trim() : undefined;
    const topicName = typeof flags['topic'] === 'string' ? flags['topic'].trim() : undefined;
    const tz = typeof flags['tz'] === 'string' ? flags['tz'] : 'UTC';
    if (count !== undefined && kind !== 'digest') {
      return plainError('--count applies to digests only: a paper of the day is always one paper.');
    }
    if (query !== undefined && topicName !== undefined) return plainError('Give either --query or --topic, not both.');
    if (query !== undefined && (query === '' || query.length > MAX_QUERY_LENGTH)) {
      return plainError(`--query takes 1 to ${MAX_QUERY_LENGTH} characters.`);
    }
    let filter: PaperFilter = { kind: 'all' };
    if (query) filter = { kind: 'query', query };
    if (topicName !== undefined) {
      const topic = findTopic(deps.topics, topicName);
      if (!topic) {
        // The closest names, or (nothing close) the first topics: never a dead end.
        const close = suggestTopics(deps.topics, topicName);
        const offered = (close.length ? close : deps.topics).slice(0, 3);
        const names = offered.map((t) => t.name);
        const lead = close.length ? 'Did you mean' : 'Topics include';
        const rest = close.length ? '?' : deps.topics.length > offered.length ? ', …' : '.';
        const retry = (name: string) =>
          [
            `schedule add "${cron}" ${kindWord}`,
            `--topic ${name}`,
            ...(count !== undefined ? [`--count ${count}`] : []),
            ...(typeof flags['tz'] === 'string' ? [`--tz ${tz}`] : []),
          ].join(' ');
        return {
          tone: 'error',
          summary: `Unknown topic "${topicName}".${names.length ? ` ${lead} ${names.join(', ')}${rest}` : ''}`,
          blocks: [
            {
              kind: 'paragraph',
              text: [
                span.text('Unknown topic '),
                span.code(topicName.slice(0, 40)),
                span.text('.'),
                ...(names.length ? [span.text(` ${lead} `), ...names.flatMap((n, i) => [...(i ? [span.text(', ')] : []), span.code(n)]), span.text(rest)] : []),
              ],
            },
            { kind: 'note', text: [span.code('topics'), span.text(' lists them all.')] },
            ...(offered.length
              ? [
                  {
                    kind: 'actions' as const,
                    actions: offered.map((t) => ({ id: `schedule-topic:${t.name}`, label: `Schedule ${t.name}`.slice(0, 60), command: retry(t.name) })),
                  },
                ]
              : []),
          ],
        };
      }
      filter = { kind: 'topic', topic: topic.name };
    }
    const now = deps.now();
    const checked = checkCron(cron, tz, now);
    if (!checked.ok) {
      return plainError(checked.problem, [
        span.text('A cron expression has 5 fields: minute hour day-of-month month day-of-week, e.g. '),
        span.code('0 9 * * 1-5'),
        span.text(' (09:00 on weekdays).'),
      ]);
    }
    const existing = await store.listSchedules();
    const taken = new Set(existing.map((s) => s.id));
    const here = existing.filter((s) => s.platform === ctx.platform && s.channelId === ctx.channelId);
    if (here.length >= MAX_SCHEDULES_PER_CHANNEL) return channelFull();
    const spec: ScheduleSpec = {
      id: newShortId('s', deps.random, (id) => taken.has(id)),
      platform: ctx.platform,
      // The workspace the command was typed in: its posts use that workspace's token, and pause if it removes the bot.
      ...(ctx.workspaceId ? { workspaceId: ctx.workspaceId } : {}),
      channelId: ctx.channelId,
      cron: checked.value.expression,
      timezone: checked.value.timezone,
      kind,
      count: kind === 'digest' ? (count ?? DEFAULT_DIGEST_COUNT) : 1,
      filter,
    };
    let result = await store.insertSchedule(spec, { ...(ctx.userId ? { createdBy: ctx.userId } : {}), now }, MAX_SCHEDULES_PER_CHANNEL);
    if (!result.ok && result.why === 'duplicate-id') {
      // Someone else took the id between our read and our write: draw again.
      taken.add(spec.id);
      spec.id = newShortId('s', deps.random, (id) => taken.has(id));
      result = await store.insertSchedule(spec, { ...(ctx.userId ? { createdBy: ctx.userId } : {}), now }, MAX_SCHEDULES_PER_CHANNEL);
    }
    if (!result.ok) return result.why === 'channel-full' ? channelFull() : plainError('Could not pick a free schedule id; try again.');
    scheduler.refresh();
    const stored = await store.getSchedule(spec.id);
    const next = checked.value.next(now);
    const content = describeContent(spec, deps.topics);
    const nextText = next ? formatInZone(next, spec.timezone) : 'never';
    return {
      tone: 'ok',
      summary: `Scheduled ${spec.id}: ${content}, next on ${nextText}.`,
      blocks: [
        { kind: 'paragraph', text: [span.text('Scheduled '), span.code(spec.id), span.text(`: ${content}. Next post: ${nextText}.`)] },
        ...(stored ? [{ kind: 'fields' as const, fields: scheduleFields(stored, deps.topics, next, undefined, opts.configFile) }] : []),
        {
          kind: 'note',
          text: [span.code(`schedule run ${spec.id}`), span.text(' posts one now · '), span.code(`schedule remove ${spec.id}`), span.text(' deletes it.')],
        },
      ],
    };
  }

  function channelFull(): Reply {
    return plainError(`This channel already has ${MAX_SCHEDULES_PER_CHANNEL} schedules, the most allowed.`, [
      span.text('Remove one first: '),
      span.code('schedule remove <id>'),
      span.text(' ('),
      span.code('schedule list'),
      span.text(' shows the ids).'),
    ]);
  }

  async function list(deps: CommandDeps, ctx: RequestContext & { channelId: string }): Promise<Reply> {
    const here = await store.listSchedules({ platform: ctx.platform, channelId: ctx.channelId });
    if (here.length === 0) {
      return {
        tone: 'empty',
        summary: 'No schedules in this channel.',
        blocks: [
          { kind: 'paragraph', text: [span.text('No schedules in this channel yet.')] },
          { kind: 'note', text: [span.text('Add one, e.g. '), span.code('schedule add "0 9 * * 1-5" digest'), span.text(' · '), span.code('schedule help')] },
        ],
      };
    }
    const now = deps.now();
    const blocks: Block[] = [{ kind: 'heading', text: `Schedules in this channel (${here.length})` }];
    for (const [i, s] of here.entries()) {
      const [last] = await store.runs(s.id, 1);
      if (i > 0) blocks.push({ kind: 'divider' });
      blocks.push({ kind: 'fields', fields: scheduleFields(s, deps.topics, scheduler.nextRun(s, now), last, opts.configFile) });
    }
    return {
      tone: 'info',
      summary: `${here.length} schedule${here.length === 1 ? '' : 's'} in this channel: ${here.map((s) => s.id).join(', ')}`,
      blocks,
      data: { type: 'other', value: here.map((s) => ({ id: s.id, kind: s.kind, cron: s.cron, timezone: s.timezone, paused: s.paused })) },
    };
  }

  async function remove(id: string | undefined, ctx: RequestContext & { channelId: string }): Promise<Reply> {
    if (!(await mayManage(ctx))) return denied(ctx, 'remove');
    const found = await findHere(id, ctx, 'remove');
    if (!('id' in found)) return found;
    // This process's own config schedules are the file's to remove. Another file's (or an orphan of
    // a file no process uses any more) may go: a process using that file brings it back at start.
    const ours = found.source === 'config' && found.configFile !== undefined && found.configFile === opts.configFile;
    if (ours) {
      return plainError(`${found.id} is defined in the schedule config file (${found.configFile}); remove it there, or pause it here.`);
    }
    await store.removeSchedule(found.id);
    scheduler.refresh();
    const blocks: Block[] = [{ kind: 'paragraph', text: [span.text('Removed schedule '), span.code(found.id), span.text('.')] }];
    if (found.source === 'config') {
      const file = found.configFile;
      blocks.push({
        kind: 'note',
        text: file
          ? [
              span.text('It came from the config file '),
              span.code(file),
              span.text(', which this process does not use: it comes back if that file still lists it when a process using the file starts.'),
            ]
          : [
              span.text(
                'It came from a config file this process does not know: it comes back if a config file still lists it when a process using that file starts.',
              ),
            ],
      });
    }
    return { tone: 'ok', summary: `Removed schedule ${found.id}.`, blocks };
  }

  async function setPaused(id: string | undefined, paused: boolean, deps: CommandDeps, ctx: RequestContext & { channelId: string }): Promise<Reply> {
    const verb = paused ? 'pause' : 'resume';
    if (!(await mayManage(ctx))) return denied(ctx, verb);
    const found = await findHere(id, ctx, verb);
    if (!('id' in found)) return found;
    if (found.paused === paused) {
      return {
        tone: 'info',
        summary: `${found.id} is already ${paused ? 'paused' : 'running'}.`,
        blocks: [{ kind: 'paragraph', text: [span.code(found.id), span.text(` is already ${paused ? 'paused' : 'running'}.`)] }],
      };
    }
    const now = deps.now();
    await store.setPaused(found.id, paused, now, paused ? `paused${ctx.userId ? ` by ${ctx.userId}` : ''}` : undefined);
    scheduler.refresh();
    const next = paused ? undefined : scheduler.nextRun(found, now);
    const tail = paused
      ? `Paused ${found.id}. Nothing is posted until schedule resume ${found.id}.`
      : `Resumed ${found.id}. Next post: ${next ? formatInZone(next, found.timezone) : 'never'}.`;
    return { tone: 'ok', summary: tail, blocks: [{ kind: 'paragraph', text: [span.text(tail)] }] };
  }

  async function runNow(id: string | undefined, ctx: RequestContext & { channelId: string }): Promise<Reply> {
    if (!(await mayManage(ctx))) return denied(ctx, 'run');
    const found = await findHere(id, ctx, 'run');
    if (!('id' in found)) return found;
    const report: RunReport = await scheduler.runNow(found.id);
    switch (report.outcome) {
      case 'posted':
        return {
          tone: 'ok',
          summary: `Posted ${found.id} now (${report.paperIds.length} paper${report.paperIds.length === 1 ? '' : 's'}).`,
          blocks: [
            {
              kind: 'paragraph',
              text: [span.text('Posted '), span.code(found.id), span.text(` now: ${report.paperIds.length} paper${report.paperIds.length === 1 ? '' : 's'}.`)],
            },
          ],
        };
      case 'exhausted':
        return report.reply ?? plainError(`Nothing left to post for ${found.id}.`);
      case 'failed':
        return plainError(`Could not post ${found.id}: ${report.detail ?? 'unknown error'}`, [span.text('The run log records it as failed.')]);
      default:
        return plainError(`Could not run ${found.id} (${report.detail ?? report.outcome}).`);
    }
  }

  return {
    name: 'schedule',
    aliases: ['schedules'],
    summary: 'Post digests or a paper of the day to this channel on a timetable',
    usage: USAGE,
    description:
      'Schedules post to the channel they are added in. A channel never gets the same paper twice from its schedules; ' +
      'when every matching paper has been posted, the schedule says so once and waits for new papers.',
    examples: [
      'schedule add "0 9 * * 1-5" digest --topic kv-cache --tz Europe/Berlin',
      'schedule add 0 12 * * * paper-of-the-day',
      'schedule list',
      'schedule run s-3f9a',
    ],
    args: 'optional',
    argName: 'subcommand',
    flags: SCHEDULE_FLAGS,
    async run(input, deps, ctx): Promise<Reply> {
      const sub = (input.args[0] ?? '').toLowerCase();
      if (sub === '' || sub === 'help') return usageReply();
      if (!ctx.channelId) {
        return plainError('Schedules belong to a channel, and this request came without one.');
      }
      const here = { ...ctx, channelId: ctx.channelId };
      const id = input.args[1];
      const tooMany = (n: number) => input.args.length > n;
      switch (sub) {
        case 'add':
          return add(input, deps, here);
        case 'list':
        case 'ls':
          return list(deps, here);
        case 'remove':
        case 'rm':
        case 'delete':
          if (tooMany(2)) return plainError('schedule remove takes one id.');
          return remove(id, here);
        case 'pause':
          if (tooMany(2)) return plainError('schedule pause takes one id.');
          return setPaused(id, true, deps, here);
        case 'resume':
          if (tooMany(2)) return plainError('schedule resume takes one id.');
          return setPaused(id, false, deps, here);
        case 'run':
          if (tooMany(2)) return plainError('schedule run takes one id.');
          return runNow(id, here);
        default:
          return error(
            `Unknown schedule action "${input.args[0]}".`,
            [span.text('Unknown action '), span.code((input.args[0] ?? '').slice(0, 40)), span.text('. Use add, list, remove, pause, resume, run or help.')],
            [span.text('Usage: '), span.code(`schedule ${USAGE}`)],
          );
      }
    },
  };
}
