import type { Command, CommandDeps, CommandInput, FlagSpec } from '../commands/command.ts';
import { paperRef } from '../commands/ref.ts';
import { pastEndReply, resultsReply } from '../commands/results.ts';
import type { RequestContext, WorkspaceAdmins } from '../reply/context.ts';
import { mayManageChannel } from '../reply/admins.ts';
import { span, type Block, type Reply, type RichText } from '../reply/reply.ts';
import type { Paper } from '../papers/paper.ts';
import { alertPageCommand, describeWatch } from './alert.ts';
import { newShortId } from '../text/short-id.ts';
import { compileRule, RULE_SUMMARY } from './match.ts';
import type { WatchStore } from './store.ts';
import { ALERT_PAPERS, MAX_QUERY_WORDS, MAX_WATCHES_PER_CHANNEL, type AlertRecord, type Platform, type Watch, type WatchSpec } from './watch.ts';

export const WATCH_FLAGS: FlagSpec[] = [
  { name: 'author', type: 'string', placeholder: 'NAME', help: 'only papers by this author (with add)' },
  { name: 'alert', type: 'int', min: 1, max: 2_000_000_000, help: 'the papers of one alert (with matches)' },
  { name: 'page', type: 'int', min: 1, max: 1000, help: 'page of matches (with matches)' },
];

const USAGE = 'add <words> [--author NAME] | list | remove <id> | pause <id> | resume <id> | matches <id> | help';
const ADD_USAGE = 'watch add <words> [--author NAME]';

export interface WatchCommandOptions {
  store: WatchStore;
  /** Who may manage channel watches, per platform (the scheduler's `admins`). A platform without a list: anyone. DMs: always. */
  admins: Partial<Record<Platform, readonly string[]>>;
  /** Admins of their own workspace (Slack OAuth mode: who installed Paperboy there), beside `admins`. */
  workspaceAdmins?: WorkspaceAdmins;
}

type Here = RequestContext & { channelId: string };

function error(summary: string, text: RichText, hint?: RichText): Reply {
  const blocks: Block[] = [{ kind: 'paragraph', text }];
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { tone: 'error', summary, blocks };
}

function plainError(message: string, hint?: RichText): Reply {
  return error(message, [span.text(message)], hint);
}

function ok(summary: string, text: RichText, hint?: RichText): Reply {
  const blocks: Block[] = [{ kind: 'paragraph', text }];
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { tone: 'ok', summary, blocks };
}

const LIST_HINT: RichText = [span.code('watch list'), span.text(' shows the watches here and their ids.')];
const ADD_HINT: RichText = [span.text('Usage: '), span.code(ADD_USAGE), span.text(', e.g. '), span.code('watch add "kv cache" compression')];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The words of `add` back as a query: values with spaces were quoted phrases. */
export function queryFromArgs(args: readonly string[]): string {
  return args
    .map((a) => (/\s/.test(a) ? `"${a.replace(/"/g, '')}"` : a))
    .join(' ')
    .trim();
}

function sameWatch(a: Pick<Watch, 'query' | 'author'>, query: string, author: string | undefined): boolean {
  const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(a.query) === norm(query) && norm(a.author) === norm(author);
}

/**
 * Where a request's watches live and post. A channel: the channel. A DM: the DM channel, except on
 * Slack, where it is the person's user id — `chat.postMessage` to a user id posts to their DM with
 * the app, so personal watches made in any DM (a slash command in a DM with a colleague included)
 * reach them, and are the same list from every DM.
 */
export function homeOf(ctx: RequestContext): string | undefined {
  if (ctx.isDirect && ctx.platform === 'slack' && ctx.userId) return ctx.userId;
  return ctx.channelId;
}

