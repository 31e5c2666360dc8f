import { describe, expect, it } from 'vitest';
import { containsPhrases, phraseText, quotedPhrases } from '../../src/search/phrase.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { joinWords } from '../../src/commands/words.ts';

describe('quoted phrases', () => {
  it('normalise case, accents and punctuation', () => {
    expect(phraseText('KV-Cache, état')).toBe(' kv cache etat ');
    expect(containsPhrases(phraseText('A new KV-cache scheme'), [phraseText('kv cache')])).toBe(true);
    expect(containsPhrases(phraseText('a cache of kv pairs'), [phraseText('kv cache')])).toBe(false);
    // Whole words only: "ate space" is not in "state space".
    expect(containsPhrases(phraseText('state space'), [phraseText('ate space')])).toBe(false);
  });
  it('take only quoted runs of two words or more', () => {
    expect(quotedPhrases('"state space" models "lora" “kv cache')).toEqual([' state space ', ' kv cache ']);
    expect(quotedPhrases('no quotes here')).toEqual([]);
  });
});

describe('engine with phrases', async () => {
  const { papers } = await loadPapers(BUILTIN_PAPERS_PATH);
  const engine = createSearchEngine(papers);
  it('keeps only papers with the words side by side', () => {
    const loose = engine.search('state space models', { limit: 50 });
    const exact = engine.search('"state space" models', { limit: 50 });
    expect(exact.total).toBeGreaterThan(0);
    expect(exact.total).toBeLessThan(loose.total);
    for (const h of exact.hits) expect(phraseText(`${h.paper.title} ${h.paper.abstract}`)).toContain(' state space ');
  });
  it('matches across hyphens and case, and respects --code', () => {
    const r = engine.search('"kv cache"', { limit: 50 });
    expect(r.hits.some((h) => /KV-Cache/.test(h.paper.title))).toBe(true);
    const code = engine.search('"kv cache"', { limit: 50, codeOnly: true });
    expect(code.hits.every((h) => h.paper.links.some((l) => l.kind === 'code'))).toBe(true);
    expect(code.total).toBeLessThanOrEqual(r.total);
  });
  it('finds nothing for a phrase no paper has', () => {
    expect(engine.search('"cache kv"').total).toBe(0);
    expect(engine.search('"zzqx yyqv"').total).toBe(0);
  });
  it('survives the CLI passing a quoted argument through', () => {
    expect(joinWords(['search', '"state space" models'])).toBe('search "state space" models');
    expect(joinWords(['search', 'state space'])).toBe('search "state space"');
  });
});
