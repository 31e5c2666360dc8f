/**
 * arXiv OAI-PMH client: `ListRecords` in arXiv's own metadata format (`metadataPrefix=arXiv`), one
 * page per call, parsed with fast-xml-parser into `FetchedPaper`s plus the ids of deleted records;
 * and `harvest`, which follows the resumption tokens of one list page by page. Requests of one
 * client are spaced at least `minIntervalMs` apart (start to start, retries included), as arXiv's
 * terms of use ask; arXiv's flow control (`503` with `Retry-After`) is waited for by `fetchResponse`.
 * HTTP and parsing only: the caller stores pages and positions.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseArxivRef } from '../papers/arxiv-id.ts';
import { cleanLatex } from '../parse/latex.ts';
import { fetchResponse, type HttpOptions } from './http.ts';
import { SourceError, type FetchedPaper, type SkippedItem } from './types.ts';

/** arXiv's OAI-PMH base URL since March 2025 (before: `http://export.arxiv.org/oai2`). */
export const DEFAULT_OAI_URL = 'https://oaipmh.arxiv.org/oai';
/** arXiv asks for no more than one request every three seconds. */
export const DEFAULT_OAI_MIN_INTERVAL_MS = 3000;
/** Attempts per request: arXiv answers `503 Retry-After` for flow control, sometimes several times in a row. */
export const DEFAULT_OAI_TRIES = 8;
/** arXiv's `Retry-After` is tens of seconds to minutes; longer than this fails the request. */
export const DEFAULT_OAI_MAX_RETRY_AFTER_MS = 10 * 60_000;
/** Per attempt: a page of a few thousand records in the `arXiv` format takes a while. */
export const DEFAULT_OAI_TIMEOUT_MS = 60_000;
/** An OAI-PMH set of arXiv: an archive (`cs`, `math`, `physics`) or `group:archive[:CATEGORY]` (`cs:cs:AI`, `physics:hep-th`). */
export const OAI_SET = /^[a-z][a-z-]*(?::[a-z][a-z-]*(?::[A-Za-z][A-Za-z-]*)?)?$/;

/** Start of the reason of an `OaiError`. */
export const OAI_ERROR = 'OAI error';

