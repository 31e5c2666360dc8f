import { describe, expect, it } from 'vitest';
import { ConversationMemory } from '../../src/conversation/memory.ts';
import { MemoryEphemeralStore } from '../../src/ephemeral/store.ts';
import type { RequestContext } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';

const ids = (r: Reply) => (r.data?.type === 'results' ? r.data.results.map((x) => x.id) : []);
const paperId = (r: Reply) => (r.data?.type === 'paper' ? r.data.paper.id : undefined);

describe('follow-ups in a conversation', () => {
  it('show N, similar N, more, back and a number past the end, in one conversation', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'shell', userId: 'u1', channelId: 'c1' };
    const list = await bot.run('search kv cache compression', ctx);
    const shown = ids(list);
    expect(shown.length).toBe(5);

    expect(paperId(await bot.run('show 2', ctx))).toBe(shown[1]);
    const similar3 = await bot.run('similar 3', ctx);
    const similarDirect = await bot.run(`similar ${shown[2]}`, { platform: 'shell', userId: 'other', channelId: 'c1' });
    expect(ids(similar3)).toEqual(ids(similarDirect));

    // `similar 3` showed a list of its own: numbers now refer to it. A new search resets them.
    await bot.run('search kv cache compression', ctx);
    const page2 = await bot.run('more', ctx);
    expect(page2.paging?.page).toBe(2);
    expect(ids(page2)).toEqual(ids(await bot.run('search kv cache compression --page 2', { platform: 'shell', userId: 'x' })));
    // Numbers are the ranks printed: page 2 shows 6-10.
    expect(paperId(await bot.run('show 7', ctx))).toBe(ids(page2)[1]);
    const past = await bot.run('show 99', ctx);
    expect(past.tone).toBe('error');
    expect(past.summary).toBe('No result 99: the last list shows results 6–10.');
    const back = await bot.run('back', ctx);
    expect(back.paging?.page).toBe(1);
    expect(ids(back)).toEqual(shown);
  });

  it('without a list, a number or more gets a clear reply; conversations are kept apart', async () => {
    const bot = await newTestPaperboy();
    const a: RequestContext = { platform: 'slack', userId: 'U1', channelId: 'C1', workspaceId: 'T1' };
    const b: RequestContext = { platform: 'slack', userId: 'U2', channelId: 'C1', workspaceId: 'T1' };
    const thread: RequestContext = { ...a, threadId: '1700000000.000100' };
    const none = await bot.run('show 2', a);
    expect(none.tone).toBe('error');
    expect(none.summary).toMatch(/no list to take result 2 from/);
    expect((await bot.run('more', a)).summary).toMatch(/no list to continue/);
    const list = ids(await bot.run('search diffusion', a));
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect((await bot.run('show 2', b)).tone).toBe('error');
    expect((await bot.run('show 2', thread)).tone).toBe('error');
    expect(paperId(await bot.run('show 2', a))).toBe(list[1]);
    expect(paperId(await bot.run('/papers show #1', a))).toBe(list[0]);
  });

  it('the last page says so; a paper name that is a number-like word is left alone when quoted', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'discord', userId: 'D1', channelId: 'DC1' };
    const r = await bot.run('search snapkv', ctx);
    expect(r.paging).toBeUndefined();
    expect((await bot.run('next', ctx)).summary).toBe('That was the last page of the list.');
    expect((await bot.run('prev', ctx)).summary).toBe('That was the first page of the list.');
    // Quoted, the number is a name to look up, not a rank.
    expect((await bot.run('show "2"', ctx)).summary).not.toMatch(/No result 2/);
  });

  it('a reply that lists no papers, or other things, ends the old list; help, errors and saves keep it', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'shell', userId: 'e', channelId: 'e' };
    const shown = ids(await bot.run('search kv cache compression', ctx));
    // Replies that are not lists leave numbers pointing at the search.
    await bot.run('help', ctx);
    await bot.run('stats', ctx);
    await bot.run('shwo', ctx);
    expect((await bot.run('show 99', ctx)).tone).toBe('error');
    expect(paperId(await bot.run('show 2', ctx))).toBe(shown[1]);
    expect(paperId(await bot.run('show 3', ctx))).toBe(shown[2]);
    // A list of topics is not a list of papers: `show 2` must not reach back to the search.
    await bot.run('topics', ctx);
    const afterTopics = await bot.run('show 2', ctx);
    expect(afterTopics.tone).toBe('error');
    expect(afterTopics.summary).toBe('The last reply here listed no papers: there is no result 2 to take.');
    expect((await bot.run('more', ctx)).summary).toMatch(/listed no papers: there is no list to continue/);
    // Nor is a search that found nothing.
    await bot.run('search kv cache compression', ctx);
    expect((await bot.run('search qqqzzzxxy', ctx)).tone).toBe('empty');
    expect((await bot.run('show 1', ctx)).tone).toBe('error');
    expect((await bot.run('back', ctx)).tone).toBe('error');
  });

  it('one number per command: show 2 3 says so instead of looking up a paper called "<id> 3"', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'shell', userId: 'f', channelId: 'f' };
    const shown = ids(await bot.run('search kv cache compression', ctx));
    const two = await bot.run('show 2 3', ctx);
    expect(two.tone).toBe('error');
    expect(two.summary).toBe('show takes one result number, e.g. show 2; send one show per paper.');
    expect(JSON.stringify(two)).not.toContain(shown[1]!);
    // Flags after the number still work.
    expect(paperId(await bot.run('show 2', ctx))).toBe(shown[1]);
    expect(ids(await bot.run('similar 3 --limit 3', ctx))).toHaveLength(3);
  });

  it('follow-ups in words: the second one, what about the third?, show me the first one, 2nd, last, a bare 2, show 2.', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'slack', userId: 'W1', channelId: 'C1', workspaceId: 'T1' };
    // Without a list, a bare number is searched; a spoken rank says there is no list.
    expect((await bot.run('the second one', ctx)).summary).toBe('There is no list to take result 2 from here yet.');
    expect((await bot.run('2', { ...ctx, userId: 'W9' })).data?.type).toBe('results');
    const shown = ids(await bot.run('search kv cache compression', ctx));
    for (const [text, rank] of [
      ['the second one', 2],
      ['what about the third?', 3],
      ['show me the first one', 1],
      ['show the 2nd one', 2],
      ['open 2', 2],
      ['show 2.', 2],
      ['2', 2],
      ['#4', 4],
      ['the last one', 5],
    ] as const) {
      expect(paperId(await bot.run(text, ctx)), text).toBe(shown[rank - 1]);
      await bot.run('search kv cache compression', ctx);
    }
    // `similar it` after a paper: that paper; `similar to 2`: result 2.
    await bot.run('show 2', ctx);
    expect(ids(await bot.run('similar it', ctx))).toEqual(ids(await bot.run(`similar ${shown[1]}`, { ...ctx, userId: 'W2' })));
    await bot.run('search kv cache compression', ctx);
    expect(ids(await bot.run('similar to 3', ctx))).toEqual(ids(await bot.run(`similar ${shown[2]}`, { ...ctx, userId: 'W2' })));
  });

  it('after a paper shown with no list, show 2 says there is no list (not that the reply listed none)', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'shell', userId: 'g', channelId: 'g' };
    await bot.run('show snapkv', ctx);
    expect((await bot.run('show 2', ctx)).summary).toBe('There is no list to take result 2 from here yet.');
    await bot.run('topics', ctx);
    await bot.run('show snapkv', ctx);
    expect((await bot.run('show 2', ctx)).summary).toBe('There is no list to take result 2 from here yet.');
  });

  it('commands that take a count keep their numbers (digest 3, new 2)', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'shell', userId: 'n', channelId: 'n' };
    await bot.run('search lora', ctx);
    expect(ids(await bot.run('digest 3', ctx))).toHaveLength(3);
  });
});

