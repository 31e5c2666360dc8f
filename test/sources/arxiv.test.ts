import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArxivClient, createThrottle, DEFAULT_ARXIV_API_URL, parseArxivFeed, type ArxivClientOptions } from '../../src/sources/arxiv.ts';
import { DEFAULT_USER_AGENT, type HttpOptions } from '../../src/sources/http.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { arxivEntry, errorFeedXml, FakeArxiv, feedXml, refusedUrl } from '../fakes/arxiv/fake-arxiv.ts';
import { failure } from './helpers.ts';

const fake = new FakeArxiv();

beforeAll(() => fake.start());
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setEntries('cs.CL', []);
});

/**
 * A client on the fake with a fake clock: `sleep` advances the clock instead of waiting, and
 * `starts` records the clock at every request start.
 */
function client(opts: ArxivClientOptions = {}, http: HttpOptions = {}) {
  let clock = 1_000_000;
  const slept: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    slept.push(ms);
    clock += ms;
  };
  const arxiv = createArxivClient({
    baseUrl: fake.url,
    now: () => clock,
    ...opts,
    http: { sleep, random: () => 0.5, timeoutMs: 2000, ...http },
  });
  return {
    arxiv,
    slept,
    tick: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => arxivEntry({ id: `2411.${String(n - i).padStart(5, '0')}`, version: 2 }));

describe('arXiv client: good data', () => {
  it('maps every field exactly, collapsing the wrapped title and summary', async () => {
    const entry = arxivEntry({
      id: '2411.01234',
      version: 3,
      title: 'SnapKV: LLM Knows What You are Looking for Before Generation, a Rather Long Title That Wraps',
      summary:
        'Large language models (LLMs) have made remarkable progress in processing extensive contexts, with the ' +
        'Key-Value (KV) cache playing a vital role. We introduce SnapKV & friends, with <5% overhead.',
      authors: ['Yuhong Li', 'Yingbing Huang', 'Bowen Yang'],
      published: '2024-11-02T17:59:59Z',
      categories: ['cs.CL', 'cs.LG', 'cs.CL', 'cs.AI'],
    });
    // The helper really produces multi-line, indented text.
    expect(entry.title).toContain('\n  ');
    expect(entry.summary).toMatch(/^ {2}.*\n.*\n$/s);
    fake.setEntries('cs.CL', [entry]);
    const { arxiv } = client();
    const page = await arxiv.fetchPage('cs.CL', 0, 50);
    expect(page).toEqual({
      source: 'arxiv',
      unit: 'cs.CL@0',
      totalResults: 1,
      skipped: [],
      papers: [
        {
          arxivId: '2411.01234',
          title: 'SnapKV: LLM Knows What You are Looking for Before Generation, a Rather Long Title That Wraps',
          abstract:
            'Large language models (LLMs) have made remarkable progress in processing extensive contexts, with the ' +
            'Key-Value (KV) cache playing a vital role. We introduce SnapKV & friends, with <5% overhead.',
          authors: ['Yuhong Li', 'Yingbing Huang', 'Bowen Yang'],
          published: '2024-11-02',
          categories: ['cs.CL', 'cs.LG', 'cs.AI'],
          pdfUrl: 'http://arxiv.org/pdf/2411.01234v3',
        } satisfies FetchedPaper,
      ],
    });
  });

  it('puts the primary category first', async () => {
    fake.setEntries('cs.LG', [arxivEntry({ id: '2411.00001' }, { categories: ['stat.ML', 'cs.LG'] })]);
    const xml = feedXml({
      query: 'x',
      start: 0,
      totalResults: 1,
      entries: [
        [
          '<entry>',
          '<id>http://arxiv.org/abs/2411.00002v1</id><published>2024-11-01T00:00:00Z</published>',
          '<title>T</title><summary>S</summary>',
          '<category term="cs.LG"/><category term="stat.ML"/>',
          '<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="stat.ML"/>',
          '</entry>',
        ].join(''),
      ],
    });
    expect(parseArxivFeed(xml, 'u').papers[0]?.categories).toEqual(['stat.ML', 'cs.LG']);
  });

  it('requests the documented, properly encoded URL with the User-Agent', async () => {
    const { arxiv } = client();
    await arxiv.fetchPage('cs.CL', 100, 50);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req?.path).toBe('/api/query');
    expect(req?.query).toEqual({
      search_query: 'cat:cs.CL',
      sortBy: 'submittedDate',
      sortOrder: 'descending',
      start: '100',
      max_results: '50',
    });
    expect(req?.url).toBe('/api/query?search_query=cat%3Acs.CL&sortBy=submittedDate&sortOrder=descending&start=100&max_results=50');
    expect(req?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
  });

  it('pages by start/max_results and reports totalResults', async () => {
    const all = entries(5);
    fake.setEntries('cs.CL', all);
    const { arxiv } = client({ minIntervalMs: 0 });
    const p0 = await arxiv.fetchPage('cs.CL', 0, 2);
    const p1 = await arxiv.fetchPage('cs.CL', 2, 2);
    const p2 = await arxiv.fetchPage('cs.CL', 4, 2);
    const p3 = await arxiv.fetchPage('cs.CL', 6, 2);
    expect([p0, p1, p2, p3].map((p) => p.unit)).toEqual(['cs.CL@0', 'cs.CL@2', 'cs.CL@4', 'cs.CL@6']);
    expect([p0, p1, p2, p3].map((p) => p.totalResults)).toEqual([5, 5, 5, 5]);
    expect([...p0.papers, ...p1.papers, ...p2.papers].map((p) => p.arxivId)).toEqual(['2411.00005', '2411.00004', '2411.00003', '2411.00002', '2411.00001']);
    expect(p3.papers).toEqual([]);
  });

  it('handles a single-entry feed (not an array in the parsed XML)', async () => {
    fake.setEntries('cs.CL', [arxivEntry({ id: '2411.00001', authors: ['Solo Author'], categories: ['cs.CL'] })]);
    const { arxiv } = client();
    const page = await arxiv.fetchPage('cs.CL', 0, 10);
    expect(page.papers).toHaveLength(1);
    expect(page.papers[0]?.authors).toEqual(['Solo Author']);
    expect(page.papers[0]?.categories).toEqual(['cs.CL']);
  });

  it('handles an empty feed', async () => {
    const { arxiv } = client();
    expect(await arxiv.fetchPage('cs.CL', 0, 10)).toEqual({
      source: 'arxiv',
      unit: 'cs.CL@0',
      papers: [],
      skipped: [],
      totalResults: 0,
    });
  });

  it('keeps numeric-looking text as text and old-style ids as they are', () => {
    const xml = feedXml({
      query: 'x',
      start: 0,
      totalResults: 1,
      entries: [arxivEntry({ id: 'hep-th/9901001', title: '1234', summary: '0.50' })],
    });
    expect(parseArxivFeed(xml, 'u').papers[0]).toMatchObject({ arxivId: 'hep-th/9901001', title: '1234', abstract: '0.50' });
  });

  it('defaults to the real arXiv endpoint', () => {
    expect(DEFAULT_ARXIV_API_URL).toBe('https://export.arxiv.org/api/query');
  });
});