/** One line of `watch list`. */
function watchLine(w: Watch, last: AlertRecord | undefined, sent: number): RichText {
  const state: RichText = w.paused ? [span.text(' · '), span.strong('paused'), span.text(w.pausedReason ? ` (${w.pausedReason})` : '')] : [];
  const lastText = last ? ` · last alert ${day(last.claimedAt)}: ${last.status}${last.status === 'failed' && last.reason ? ` (${last.reason})` : ''}` : '';
  return [span.code(w.id), span.text(` ${describeWatch(w)} · since ${day(w.createdAt)} · ${plural(sent, 'paper')} sent${lastText}`), ...state];
}

/**
 * The `watch` command: keyword alerts. A watch made in a channel belongs to the channel; one made
 * in a direct message is the person's own. Register it on the Paperboy
 * (`paperboy.register(createWatchCommand(...))`); the notifier sends the alerts.
 */
export function createWatchCommand(opts: WatchCommandOptions): Command {
  const { store, admins } = opts;

  async function mayManage(ctx: Here): Promise<boolean> {
    if (ctx.isDirect) return true;
    return mayManageChannel(admins, ctx, opts.workspaceAdmins);
  }

  function denied(ctx: Here, action: string): Reply {
    return plainError(`Only admins may ${action} this channel's watches on ${ctx.platform}.`, [
      span.text('Admins are listed under '),
      span.code(`admins.${ctx.platform}`),
      span.text(' in the config file (PAPERBOY_CONFIG). A watch of your own works in a direct message with the bot; anyone may use '),
      span.code('watch list'),
      span.text('.'),
    ]);
  }

  /** The watch with this id here (other channels' ids are treated as unknown). */
  async function findHere(id: string | undefined, ctx: Here, verb: string): Promise<Watch | Reply> {
    if (!id) return plainError(`Which watch? Usage: watch ${verb} <id>`, LIST_HINT);
    const w = await store.getWatch(id.toLowerCase());
    if (!w || w.platform !== ctx.platform || w.channelId !== ctx.channelId) {
      return error(`No watch "${id.slice(0, 40)}" here.`, [span.text('There is no watch '), span.code(id.slice(0, 40)), span.text(' here.')], LIST_HINT);
    }
    return w;
  }

  function usageReply(): Reply {
    const rows: [string, string][] = [
      ['watch add "kv cache" compression', 'post new papers with these words to this channel'],
      ['watch add speculative decoding --author "Tri Dao"', 'only papers by that author'],
      ['watch add --author "Yann LeCun"', 'every new paper by an author'],
      ['watch list', 'the watches here, with what they sent'],
      ['watch pause <id> / watch resume <id>', 'stop and restart one (papers that arrive meanwhile are not sent later)'],
      ['watch remove <id>', 'delete one'],
      ['watch matches <id>', 'the papers a watch has sent'],
    ];
    return {
      tone: 'info',
      summary: 'watch: post new papers on a topic to this channel as they arrive',
      blocks: [
        { kind: 'heading', text: 'Watches' },
        {
          kind: 'paragraph',
          text: [
            span.text('A watch posts papers as they arrive (after an '),
            span.code('ingest'),
            span.text(', scheduled or not): one message per watch per ingest, with up to '),
            span.text(`${ALERT_PAPERS} papers and a button for the rest. Only papers that arrive after the watch is made are sent, each once. `),
            span.text('Made in a channel, it posts to the channel; made in a direct message with the bot, it is yours alone.'),
          ],
        },
        { kind: 'paragraph', text: [span.strong('What matches: '), span.text(RULE_SUMMARY)] },
        { kind: 'list', items: rows.map(([cmd, what]) => [span.code(cmd), span.text(` — ${what}`)]) },
        {
          kind: 'note',
          text: [
            span.text(`Up to ${MAX_WATCHES_PER_CHANNEL} watches per channel, ${MAX_QUERY_WORDS} words per watch. `),
            span.text("Who may manage a channel's watches follows the schedule admins (admins in PAPERBOY_CONFIG); in a DM, anyone."),
          ],
        },
      ],
    };
  }

  async function add(input: CommandInput, deps: CommandDeps, ctx: Here): Promise<Reply> {
    if (!(await mayManage(ctx))) return denied(ctx, 'add');
    const query = queryFromArgs(input.args.slice(1));
    const authorFlag = typeof input.flags['author'] === 'string' ? input.flags['author'].replace(/\s+/g, ' ').trim() : undefined;
    if (query === '' && authorFlag === undefined) return plainError('What should the watch look for? Give some words.', ADD_HINT);
    const author = authorFlag;
    const compiled = compileRule(query, author);
    if (!compiled.ok) return plainError(compiled.problem, ADD_HINT);
    const existing = await store.listWatches({ platform: ctx.platform, channelId: ctx.channelId });
    const twin = existing.find((w) => sameWatch(w, query, author));
    if (twin) {
      return {
        tone: 'info',
        summary: `Already watching ${describeWatch(twin)} here (${twin.id}).`,
        blocks: [
          {
            kind: 'paragraph',
            text: [span.text(`Already watching ${describeWatch(twin)} here as `), span.code(twin.id), span.text(twin.paused ? ' (paused).' : '.')],
          },
        ],
      };
    }
    if (existing.length >= MAX_WATCHES_PER_CHANNEL) return channelFull(ctx);
    const all = new Set((await store.listWatches()).map((w) => w.id));
    const spec: WatchSpec = {
      id: newShortId('w', deps.random, (id) => all.has(id)),
      platform: ctx.platform,
      channelId: ctx.channelId,
      personal: ctx.isDirect === true,
      query,
      ...(ctx.workspaceId ? { workspaceId: ctx.workspaceId } : {}),
      ...(ctx.userId ? { createdBy: ctx.userId } : {}),
      ...(author ? { author } : {}),
    };
    const now = deps.now();
    let result = await store.insertWatch(spec, now, MAX_WATCHES_PER_CHANNEL);
    if (!result.ok && result.why === 'duplicate-id') {
      // Another process took the id between our read and our write: draw again.
      all.add(spec.id);
      spec.id = newShortId('w', deps.random, (id) => all.has(id));
      result = await store.insertWatch(spec, now, MAX_WATCHES_PER_CHANNEL);
    }
    if (!result.ok) return result.why === 'channel-full' ? channelFull(ctx) : plainError('Could not pick a free watch id; try again.');
    const where = spec.personal ? 'here, for you' : 'in this channel';
    return ok(
      `Watching ${describeWatch(spec)} ${where} as ${spec.id}.`,
      [span.text(`Watching ${describeWatch(spec)} ${where} as `), span.code(spec.id), span.text('. New papers that match are posted here as they arrive.')],
      [span.text(RULE_SUMMARY + ' '), span.code(`watch remove ${spec.id}`), span.text(' deletes it.')],
    );
  }

  function channelFull(ctx: Here): Reply {
    return plainError(`${ctx.isDirect ? 'You already have' : 'This channel already has'} ${MAX_WATCHES_PER_CHANNEL} watches, the most allowed.`, [
      span.text('Remove one first: '),
      span.code('watch remove <id>'),
      span.text(' ('),
      span.code('watch list'),
      span.text(' shows the ids).'),
    ]);
  }

  async function list(ctx: Here): Promise<Reply> {
    const here = await store.listWatches({ platform: ctx.platform, channelId: ctx.channelId });
    const whose = ctx.isDirect ? 'Your watches' : 'Watches in this channel';
    if (here.length === 0) {
      return {
        tone: 'empty',
        summary: `No watches ${ctx.isDirect ? 'of yours' : 'in this channel'} yet.`,
        blocks: [
          { kind: 'paragraph', text: [span.text(`No watches ${ctx.isDirect ? 'of yours' : 'in this channel'} yet.`)] },
          {
            kind: 'note',
            text: [span.text('Add one: '), span.code('watch add "kv cache" compression'), span.text(' · '), span.code('watch help'), span.text(' explains.')],
          },
        ],
      };
    }
    const items: RichText[] = [];
    const value: Record<string, unknown>[] = [];
    for (const w of here) {
      const [last] = await store.alerts(w.id, 1);
      const sent = (await store.deliveries(w.id)).filter((d) => d.status === 'posted').length;
      items.push(watchLine(w, last, sent));
      value.push({
        id: w.id,
        query: w.query,
        author: w.author ?? null,
        personal: w.personal,
        createdAt: w.createdAt.toISOString(),
        paused: w.paused,
        pausedReason: w.pausedReason ?? null,
        sent,
      });
    }
    return {
      tone: 'info',
      summary: `${here.length} watch${here.length === 1 ? '' : 'es'}${ctx.isDirect ? ' of yours' : ' in this channel'}: ${here.map((w) => `${w.id} ${describeWatch(w)}`).join(', ')}`,
      blocks: [
        { kind: 'heading', text: `${whose} (${here.length} of ${MAX_WATCHES_PER_CHANNEL})` },
        { kind: 'list', items },
        {
          kind: 'note',
          text: [span.code('watch matches <id>'), span.text(' lists what one has sent · '), span.code('watch remove <id>'), span.text(' deletes one.')],
        },
      ],
      data: { type: 'other', value },
    };
  }

  async function remove(id: string | undefined, ctx: Here): Promise<Reply> {
    if (!(await mayManage(ctx))) return denied(ctx, 'remove');
    const found = await findHere(id, ctx, 'remove');
    if (!('id' in found)) return found;
    await store.removeWatch(found.id);
    return ok(`Removed watch ${found.id} (${describeWatch(found)}).`, [
      span.text('Removed watch '),
      span.code(found.id),
      span.text(` (${describeWatch(found)}).`),
    ]);
  }

  async function setPaused(id: string | undefined, paused: boolean, deps: CommandDeps, ctx: Here): Promise<Reply> {
    const verb = paused ? 'pause' : 'resume';
    if (!(await mayManage(ctx))) return denied(ctx, verb);
    const found = await findHere(id, ctx, verb);
    if (!('id' in found)) return found;
    if (found.paused === paused) {
      const s = `${found.id} is already ${paused ? 'paused' : 'running'}.`;
      return {
        tone: 'info',
        summary: s,
        blocks: [{ kind: 'paragraph', text: [span.code(found.id), span.text(` is already ${paused ? 'paused' : 'running'}.`)] }],
      };
    }
    await store.setPaused(found.id, paused, deps.now(), paused ? `paused${ctx.userId ? ` by ${ctx.userId}` : ''}` : undefined);
    const text = paused
      ? `Paused ${found.id}. Nothing is posted for it until watch resume ${found.id}; papers that arrive meanwhile are not sent later.`
      : `Resumed ${found.id}: new papers that match ${describeWatch(found)} are posted here again.`;
    return ok(text, [span.text(text)]);
  }

  async function matches(id: string | undefined, input: CommandInput, deps: CommandDeps, ctx: Here): Promise<Reply> {
    const found = await findHere(id, ctx, 'matches');
    if (!('id' in found)) return found;
    const alertId = typeof input.flags['alert'] === 'number' ? input.flags['alert'] : undefined;
    const page = typeof input.flags['page'] === 'number' ? input.flags['page'] : 1;
    let ids: string[];
    let heading: string;
    if (alertId !== undefined) {
      const alert = await store.getAlert(alertId);
      if (!alert || alert.watchId !== found.id) {
        return plainError(`Watch ${found.id} has no alert ${alertId}.`, [span.code(`watch matches ${found.id}`), span.text(' lists everything it has sent.')]);
      }
      ids = alert.paperIds;
      heading = `Alert of ${day(alert.claimedAt)}: ${describeWatch(found)}`;
    } else {
      ids = (await store.deliveries(found.id)).filter((d) => d.status !== 'failed').map((d) => d.paperId);
      heading = `Sent for ${describeWatch(found)}`;
    }
    const papers = ids.map((pid) => deps.engine.byId(pid)).filter((p): p is Paper => p !== undefined);
    const commandFor = (p: number) =>
      alertId !== undefined ? alertPageCommand(found.id, alertId, p) : `watch matches ${found.id}${p > 1 ? ` --page ${p}` : ''}`;
    if (papers.length === 0) {
      return {
        tone: 'empty',
        summary: `Watch ${found.id} has sent no papers yet.`,
        blocks: [{ kind: 'paragraph', text: [span.text('Watch '), span.code(found.id), span.text(` (${describeWatch(found)}) has sent no papers yet.`)] }],
      };
    }
    const perPage = ALERT_PAPERS;
    if ((page - 1) * perPage >= papers.length) return pastEndReply(found.query, papers.length, page, perPage, commandFor);
    const hits = papers.slice((page - 1) * perPage, page * perPage).map((paper) => ({ paper, score: 1 }));
    return resultsReply({
      heading,
      query: found.query,
      hits,
      total: papers.length,
      page,
      perPage,
      commandFor,
      ref: (p) => paperRef(deps.engine, p),
    });
  }

  return {
    name: 'watch',
    aliases: ['watches'],
    summary: 'Post new papers on a topic to this channel (or your DMs) as they arrive',
    usage: USAGE,
    description:
      `${RULE_SUMMARY} Alerts go out when papers arrive: one message per watch per ingest, up to ${ALERT_PAPERS} papers and a ` +
      'button for the rest; only papers that arrive after the watch is made, each once. In a DM the watch is yours alone.',
    examples: ['watch add "kv cache" compression', 'watch add speculative decoding --author "Tri Dao"', 'watch list', 'watch pause w-3f9a'],
    args: 'optional',
    argName: 'action',
    flags: WATCH_FLAGS,
    async run(input, deps, ctx): Promise<Reply> {
      const sub = (input.args[0] ?? '').toLowerCase();
      if (sub === '' || sub === 'help') {
        if (sub === '' && Object.keys(input.flags).length > 0) return plainError('Which action? add, list, remove, pause, resume or matches.', ADD_HINT);
        return usageReply();
      }
      if (!ctx.channelId) return plainError('Watches belong to a channel or a direct message, and this request came without one.');
      const here: Here = { ...ctx, channelId: homeOf(ctx) ?? ctx.channelId };
      const id = input.args[1];
      const onlyWith = (flags: string[], action: string): Reply | undefined => {
        const stray = Object.keys(input.flags).find((f) => !flags.includes(f));
        return stray ? plainError(`--${stray} does not apply to watch ${action}.`, [span.text('Usage: '), span.code(`watch ${USAGE}`)]) : undefined;
      };
      const oneId = (action: string): Reply | undefined =>
        onlyWith([], action) ?? (input.args.length > 2 ? plainError(`watch ${action} takes one id.`, LIST_HINT) : undefined);
      switch (sub) {
        case 'add':
        case 'new':
          return onlyWith(['author'], 'add') ?? add(input, deps, here);
        case 'list':
        case 'ls':
          return onlyWith([], 'list') ?? (input.args.length > 1 ? plainError('watch list takes no words.', LIST_HINT) : list(here));
        case 'remove':
        case 'rm':
        case 'delete':
          return oneId('remove') ?? remove(id, here);
        case 'pause':
          return oneId('pause') ?? setPaused(id, true, deps, here);
        case 'resume':
          return oneId('resume') ?? setPaused(id, false, deps, here);
        case 'matches':
        case 'sent':
          return (
            onlyWith(['alert', 'page'], 'matches') ??
            (input.args.length > 2 ? plainError('watch matches takes one id.', LIST_HINT) : matches(id, input, deps, here))
          );
        default:
          return error(
            `Unknown watch action "${(input.args[0] ?? '').slice(0, 40)}".`,
            [
              span.text('Unknown action '),
              span.code((input.args[0] ?? '').slice(0, 40)),
              span.text('. Use add, list, remove, pause, resume, matches or help.'),
            ],
            [span.text('To watch for words: '), span.code(`watch add ${queryFromArgs(input.args).slice(0, 60)}`)],
          );
      }
    },
  };
}
