import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../adapters/discord/render.ts';
import { renderSlack } from '../../adapters/slack/render.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { SHELL_CONTEXT, type RequestContext } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { renderText } from '../../src/render/text.ts';
import { startVotes, type Voting } from '../../src/votes/index.ts';
import { votablePaperId } from '../../src/votes/one-paper.ts';
import { rankVotes } from '../../src/votes/rank.ts';
import { SqliteVoteStore } from '../../src/votes/sqlite-store.ts';
import { limitViolations as discordViolations } from '../discord/check-limits.ts';
import { limitViolations as slackViolations } from '../slack/check-limits.ts';
import { newTestPaperboy, TEST_NOW } from '../helpers/paperboy.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, cleanups } = useTempStores('paperboy-top-');

/** Everything a reply says, as plain text. */
function text(reply: Reply): string {
  return renderText(reply, { width: 200 });
}

interface Bot {
  paperboy: Paperboy;
  voting: Voting;
  /** The clock votes are recorded with. */
  clock: { now: Date };
}

async function bot(opts: { emoji?: string[]; file?: string } = {}): Promise<Bot> {
  const paperboy = await newTestPaperboy();
  const clock = { now: TEST_NOW };
  const voting = startVotes({
    ...(opts.emoji ? { config: { voteEmoji: opts.emoji } } : {}),
    paperboy,
    logger: silentLogger(),
    store: SqliteVoteStore.open(opts.file ?? tempDb()),
    now: () => clock.now,
  });
  cleanups.push(async () => {
    await voting.close();
    await voting.store.close();
  });
  return { paperboy, voting, clock };
}

const channel = (userId = 'U9', channelId = 'C1'): RequestContext => ({ platform: 'slack', workspaceId: 'T1', channelId, userId });
let ts = 0;

/** Post `show <ref>` in a channel as the bot would and return the message id. */
async function postShow(b: Bot, ref: string, channelId = 'C1'): Promise<string> {
  const reply = await b.paperboy.run(`show ${ref}`, channel('U0', channelId));
  expect(reply.data?.type).toBe('paper');
  expect(b.paperboy.wantsPost(reply)).toBe(true);
  const messageId = `1700000000.${String(++ts).padStart(6, '0')}`;
  await b.paperboy.posted({ platform: 'slack', workspaceId: 'T1', channelId, messageId }, reply);
  return messageId;
}

const react = (b: Bot, messageId: string, userId: string, emoji = '+1', added = true, channelId = 'C1') =>
  b.paperboy.reacted({ platform: 'slack', workspaceId: 'T1', channelId, messageId, userId, emoji, added });

describe('votablePaperId: which replies are about one paper', () => {
  it('a show reply and a paper of the day are; lists, candidates and errors are not', async () => {
    const b = await bot();
    const ctx = channel();
    const show = await b.paperboy.run('show snapkv', ctx);
    expect(votablePaperId(show)).toBe(show.data?.type === 'paper' ? show.data.paper.id : 'x');
    expect(votablePaperId(await b.paperboy.run('search kv cache', ctx))).toBeUndefined();
    expect(votablePaperId(await b.paperboy.run('digest 3', ctx))).toBeUndefined();
    expect(votablePaperId(await b.paperboy.run('show xqzzyplonk', ctx))).toBeUndefined();
    expect(votablePaperId(await b.paperboy.run('help', ctx))).toBeUndefined();
    const one = await b.paperboy.run('digest 1', ctx);
    const results = one.data?.type === 'results' ? one.data.results.map((r) => r.id) : [];
    expect(results).toHaveLength(1);
    expect(votablePaperId(one)).toBe(results[0]);
    expect(votablePaperId({ ...show, tone: 'error' })).toBeUndefined();
  });
});

describe('rankVotes', () => {
  const paper = (id: string, formerIds: string[] = []) => ({ id, formerIds }) as unknown as Paper;
  const papers = new Map<string, Paper>();
  const a = paper('2411.00001', ['old-slug']);
  const c = paper('c');
  for (const p of [a, c]) for (const id of [p.id, ...(p.formerIds ?? [])]) papers.set(id, p);
  const at = (min: number) => new Date(TEST_NOW.getTime() + min * 60_000);

  it('most votes first, then the most recently voted; a paper under an old and a new id is one, and a person counts once', () => {
    const r = rankVotes(
      [
        { paperId: 'old-slug', userId: 'U1', votedAt: at(1) },
        { paperId: '2411.00001', userId: 'U1', votedAt: at(2) },
        { paperId: '2411.00001', userId: 'U2', votedAt: at(3) },
        { paperId: 'c', userId: 'U3', votedAt: at(4) },
        { paperId: 'gone', userId: 'U4', votedAt: at(5) },
        { paperId: 'gone-too', userId: 'U4', votedAt: at(5) },
      ],
      (id) => papers.get(id),
    );
    expect(r.ranked.map((x) => [x.paper.id, x.votes])).toEqual([
      ['2411.00001', 2],
      ['c', 1],
    ]);
    expect(r.ranked[0]!.lastVoteAt).toEqual(at(3));
    expect(r.missing).toBe(2);
  });

  it('equal votes at the same moment: by id, whatever order the votes come in', () => {
    const lookup = (id: string) => (['b', 'a', 'c'].includes(id) ? paper(id) : undefined);
    const votes = ['b', 'c', 'a'].map((id) => ({ paperId: id, userId: 'U1', votedAt: at(1) }));
    for (const order of [votes, [...votes].reverse(), [votes[2]!, votes[0]!, votes[1]!]]) {
      expect(rankVotes(order, lookup).ranked.map((x) => x.paper.id)).toEqual(['a', 'b', 'c']);
    }
  });

  it('ties go to the most recent vote', () => {
    const r = rankVotes(
      [
        { paperId: '2411.00001', userId: 'U1', votedAt: at(1) },
        { paperId: 'c', userId: 'U1', votedAt: at(2) },
      ],
      (id) => papers.get(id),
    );
    expect(r.ranked.map((x) => x.paper.id)).toEqual(['c', '2411.00001']);
  });
});