describe('arXiv client: bad entries', () => {
  it('skips and counts entries missing id, title, summary or date', async () => {
    fake.setEntries('cs.CL', [
      arxivEntry({ id: '2411.00001' }),
      arxivEntry({ id: '2411.00002' }, { summary: null }),
      arxivEntry({ id: '2411.00003' }, { title: '   ' }),
      arxivEntry({ id: '2411.00004' }, { id: null }),
      arxivEntry({ id: '2411.00005' }, { id: 'http://example.com/whatever' }),
      arxivEntry({ id: '2411.00006' }, { published: null }),
      arxivEntry({ id: '2411.00007' }),
    ]);
    const { arxiv } = client();
    const page = await arxiv.fetchPage('cs.CL', 0, 10);
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2411.00001', '2411.00007']);
    expect(page.skipped).toEqual([
      { id: '2411.00002', reason: 'no abstract' },
      { id: '2411.00003', reason: 'no title' },
      { reason: 'no id' },
      { id: 'http://example.com/whatever', reason: 'bad id' },
      { id: '2411.00006', reason: 'no published date' },
    ]);
    expect(page.totalResults).toBe(7);
  });
});

describe('arXiv client: failures', () => {
  it('throws on malformed XML and returns no papers', async () => {
    fake.setEntries('cs.CL', entries(3));
    fake.fail({ kind: 'malformed' });
    const { arxiv } = client();
    const err = await failure(arxiv.fetchPage('cs.CL', 0, 10));
    expect(err.reason).toBe('malformed XML from arXiv');
    expect(err.url).toContain('search_query=cat%3Acs.CL');
  });

  it('throws on XML that is not a feed', async () => {
    fake.fail({ kind: 'raw', body: '<html><body>Service unavailable</body></html>' });
    const { arxiv } = client();
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('not an Atom feed from arXiv');
  });

  it('turns the error feed into a SourceError with its message (HTTP 400)', async () => {
    fake.fail({ kind: 'raw', status: 400, body: errorFeedXml('max_results must be non-negative') });
    const { arxiv } = client();
    const err = await failure(arxiv.fetchPage('cs.CL', 0, 10));
    expect(err.reason).toBe('arXiv API error: max_results must be non-negative');
    expect(err.status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns the error feed into a SourceError with its message (HTTP 200)', async () => {
    fake.fail({ kind: 'raw', body: errorFeedXml('incorrect id format for 1234.12345') });
    const { arxiv } = client();
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('arXiv API error: incorrect id format for 1234.12345');
  });

  it('the fake answers a negative start with the error feed', async () => {
    const { arxiv } = client();
    expect((await failure(arxiv.fetchPage('cs.CL', -1, 10))).reason).toBe('arXiv API error: start must be non-negative');
  });

  it('says HTTP 400 for a 400 without an error feed', async () => {
    fake.fail({ kind: 'raw', status: 400, body: 'Bad Request', contentType: 'text/plain' });
    const { arxiv } = client();
    const err = await failure(arxiv.fetchPage('cs.CL', 0, 10));
    expect(err.reason).toBe('HTTP 400');
    expect(err.status).toBe(400);
  });

  it('times out', async () => {
    fake.fail({ kind: 'hang' });
    const { arxiv } = client({}, { timeoutMs: 200, tries: 1 });
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('timed out after 0.2 s');
  });

  it('reports connection refused', async () => {
    const { arxiv } = client({ baseUrl: `${await refusedUrl()}/api/query` }, { tries: 1 });
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('connection refused');
  });

  it('retries 5xx and then succeeds, still spacing the requests', async () => {
    fake.setEntries('cs.CL', entries(2));
    fake.fail({ kind: 'status', status: 503 });
    const { arxiv, slept } = client();
    expect((await arxiv.fetchPage('cs.CL', 0, 10)).papers).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
    // 750 ms backoff, then the rate limit tops it up to 3 s since the first start.
    expect(slept).toEqual([750, 2250]);
  });

  it('gives up after 3 tries of 5xx', async () => {
    fake.fail({ kind: 'status', status: 502, times: 3 });
    const { arxiv } = client({ minIntervalMs: 0 });
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('HTTP 502 after 3 tries');
    expect(fake.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    fake.fail({ kind: 'status', status: 429, retryAfter: '2' });
    const { arxiv, slept } = client({ minIntervalMs: 0 });
    await arxiv.fetchPage('cs.CL', 0, 10);
    expect(slept).toEqual([2000]);
  });

  it('does not retry a 404', async () => {
    fake.fail({ kind: 'status', status: 404 });
    const { arxiv } = client();
    expect((await failure(arxiv.fetchPage('cs.CL', 0, 10))).reason).toBe('HTTP 404');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('arXiv client: rate limit', () => {
  it('spaces requests at least 3 s apart, start to start, across calls', async () => {
    fake.setEntries('cs.CL', entries(6));
    const { arxiv, slept, tick } = client();
    await arxiv.fetchPage('cs.CL', 0, 2);
    expect(slept).toEqual([]);
    tick(1000);
    await arxiv.fetchPage('cs.CL', 2, 2);
    expect(slept).toEqual([2000]);
    tick(5000);
    await arxiv.fetchPage('cs.CL', 4, 2);
    expect(slept).toEqual([2000]);
  });

  it('serialises concurrent calls', async () => {
    fake.setEntries('cs.CL', entries(6));
    const { arxiv, slept, now } = client();
    const t0 = now();
    const pages = await Promise.all([0, 2, 4].map((start) => arxiv.fetchPage('cs.CL', start, 2)));
    expect(pages.map((p) => p.papers.length)).toEqual([2, 2, 2]);
    expect(fake.requests.map((r) => r.query.start)).toEqual(['0', '2', '4']);
    expect(slept).toEqual([3000, 3000]);
    expect(now() - t0).toBe(6000);
  });

  it('createThrottle lets callers through in order, intervalMs apart', async () => {
    let clock = 0;
    const passed: number[] = [];
    const gate = createThrottle(
      3000,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        await gate();
        passed.push(clock);
      }),
    );
    expect(passed).toEqual([0, 3000, 6000, 9000]);
  });

  it('really waits with the real clock', async () => {
    fake.setEntries('cs.CL', entries(3));
    const arxiv = createArxivClient({ baseUrl: fake.url, minIntervalMs: 120 });
    await arxiv.fetchPage('cs.CL', 0, 1);
    await arxiv.fetchPage('cs.CL', 1, 1);
    await arxiv.fetchPage('cs.CL', 2, 1);
    const at = fake.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(110);
  });
});
