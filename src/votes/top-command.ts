import type { Command, FlagSpec } from '../commands/command.ts';
import { MAX_PER_PAGE, PAGE_FLAG, intFlag } from '../commands/flags.ts';
import { paperRef } from '../commands/ref.ts';
import { pastEndReply, resultsReply } from '../commands/results.ts';
import { usageProblem } from '../commands/usage.ts';
import { openingSnippet } from '../reply/cards.ts';
import type { RequestContext } from '../reply/context.ts';
import { span, type Action, type Block, type Reply } from '../reply/reply.ts';
import type { VoteEmoji } from './emoji.ts';
import { rankVotes } from './rank.ts';
import type { VoteStore } from './store.ts';

export const DEFAULT_TOP_COUNT = 10;
export const DEFAULT_TOP_DAYS = 30;
export const MAX_TOP_DAYS = 365;
/** Votes read per request (a channel with more in the window is ranked on its newest this many). */
export const MAX_VOTES_READ = 100_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const TOP_USAGE = '[N] [--days D] [--page N]';
const DAYS_FLAG: FlagSpec = { name: 'days', type: 'int', min: 1, max: MAX_TOP_DAYS, default: DEFAULT_TOP_DAYS, help: 'votes cast in the last D days' };

export interface TopCommandOptions {
  store: VoteStore;
  emoji: VoteEmoji;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function within(days: number): string {
  return days === 1 ? 'the last day' : `the last ${days} days`;
}

/** No votes to show: say how to vote (or, in the shell, where votes come from). */
function noVotes(ctx: RequestContext, emoji: VoteEmoji, count: number, days: number, command: string): Reply {
  const blocks: Block[] = [];
  if (ctx.platform === 'shell') {
    blocks.push(
      {
        kind: 'paragraph',
        text: [span.text('No votes here: votes are reactions on Paperboy’s messages in Slack and Discord channels, and the shell has none.')],
      },
      {
        kind: 'note',
        text: [
          span.text('Run '),
          span.code('top'),
          span.text(' in a channel ('),
          span.code('/papers top'),
          span.text(' or '),
          span.code('@Paperboy top'),
          span.text(') to see what its people voted for.'),
        ],
      },
    );
  } else {
    blocks.push(
      { kind: 'paragraph', text: [span.text(`No votes in this channel in ${within(days)} yet.`)] },
      {
        kind: 'note',
        text: [
          span.text(`To vote for a paper, react with ${emoji.label} to a Paperboy message here about one paper: a `),
          span.code('show'),
          span.text(' answer posted in the channel (e.g. '),
          span.code('@Paperboy show snapkv'),
          span.text('), a paper of the day. One vote per person per paper; removing the reaction takes it back.'),
        ],
      },
    );
    const actions: Action[] =
      days < MAX_TOP_DAYS ? [{ id: 'top-year', label: `Last ${MAX_TOP_DAYS} days`, command: `top ${count} --days ${MAX_TOP_DAYS}` }] : [];
    if (actions.length) blocks.push({ kind: 'actions', actions });
  }
  return {
    tone: 'empty',
    summary:
      ctx.platform === 'shell'
        ? 'No votes in the shell: votes are reactions in Slack and Discord channels.'
        : `No votes in this channel in ${within(days)} yet.`,
    blocks,
    command,
    data: { type: 'results', query: '', results: [] },
  };
}

/**
 * `top [N] [--days D] [--page N]`: the channel's most voted papers (votes cast in the last D days),
 * N per page, as result cards with their vote counts, so `show 2` and `more` follow up on them.
 */
export function createTopCommand(opts: TopCommandOptions): Command {
  const { store, emoji } = opts;
  return {
    name: 'top',
    aliases: ['votes'],
    summary: 'The channel’s most voted papers (reactions on Paperboy’s posts)',
    usage: TOP_USAGE,
    description:
      `The papers people in this channel voted for in the last D days (default ${DEFAULT_TOP_DAYS}, up to ${MAX_TOP_DAYS}), most votes first, ` +
      `N per page (1 to ${MAX_PER_PAGE}, default ${DEFAULT_TOP_COUNT}). A vote is a reaction with ${emoji.label} on a Paperboy message about one ` +
      'paper (a show answer posted in the channel, a paper of the day): one per person per paper, however many emoji; removing the reaction removes it.',
    examples: ['top', 'top 5', 'top --days 7'],
    args: 'optional',
    argName: 'count',
    flags: [DAYS_FLAG, PAGE_FLAG],
    async run(input, deps, ctx): Promise<Reply> {
      const usage = `top ${TOP_USAGE}`;
      if (input.args.length > 1) return usageProblem(`top takes one number, how many papers to show (got “${input.args.join(' ').slice(0, 40)}”).`, usage);
      let count = DEFAULT_TOP_COUNT;
      const first = input.args[0];
      if (first !== undefined) {
        const n = /^\d{1,6}$/.test(first) ? Number(first) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PAGE) return usageProblem(`N is 1 to ${MAX_PER_PAGE} (got ${first.slice(0, 12)}).`, usage);
        count = n;
      }
      const days = intFlag(input.flags, 'days', DEFAULT_TOP_DAYS);
      const page = intFlag(input.flags, 'page', 1);
      const base = `top${count !== DEFAULT_TOP_COUNT ? ` ${count}` : ''}${days !== DEFAULT_TOP_DAYS ? ` --days ${days}` : ''}`;
      const commandFor = (p: number) => `${base}${p > 1 ? ` --page ${p}` : ''}`;
      if (!ctx.channelId) {
        return usageProblem('top shows the votes of a channel: run it in a Slack or Discord channel (or a DM with Paperboy).', usage);
      }
      const since = new Date(deps.now().getTime() - days * DAY_MS);
      const votes = await store.votes({ platform: ctx.platform, channelId: ctx.channelId, since, limit: MAX_VOTES_READ });
      const { ranked, missing } = rankVotes(votes, (id) => deps.engine.byId(id));
      if (ranked.length === 0) return noVotes(ctx, emoji, count, days, commandFor(1));
      const start = (page - 1) * count;
      if (start >= ranked.length) return pastEndReply('', ranked.length, page, count, commandFor);
      const total = ranked.reduce((n, r) => n + r.votes, 0);
      const reply = resultsReply({
        ref: (p) => paperRef(deps.engine, p),
        heading: `Most voted here — ${within(days)}`,
        query: '',
        hits: ranked.slice(start, start + count).map((r) => ({
          paper: r.paper,
          score: r.votes,
          snippet: [span.strong(plural(r.votes, 'vote')), span.text(' · '), ...openingSnippet(r.paper.abstract, 200)],
        })),
        total: ranked.length,
        page,
        perPage: count,
        commandFor,
        notes: [
          [span.text(`${plural(total, 'vote')} from reactions with ${emoji.label}`)],
          ...(missing > 0 ? [[span.text(`${plural(missing, 'voted paper')} ${missing === 1 ? 'is' : 'are'} no longer in the paper set.`)]] : []),
        ],
      });
      return reply;
    },
  };
}
