import type { ServerResponse } from 'node:http';
import { escapeXml } from '../arxiv/fake-arxiv.ts';
import { FakeHttpServer, refusedUrl, type FakeFault, type FakeRequest } from '../hf/fake-hf.ts';

/**
 * A local fake of arXiv's OAI-PMH endpoint (node:http on 127.0.0.1, a free port) for tests and
 * end-to-end runs (`OAI_URL=<fake.url>`). It serves `GET /oai?verb=ListRecords&metadataPrefix=arXiv
 * [&set=…][&from=YYYY-MM-DD][&until=…]` and `?verb=ListRecords&resumptionToken=…` from the records
 * set with `setRecords` (in the order given), `pageSize` records a page. A list is fixed when it is
 * first requested (its tokens keep serving it, idempotently, until `expireTokens`). Like arXiv, it
 * answers bad arguments with OAI-PMH errors (HTTP 200), an empty selection with `noRecordsMatch`,
 * logs every request, and can be told to fail the next ones (`fail`: 503 with `Retry-After`,
 * dropped connections, raw bodies; `failOai`: an OAI-PMH error).
 *
 * Run children asynchronously (`execFile`, `spawn`): the fake answers on the test's event loop.
 */

export { refusedUrl, type FakeFault, type FakeRequest };

export interface OaiAuthor {
  keyname: string;
  forenames?: string;
  suffix?: string;
  affiliation?: string;
}

/** One record as the fake serves it. `null` leaves an element out (to test broken records). */
export interface OaiRecord {
  /** Version-less arXiv id (`2411.01234`, `hep-th/9901001`); the header identifier is `oai:arXiv.org:<id>`. */
  id: string;
  /** Header datestamp, `YYYY-MM-DD`: the last change of the record. */
  datestamp: string;
  /** Header setSpecs (`cs:cs:CL`); harvesting set `cs` matches `cs` and everything under `cs:`. */
  sets: string[];
  /** A deleted record: header (with `status="deleted"`) only. */
  deleted?: boolean;
  /** The metadata `<id>`; default `id`. */
  metaId?: string | null;
  /** First version's date, `YYYY-MM-DD`. */
  created: string | null;
  updated?: string;
  authors: OaiAuthor[];
  /** As served: wrapped over several lines, like arXiv does. */
  title: string | null;
  /** Space-separated, primary first. */
  categories: string;
  comments?: string;
  journalRef?: string;
  doi?: string;
  license?: string;
  /** As served: leading spaces, wrapped lines, trailing newline. */
  abstract: string | null;
}

export interface OaiRecordInit {
  id: string;
  datestamp?: string;
  sets?: string[];
  /** Single-line text; it gets wrapped like the real feed. */
  title?: string;
  abstract?: string;
  authors?: OaiAuthor[];
  created?: string;
  categories?: string;
  doi?: string;
}

/** A record shaped like arXiv's: multi-line title and abstract, split author names, a license. */
export function oaiRecord(init: OaiRecordInit, overrides: Partial<OaiRecord> = {}): OaiRecord {
  const title = init.title ?? `Efficient Long-Context Inference for Paper ${init.id} with Sparse Attention Kernels`;
  const abstract =
    init.abstract ??
    `We present a method for ${init.id} that compresses the key-value cache of large language models. ` +
      'Across eight benchmarks it keeps 98.5% of the accuracy while using 4x less memory, and it needs no fine-tuning.';
  const created = init.created ?? '2024-11-01';
  return {
    id: init.id,
    datestamp: init.datestamp ?? created,
    sets: init.sets ?? ['cs:cs:CL'],
    created,
    authors: init.authors ?? [
      { keyname: 'Lovelace', forenames: 'Ada' },
      { keyname: 'Turing', forenames: 'Alan M.' },
    ],
    title: wrap(title, 70, '\n  '),
    categories: init.categories ?? 'cs.CL cs.LG',
    license: 'http://creativecommons.org/licenses/by/4.0/',
    abstract: `  ${wrap(abstract, 78, '\n')}\n`,
    ...(init.doi !== undefined ? { doi: init.doi } : {}),
    ...overrides,
  };
}

/** A deleted record: only its header comes back. */
export function deletedRecord(id: string, datestamp: string, sets: string[] = ['cs:cs:CL']): OaiRecord {
  return { id, datestamp, sets, deleted: true, created: null, authors: [], title: null, categories: '', abstract: null };
}

