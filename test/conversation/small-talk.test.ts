import { describe, expect, it } from 'vitest';
import { smallTalk } from '../../src/conversation/small-talk.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';

describe('greetings and thanks', () => {
  it.each(['hi', 'Hello!', 'hey there', 'good morning, paperboy', 'Hi 👋'])('%s is greeted with how to start', (text) => {
    const r = smallTalk(text);
    expect(r?.tone).toBe('info');
    expect(JSON.stringify(r?.blocks)).toContain('search kv cache compression');
  });

  it.each(['thanks', 'Thank you so much!', 'thx', 'cheers 🙏', 'thanks, that helps', 'thank you so much, this is great', 'perfect, thanks!'])(
    '%s is answered politely',
    (text) => {
      expect(smallTalk(text)?.summary).toBe('You’re welcome!');
    },
  );

  it.each([
    ['ok', 'Glad it helps.'],
    ['cool', 'Glad it helps.'],
    ['got it', 'Glad it helps.'],
    ['bye', 'Bye! Ask any time.'],
    ['who are you?', 'Hi! I find research papers: search, show one, or just ask.'],
    ['what can you do?', 'Hi! I find research papers: search, show one, or just ask.'],
  ])('%s gets a short answer', (text, summary) => {
    expect(smallTalk(text)?.summary).toBe(summary);
  });

  it.each(['hi-c', 'hello kitty diffusion', 'thanksgiving recipes', 'ok google', 'history', 'heya world', ''])('%s is not small talk', (text) => {
    expect(smallTalk(text)).toBeUndefined();
  });

  it('the bot answers them instead of searching, and leaves the last list alone', async () => {
    const bot = await newTestPaperboy();
    const list = await bot.run('search kv cache compression', SHELL_CONTEXT);
    expect((await bot.run('hi', SHELL_CONTEXT)).tone).toBe('info');
    expect((await bot.run('thanks!', SHELL_CONTEXT)).data).toBeUndefined();
    const second = list.data?.type === 'results' ? list.data.results[1]?.id : undefined;
    const shown = await bot.run('show 2', SHELL_CONTEXT);
    expect(shown.data?.type === 'paper' && shown.data.paper.id).toBe(second);
    // Quoted, it is a search for the word.
    expect((await bot.run('"hello"', SHELL_CONTEXT)).summary).not.toBe('You’re welcome!');
  });
});

describe('help covers follow-ups', () => {
  it('help lists them; help more explains them', async () => {
    const bot = await newTestPaperboy();
    const overview = JSON.stringify((await bot.run('help', SHELL_CONTEXT)).blocks);
    expect(overview).toContain('show 2');
    expect(overview).toContain('anything on speculative decoding?');
    for (const word of ['more', 'next', 'back', 'prev']) {
      const r = await bot.run(`help ${word}`, SHELL_CONTEXT);
      expect(r.tone, word).toBe('info');
      expect(r.summary).toMatch(/^Follow-ups/);
    }
  });
});
