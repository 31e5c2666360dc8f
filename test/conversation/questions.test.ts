import { describe, expect, it } from 'vitest';
import { understand } from '../../src/conversation/questions.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';

describe('questions read as commands', () => {
  it.each([
    ['anything on speculative decoding?', 'search speculative decoding'],
    ['I am looking for work on kv cache compression', 'search kv cache compression'],
    ['what is there on making diffusion sampling faster?', 'search making diffusion sampling faster'],
    ['show me papers about speculative decoding', 'search speculative decoding'],
    ['papers about LoRA with code', 'search LoRA --code'],
    ['is there anything on 3D gaussian splatting with code?', 'search 3D gaussian splatting --code'],
    ["what's new today?", 'new'],
    ['anything new on diffusion this week?', 'new diffusion --days 7'],
    ['latest papers on quantization', 'new quantization'],
    ['papers similar to SnapKV', 'similar SnapKV'],
    ['who wrote SnapKV?', 'show SnapKV'],
    ['code for FlashAttention-2', 'show FlashAttention-2'],
    ['could you point me to surveys on LLM efficiency?', 'search surveys on LLM efficiency'],
    ['can you recommend some papers on vector databases', 'search vector databases'],
    ["I'm after methods for reconstructing cities with radiance fields", 'search reconstructing cities with radiance fields'],
    ['we are interested in speculative decoding', 'search speculative decoding'],
    ['what is trending?', 'trending'],
    ['hot papers today', 'trending --days 1'],
    ['papers by Tri Dao', 'search --author "Tri Dao"'],
    ['anything by Song Han?', 'search --author "Song Han"'],
    ['papers by Tri Dao on attention', 'search attention --author "Tri Dao"'],
    ['papers by Tri Dao on "kv cache"', 'search "kv cache" --author "Tri Dao"'],
    ['papers by Tri Dao with code', 'search --author "Tri Dao" --code'],
    ['papers by Tri Dao this week', 'search --author "Tri Dao" --since 7d'],
    ['papers by Tri Dao --since 30d', 'search --author "Tri Dao" --since 30d'],
    ['show me papers by Tri Dao', 'search --author "Tri Dao"'],
    ['can you find papers by Tri Dao?', 'search --author "Tri Dao"'],
    ['show me SnapKV', 'show SnapKV'],
    ['show me 2', 'show 2'],
    ['more like this', 'similar'],
    ['papers similar to SnapKV?', 'similar SnapKV'],
    ['papers from last week', 'new --days 7'],
    ['recommend something like ZipCache', 'similar ZipCache'],
    ['anything like SnapKV?', 'similar SnapKV'],
    ['who are the authors of SnapKV?', 'show SnapKV'],
    ['any code for FlashAttention?', 'show FlashAttention'],
    ['is there code for SnapKV', 'show SnapKV'],
  ])('%s -> %s', (q, command) => {
    expect(understand(q)?.command).toBe(command);
  });

  it('keywords stay keywords', () => {
    for (const q of [
      'kv cache compression',
      'gaussian splatting',
      'state space models',
      'lora',
      'memory reduction by pruning',
      'popular benchmarks',
      'llms behave more like humans',
      'models that work like transformers',
      'work from home',
      'papers from 2024',
    ]) {
      expect(understand(q), q).toBeUndefined();
    }
    // `by` an order is not an author.
    expect(understand('papers by date')?.command).not.toMatch(/--author/);
  });

  it('a command word that starts plain English is read as the request, not as the command', async () => {
    const bot = await newTestPaperboy();
    const asked = await bot.run('show me papers on quantization', SHELL_CONTEXT);
    expect(asked.data).toEqual((await bot.run('search quantization', SHELL_CONTEXT)).data);
    const code = await bot.run('code for flashattention', SHELL_CONTEXT);
    expect(code.data?.type === 'paper' && code.data.paper.name).toBe('FlashAttention');
    // A topic rather than a paper: papers with code on it.
    const topic = await bot.run('code for diffusion models', SHELL_CONTEXT);
    expect(topic.data).toEqual((await bot.run('code diffusion models', SHELL_CONTEXT)).data);
    expect(JSON.stringify(topic.blocks)).toContain('code diffusion models');
    // The command itself is unchanged: `code quantization` lists papers with code, `show snapkv` shows it.
    expect((await bot.run('code quantization', SHELL_CONTEXT)).data?.type).toBe('results');
    expect(JSON.stringify((await bot.run('show snapkv', SHELL_CONTEXT)).blocks)).not.toContain('Read your question');
  });

  it('a question finds what its keywords find, and the reply says how it was read', async () => {
    const bot = await newTestPaperboy();
    const asked = await bot.run('anything on kv cache compression?', SHELL_CONTEXT);
    const typed = await bot.run('search kv cache compression', SHELL_CONTEXT);
    expect(asked.data).toEqual(typed.data);
    expect(JSON.stringify(asked.blocks)).toContain('Read your question as ');
    const who = await bot.run('who wrote SnapKV?', SHELL_CONTEXT);
    expect(who.data?.type === 'paper' && who.data.paper.name).toBe('SnapKV');
    // A command word first is a command, never a question.
    expect((await bot.run('search anything on kv cache?', SHELL_CONTEXT)).blocks.some((b) => JSON.stringify(b).includes('Read your question'))).toBe(false);
  });
});

