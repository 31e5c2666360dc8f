/** `--category`: arXiv categories and archives as a filter of every command that lists papers. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { categoryMatcher } from '../../src/commands/filters.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { useTempDirs } from '../helpers/temp-dir.ts';
import { ask } from '../helpers/paperboy.ts';

const tempDir = useTempDirs('paperboy-category-', 'file');

describe('categoryMatcher', () => {
  it('matches a category exactly (case fixed) and an archive by any of its categories', () => {
    const cl = categoryMatcher('CS.cl');
    const cs = categoryMatcher('cs');
    if ('problem' in cl || 'problem' in cs) throw new Error('refused');
    expect(cl.label).toBe('cs.CL');
    expect(cl.test(['cs.LG', 'cs.CL'])).toBe(true);
    expect(cl.test(['cs.LG'])).toBe(false);
    expect(cs.label).toBe('cs');
    expect(cs.test(['stat.ML', 'cs.LG'])).toBe(true);
    expect(cs.test(['stat.ML'])).toBe(false);
    // `cs` is no prefix match: `csx.AB` would not be in it.
    expect(cs.test(['csx.AB'])).toBe(false);
    expect(cs.test(undefined)).toBe(false);
  });

  it('refuses an unknown name with the closest categories, and an empty one', () => {
    expect(categoryMatcher('cs.CLL')).toEqual({ problem: expect.stringContaining('Closest: cs.CL') });
    expect(categoryMatcher('  ')).toEqual({ problem: expect.stringContaining('--category cs.CL') });
  });
});

describe('--category on the commands', () => {
  const NOW = new Date('2026-11-29T12:00:00Z');
  const feed = (arxivId: string, title: string, categories: string[]): Paper => {
    const r = paperFromFeed(
      { arxivId, title, published: '2026-11-28', authors: ['Ada Lovelace'], categories, abstract: `We present ${title}. It is 2x faster on six benchmarks.` },
      'arxiv',
    );
    if (!r.ok) throw new Error(r.message);
    return r.paper;
  };
  let store: SqlitePaperStore;
  let booted: Booted;
  beforeAll(async () => {
    store = SqlitePaperStore.open(join(tempDir(), 'state.db'));
    await store.upsertBatch([
      feed('2611.00031', 'Speculative Decoding for Translation Models', ['cs.CL', 'cs.LG']),
      feed('2611.00032', 'Decoding Brain Signals with Transformers', ['q-bio.NC', 'cs.LG']),
      feed('2611.00033', 'Optimal Decoding of Polar Codes', ['cs.IT', 'math.IT']),
      feed('2611.00034', 'Decoding Galaxy Spectra', ['astro-ph.GA']),
    ]);
    booted = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
  });
  afterAll(async () => {
    await booted?.library.close();
    await store?.close();
  });
  const run = (q: string): Promise<Reply> => booted.paperboy.run(q, { ...SHELL_CONTEXT, userId: `cat-${q}` });
  const ids = (r: Reply): string[] => (r.data?.type === 'results' ? r.data.results.map((x) => x.id).sort() : []);

  it('keeps the papers of a category, cross-lists included, in search, new, digest and random', async () => {
    expect(ids(await run('search decoding --category cs.LG'))).toEqual(['2611.00031', '2611.00032']);
    expect(ids(await run('search decoding --category cs'))).toEqual(['2611.00031', '2611.00032', '2611.00033']);
    expect(ids(await run('search --category astro-ph'))).toEqual(['2611.00034']);
    expect(ids(await run('new --category cs.CL'))).toEqual(['2611.00031']);
    expect(ids(await run('digest decoding --category cs.IT'))).toEqual(['2611.00033']);
    expect(ids(await run('random decoding --category q-bio.NC'))).toEqual(['2611.00032']);
  });

  it('says the category in the heading and keeps it when paging', async () => {
    const r = await run('search decoding --category cs --limit 1');
    expect(renderText(r)).toMatch(/in cs/);
    expect(r.paging?.next?.command).toBe('search decoding --limit 1 --category cs --page 2');
  });

  it('answers an unknown category with the closest ones and the usage, not an empty list', async () => {
    const r = await run('search decoding --category cs.XY');
    expect(r.tone).toBe('error');
    expect(renderText(r)).toMatch(/--category: "cs\.XY" is not an arXiv category\. Closest: cs\.CY/);
  });
});

describe('--category on papers without categories', () => {
  it('says no paper here has arXiv categories yet, rather than blame the words', async () => {
    // The built-in Daily Papers page lists no categories.
    const r = await ask('search kv cache --category cs.CL');
    expect(r.data?.type === 'results' ? r.data.results : []).toEqual([]);
    expect(renderText(r)).toMatch(/No paper here has arXiv categories yet/);
  });
});
