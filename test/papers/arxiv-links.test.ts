/** Every arXiv link in one form: https, no version (issue 21: `http://…v2` from arXiv beside `https://…` from HF). */
import { describe, expect, it } from 'vitest';
import { canonicalArxivUrl } from '../../src/papers/arxiv-id.ts';
import { mergePaper } from '../../src/papers/merge.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import { parseArxivFeed } from '../../src/sources/arxiv.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import type { Paper } from '../../src/papers/paper.ts';

describe('canonicalArxivUrl', () => {
  it.each([
    ['http://arxiv.org/pdf/2411.01234v2', 'https://arxiv.org/pdf/2411.01234'],
    ['https://arxiv.org/pdf/2411.01234v2.pdf', 'https://arxiv.org/pdf/2411.01234'],
    ['http://export.arxiv.org/abs/2411.01234v1', 'https://arxiv.org/abs/2411.01234'],
    ['https://www.arxiv.org/abs/hep-th/9901001v2', 'https://arxiv.org/abs/hep-th/9901001'],
    ['https://arxiv.org/pdf/2411.01234', 'https://arxiv.org/pdf/2411.01234'],
    ['http://arxiv.org/list/cs.CL/recent', 'https://arxiv.org/list/cs.CL/recent'],
    ['https://github.com/org/repo', 'https://github.com/org/repo'],
    ['http://example.com/abs/2411.01234', 'http://example.com/abs/2411.01234'],
  ])('%s -> %s', (url, want) => {
    expect(canonicalArxivUrl(url)).toBe(want);
  });
});

const ARXIV_XML = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
<opensearch:totalResults>1</opensearch:totalResults>
<entry><id>http://arxiv.org/abs/2411.01234v2</id><published>2024-11-02T00:00:00Z</published>
<title>Wombat Attention for Long Documents</title>
<summary>We propose Wombat Attention, which is 3x faster on long documents; see also http://arxiv.org/abs/2301.00001v3 for the baseline.</summary>
<author><name>Ada Lovelace</name></author>
<link href="http://arxiv.org/abs/2411.01234v2" rel="alternate" type="text/html"/>
<link title="pdf" href="http://arxiv.org/pdf/2411.01234v2" rel="related" type="application/pdf"/>
</entry></feed>`;

function fromFeed(f: FetchedPaper, feed: 'hf' | 'arxiv'): Paper {
  const r = paperFromFeed(f, feed);
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

describe('papers from the feeds', () => {
  it('an arXiv record links https, version-less, like an HF record; merged, they keep one PDF link', () => {
    const fetched = parseArxivFeed(ARXIV_XML, 'http://test').papers[0]!;
    expect(fetched.pdfUrl).toBe('http://arxiv.org/pdf/2411.01234v2');
    const arxiv = fromFeed(fetched, 'arxiv');
    const { pdfUrl: _pdf, ...withoutPdf } = fetched;
    const hf = fromFeed({ ...withoutPdf, upvotes: 4 }, 'hf');
    for (const p of [arxiv, hf]) {
      const arxivLinks = p.links.filter((l) => /arxiv\.org/.test(l.url)).map((l) => l.url);
      expect(arxivLinks.every((u) => u.startsWith('https://'))).toBe(true);
      expect(arxivLinks.filter((u) => /\/pdf\//.test(u))).toEqual(['https://arxiv.org/pdf/2411.01234']);
      expect(arxivLinks).toContain('https://arxiv.org/abs/2411.01234');
    }
    const merged = mergePaper(hf, arxiv);
    expect(merged.links.filter((l) => l.kind === 'pdf')).toEqual([{ url: 'https://arxiv.org/pdf/2411.01234', kind: 'pdf' }]);
  });
});