export interface OaiClientOptions {
  /** The OAI-PMH base URL (`OAI_URL`). Default `DEFAULT_OAI_URL`. */
  baseUrl?: string;
  /** Minimum time between request starts, retries included. Default 3000. */
  minIntervalMs?: number;
  /** `tries` defaults to 8, `maxRetryAfterMs` to 10 min, `timeoutMs` to 60 s. */
  http?: HttpOptions;
  /** Clock for the rate limit. Default `Date.now`. */
  now?: () => number;
  /** Waits for the rate limit. Default `http.sleep`, else a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The first request of a list (`set`: `cs`, `physics:hep-th`, `cs:cs:AI`; `''` = all of arXiv), or a later page. */
export type OaiListRequest = { set: string; from?: string } | { resumptionToken: string };

/** One `ListRecords` response. */
export interface OaiPage {
  papers: FetchedPaper[];
  /** arXiv ids of records whose header says `status="deleted"`. */
  deleted: string[];
  skipped: SkippedItem[];
  /** The token for the next page; absent on the last page. */
  resumptionToken?: string;
  /** When the server says (arXiv's 2025 implementation no longer does). */
  completeListSize?: number;
  cursor?: number;
  /** The largest header datestamp on the page, `YYYY-MM-DD`. */
  latestDatestamp?: string;
}

/** An OAI-PMH `<error code="…">` (other than `noRecordsMatch`, which is an empty page). */
export class OaiError extends SourceError {
  /** `badResumptionToken`, `badArgument`, `cannotDisseminateFormat`, ... */
  readonly code: string;
  constructor(code: string, message: string, url: string, opts: { status?: number } = {}) {
    super(`${OAI_ERROR} ${code}${message ? `: ${message}` : ''}`, url, opts);
    this.code = code;
  }
}

export interface OaiClient {
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /**
   * One `ListRecords` request. Throws `OaiError` for an OAI-PMH error, `SourceError` when the page
   * cannot be fetched or parsed.
   */
  listRecords(req: OaiListRequest): Promise<OaiPage>;
}

/** `from` granularity: arXiv's datestamps are days. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function createOaiClient(opts: OaiClientOptions = {}): OaiClient {
  const baseUrl = opts.baseUrl ?? DEFAULT_OAI_URL;
  const throttle = createThrottle(
    opts.minIntervalMs ?? DEFAULT_OAI_MIN_INTERVAL_MS,
    opts.now ?? Date.now,
    opts.sleep ?? opts.http?.sleep ?? ((ms) => delay(ms)),
  );
  const outerBefore = opts.http?.beforeAttempt;
  const http: HttpOptions = {
    tries: DEFAULT_OAI_TRIES,
    maxRetryAfterMs: DEFAULT_OAI_MAX_RETRY_AFTER_MS,
    timeoutMs: DEFAULT_OAI_TIMEOUT_MS,
    ...opts.http,
    headers: { accept: 'text/xml, application/xml', ...opts.http?.headers },
    // OAI-PMH errors come with HTTP 200, but some servers send them with 400: read those too.
    acceptStatus: (status) => status === 400,
    beforeAttempt: async () => {
      if (outerBefore) await outerBefore();
      await throttle();
    },
  };

  return {
    baseUrl,
    async listRecords(req: OaiListRequest): Promise<OaiPage> {
      const url = new URL(baseUrl);
      url.searchParams.set('verb', 'ListRecords');
      if ('resumptionToken' in req) {
        // Exclusive argument: the token stands for set, from and the position in the list.
        if (req.resumptionToken === '') throw new SourceError('empty resumption token', baseUrl);
        url.searchParams.set('resumptionToken', req.resumptionToken);
      } else {
        url.searchParams.set('metadataPrefix', 'arXiv');
        if (req.set !== '') url.searchParams.set('set', req.set);
        if (req.from !== undefined) {
          if (!DAY.test(req.from)) throw new SourceError(`bad from date "${req.from}" (expected YYYY-MM-DD)`, baseUrl);
          url.searchParams.set('from', req.from);
        }
      }
      const href = url.toString();
      const { status, body } = await fetchResponse(href, http);
      const ok = status >= 200 && status < 300;
      try {
        return parseListRecords(body, href, status);
      } catch (err) {
        if (ok || err instanceof OaiError) throw err;
        throw new SourceError(`HTTP ${status}`, href, { status, cause: err });
      }
    },
  };
}

/** Where to resume a harvest: by token while it is valid, else by `from`. */
export interface HarvestPosition {
  /** The token of the next page; absent once the list is complete. */
  resumptionToken?: string;
  /** The `from` to restart the list with (`YYYY-MM-DD`); absent = from the beginning. */
  from?: string;
}

export interface HarvestRequest {
  set: string;
  /** Harvest records changed on or after this day (`YYYY-MM-DD`, inclusive). */
  from?: string;
  /** A stored `position.resumptionToken`: continue that list instead of starting one. */
  resumeToken?: string;
}

export interface HarvestSummary {
  pages: number;
  papers: number;
  deleted: number;
  skipped: number;
  /** The resumption token was refused (expired) and the list was started again from `from`. */
  restarted: boolean;
  /** The position after the last page: `{ from }` for the next incremental harvest. */
  position: HarvestPosition;
}

/**
 * Harvest one list: the first page (or the page of `resumeToken`), then every page its resumption
 * tokens lead to. `onPage` is awaited before the next request, with the page and the position to
 * resume from once that page is stored: store both in one transaction.
 *
 * How the caller resumes after a failure (a request that failed for good, or an `onPage` that
 * threw and stored nothing): call `harvest` again with the last stored position, `{ set, from:
 * position.from, resumeToken: position.resumptionToken }`. While the token is valid the list
 * continues at the first page not stored, with no record lost or repeated. arXiv's tokens expire
 * (daily since 2025): a token answered with `badResumptionToken` — at the start or between pages —
 * makes `harvest` start the list again from `position.from` (once per call; records of the pages
 * already stored come again, which an upsert absorbs). Tokens also say nothing about the order of
 * records, so `position.from` stays the `from` the list was started with until the list is
 * complete; the last page's position is `{ from: <the largest datestamp seen> }` (`from` is
 * inclusive, so records changed later that day come again next time), ready for the next
 * incremental run. A harvest with no matching records (`noRecordsMatch`) calls `onPage` once with
 * an empty page. Throws what `listRecords` throws, and what `onPage` throws.
 */
export async function harvest(
  client: OaiClient,
  req: HarvestRequest,
  onPage: (page: OaiPage, position: HarvestPosition) => Promise<void>,
): Promise<HarvestSummary> {
  const start: OaiListRequest = req.from !== undefined ? { set: req.set, from: req.from } : { set: req.set };
  const summary: HarvestSummary = { pages: 0, papers: 0, deleted: 0, skipped: 0, restarted: false, position: positionOf(undefined, req.from) };
  let next: OaiListRequest = req.resumeToken !== undefined && req.resumeToken !== '' ? { resumptionToken: req.resumeToken } : start;
  let latest = req.from;
  for (;;) {
    let page: OaiPage;
    try {
      page = await client.listRecords(next);
    } catch (err) {
      if (!(err instanceof OaiError) || err.code !== 'badResumptionToken' || !('resumptionToken' in next) || summary.restarted) throw err;
      summary.restarted = true;
      next = start;
      continue;
    }
    if (page.latestDatestamp !== undefined && (latest === undefined || page.latestDatestamp > latest)) latest = page.latestDatestamp;
    if (page.resumptionToken !== undefined && 'resumptionToken' in next && page.resumptionToken === next.resumptionToken) {
      throw new SourceError(`OAI-PMH resumption token did not advance (${next.resumptionToken})`, client.baseUrl);
    }
    const position = page.resumptionToken !== undefined ? positionOf(page.resumptionToken, req.from) : positionOf(undefined, latest);
    await onPage(page, position);
    summary.pages++;
    summary.papers += page.papers.length;
    summary.deleted += page.deleted.length;
    summary.skipped += page.skipped.length;
    summary.position = position;
    if (page.resumptionToken === undefined) return summary;
    next = { resumptionToken: page.resumptionToken };
  }
}

function positionOf(resumptionToken: string | undefined, from: string | undefined): HarvestPosition {
  const position: HarvestPosition = {};
  if (resumptionToken !== undefined) position.resumptionToken = resumptionToken;
  if (from !== undefined) position.from = from;
  return position;
}

/** A gate that lets one caller through at a time, each at least `intervalMs` after the previous one. */
function createThrottle(intervalMs: number, now: () => number, sleep: (ms: number) => Promise<void>): () => Promise<void> {
  let nextAt = Number.NEGATIVE_INFINITY;
  let chain: Promise<void> = Promise.resolve();
  return () => {
    const turn = chain.then(async () => {
      const wait = nextAt - now();
      if (wait > 0) await sleep(wait);
      nextAt = now() + intervalMs;
    });
    chain = turn.catch(() => undefined);
    return turn;
  };
}

/** Repeated elements that must always come back as arrays, even when there is only one. */
const ARRAY_TAGS = new Set(['record', 'author', 'setSpec', 'error']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && ARRAY_TAGS.has(tagName),
});

