/** `reviseFromArxiv`: a newer arXiv record of a stored paper (snapshot, OAI-PMH). */
import { describe, expect, it } from 'vitest';
import { mergePaper, reviseFromArxiv } from '../../src/papers/merge.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';

function paper(feed: 'hf' | 'arxiv', over: Partial<FetchedPaper> = {}): Paper {
  const r = paperFromFeed(
    {
      arxivId: '2404.14469',
      title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
      abstract: 'We present SnapKV, which compresses KV caches by 3.6x without fine-tuning. It keeps accuracy on 16 datasets.',
      authors: ['Yuhong Li'],
      published: '2024-04-22',
      ...over,
    },
    feed,
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

describe('reviseFromArxiv', () => {
  const hf = paper('hf', {
    upvotes: 120,
    aiSummary: 'SnapKV shrinks the KV cache without fine-tuning.',
    githubRepo: 'https://github.com/x/snapkv',
    published: '2024-04-23',
  });
  const revised = paper('arxiv', {
    title: 'SnapKV: Compressing the KV Cache Before Generation',
    abstract: 'We introduce SnapKV and PyramidKV, which compress KV caches by 8.2x. A revised abstract.',
    authors: ['Yuhong Li', 'Tianle Cai'],
    categories: ['cs.CL', 'cs.LG'],
    doi: '10.5555/snapkv',
  });

  it("takes arXiv's own fields from the new record and keeps what Hugging Face added", () => {
    const out = reviseFromArxiv(hf, revised);
    expect(out).toMatchObject({
      id: '2404.14469',
      title: 'SnapKV: Compressing the KV Cache Before Generation',
      name: 'SnapKV',
      abstract: 'We introduce SnapKV and PyramidKV, which compress KV caches by 8.2x. A revised abstract.',
      authors: ['Yuhong Li', 'Tianle Cai'],
      categories: ['cs.CL', 'cs.LG'],
      doi: '10.5555/snapkv',
      upvotes: 120,
      summary: 'SnapKV shrinks the KV cache without fine-tuning.',
      githubRepo: 'https://github.com/x/snapkv',
      published: '2024-04-23',
    });
    expect(out.highlights).toEqual(revised.highlights);
    expect(out.aliases).toEqual(['PyramidKV']);
    expect(out.sources).toEqual([...hf.sources, ...revised.sources]);
    // mergePaper would have kept the first title and the longer abstract.
    expect(mergePaper(hf, revised).title).toBe(hf.title);
  });

  it('is stable: revising with the same record again gives the same JSON (nothing to store)', () => {
    const once = reviseFromArxiv(hf, revised);
    expect(JSON.stringify(reviseFromArxiv(once, revised))).toBe(JSON.stringify(once));
    const fresh = reviseFromArxiv(revised, revised);
    expect(JSON.stringify(fresh)).toBe(JSON.stringify(revised));
  });

  it('drops a short name the new title no longer has, and replaces an extractive summary', () => {
    const old = paper('arxiv');
    const plain = paper('arxiv', { title: 'Compressing Key-Value Caches Before Generation', abstract: 'We compress caches. It works well on long inputs.' });
    const out = reviseFromArxiv(old, plain);
    expect(out.name).toBeUndefined();
    expect(out.summary).toBe(plain.summary);
  });
});
