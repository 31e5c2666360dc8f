import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHfClient, DEFAULT_HF_API_URL, toPaper, type HfClientOptions } from '../../src/sources/hf.ts';
import { DEFAULT_USER_AGENT, type HttpOptions } from '../../src/sources/http.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { FakeHf, hfItem, refusedUrl } from '../fakes/hf/fake-hf.ts';
import { failure } from './helpers.ts';

const DAY = '2024-11-04';
const fake = new FakeHf();

beforeAll(() => fake.start());
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setDay(DAY, []);
});

/** A client on the fake that never really sleeps; `slept` records the waits. */
function client(opts: HfClientOptions = {}, http: HttpOptions = {}): { hf: ReturnType<typeof createHfClient>; slept: number[] } {
  const slept: number[] = [];
  const hf = createHfClient({
    baseUrl: fake.url,
    ...opts,
    http: { sleep: async (ms) => void slept.push(ms), random: () => 0.5, timeoutMs: 2000, ...http },
  });
  return { hf, slept };
}

const ids = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `2411.${String(from + i).padStart(5, '0')}`);

describe('HF client: good data', () => {
  it('maps every field exactly', async () => {
    fake.setDay(DAY, [
      hfItem({
        id: '2411.01234',
        title: '  SnapKV:\n  LLM Knows What You are   Looking for Before Generation ',
        summary: 'Key-Value (KV) cache\nhas grown.\n\n  We introduce SnapKV.  ',
        upvotes: 42,
        authors: ['Yuhong Li', '  Yingbing Huang ', 'Hidden Person', ''],
        listedAt: '2024-11-04T13:45:00.000Z',
        numComments: 3,
        githubRepo: 'https://github.com/FasterDecoding/SnapKV',
        githubStars: 512,
        projectPage: 'https://snapkv.example.org',
        aiSummary: ' SnapKV compresses\nthe KV cache. ',
        keywords: ['KV cache', ' compression '],
        paper: {
          authors: [
            { _id: 'a', name: 'Yuhong Li', hidden: false },
            { _id: 'b', name: '  Yingbing Huang ', hidden: false },
            { _id: 'c', name: 'Hidden Person', hidden: true },
            { _id: 'd', name: '   ', hidden: false },
            { _id: 'e', name: null },
          ],
        },
      }),
    ]);
    const { hf } = client();
    const batch = await hf.fetchDay(DAY);
    expect(batch).toEqual({
      source: 'hf',
      unit: DAY,
      skipped: [],
      papers: [
        {
          arxivId: '2411.01234',
          title: 'SnapKV: LLM Knows What You are Looking for Before Generation',
          abstract: 'Key-Value (KV) cache has grown. We introduce SnapKV.',
          authors: ['Yuhong Li', 'Yingbing Huang'],
          published: DAY,
          upvotes: 42,
          comments: 3,
          githubRepo: 'https://github.com/FasterDecoding/SnapKV',
          githubStars: 512,
          projectPage: 'https://snapkv.example.org',
          aiSummary: 'SnapKV compresses the KV cache.',
          keywords: ['KV cache', 'compression'],
        } satisfies FetchedPaper,
      ],
    });
  });

  it('treats nulls as absent and leaves optional fields out', async () => {
    fake.setDay(DAY, [
      hfItem({
        id: '2411.00001',
        githubRepo: null,
        githubStars: null,
        projectPage: null,
        aiSummary: null,
        keywords: null,
        paper: { upvotes: null },
        item: { numComments: null },
      }),
    ]);
    const { hf } = client();
    const [paper] = (await hf.fetchDay(DAY)).papers;
    expect(paper).toEqual({
      arxivId: '2411.00001',
      title: 'A Study of Paper 2411.00001',
      abstract: 'We study paper 2411.00001. Our method improves throughput by 2.1x while keeping accuracy within 0.5% of the baseline.',
      authors: ['Ada Lovelace', 'Alan Turing'],
      published: DAY,
    });
    // No key is present with an undefined value (toEqual would not tell).
    expect(Object.keys(paper ?? {}).sort()).toEqual(['abstract', 'arxivId', 'authors', 'published', 'title']);
  });

  it('requests the documented URL with the User-Agent', async () => {
    const { hf } = client({ baseUrl: `${fake.url}/`, pageSize: 100 });
    await hf.fetchDay(DAY);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req?.path).toBe('/api/daily_papers');
    expect(req?.query).toEqual({ date: DAY, limit: '100', p: '0' });
    expect(req?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(req?.headers.accept).toBe('application/json');
  });

  it('pages until a short page', async () => {
    const all = ids(7);
    fake.setDay(
      DAY,
      all.map((id) => hfItem({ id })),
    );
    const { hf } = client({ pageSize: 3 });
    const batch = await hf.fetchDay(DAY);
    expect(batch.papers.map((p) => p.arxivId)).toEqual(all);
    expect(fake.requests.map((r) => r.query.p)).toEqual(['0', '1', '2']);
    expect(fake.requests.every((r) => r.query.limit === '3')).toBe(true);
  });

  it('asks for one more (empty) page when the last page is full', async () => {
    fake.setDay(
      DAY,
      ids(6).map((id) => hfItem({ id })),
    );
    const { hf } = client({ pageSize: 3 });
    expect((await hf.fetchDay(DAY)).papers).toHaveLength(6);
    expect(fake.requests.map((r) => r.query.p)).toEqual(['0', '1', '2']);
  });

  it('stops at maxPages', async () => {
    fake.setDay(
      DAY,
      ids(10).map((id) => hfItem({ id })),
    );
    const { hf } = client({ pageSize: 2, maxPages: 3 });
    expect((await hf.fetchDay(DAY)).papers).toHaveLength(6);
    expect(fake.requests).toHaveLength(3);
  });

  it('returns an empty batch for a quiet day', async () => {
    const { hf } = client();
    expect(await hf.fetchDay('2024-11-09')).toEqual({ source: 'hf', unit: '2024-11-09', papers: [], skipped: [] });
  });

  it('uses the listing day in UTC, else the requested date', async () => {
    fake.setDay(DAY, [
      hfItem({ id: '2411.00001', listedAt: '2024-11-03T23:30:00-02:00' }),
      hfItem({ id: '2411.00002', item: { publishedAt: undefined } }),
      hfItem({ id: '2411.00003', item: { publishedAt: 'not a date' } }),
    ]);
    // setDay fills in a missing publishedAt (the 2nd item); toPaper shows the bare fallback below.
    const { hf } = client();
    const papers = (await hf.fetchDay(DAY)).papers;
    expect(papers.map((p) => p.published)).toEqual(['2024-11-04', DAY, DAY]);
    expect(toPaper(hfItem({ id: '2411.00004' }), '2024-01-02')).toMatchObject({ published: '2024-01-02' });
  });

  it('strips versions and prefixes from ids, and keeps the first of duplicates', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001v2', title: 'First' }), hfItem({ id: 'arXiv:2411.00002' }), hfItem({ id: '2411.00001', title: 'Again' })]);
    const { hf } = client();
    const batch = await hf.fetchDay(DAY);
    expect(batch.papers.map((p) => [p.arxivId, p.title])).toEqual([
      ['2411.00001', 'First'],
      ['2411.00002', 'A Study of Paper arXiv:2411.00002'],
    ]);
    expect(batch.skipped).toEqual([]);
  });

  it('falls back to the item title when the paper has none', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001', paper: { title: undefined }, item: { title: ' Outer\n title ' } })]);
    const { hf } = client();
    expect((await hf.fetchDay(DAY)).papers[0]?.title).toBe('Outer title');
  });

  it('rejects a date that is not YYYY-MM-DD', async () => {
    const { hf } = client();
    await expect(hf.fetchDay('2024-11-4')).rejects.toThrow(RangeError);
    await expect(hf.fetchDay('yesterday')).rejects.toThrow(/YYYY-MM-DD/);
    expect(fake.requests).toHaveLength(0);
  });

  it('defaults to the real Hugging Face URL', () => {
    expect(DEFAULT_HF_API_URL).toBe('https://huggingface.co');
  });
});