describe('top', () => {
  it('with no votes: a friendly reply that says how to vote, and offers a wider window', async () => {
    const b = await bot();
    const reply = await b.paperboy.run('top', channel());
    expect(reply.tone).toBe('empty');
    const t = text(reply);
    expect(t).toMatch(/No votes in this channel in the last 30 days yet/);
    expect(t).toContain('👍 ⭐ ❤️ 🔥');
    expect(t).toMatch(/show snapkv/);
    expect(reply.blocks.some((x) => x.kind === 'actions' && x.actions.some((a) => a.command === 'top 10 --days 365'))).toBe(true);
  });

  it('counts reactions with the configured emoji only, and names them in its hints', async () => {
    const b = await bot({ emoji: ['tada', '🚀'] });
    const id = await postShow(b, 'snapkv');
    await react(b, id, 'U1', '+1');
    expect((await b.paperboy.run('top', channel())).tone).toBe('empty');
    expect(text(await b.paperboy.run('top', channel()))).toContain('🎉 🚀');
    await react(b, id, 'U1', 'tada');
    expect(text(await b.paperboy.run('top', channel()))).toMatch(/1 vote\b/);
  });

  it('lists the most voted papers with their counts, as cards that `show 2` and `more` follow up on', async () => {
    const b = await bot();
    const snap = await postShow(b, 'snapkv');
    const zip = await postShow(b, 'zipcache');
    const again = await postShow(b, 'snapkv'); // shown twice: both posts vote for the same paper
    await react(b, snap, 'U1', '+1');
    await react(b, snap, 'U1', 'fire'); // a second emoji: still one vote
    await react(b, again, 'U1', 'heart'); // on the other post of the same paper: still one vote
    await react(b, again, 'U2', '👍🏽');
    await react(b, zip, 'U3', 'star');
    await react(b, zip, 'U3', 'eyes'); // not a vote emoji
    await react(b, 'not-ours', 'U4', '+1'); // not a Paperboy post

    const ctx = channel('U7');
    const reply = await b.paperboy.run('top', ctx);
    expect(reply.tone).toBe('ok');
    const rows = reply.data?.type === 'results' ? reply.data.results : [];
    expect(rows.map((r) => [r.name, r.score])).toEqual([
      ['SnapKV', 2],
      ['ZipCache', 1],
    ]);
    const t = text(reply);
    expect(t).toMatch(/Most voted here — the last 30 days/);
    expect(t).toMatch(/2 votes/);
    expect(t).toMatch(/1 vote\b/);
    expect(t).toMatch(/3 votes from reactions with 👍 ⭐ ❤️ 🔥/);
    const cards = reply.blocks.filter((x) => x.kind === 'paper');
    expect(cards.map((c) => (c.kind === 'paper' ? c.paper.rank : 0))).toEqual([1, 2]);
    expect(cards.every((c) => c.kind === 'paper' && c.paper.actions.some((a) => a.command.startsWith('show ')))).toBe(true);

    const second = await b.paperboy.run('show 2', ctx);
    expect(second.data?.type === 'paper' && second.data.paper.name).toBe('ZipCache');

    // One per page: `more` is the next page, and `show 2` then is the second paper.
    const page1 = await b.paperboy.run('top 1', ctx);
    expect(page1.paging).toMatchObject({ page: 1, pages: 2 });
    const page2 = await b.paperboy.run('more', ctx);
    expect(page2.data?.type === 'results' && page2.data.results.map((r) => r.name)).toEqual(['ZipCache']);
    expect(page2.command).toBe('top 1 --page 2');

    // Removing the reactions removes the votes; removing one of two keeps it.
    await react(b, again, 'U2', '👍🏽', false);
    await react(b, snap, 'U1', 'fire', false);
    await react(b, snap, 'U1', '+1', false);
    let now = await b.paperboy.run('top', ctx);
    expect(now.data?.type === 'results' && now.data.results.map((r) => [r.name, r.score])).toEqual([
      ['SnapKV', 1],
      ['ZipCache', 1],
    ]);
    await react(b, again, 'U1', 'heart', false);
    await react(b, zip, 'U3', 'star', false);
    now = await b.paperboy.run('top', ctx);
    expect(now.tone).toBe('empty');
  });

  it('is per channel, and counts votes cast in the last D days', async () => {
    const b = await bot();
    const snap = await postShow(b, 'snapkv');
    const other = await postShow(b, 'zipcache', 'C2');
    b.clock.now = new Date(TEST_NOW.getTime() - 10 * 86_400_000);
    await react(b, snap, 'U1');
    b.clock.now = new Date(TEST_NOW.getTime() - 40 * 86_400_000);
    await react(b, snap, 'U2');
    b.clock.now = TEST_NOW;
    await react(b, other, 'U3', '+1', true, 'C2');

    const names = async (cmd: string, ctx = channel()) => {
      const r = await b.paperboy.run(cmd, ctx);
      return r.data?.type === 'results' ? r.data.results.map((x) => `${x.name}:${x.score}`) : [];
    };
    expect(await names('top')).toEqual(['SnapKV:1']);
    expect(await names('top --days 60')).toEqual(['SnapKV:2']);
    expect(await names('top --days 7')).toEqual([]);
    expect(text(await b.paperboy.run('top --days 7', channel()))).toMatch(/in the last 7 days yet/);
    expect(await names('top', channel('U9', 'C2'))).toEqual(['ZipCache:1']);
    expect(await names('top', { ...channel(), platform: 'discord' })).toEqual([]);
  });

  it('votes survive a restart (a new bot on the same file)', async () => {
    const file = tempDb();
    const b1 = await bot({ file });
    await react(b1, await postShow(b1, 'snapkv'), 'U1');
    await b1.voting.close();
    const b2 = await bot({ file });
    const reply = await b2.paperboy.run('top', channel());
    expect(reply.data?.type === 'results' && reply.data.results.map((r) => r.name)).toEqual(['SnapKV']);
  });

  it('in the shell: says votes come from chat reactions; without a channel: says it needs one', async () => {
    const b = await bot();
    const shell = await b.paperboy.run('top', SHELL_CONTEXT);
    expect(shell.tone).toBe('empty');
    expect(text(shell)).toMatch(/votes are reactions on Paperboy’s messages in Slack and Discord channels/);
    const none = await b.paperboy.run('top', { platform: 'discord', userId: 'U1' });
    expect(none.tone).toBe('error');
    expect(text(none)).toMatch(/run it in a Slack or Discord channel/);
  });

  it.each([
    ['top 0', /N is 1 to 10 \(got 0\)/],
    ['top 11', /N is 1 to 10 \(got 11\)/],
    ['top abc', /N is 1 to 10 \(got abc\)/],
    ['top 3 4', /top takes one number/],
    ['top --days 0', /--days takes a whole number from 1 to 365/],
    ['top --days 366', /--days takes a whole number from 1 to 365/],
    ['top --days', /--days/],
    ['top --limit 3', /--limit/],
  ])('%s: a clear problem with the usage', async (cmd, message) => {
    const b = await bot();
    const reply = await b.paperboy.run(cmd, channel());
    expect(reply.tone).toBe('error');
    expect(text(reply)).toMatch(message);
  });

  it('a page past the end says so', async () => {
    const b = await bot();
    await react(b, await postShow(b, 'snapkv'), 'U1');
    const reply = await b.paperboy.run('top --page 3', channel());
    expect(reply.tone).toBe('empty');
    expect(reply.summary).toMatch(/Page 3 is past the end/);
  });

  it('ten papers render within Slack and Discord limits, and help explains the command', async () => {
    const b = await bot();
    const ctx = channel();
    const list = await b.paperboy.run('search model --limit 10', ctx);
    const ids = list.data?.type === 'results' ? list.data.results.map((r) => r.id) : [];
    expect(ids).toHaveLength(10);
    for (const [i, id] of ids.entries()) {
      const m = await postShow(b, id);
      for (let u = 0; u <= i; u++) await react(b, m, `U${u}`);
    }
    const reply = await b.paperboy.run('top', ctx);
    expect(reply.data?.type === 'results' && reply.data.results.map((r) => r.id)).toEqual([...ids].reverse());
    expect(slackViolations(renderSlack(reply))).toEqual([]);
    expect(discordViolations(renderDiscord(reply))).toEqual([]);
    const help = text(await b.paperboy.run('help top', ctx));
    expect(help).toContain('top [N] [--days D] [--page N]');
    expect(help).toMatch(/one per person per paper/);
    expect(help).toMatch(/👍 ⭐ ❤️ 🔥/);
  });
});
