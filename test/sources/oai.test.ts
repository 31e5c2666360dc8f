import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, type HttpOptions } from '../../src/sources/http.ts';
import {
  createOaiClient,
  DEFAULT_OAI_URL,
  harvest,
  OaiError,
  parseListRecords,
  type HarvestPosition,
  type OaiClientOptions,
  type OaiPage,
} from '../../src/sources/oai.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { deletedRecord, FakeOai, listRecordsXml, oaiErrorXml, oaiRecord, type OaiRecord } from '../fakes/oai/fake-oai.ts';
import { failure } from './helpers.ts';

const fake = new FakeOai();

beforeAll(() => fake.start());
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.pageSize = 3;
  fake.tokenCounts = true;
  fake.setRecords([]);
});

/**
 * A client on the fake with a fake clock: both sleeps advance the clock instead of waiting;
 * `throttled` records the rate limit's waits, `retried` the HTTP layer's waits between attempts.
 */
function client(opts: OaiClientOptions = {}, http: HttpOptions = {}) {
  let clock = 1_000_000;
  const throttled: number[] = [];
  const retried: number[] = [];
  const oai = createOaiClient({
    baseUrl: fake.url,
    now: () => clock,
    sleep: async (ms) => {
      throttled.push(ms);
      clock += ms;
    },
    ...opts,
    http: {
      sleep: async (ms) => {
        retried.push(ms);
        clock += ms;
      },
      random: () => 0.5,
      timeoutMs: 2000,
      ...http,
    },
  });
  return {
    oai,
    throttled,
    retried,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

/** What a caller stores: every page's papers and deletions in order, and the positions handed over. */
function memoryStore(hook: (page: OaiPage, n: number) => void | Promise<void> = () => undefined) {
  const papers: string[] = [];
  const deleted: string[] = [];
  const positions: HarvestPosition[] = [];
  let calls = 0;
  return {
    papers,
    deleted,
    positions,
    /** The last stored position. */
    get position(): HarvestPosition | undefined {
      return positions.at(-1);
    },
    onPage: async (page: OaiPage, position: HarvestPosition): Promise<void> => {
      calls++;
      await hook(page, calls); // may throw: then nothing of the page is stored, as in a rolled-back transaction
      papers.push(...page.papers.map((p) => p.arxivId));
      deleted.push(...page.deleted);
      positions.push(position);
    },
  };
}

/** `n` records `2411.00001…`, datestamps 2024-11-01, -02, ... (cycling over 9 days). */
const records = (n: number, init: Partial<OaiRecord> = {}): OaiRecord[] =>
  Array.from({ length: n }, (_, i) => oaiRecord({ id: `2411.${String(i + 1).padStart(5, '0')}`, datestamp: `2024-11-0${(i % 9) + 1}` }, init));
const ids = (rs: OaiRecord[]) => rs.map((r) => r.id);

describe('OAI client: parsing records', () => {
  it('maps a realistic record exactly: wrapped title and abstract collapsed, split names in order, categories, first DOI, created date', async () => {
    const record = oaiRecord(
      {
        id: '2411.01234',
        datestamp: '2024-11-04',
        created: '2024-10-30',
        title: 'SnapKV: LLM Knows What You are Looking for Before Generation, a Rather Long Title That Wraps & Wraps',
        abstract:
          'Large language models (LLMs) have made remarkable progress in processing extensive contexts, with the ' +
          'Key-Value (KV) cache playing a vital role. We introduce SnapKV, with <5% overhead on $O(n)$ memory.',
        authors: [
          { keyname: 'Smith', forenames: 'John A.', suffix: 'Jr', affiliation: 'MIT' },
          { keyname: "Garc\\'ia", forenames: 'Ana' },
          { keyname: 'ATLAS Collaboration' },
          { keyname: 'Li', forenames: 'Yuhong' },
        ],
        categories: 'cs.CL cs.LG stat.ML',
        doi: '10.1103/PhysRevLett.99.131803 10.1103/PhysRevLett.99.139901',
      },
      { updated: '2024-11-02', comments: '12 pages,\n  3 figures', journalRef: 'Phys. Rev. Lett. 99 (2007)' },
    );
    // The fixture really is wrapped like arXiv's output.
    expect(record.title).toContain('\n  ');
    expect(record.abstract).toMatch(/^ {2}.*\n.*\n$/s);
    fake.setRecords([record]);
    const { oai } = client();
    const page = await oai.listRecords({ set: 'cs' });
    expect(page).toEqual({
      papers: [
        {
          arxivId: '2411.01234',
          title: 'SnapKV: LLM Knows What You are Looking for Before Generation, a Rather Long Title That Wraps & Wraps',
          abstract:
            'Large language models (LLMs) have made remarkable progress in processing extensive contexts, with the ' +
            'Key-Value (KV) cache playing a vital role. We introduce SnapKV, with <5% overhead on $O(n)$ memory.',
          authors: ['John A. Smith Jr', 'Ana García', 'ATLAS Collaboration', 'Yuhong Li'],
          published: '2024-10-30',
          categories: ['cs.CL', 'cs.LG', 'stat.ML'],
          doi: '10.1103/PhysRevLett.99.131803',
        } satisfies FetchedPaper,
      ],
      deleted: [],
      skipped: [],
      latestDatestamp: '2024-11-04',
    } satisfies OaiPage);
  });

  it('reports deleted records by arXiv id (old-style ids too), not as papers, and counts their datestamps', async () => {
    fake.setRecords([
      oaiRecord({ id: '2411.00001', datestamp: '2024-11-02' }),
      deletedRecord('2411.00002', '2024-11-03'),
      deletedRecord('hep-th/9901001', '2024-11-05', ['physics:hep-th', 'cs:cs:CL']),
    ]);
    const { oai } = client();
    const page = await oai.listRecords({ set: 'cs' });
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2411.00001']);
    expect(page.deleted).toEqual(['2411.00002', 'hep-th/9901001']);
    expect(page.skipped).toEqual([]);
    expect(page.latestDatestamp).toBe('2024-11-05');
  });

  it('keeps old-style ids, and numeric-looking text as text', async () => {
    fake.setRecords([oaiRecord({ id: 'hep-th/9901001', title: '1234', abstract: '0.50', categories: 'hep-th' }, { sets: ['physics:hep-th'] })]);
    const { oai } = client();
    const page = await oai.listRecords({ set: 'physics:hep-th' });
    expect(page.papers[0]).toMatchObject({ arxivId: 'hep-th/9901001', title: '1234', abstract: '0.50', categories: ['hep-th'] });
  });

  it('skips records without id, title, abstract or created date, saying why', async () => {
    fake.setRecords([
      oaiRecord({ id: '2411.00001' }),
      oaiRecord({ id: '2411.00002' }, { abstract: null }),
      oaiRecord({ id: '2411.00003' }, { title: '   ' }),
      oaiRecord({ id: '2411.00004' }, { metaId: null }),
      oaiRecord({ id: '2411.00005' }, { metaId: 'not-an-id' }),
      oaiRecord({ id: '2411.00006' }, { created: null }),
      oaiRecord({ id: '2411.00007' }, { abstract: '  \n  ' }),
      oaiRecord({ id: '2411.00008' }),
    ]);
    fake.pageSize = 10;
    const { oai } = client();
    const page = await oai.listRecords({ set: 'cs' });
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2411.00001', '2411.00008']);
    expect(page.skipped).toEqual([
      { id: '2411.00002', reason: 'no abstract' },
      { id: '2411.00003', reason: 'no title' },
      { id: '2411.00004', reason: 'no id' },
      { id: 'not-an-id', reason: 'bad id' },
      { id: '2411.00006', reason: 'no created date' },
      { id: '2411.00007', reason: 'no abstract' },
    ]);
  });

  it('skips a record without metadata, and a deleted record whose identifier is no arXiv id', () => {
    const xml = listRecordsXml({
      records: [
        '<record><header><identifier>oai:arXiv.org:2411.00009</identifier><datestamp>2024-11-01</datestamp></header></record>',
        '<record><header status="deleted"><identifier>oai:example.org:x</identifier><datestamp>2024-11-01</datestamp></header></record>',
      ],
    });
    expect(parseListRecords(xml, 'u').skipped).toEqual([
      { id: '2411.00009', reason: 'no arXiv metadata' },
      { id: 'oai:example.org:x', reason: 'deleted record with a bad id' },
    ]);
  });

  it('drops empty author names and repeated categories', async () => {
    fake.setRecords([oaiRecord({ id: '2411.00001', authors: [{ keyname: ' ' }, { keyname: 'Turing', forenames: 'Alan' }], categories: 'cs.LG  cs.AI cs.LG' })]);
    const { oai } = client();
    const [paper] = (await oai.listRecords({ set: 'cs' })).papers;
    expect(paper?.authors).toEqual(['Alan Turing']);
    expect(paper?.categories).toEqual(['cs.LG', 'cs.AI']);
    expect(paper?.doi).toBeUndefined();
  });
});

describe('OAI client: requests and pages', () => {
  it('asks for ListRecords in the arXiv format with set and from, then for the token alone', async () => {
    fake.setRecords(records(5, { datestamp: '2024-11-03' }));
    const { oai } = client();
    const first = await oai.listRecords({ set: 'cs', from: '2024-11-03' });
    expect(first.resumptionToken).toBe('1|3');
    await oai.listRecords({ resumptionToken: '1|3' });
    expect(fake.requests.map((r) => r.query)).toEqual([
      { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-11-03' },
      { verb: 'ListRecords', resumptionToken: '1|3' },
    ]);
    expect(fake.requests[0]?.path).toBe('/oai');
    expect(fake.requests[1]?.url).toBe('/oai?verb=ListRecords&resumptionToken=1%7C3');
    expect(fake.requests[0]?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
  });

  it('leaves set out for all of arXiv, and from out when not given', async () => {
    fake.setRecords(records(1));
    const { oai } = client();
    await oai.listRecords({ set: '' });
    expect(fake.requests[0]?.query).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv' });
  });

  it('refuses a from that is not YYYY-MM-DD, and an empty token, without a request', async () => {
    const { oai } = client();
    expect((await failure(oai.listRecords({ set: 'cs', from: '2024-11-03T00:00:00Z' }))).reason).toBe(
      'bad from date "2024-11-03T00:00:00Z" (expected YYYY-MM-DD)',
    );
    expect((await failure(oai.listRecords({ resumptionToken: '' }))).reason).toBe('empty resumption token');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads the token with cursor and completeListSize; the empty token of the last page means no next page', async () => {
    fake.setRecords(records(5));
    const { oai } = client();
    const first = await oai.listRecords({ set: 'cs' });
    expect(first).toMatchObject({ resumptionToken: '1|3', cursor: 0, completeListSize: 5 });
    const last = await oai.listRecords({ resumptionToken: '1|3' });
    expect(last.papers.map((p) => p.arxivId)).toEqual(['2411.00004', '2411.00005']);
    expect(last.resumptionToken).toBeUndefined();
    expect(last).toMatchObject({ cursor: 3, completeListSize: 5 });
  });

  it("reads a token without counts (today's arXiv), and a list with no token element at all", async () => {
    fake.tokenCounts = false;
    fake.setRecords(records(4));
    const { oai } = client();
    const first = await oai.listRecords({ set: 'cs' });
    expect(first.resumptionToken).toBe('1|3');
    expect(first.cursor).toBeUndefined();
    expect(first.completeListSize).toBeUndefined();
    const one = parseListRecords(listRecordsXml({ records: records(1) }), 'u');
    expect(one.resumptionToken).toBeUndefined();
    const blank = parseListRecords(listRecordsXml({ records: records(1), token: { value: '  ' } }), 'u');
    expect(blank.resumptionToken).toBeUndefined();
  });

  it('defaults to arXiv’s OAI-PMH endpoint of 2025', () => {
    expect(DEFAULT_OAI_URL).toBe('https://oaipmh.arxiv.org/oai');
    expect(createOaiClient().baseUrl).toBe(DEFAULT_OAI_URL);
  });
});

describe('OAI harvest', () => {
  it('follows resumption tokens across 3 pages: every record once, in order, positions to resume from', async () => {
    const all = records(8);
    fake.setRecords(all);
    const { oai } = client();
    const store = memoryStore();
    const summary = await harvest(oai, { set: 'cs', from: '2024-11-01' }, store.onPage);
    expect(store.papers).toEqual(ids(all));
    expect(store.positions).toEqual([
      { resumptionToken: '1|3', from: '2024-11-01' },
      { resumptionToken: '2|6', from: '2024-11-01' },
      // The list is complete: the next incremental harvest starts at the largest datestamp seen.
      { from: '2024-11-08' },
    ]);
    expect(summary).toEqual({ pages: 3, papers: 8, deleted: 0, skipped: 0, restarted: false, position: { from: '2024-11-08' } });
    expect(fake.requests.map((r) => r.query.resumptionToken ?? 'start')).toEqual(['start', '1|3', '2|6']);
  });

  it('hands deleted records to the caller and counts them', async () => {
    fake.setRecords([...records(2), deletedRecord('2410.00001', '2024-11-09'), ...records(2).map((r) => ({ ...r, id: r.id.replace('2411', '2412') }))]);
    const { oai } = client();
    const store = memoryStore();
    const summary = await harvest(oai, { set: 'cs' }, store.onPage);
    expect(store.deleted).toEqual(['2410.00001']);
    expect(store.papers).toEqual(['2411.00001', '2411.00002', '2412.00001', '2412.00002']);
    expect(summary).toMatchObject({ pages: 2, papers: 4, deleted: 1, position: { from: '2024-11-09' } });
  });

  it('harvests only the set asked for, from the day asked for', async () => {
    fake.setRecords([
      oaiRecord({ id: '2411.00001', datestamp: '2024-11-02' }),
      oaiRecord({ id: '2411.00002', datestamp: '2024-11-03' }),
      oaiRecord({ id: '2411.00003', datestamp: '2024-11-04', sets: ['math:math:NA'] }),
      oaiRecord({ id: '2411.00004', datestamp: '2024-11-05', sets: ['cs:cs:AI', 'math:math:NA'] }),
      oaiRecord({ id: '2411.00005', datestamp: '2024-11-03', sets: ['cs'] }),
    ]);
    const { oai } = client();
    const store = memoryStore();
    await harvest(oai, { set: 'cs', from: '2024-11-03' }, store.onPage);
    expect(store.papers).toEqual(['2411.00002', '2411.00004', '2411.00005']);
    expect(fake.requests[0]?.query).toMatchObject({ set: 'cs', from: '2024-11-03' });
  });

  it('treats noRecordsMatch as an empty harvest: one empty page, position unchanged', async () => {
    fake.setRecords(records(3));
    const { oai } = client();
    const pages: OaiPage[] = [];
    const positions: HarvestPosition[] = [];
    const summary = await harvest(oai, { set: 'cs', from: '2025-01-01' }, async (page, position) => {
      pages.push(page);
      positions.push(position);
    });
    expect(pages).toEqual([{ papers: [], deleted: [], skipped: [] }]);
    expect(positions).toEqual([{ from: '2025-01-01' }]);
    expect(summary).toEqual({ pages: 1, papers: 0, deleted: 0, skipped: 0, restarted: false, position: { from: '2025-01-01' } });
  });

  it('waits out 503 Retry-After mid-harvest (the injected sleep gets the Retry-After) and completes', async () => {
    const all = records(5);
    fake.setRecords(all);
    const { oai, retried, throttled } = client();
    const store = memoryStore((_page, n) => {
      if (n === 1) fake.fail({ kind: 'status', status: 503, retryAfter: '20', times: 2 });
    });
    const summary = await harvest(oai, { set: 'cs' }, store.onPage);
    expect(retried).toEqual([20_000, 20_000]);
    // Only the first gap needed the rate limit; the Retry-After waits were longer than 3 s.
    expect(throttled).toEqual([3000]);
    expect(store.papers).toEqual(ids(all));
    expect(summary.pages).toBe(2);
    expect(fake.requests.map((r) => r.fault ?? 'ok')).toEqual(['ok', 'status', 'status', 'ok']);
  });

  it('gives up at once on a Retry-After beyond the limit', async () => {
    fake.setRecords(records(2));
    fake.fail({ kind: 'status', status: 503, retryAfter: '3600' });
    const { oai, retried } = client();
    const err = await failure(harvest(oai, { set: 'cs' }, async () => undefined));
    expect(err.reason).toBe('HTTP 503: Retry-After 3600 s exceeds the 600 s limit');
    expect(retried).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries up to 8 attempts by default (arXiv flow control can answer 503 several times)', async () => {
    fake.setRecords(records(2));
    fake.fail({ kind: 'status', status: 503, retryAfter: '30', times: 7 });
    const { oai, retried } = client();
    const page = await oai.listRecords({ set: 'cs' });
    expect(page.papers).toHaveLength(2);
    expect(retried).toEqual(Array.from({ length: 7 }, () => 30_000));
    expect(fake.requests).toHaveLength(8);
  });

  it('spaces requests 3 s apart, start to start: time spent storing a page counts', async () => {
    fake.setRecords(records(9));
    const { oai, throttled, tick } = client();
    const store = memoryStore(() => tick(1000)); // storing a page takes 1 s
    await harvest(oai, { set: 'cs' }, store.onPage);
    expect(throttled).toEqual([2000, 2000]);
  });

  it('spaces retries too: after a short backoff the rate limit waits the rest of the 3 s', async () => {
    fake.setRecords(records(1));
    fake.fail({ kind: 'status', status: 503 });
    const { oai, throttled, retried } = client();
    await oai.listRecords({ set: 'cs' });
    expect(retried).toEqual([750]);
    expect(throttled).toEqual([2250]);
  });

  it('honours a custom minIntervalMs', async () => {
    fake.setRecords(records(4));
    const { oai, throttled } = client({ minIntervalMs: 500 });
    await harvest(oai, { set: 'cs' }, async () => undefined);
    expect(throttled).toEqual([500]);
  });
});

describe('OAI client: failures', () => {
  it('throws on malformed XML', async () => {
    fake.fail({ kind: 'malformed' });
    const { oai } = client();
    const err = await failure(oai.listRecords({ set: 'cs' }));
    expect(err.reason).toBe('malformed XML from arXiv OAI-PMH');
    expect(err.url).toContain('verb=ListRecords');
  });

  it('throws on XML that is not an OAI-PMH response, or not a ListRecords one', async () => {
    fake.fail({ kind: 'raw', body: '<html><body>Service unavailable</body></html>' });
    fake.fail({ kind: 'raw', body: '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><Identify/></OAI-PMH>' });
    const { oai } = client();
    expect((await failure(oai.listRecords({ set: 'cs' }))).reason).toBe('not an OAI-PMH response');
    expect((await failure(oai.listRecords({ set: 'cs' }))).reason).toBe('not a ListRecords response');
  });

  it('turns an OAI-PMH error into an OaiError with its code and message', async () => {
    fake.failOai('badArgument', 'Set "cs.XX" does not exist.');
    const { oai } = client();
    const err = await failure(oai.listRecords({ set: 'cs' }));
    expect(err).toBeInstanceOf(OaiError);
    expect(err.reason).toBe('OAI error badArgument: Set "cs.XX" does not exist.');
    expect((err as OaiError).code).toBe('badArgument');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports an unknown or expired token as OAI error badResumptionToken', async () => {
    const { oai } = client();
    const err = await failure(oai.listRecords({ resumptionToken: '99|3' }));
    expect(err.reason).toBe('OAI error badResumptionToken: The value of the resumptionToken argument is invalid or expired.');
  });

  it('names every error of a response, and reads OAI errors sent with HTTP 400', async () => {
    const two = oaiErrorXml('badArgument', 'Illegal argument foo.').replace('</error>', '</error>\n<error code="badVerb">No verb.</error>');
    fake.fail({ kind: 'raw', body: two });
    fake.fail({ kind: 'raw', status: 400, body: oaiErrorXml('cannotDisseminateFormat', 'Bad format.') });
    fake.fail({ kind: 'raw', status: 400, body: 'Bad Request', contentType: 'text/plain' });
    fake.fail({ kind: 'raw', status: 400, body: listRecordsXml({ records: records(1) }) });
    const { oai } = client();
    expect((await failure(oai.listRecords({ set: 'cs' }))).reason).toBe('OAI error badArgument: Illegal argument foo.; badVerb: No verb.');
    const err = await failure(oai.listRecords({ set: 'cs' }));
    expect([err.reason, err.status]).toEqual(['OAI error cannotDisseminateFormat: Bad format.', 400]);
    const plain = await failure(oai.listRecords({ set: 'cs' }));
    expect([plain.reason, plain.status]).toEqual(['HTTP 400', 400]);
    expect((await failure(oai.listRecords({ set: 'cs' }))).reason).toBe('HTTP 400');
  });

  it('fails a harvest whose token does not advance instead of looping', async () => {
    fake.fail({ kind: 'raw', body: listRecordsXml({ records: records(1), token: { value: 'same' } }), times: 2 });
    const { oai } = client();
    const store = memoryStore();
    const err = await failure(harvest(oai, { set: 'cs' }, store.onPage));
    expect(err.reason).toBe('OAI-PMH resumption token did not advance (same)');
    expect(store.papers).toEqual(['2411.00001']);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('OAI harvest: resuming after a failure', () => {
  it('continues from the stored token after a dropped connection: no record lost or repeated', async () => {
    const all = records(8);
    fake.setRecords(all);
    const store = memoryStore((_page, n) => {
      if (n === 1) fake.fail({ kind: 'reset', times: 2 }); // the connection drops for good after page 1
    });
    const first = client({}, { tries: 2 });
    const err = await failure(harvest(first.oai, { set: 'cs', from: '2024-11-01' }, store.onPage));
    expect(err.reason).toBe('connection reset after 2 tries');
    expect(store.papers).toEqual(ids(all.slice(0, 3)));
    expect(store.position).toEqual({ resumptionToken: '1|3', from: '2024-11-01' });

    fake.requests.length = 0;
    const at = store.position;
    const second = client();
    const summary = await harvest(second.oai, { set: 'cs', from: at?.from, resumeToken: at?.resumptionToken }, store.onPage);
    expect(store.papers).toEqual(ids(all));
    expect(new Set(store.papers).size).toBe(all.length);
    expect(fake.requests[0]?.query).toEqual({ verb: 'ListRecords', resumptionToken: '1|3' });
    expect(summary).toMatchObject({ pages: 2, papers: 5, restarted: false, position: { from: '2024-11-08' } });
  });

  it('resumes at the page whose storing failed (onPage threw): nothing requested after the failure, nothing lost', async () => {
    const all = records(8);
    fake.setRecords(all);
    let failOnce = true;
    const store = memoryStore((_page, n) => {
      if (n === 2 && failOnce) {
        failOnce = false;
        throw new Error('database is locked');
      }
    });
    const { oai } = client();
    await expect(harvest(oai, { set: 'cs' }, store.onPage)).rejects.toThrow('database is locked');
    expect(fake.requests).toHaveLength(2);
    expect(store.papers).toEqual(ids(all.slice(0, 3)));
    const at = store.position;
    expect(at).toEqual({ resumptionToken: '1|3' });

    await harvest(oai, { set: 'cs', resumeToken: at?.resumptionToken }, store.onPage);
    expect(store.papers).toEqual(ids(all));
    expect(fake.requests.map((r) => r.query.resumptionToken ?? 'start')).toEqual(['start', '1|3', '1|3', '3|6']);
  });

  it('falls back to from = the stored position.from when the stored token has expired', async () => {
    const old = oaiRecord({ id: '2410.09999', datestamp: '2024-10-30' });
    const all = records(8);
    fake.setRecords([old, ...all]);
    const store = memoryStore((_page, n) => {
      if (n === 1) fake.fail({ kind: 'reset' });
    });
    const { oai } = client({}, { tries: 1 });
    await failure(harvest(oai, { set: 'cs', from: '2024-11-01' }, store.onPage));
    expect(store.papers).toEqual(ids(all.slice(0, 3)));
    const at = store.position;
    expect(at).toEqual({ resumptionToken: '1|3', from: '2024-11-01' });

    fake.expireTokens(); // a day later
    fake.requests.length = 0;
    const summary = await harvest(oai, { set: 'cs', from: at?.from, resumeToken: at?.resumptionToken }, store.onPage);
    expect(summary.restarted).toBe(true);
    expect(fake.requests.map((r) => r.query)).toEqual([
      { verb: 'ListRecords', resumptionToken: '1|3' },
      { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-11-01' },
      { verb: 'ListRecords', resumptionToken: '2|3' },
      { verb: 'ListRecords', resumptionToken: '3|6' },
    ]);
    // Nothing lost; the pages stored before the failure come again (an upsert absorbs them); nothing before `from`.
    expect(new Set(store.papers)).toEqual(new Set(ids(all)));
    expect(store.papers).toEqual([...ids(all.slice(0, 3)), ...ids(all)]);
    expect(store.position).toEqual({ from: '2024-11-08' });
  });

  it('restarts from from once when a token expires mid-harvest', async () => {
    const all = records(8);
    fake.setRecords(all);
    const store = memoryStore((_page, n) => {
      if (n === 1) fake.expireTokens();
    });
    const { oai } = client();
    const summary = await harvest(oai, { set: 'cs', from: '2024-11-01' }, store.onPage);
    expect(summary.restarted).toBe(true);
    expect(new Set(store.papers)).toEqual(new Set(ids(all)));
    expect(store.position).toEqual({ from: '2024-11-08' });
    expect(fake.requests.map((r) => r.query.resumptionToken ?? 'start')).toEqual(['start', '1|3', 'start', '2|3', '3|6']);
  });

  it('fails when a token is refused a second time in one harvest', async () => {
    fake.setRecords(records(8));
    const store = memoryStore(() => fake.expireTokens()); // every token dies at once
    const { oai } = client();
    const err = await failure(harvest(oai, { set: 'cs' }, store.onPage));
    expect(err).toBeInstanceOf(OaiError);
    expect((err as OaiError).code).toBe('badResumptionToken');
    expect(fake.requests.map((r) => r.query.resumptionToken ?? 'start')).toEqual(['start', '1|3', 'start', '2|3']);
  });

  it('does not restart a list that was not resumed by token when the server says badResumptionToken', async () => {
    fake.failOai('badResumptionToken', 'Nonsense.');
    const { oai } = client();
    const err = await failure(harvest(oai, { set: 'cs', from: '2024-11-01' }, async () => undefined));
    expect((err as OaiError).code).toBe('badResumptionToken');
    expect(fake.requests).toHaveLength(1);
  });

  it('does not fall back on other errors of a resumed list', async () => {
    fake.failOai('badArgument', 'Illegal argument.');
    const { oai } = client();
    const err = await failure(harvest(oai, { set: 'cs', from: '2024-11-01', resumeToken: '1|3' }, async () => undefined));
    expect((err as OaiError).code).toBe('badArgument');
    expect(fake.requests).toHaveLength(1);
  });
});