describe('ConversationMemory', () => {
  it('keeps each conversation’s last list for an hour after it was shown', async () => {
    let now = 0;
    const m = new ConversationMemory({ now: () => now });
    const ctx = (u: string): RequestContext => ({ platform: 'shell', userId: u });
    await m.remember(ctx('a'), { ids: ['x'], firstRank: 1 });
    await m.remember(ctx('b'), { ids: ['y'], firstRank: 1 });
    expect((await m.lastList(ctx('a')))?.ids).toEqual(['x']);
    now += 30 * 60 * 1000;
    await m.remember(ctx('b'), { ids: ['z'], firstRank: 1 });
    now += 30 * 60 * 1000 + 1;
    expect(await m.lastList(ctx('a'))).toBeUndefined();
    expect((await m.lastList(ctx('b')))?.ids).toEqual(['z']);
  });
});

describe('a conversation shared by two processes (one state)', () => {
  it('`show 2` answered by another process than the search shows result 2 of it', async () => {
    const shared = new MemoryEphemeralStore();
    const first = await newTestPaperboy({ conversations: shared });
    const second = await newTestPaperboy({ conversations: shared });
    const ctx: RequestContext = { platform: 'slack', workspaceId: 'T1', userId: 'U1', channelId: 'C1' };
    const results = await first.run('search kv cache compression', ctx);
    expect(paperId(await second.run('show 2', ctx))).toBe(ids(results)[1]);
  });
});

describe('after a reply about one paper', () => {
  it('a command that takes a paper, given none, means that paper; a number means result 1 of it', async () => {
    const bot = await newTestPaperboy();
    const ctx: RequestContext = { platform: 'slack', userId: 'U5', channelId: 'C5', threadId: '1700000000.000200' };
    const shown = await bot.run('show snapkv', ctx);
    expect(paperId(shown)).toBe('snapkv-llm-knows-what-you-are-looking-for-before-generation');
    const similar = await bot.run('similar', ctx);
    expect(ids(similar)).toEqual(ids(await bot.run(`similar ${paperId(shown)}`, { platform: 'shell', userId: 'z' })));
    // In another conversation `similar` alone still asks which paper.
    expect((await bot.run('similar', { platform: 'slack', userId: 'U6', channelId: 'C5' })).tone).toBe('error');
  });
});

describe('replies under a post of ours', () => {
  it('refer to what the post showed, for anyone, until a day has passed', async () => {
    const bot = await newTestPaperboy();
    const digest = await bot.run('digest 5 kv cache', { platform: 'discord', userId: 'sched' });
    await bot.rememberPost('discord', '900000000000000001', digest);
    const inThread: RequestContext = { platform: 'discord', userId: 'D9', channelId: '900000000000000001', underPost: '900000000000000001' };
    expect(paperId(await bot.run('show 4', inThread))).toBe(ids(digest)[3]);
    // Elsewhere the number means nothing.
    expect((await bot.run('show 4', { platform: 'discord', userId: 'D9', channelId: '42' })).tone).toBe('error');
    // Another platform's post with the same name is another post.
    expect((await bot.run('show 4', { ...inThread, platform: 'slack' })).tone).toBe('error');
  });
});