/**
 * A `ListRecords` response → one page. `noRecordsMatch` is an empty last page; any other OAI
 * error throws `OaiError`; malformed XML or something that is not an OAI-PMH response throws
 * `SourceError`. Exported for tests.
 */
export function parseListRecords(xml: string, url: string, status?: number): OaiPage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new SourceError('malformed XML from arXiv OAI-PMH', url, {
      status,
      cause: new Error(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`),
    });
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new SourceError('malformed XML from arXiv OAI-PMH', url, { status, cause: err });
  }
  const root = field(doc, 'OAI-PMH');
  if (!isRecord(root)) throw new SourceError('not an OAI-PMH response', url, { status });

  const errors = asArray(root.error).map((e) => ({ code: text(field(e, '@_code')) ?? 'unknown', message: text(e) ?? '' }));
  const real = errors.filter((e) => e.code !== 'noRecordsMatch');
  const [first] = real;
  if (first) {
    const message = real.map((e, i) => (i === 0 ? e.message : `${e.code}: ${e.message}`)).join('; ');
    throw new OaiError(first.code, message, url, { status });
  }
  const page: OaiPage = { papers: [], deleted: [], skipped: [] };
  if (errors.length > 0) return page;
  if (status !== undefined && (status < 200 || status >= 300)) throw new SourceError(`HTTP ${status}`, url, { status });

  const list = field(root, 'ListRecords');
  if (list === undefined) throw new SourceError('not a ListRecords response', url, { status });
  let latest: string | undefined;
  for (const record of asArray(field(list, 'record'))) {
    const header = field(record, 'header');
    const stamp = /^\d{4}-\d{2}-\d{2}/.exec(text(field(header, 'datestamp')) ?? '')?.[0];
    if (stamp !== undefined && (latest === undefined || stamp > latest)) latest = stamp;
    if (text(field(header, '@_status')) === 'deleted') {
      const identifier = text(field(header, 'identifier')) ?? '';
      const id = idFromIdentifier(identifier);
      if (id !== undefined) page.deleted.push(id);
      else page.skipped.push(identifier ? { id: identifier, reason: 'deleted record with a bad id' } : { reason: 'deleted record without an id' });
      continue;
    }
    const result = toPaper(record);
    if ('reason' in result) page.skipped.push(result);
    else page.papers.push(result);
  }
  if (latest !== undefined) page.latestDatestamp = latest;

  const token = field(list, 'resumptionToken');
  const value = text(token);
  if (value) page.resumptionToken = value;
  const size = count(field(token, '@_completeListSize'));
  if (size !== undefined) page.completeListSize = size;
  const cursor = count(field(token, '@_cursor'));
  if (cursor !== undefined) page.cursor = cursor;
  return page;
}

/** `oai:arXiv.org:2411.01234` → `2411.01234`; `undefined` if it is not an arXiv id. */
function idFromIdentifier(identifier: string): string | undefined {
  return parseArxivRef(identifier.replace(/^oai:arXiv\.org:/i, ''));
}

/** One non-deleted `<record>` → a paper, or why it was skipped. */
function toPaper(record: unknown): FetchedPaper | SkippedItem {
  const meta = field(field(record, 'metadata'), 'arXiv');
  const headerId = idFromIdentifier(text(field(field(record, 'header'), 'identifier')) ?? '');
  if (!isRecord(meta)) return headerId !== undefined ? { id: headerId, reason: 'no arXiv metadata' } : { reason: 'no arXiv metadata' };
  const rawId = text(meta.id);
  if (!rawId) return headerId !== undefined ? { id: headerId, reason: 'no id' } : { reason: 'no id' };
  const arxivId = parseArxivRef(rawId);
  if (!arxivId) return { id: rawId, reason: 'bad id' };
  const title = text(meta.title);
  if (!title) return { id: arxivId, reason: 'no title' };
  const abstract = text(meta.abstract);
  if (!abstract) return { id: arxivId, reason: 'no abstract' };
  const published = /^\d{4}-\d{2}-\d{2}$/.exec(text(meta.created) ?? '')?.[0];
  if (!published) return { id: arxivId, reason: 'no created date' };

  const authors = asArray(field(meta.authors, 'author'))
    .map((a) =>
      [field(a, 'forenames'), field(a, 'keyname'), field(a, 'suffix')]
        .map((part) => text(part) ?? '')
        .filter((part) => part !== '')
        .join(' '),
    )
    .map((name) => cleanLatex(name))
    .filter((name) => name !== '');
  const categories: string[] = [];
  for (const c of (text(meta.categories) ?? '').split(' ')) if (c !== '' && !categories.includes(c)) categories.push(c);
  // Several DOIs are separated by spaces; the first is the article's.
  const doi = (text(meta.doi) ?? '').split(' ')[0];

  const paper: FetchedPaper = { arxivId, title, abstract, authors, published };
  if (categories.length > 0) paper.categories = categories;
  if (doi) paper.doi = doi;
  return paper;
}

function count(v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(v: unknown, key: string): unknown {
  return isRecord(v) ? v[key] : undefined;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of an element or attribute, whitespace collapsed and trimmed. `undefined` when there is none. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/\s+/g, ' ').trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isRecord(v)) return text(v['#text']);
  if (Array.isArray(v)) return text(v[0]);
  return undefined;
}