describe('search by author or date alone', () => {
  it('search --author NAME lists the author’s papers; without authors in the set, the reply says why', async () => {
    const bot = await newTestPaperboy();
    const none = await bot.run('search --author "Tri Dao"', SHELL_CONTEXT);
    expect(none.tone).toBe('empty');
    expect(none.summary).toBe('No papers by Tri Dao.');
    expect(JSON.stringify(none.blocks)).toContain('No paper here has authors yet');
    expect((await bot.run('search', SHELL_CONTEXT)).summary).toBe('search needs a query.');
    expect((await bot.run('papers by Tri Dao', SHELL_CONTEXT)).summary).toBe('No papers by Tri Dao.');
  });
});

describe('the search reply names words no paper has', () => {
  it('so off-topic results are not passed off as matches', async () => {
    const bot = await newTestPaperboy();
    const r = await bot.run('search kv cache chromodynamics', SHELL_CONTEXT);
    expect(r.tone).toBe('ok');
    expect(JSON.stringify(r.blocks)).toContain('No paper here has “chromodynamics”; these match your other words.');
    expect(JSON.stringify((await bot.run('search kv cache', SHELL_CONTEXT)).blocks)).not.toContain('No paper here has');
  });
});

describe('questions that are follow-ups', () => {
  it('show me 2 is result 2 of the last list; more like this is similar to the paper just shown', async () => {
    const bot = await newTestPaperboy();
    const ctx = { ...SHELL_CONTEXT, userId: 'follow' };
    const list = await bot.run('search kv cache compression', ctx);
    const ids = list.data?.type === 'results' ? list.data.results.map((r) => r.id) : [];
    const two = await bot.run('show me 2', ctx);
    expect(two.data?.type === 'paper' && two.data.paper.id).toBe(ids[1]);
    const like = await bot.run('more like this', ctx);
    expect(like.data).toEqual((await bot.run(`similar ${ids[1]}`, { ...SHELL_CONTEXT, userId: 'other' })).data);
    // With no paper shown yet, it asks which paper.
    expect((await bot.run('more like this', { ...SHELL_CONTEXT, userId: 'fresh' })).tone).toBe('error');
  });

  it('keyword searches that merely contain "like" stay searches', async () => {
    const bot = await newTestPaperboy();
    const r = await bot.run('llms behave more like humans', SHELL_CONTEXT);
    expect(r.data?.type).toBe('results');
    expect(r.summary).toMatch(/^Results for/);
  });
});