/** Break `text` into lines of at most `width` characters, joined by `sep`. */
function wrap(text: string, width: number, sep: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(sep);
}

/** One `<record>` as arXiv writes it in the `arXiv` metadata format. */
export function recordXml(r: OaiRecord): string {
  const header = [
    `<header${r.deleted ? ' status="deleted"' : ''}>`,
    `<identifier>oai:arXiv.org:${escapeXml(r.id)}</identifier>`,
    `<datestamp>${escapeXml(r.datestamp)}</datestamp>`,
    ...r.sets.map((s) => `<setSpec>${escapeXml(s)}</setSpec>`),
    '</header>',
  ].join('\n');
  if (r.deleted) return `<record>\n${header}\n</record>`;
  const el = (name: string, value: string | null | undefined): string[] =>
    value === null || value === undefined ? [] : [`<${name}>${escapeXml(value)}</${name}>`];
  const authors = r.authors.map((a) =>
    [
      '<author>',
      ...el('keyname', a.keyname),
      ...el('forenames', a.forenames),
      ...el('suffix', a.suffix),
      ...el('affiliation', a.affiliation),
      '</author>',
    ].join(''),
  );
  const meta = [
    '<arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">',
    ...el('id', r.metaId === undefined ? r.id : r.metaId),
    ...el('created', r.created),
    ...el('updated', r.updated),
    `<authors>${authors.join('')}</authors>`,
    ...el('title', r.title),
    ...el('categories', r.categories),
    ...el('comments', r.comments),
    ...el('journal-ref', r.journalRef),
    ...el('doi', r.doi),
    ...el('license', r.license),
    ...el('abstract', r.abstract),
    '</arXiv>',
  ].join('');
  return `<record>\n${header}\n<metadata>\n${meta}\n</metadata>\n</record>`;
}

/** The resumption token element: a value (absent = the empty token of the last page) and optional counts. */
export interface TokenXml {
  value?: string;
  cursor?: number;
  completeListSize?: number;
}

function envelope(request: Record<string, string>, body: string): string {
  const attrs = Object.entries(request)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">',
    '<responseDate>2024-11-06T00:00:00Z</responseDate>',
    `<request${attrs}>https://oaipmh.arxiv.org/oai</request>`,
    body,
    '</OAI-PMH>',
    '',
  ].join('\n');
}

/** A whole `ListRecords` response: records (objects or raw XML) and an optional resumption token. */
export function listRecordsXml(opts: { records: (OaiRecord | string)[]; token?: TokenXml; request?: Record<string, string> }): string {
  const parts = opts.records.map((r) => (typeof r === 'string' ? r : recordXml(r)));
  const t = opts.token;
  if (t) {
    const attrs = `${t.cursor !== undefined ? ` cursor="${t.cursor}"` : ''}${t.completeListSize !== undefined ? ` completeListSize="${t.completeListSize}"` : ''}`;
    parts.push(t.value !== undefined ? `<resumptionToken${attrs}>${escapeXml(t.value)}</resumptionToken>` : `<resumptionToken${attrs}/>`);
  }
  return envelope(opts.request ?? { verb: 'ListRecords', metadataPrefix: 'arXiv' }, `<ListRecords>\n${parts.join('\n')}\n</ListRecords>`);
}

