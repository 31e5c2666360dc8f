/** The pure parts of guessing a paper: descriptions, the resolver's guesses and their alternatives. */
import { describe, expect, it } from 'vitest';
import { describedTopic, pickPaper } from '../../src/commands/pick.ts';
import { understand } from '../../src/conversation/questions.ts';
import { builtinPapers, engineOver } from '../schedule/helpers.ts';

describe('describedTopic', () => {
  it('describedTopic reads descriptions, and nothing else', () => {
    const cases: [string, string | undefined][] = [
      ['the paper about zipcache', 'zipcache'],
      ['the one on Speculative Decoding', 'Speculative Decoding'],
      ['that KV cache paper', 'KV cache'],
      ['that zipcache one?', 'zipcache'],
      ['the paper that introduces MiKV', 'MiKV'],
      ['this paper called SnapKV', 'SnapKV'],
      ['the second one', undefined],
      ['that one', undefined],
      ['the last paper', undefined],
      ['papers about kv cache', undefined],
      ['work on kv cache', undefined],
      ['snapkv', undefined],
    ];
    for (const [text, topic] of cases) expect(describedTopic(text), text).toBe(topic);
  });
});

describe('guesses', () => {
  it('the resolver marks the guesses and carries the next closest papers; a lone version of a name is a guess too', async () => {
    const engine = engineOver(await builtinPapers());
    const lora = engine.resolve('lora');
    expect(lora).toMatchObject({ kind: 'found', via: 'fuzzy', paper: { aliases: ['LoRAM'] } });
    expect(lora.kind === 'found' && lora.alternatives?.length).toBeGreaterThan(0);
    expect(engine.resolve('LLM in a flash')).toMatchObject({ kind: 'found', via: 'title' });
    const papers = (await builtinPapers()).filter((p) => p.name !== 'FlashAttention');
    const onlyV2 = engineOver(papers);
    expect(onlyV2.resolve('flashattention')).toMatchObject({ kind: 'found', via: 'version', paper: { name: 'FlashAttention-2' } });
    expect(pickPaper(onlyV2, 'flashattention')).toMatchObject({ kind: 'guess', reason: 'closest-name', paper: { name: 'FlashAttention-2' } });
  });
});

describe('questions that describe a paper', () => {
  it('are read as show of the description', () => {
    for (const q of ['the paper about zipcache', 'that KV cache paper?', 'show me the paper about zipcache', 'the one on speculative decoding']) {
      expect(understand(q)?.command, q).toMatch(/^show /);
    }
    expect(understand('who wrote the paper about zipcache')).toMatchObject({ command: 'show the paper about zipcache', asks: 'authors' });
    expect(understand('show me papers about zipcache')?.command).toBe('search zipcache');
  });
});
