import { describe, expect, it } from 'vitest';
import { joinWords, splitWords } from '../../src/commands/words.ts';

const texts = (s: string) => splitWords(s).map((w) => w.text);

describe('splitWords', () => {
  it('splits on whitespace', () => {
    expect(texts('  search   kv cache ')).toEqual(['search', 'kv', 'cache']);
  });
  it('keeps double-quoted phrases together', () => {
    expect(texts('search "state space" models')).toEqual(['search', 'state space', 'models']);
    expect(splitWords('"state space"')[0]).toEqual({ text: 'state space', quoted: true });
  });
  it('accepts typographic quotes from chat clients', () => {
    expect(texts('search \u201Cstate space\u201D models')).toEqual(['search', 'state space', 'models']);
    expect(texts('search \u2018state space\u2019 models')).toEqual(['search', 'state space', 'models']);
  });
  it('treats an apostrophe inside a word as a letter', () => {
    expect(texts("don't panic")).toEqual(["don't", 'panic']);
    expect(texts("model's cache")).toEqual(["model's", 'cache']);
  });
  it('runs an unclosed quote to the end', () => {
    expect(texts('search "state space models')).toEqual(['search', 'state space models']);
  });
  it('drops empty quotes', () => {
    expect(texts('search "" x')).toEqual(['search', 'x']);
  });
  it('joins words back, quoting those with spaces', () => {
    expect(joinWords(['search', 'state space', 'models'])).toBe('search "state space" models');
    expect(texts(joinWords(['a b', 'c']))).toEqual(['a b', 'c']);
  });
});