/** An OAI-PMH error response (`noRecordsMatch`, `badResumptionToken`, `badArgument`, ...). */
export function oaiErrorXml(code: string, message: string, request: Record<string, string> = { verb: 'ListRecords' }): string {
  return envelope(request, `<error code="${escapeXml(code)}">${escapeXml(message)}</error>`);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface ListState {
  records: OaiRecord[];
  /** Index of the page's first record. */
  offset: number;
}

export interface FakeOaiOptions {
  /** Records a page. Default 3. */
  pageSize?: number;
  /** `cursor` and `completeListSize` on tokens (the pre-2025 arXiv did; today's does not). Default true. */
  tokenCounts?: boolean;
}

/** The fake OAI-PMH endpoint. `start()` resolves to the base URL (`…/oai`) for `OAI_URL`. */
export class FakeOai {
  pageSize: number;
  tokenCounts: boolean;
  #records: OaiRecord[] = [];
  readonly #tokens = new Map<string, ListState>();
  #issued = 0;
  readonly #http = new FakeHttpServer((req, res) => this.#answer(req, res), {
    body: '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n<ListRecords>\n<record><header><identifier>oai:arXiv.org:2411.0',
    contentType: 'text/xml; charset=utf-8',
  });

  constructor(opts: FakeOaiOptions = {}) {
    this.pageSize = opts.pageSize ?? 3;
    this.tokenCounts = opts.tokenCounts ?? true;
  }

  /** Every request, in order. */
  get requests(): FakeRequest[] {
    return this.#http.requests;
  }

  /** `http://127.0.0.1:<port>/oai` (valid after `start`). */
  get url(): string {
    return `${this.#http.origin}/oai`;
  }

  async start(): Promise<string> {
    await this.#http.start();
    return this.url;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** The repository's records, in the order lists serve them. */
  setRecords(records: OaiRecord[]): void {
    this.#records = [...records];
  }

  /** Every token issued so far is refused from now on (`badResumptionToken`), as when arXiv's expire. */
  expireTokens(): void {
    this.#tokens.clear();
  }

  /** Queue a fault for the next request(s): `{ kind: 'status', status: 503, retryAfter: '20', times: 2 }`, `{ kind: 'reset' }`, ... */
  fail(fault: FakeFault): void {
    this.#http.fail(fault);
  }

  /** Answer the next request(s) with this OAI-PMH error. */
  failOai(code: string, message: string, times = 1): void {
    this.#http.fail({ kind: 'raw', body: oaiErrorXml(code, message), times });
  }

  /** Forget requests, pending faults and issued tokens, and number tokens from 1 again (records stay). */
  reset(): void {
    this.#http.reset();
    this.expireTokens();
    this.#issued = 0;
  }

  #answer(req: FakeRequest, res: ServerResponse): void {
    if (req.method !== 'GET' || req.path !== '/oai') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    const q = req.query;
    const error = (code: string, message: string): void => send(res, oaiErrorXml(code, message, q.verb === 'ListRecords' ? { verb: 'ListRecords' } : {}));
    if (q.verb !== 'ListRecords') return error('badVerb', q.verb === undefined ? 'The verb argument is missing.' : `The fake does not serve verb ${q.verb}.`);

    const token = q.resumptionToken;
    if (token !== undefined) {
      if (Object.keys(q).some((k) => k !== 'verb' && k !== 'resumptionToken')) return error('badArgument', 'resumptionToken is an exclusive argument.');
      const state = this.#tokens.get(token);
      if (!state) return error('badResumptionToken', 'The value of the resumptionToken argument is invalid or expired.');
      return send(res, this.#page(state.records, state.offset, q));
    }

    const known = new Set(['verb', 'metadataPrefix', 'set', 'from', 'until']);
    const unknown = Object.keys(q).find((k) => !known.has(k));
    if (unknown !== undefined) return error('badArgument', `Illegal argument ${unknown}.`);
    if (q.metadataPrefix === undefined) return error('badArgument', 'The metadataPrefix argument is missing.');
    if (q.metadataPrefix !== 'arXiv') return error('cannotDisseminateFormat', `The fake only serves the arXiv format, not ${q.metadataPrefix}.`);
    for (const k of ['from', 'until'] as const) {
      const v = q[k];
      if (v !== undefined && !DAY.test(v)) return error('badArgument', `Bad ${k} date ${v}: the granularity is YYYY-MM-DD.`);
    }
    const { set, from, until } = q;
    const matches = this.#records.filter(
      (r) =>
        (set === undefined || r.sets.some((s) => s === set || s.startsWith(`${set}:`))) &&
        (from === undefined || r.datestamp >= from) &&
        (until === undefined || r.datestamp <= until),
    );
    if (matches.length === 0)
      return error('noRecordsMatch', 'The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list.');
    send(res, this.#page(matches, 0, q));
  }

  #page(records: OaiRecord[], offset: number, request: Record<string, string>): string {
    const end = offset + this.pageSize;
    const counts = this.tokenCounts ? { cursor: offset, completeListSize: records.length } : {};
    let token: TokenXml | undefined;
    if (end < records.length) {
      const value = `${++this.#issued}|${end}`;
      this.#tokens.set(value, { records, offset: end });
      token = { value, ...counts };
    } else if (offset > 0) token = counts; // the empty token that ends an incomplete-list sequence
    return listRecordsXml({ records: records.slice(offset, end), ...(token ? { token } : {}), request });
  }
}

function send(res: ServerResponse, xml: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(xml);
}