describe('HF client: bad items', () => {
  it('skips and counts an item with no abstract, keeping the rest', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001' }), hfItem({ id: '2611.99999', paper: { summary: '   ' } }), hfItem({ id: '2411.00003' })]);
    const { hf } = client();
    const batch = await hf.fetchDay(DAY);
    expect(batch.papers.map((p) => p.arxivId)).toEqual(['2411.00001', '2411.00003']);
    expect(batch.skipped).toEqual([{ id: '2611.99999', reason: 'no abstract' }]);
  });

  it('gives a reason for each kind of bad item', async () => {
    fake.setDay(DAY, [
      hfItem({ id: '2411.00001', paper: { summary: undefined } }),
      hfItem({ id: '2411.00002', paper: { title: null }, item: { title: '' } }),
      hfItem({ id: '2411.00003', paper: { id: undefined } }),
      hfItem({ id: 'not-an-id' }),
      hfItem({ id: '2411.00005', paper: { title: 42 } }),
      hfItem({ id: '2411.00006', paper: { authors: 'Somebody' } }),
      hfItem({ id: '2411.00007', item: { paper: undefined } }),
      'just a string',
      hfItem({ id: '2411.00009' }),
    ]);
    const { hf } = client();
    const batch = await hf.fetchDay(DAY);
    expect(batch.papers.map((p) => p.arxivId)).toEqual(['2411.00009']);
    expect(batch.skipped).toHaveLength(8);
    expect(batch.skipped[0]).toEqual({ id: '2411.00001', reason: 'no abstract' });
    expect(batch.skipped[1]).toEqual({ id: '2411.00002', reason: 'no title' });
    expect(batch.skipped[2]).toEqual({ reason: 'no id' });
    expect(batch.skipped[3]).toEqual({ id: 'not-an-id', reason: 'bad id' });
    expect(batch.skipped[4]?.id).toBe('2411.00005');
    expect(batch.skipped[4]?.reason).toMatch(/^invalid: paper\.title: /);
    expect(batch.skipped[5]?.reason).toMatch(/^invalid: paper\.authors: /);
    expect(batch.skipped[6]).toMatchObject({ reason: expect.stringMatching(/^invalid: paper: /) as unknown });
    expect(batch.skipped[6]?.id).toBeUndefined();
    expect(batch.skipped[7]?.reason).toMatch(/^invalid: /);
  });
});