describe('unmatchedNote', () => {
  it('names the words as typed, five at most', async () => {
    const { unmatchedNote } = await import('../../src/commands/search.ts');
    expect(unmatchedNote('kv Ümläutxq', ['umlautxq'])).toBe('No paper here has “Ümläutxq”; these match your other words.');
    expect(unmatchedNote('a b', ['aa', 'bb'])).toBe('No paper here has “aa” or “bb”; these match your other words.');
    expect(unmatchedNote('x', ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'])).toBe(
      'No paper here has “a1”, “b2”, “c3”, “d4”, “e5” and 2 more; these match your other words.',
    );
  });
});

describe('questions about one paper, and their fallbacks', () => {
  it('what is X / explain X / how does X work show X when X names one paper, else search', async () => {
    const bot = await newTestPaperboy();
    const name = (r: Awaited<ReturnType<typeof bot.run>>) => (r.data?.type === 'paper' ? r.data.paper.name : undefined);
    expect(name(await bot.run('what is flashattention?', SHELL_CONTEXT))).toBe('FlashAttention');
    expect(name(await bot.run('how does ZipCache work?', SHELL_CONTEXT))).toBe('ZipCache');
    expect(name(await bot.run('tell me about snapkv', SHELL_CONTEXT))).toBe('SnapKV');
    expect(name(await bot.run('summarize snapkv', SHELL_CONTEXT))).toBe('SnapKV');
    // `lora` is only a close spelling of LoRAM: a search, not that paper.
    const lora = await bot.run('explain lora', SHELL_CONTEXT);
    expect(lora.data).toEqual((await bot.run('search lora', SHELL_CONTEXT)).data);
    expect(JSON.stringify(lora.blocks)).toContain('search lora');
    // `papers like lora` likewise; `papers like SnapKV but for vision` is similar SnapKV.
    expect((await bot.run('papers like lora', SHELL_CONTEXT)).data).toEqual((await bot.run('search lora', SHELL_CONTEXT)).data);
    const rows = (r: Awaited<ReturnType<typeof bot.run>>) => (r.data?.type === 'results' ? r.data.results.map((x) => x.id) : []);
    expect(rows(await bot.run('papers like SnapKV but for vision', SHELL_CONTEXT))).toEqual(rows(await bot.run('similar snapkv', SHELL_CONTEXT)));
    // Not about a paper: keywords stay keywords.
    expect(understand('explainable ai')).toBeUndefined();
  });

  it('new papers on X, where no paper has a date, lists the papers on X', async () => {
    const bot = await newTestPaperboy();
    const r = await bot.run('any recent papers about gaussian splatting?', SHELL_CONTEXT);
    expect(r.data).toEqual((await bot.run('search gaussian splatting', SHELL_CONTEXT)).data);
    expect(JSON.stringify(r.blocks)).toContain('search gaussian splatting');
    // With no topic there is nothing to fall back to: the reply says why.
    expect((await bot.run("what's new today?", SHELL_CONTEXT)).summary).toMatch(/No dated papers yet/);
  });

  it('a pasted arXiv id or link is a lookup; a greeting before a question is dropped', async () => {
    expect(understand('https://arxiv.org/abs/2404.14469')?.command).toBe('show https://arxiv.org/abs/2404.14469');
    expect(understand('2404.14469v2')?.command).toBe('show 2404.14469v2');
    expect(understand('hi, can you find kv cache papers?')?.command).toBe('search kv cache papers');
    expect(understand('hey, anything on diffusion?')?.command).toBe('search diffusion');
  });
});

describe('the search reply says when no paper has all the words', () => {
  it('audio splatting: each paper has one word or the other', async () => {
    const bot = await newTestPaperboy();
    const r = await bot.run('search audio splatting', SHELL_CONTEXT);
    expect(JSON.stringify(r.blocks)).toContain('None of these has all of your words; each has some of them.');
    expect(JSON.stringify((await bot.run('search gaussian splatting', SHELL_CONTEXT)).blocks)).not.toContain('None of these has all');
  });
});

describe('questions the shown paper cannot answer say so', () => {
  it('who wrote X without authors; code for X without a code link', async () => {
    const bot = await newTestPaperboy();
    const who = JSON.stringify((await bot.run('who wrote snapkv?', SHELL_CONTEXT)).blocks);
    expect(who).toContain('The paper library has no authors for this paper.');
    expect(JSON.stringify((await bot.run('code for snapkv', SHELL_CONTEXT)).blocks)).toContain('No code link is known for this paper.');
    // `show` itself adds nothing.
    expect(JSON.stringify((await bot.run('show snapkv', SHELL_CONTEXT)).blocks)).not.toContain('no authors');
  });
});
