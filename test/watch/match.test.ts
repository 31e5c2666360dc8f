import { describe, expect, it } from 'vitest';
import { compileRule, watchMatches } from '../../src/watch/match.ts';
import { MAX_QUERY_LENGTH, MAX_QUERY_WORDS } from '../../src/watch/watch.ts';
import { feedPaper } from './helpers.ts';

const kv = feedPaper({
  arxivId: '2611.00001',
  title: 'Zorblax: Sparse KV-Cache Compression for Long-Context Language Models',
  abstract:
    'We introduce Zorblax, a method that prunes the key-value cache of large language models during long-context ' +
    'inference. State space models and transformers both benefit; it keeps 99% of the accuracy with 3.1x less memory.',
  authors: ['Zoë Ångström', 'Geoffrey Hinton', 'Tri Dao'],
});

const vision = feedPaper({
  arxivId: '2611.00002',
  title: 'Quiet Baselines for Image Captioning',
  abstract: 'We revisit image captioning baselines and find that a small vision encoder is enough for most benchmarks.',
  authors: ['Ada Lovelace'],
});

describe('the watch rule', () => {
  it('matches when every content word is in the title, name or abstract, endings and case ignored', () => {
    expect(watchMatches('zorblax', undefined, kv)).toBe(true);
    expect(watchMatches('ZORBLAX compression', undefined, kv)).toBe(true);
    expect(watchMatches('compressing caches', undefined, kv)).toBe(true); // stems: compress, cach
    expect(watchMatches('language model', undefined, kv)).toBe(true); // "models" in the text
    expect(watchMatches('zorblax captioning', undefined, kv)).toBe(false); // one word missing: no match
    expect(watchMatches('zorblax', undefined, vision)).toBe(false);
  });

  it('ignores small words and lone letters', () => {
    expect(watchMatches('the compression of a cache', undefined, kv)).toBe(true);
    // Framing words are not topic words, as in search.
    expect(watchMatches('new papers about zorblax', undefined, kv)).toBe(true);
  });

  it('treats hyphenated, spaced and joined spellings alike', () => {
    expect(watchMatches('kv cache', undefined, kv)).toBe(true);
    expect(watchMatches('kv-cache', undefined, kv)).toBe(true);
    expect(watchMatches('kvcache', undefined, kv)).toBe(true);
    // Joined in the query, apart in the paper: "key-value" -> key + value.
    expect(watchMatches('keyvalue cache', undefined, kv)).toBe(true);
  });

  it('needs quoted words side by side', () => {
    expect(watchMatches('"state space" models', undefined, kv)).toBe(true);
    expect(watchMatches('"space state"', undefined, kv)).toBe(false);
    // Unquoted, the same words anywhere match.
    expect(watchMatches('space state', undefined, kv)).toBe(true);
    expect(watchMatches('"long context" inference', undefined, kv)).toBe(true);
  });

  it('--author: every word of the name starts a word of one author, accents and case ignored', () => {
    expect(watchMatches('zorblax', 'hinton', kv)).toBe(true);
    expect(watchMatches('zorblax', 'G. Hinton', kv)).toBe(true);
    expect(watchMatches('zorblax', 'geoffrey HINTON', kv)).toBe(true);
    expect(watchMatches('zorblax', 'Zoe Angstrom', kv)).toBe(true);
    expect(watchMatches('zorblax', 'ångström', kv)).toBe(true);
    expect(watchMatches('zorblax', 'Lovelace', kv)).toBe(false);
    // The words must be in one author's name, not spread over two.
    expect(watchMatches('zorblax', 'Geoffrey Dao', kv)).toBe(false);
    // An author watch with no words: every new paper by them.
    expect(watchMatches('', 'Tri Dao', kv)).toBe(true);
    expect(watchMatches('', 'Tri Dao', vision)).toBe(false);
  });

  it('a paper without authors never matches an author watch', () => {
    const { authors: _drop, ...rest } = kv;
    expect(watchMatches('zorblax', 'hinton', rest)).toBe(false);
  });

  it('refuses queries it cannot use, with a reason', () => {
    const problem = (q: string, a?: string) => {
      const c = compileRule(q, a);
      return c.ok ? undefined : c.problem;
    };
    expect(problem('')).toMatch(/Give the words/);
    expect(problem('   ')).toMatch(/Give the words/);
    expect(problem('the of and')).toMatch(/only small words/);
    expect(problem('x'.repeat(MAX_QUERY_LENGTH + 1))).toMatch(/too long/);
    expect(problem(Array.from({ length: MAX_QUERY_WORDS + 1 }, (_, i) => `word${i}`).join(' '))).toMatch(/Too many words/);
    expect(problem('lora', '')).toMatch(/--author needs a name/);
    expect(problem('lora', '!!!')).toMatch(/--author needs a name/);
    expect(problem('lora', 'x'.repeat(101))).toMatch(/too long/);
    expect(problem('', 'Tri Dao')).toBeUndefined();
    expect(problem('"kv cache"')).toBeUndefined();
  });
});