describe('HF client: failures', () => {
  it('throws on malformed JSON and returns nothing of the day', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001' })]);
    fake.fail({ kind: 'malformed' });
    const { hf } = client();
    const err = await failure(hf.fetchDay(DAY));
    expect(err.reason).toBe('malformed JSON from Hugging Face');
    expect(err.url).toContain('/api/daily_papers?date=2024-11-04');
  });

  it('throws when a later page is malformed', async () => {
    fake.setDay(
      DAY,
      ids(5).map((id) => hfItem({ id })),
    );
    fake.fail({ kind: 'raw', body: JSON.stringify([hfItem({ id: '2411.00001' }), hfItem({ id: '2411.00002' })]) });
    fake.fail({ kind: 'malformed' });
    const { hf } = client({ pageSize: 2 });
    const err = await failure(hf.fetchDay(DAY));
    expect(err.reason).toBe('malformed JSON from Hugging Face');
    expect(fake.requests).toHaveLength(2);
  });

  it('throws when the body is JSON but not an array', async () => {
    fake.fail({ kind: 'raw', body: '{"error":"Invalid date"}' });
    const { hf } = client();
    expect((await failure(hf.fetchDay(DAY))).reason).toBe('malformed JSON from Hugging Face');
  });

  it('times out', async () => {
    fake.fail({ kind: 'hang' });
    const { hf } = client({}, { timeoutMs: 200, tries: 1 });
    expect((await failure(hf.fetchDay(DAY))).reason).toBe('timed out after 0.2 s');
  });

  it('reports connection refused', async () => {
    const hf = createHfClient({ baseUrl: await refusedUrl(), http: { tries: 1 } });
    expect((await failure(hf.fetchDay(DAY))).reason).toBe('connection refused');
  });

  it('retries 5xx with backoff and then succeeds', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001' })]);
    fake.fail({ kind: 'status', status: 500, times: 2 });
    const { hf, slept } = client();
    expect((await hf.fetchDay(DAY)).papers).toHaveLength(1);
    expect(slept).toEqual([750, 1500]);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after 3 tries of 5xx', async () => {
    fake.fail({ kind: 'status', status: 503, times: 3 });
    const { hf } = client();
    const err = await failure(hf.fetchDay(DAY));
    expect(err.reason).toBe('HTTP 503 after 3 tries');
    expect(fake.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    fake.setDay(DAY, [hfItem({ id: '2411.00001' })]);
    fake.fail({ kind: 'status', status: 429, retryAfter: '2' });
    const { hf, slept } = client();
    expect((await hf.fetchDay(DAY)).papers).toHaveLength(1);
    expect(slept).toEqual([2000]);
  });

  it('does not retry a 404', async () => {
    fake.fail({ kind: 'status', status: 404 });
    const { hf, slept } = client();
    const err = await failure(hf.fetchDay(DAY));
    expect(err.reason).toBe('HTTP 404');
    expect(err.status).toBe(404);
    expect(slept).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });
});
