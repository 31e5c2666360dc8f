import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { createSearchEngine, type PaperboyEngine } from '../../src/search/engine.ts';
import { paper } from './helpers.ts';

let e: PaperboyEngine;
beforeAll(async () => {
  e = createSearchEngine((await loadPapers(BUILTIN_PAPERS_PATH)).papers);
});

describe('did-you-mean suggestions', () => {
  it('are offered for real typos, which find clearly more or better papers', () => {
    for (const [typed, meant] of [
      ['snpakv', 'snapkv'],
      ['flash atention', 'flash attention'],
      ['quantizaton cahce', 'quantization cache'],
      ['gausian splatting', 'gaussian splatting'],
    ]) {
      expect(e.search(typed!).suggestion, typed).toBe(meant);
    }
  });

  it('are not offered when a real word the papers do not use would become another word', () => {
    for (const q of ['mixture of experts routing', 'anything on mixture of experts routing?']) {
      const r = e.search(q);
      // The spelling corrector would turn `routing` into `root`, a different word: no suggestion then.
      expect(r.corrected, q).toBe('mixture experts root');
      expect(r.suggestion, q).toBeUndefined();
    }
  });

  it('are not offered on a one-paper set where the correction finds nothing new (fine -> line)', () => {
    const one = createSearchEngine([
      paper({
        title: 'PEFT fine-tuning for line art',
        abstract: 'We study parameter-efficient fine-tuning of large models and show that adapters help line drawings in careful experiments.',
      }),
    ]);
    for (const q of ['parameter-efficient fine tuning', 'fine', 'peft']) expect(one.search(q).suggestion, q).toBeUndefined();
  });

  it('the search reply says "Few matches" only when there are few', async () => {
    const { searchCommand } = await import('../../src/commands/search.ts');
    const { silentLogger } = await import('../../src/app/logger.ts');
    const deps = { engine: e, papers: e.papers, topics: [], logger: silentLogger(), now: () => new Date(), random: () => 0.5 } as never;
    const many = await searchCommand.run({ name: 'search', args: ['quantizaton', 'cahce'], rest: 'quantizaton cahce', flags: { limit: 5, page: 1 } }, deps, {
      platform: 'shell',
    });
    const notes = many.blocks.filter((b) => b.kind === 'note').map((b) => JSON.stringify(b));
    expect(notes.join('\n')).toMatch(/Did you mean/);
    expect(notes.join('\n')).not.toMatch(/Few matches/);
  });
});
