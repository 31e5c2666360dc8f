/**
 * arXiv API client: one Atom result page per call (`search_query=cat:<category>`, newest first),
 * parsed with fast-xml-parser into `FetchedPaper`s. Requests of one client are spaced at least
 * `minIntervalMs` apart (start to start, retries included), as arXiv's terms of use ask.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseArxivRef } from '../papers/arxiv-id.ts';
import { fetchResponse, type HttpOptions } from './http.ts';
import { SourceError, type FetchedBatch, type FetchedPaper, type SkippedItem } from './types.ts';

/**
 * The shape of an arXiv category: `cs.CL`, `stat.ML`, `q-bio.NC`, `hep-th`, `cond-mat.stat-mech`.
 * Only the shape: `checkArxivCategory` (arxiv-categories.ts) checks a name against arXiv's taxonomy.
 */
export const ARXIV_CATEGORY = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;

export const DEFAULT_ARXIV_API_URL = 'https://export.arxiv.org/api/query';
/** arXiv asks for no more than one request every three seconds. */
export const DEFAULT_ARXIV_MIN_INTERVAL_MS = 3000;

export interface ArxivClientOptions {
  /** The query endpoint. Default `DEFAULT_ARXIV_API_URL`. */
  baseUrl?: string;
  /** Minimum time between request starts, across all calls of this client. Default 3000. */
  minIntervalMs?: number;
  http?: HttpOptions;
  /** Clock for the rate limit. Default `Date.now`. */
  now?: () => number;
  /** Waits for the rate limit. Default `http.sleep`, else a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Start of the reason of a `SourceError` made from arXiv's error feed. */
export const ARXIV_ERROR = 'arXiv API error';

export type ArxivPage = FetchedBatch & { totalResults: number };

export interface ArxivClient {
  /**
   * Results `start … start+count-1` of category `category` (`cs.CL`), newest submission first.
   * Throws `SourceError` when the page cannot be fetched or parsed, or arXiv answers with an error.
   */
  fetchPage(category: string, start: number, count: number): Promise<ArxivPage>;
}

export function createArxivClient(opts: ArxivClientOptions = {}): ArxivClient {
  const baseUrl = opts.baseUrl ?? DEFAULT_ARXIV_API_URL;
  const throttle = createThrottle(
    opts.minIntervalMs ?? DEFAULT_ARXIV_MIN_INTERVAL_MS,
    opts.now ?? Date.now,
    opts.sleep ?? opts.http?.sleep ?? ((ms) => delay(ms)),
  );
  const outerBefore = opts.http?.beforeAttempt;
  const http: HttpOptions = {
    ...opts.http,
    headers: { accept: 'application/atom+xml', ...opts.http?.headers },
    // arXiv answers a bad query with HTTP 400 and an error feed that says what was wrong.
    acceptStatus: (status) => status === 400,
    beforeAttempt: async () => {
      if (outerBefore) await outerBefore();
      await throttle();
    },
  };

  return {
    async fetchPage(category: string, start: number, count: number): Promise<ArxivPage> {
      const url = new URL(baseUrl);
      url.searchParams.set('search_query', `cat:${category}`);
      url.searchParams.set('sortBy', 'submittedDate');
      url.searchParams.set('sortOrder', 'descending');
      url.searchParams.set('start', String(start));
      url.searchParams.set('max_results', String(count));
      const href = url.toString();
      const { status, body } = await fetchResponse(href, http);
      const ok = status >= 200 && status < 300;
      let parsed: ReturnType<typeof parseArxivFeed>;
      try {
        parsed = parseArxivFeed(body, href);
      } catch (err) {
        if (ok) throw err;
        // An error feed explains itself; any other unreadable 400 is just `HTTP 400`.
        const reason = err instanceof SourceError && err.reason.startsWith(ARXIV_ERROR) ? err.reason : `HTTP ${status}`;
        throw new SourceError(reason, href, { status, cause: err });
      }
      if (!ok) throw new SourceError(`HTTP ${status}`, href, { status });
      return { source: 'arxiv', unit: `${category}@${start}`, ...parsed };
    },
  };
}

/**
 * A gate that lets one caller through at a time, each at least `intervalMs` after the previous
 * one went through. Callers queue in order.
 */
export function createThrottle(intervalMs: number, now: () => number, sleep: (ms: number) => Promise<void>): () => Promise<void> {
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
const ARRAY_TAGS = new Set(['entry', 'author', 'link', 'category']);

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
 * An arXiv Atom feed → papers, skipped entries and `opensearch:totalResults`. Throws `SourceError`
 * for malformed XML, something that is not a feed, and arXiv's error feed. Exported for tests.
 */
export function parseArxivFeed(xml: string, url: string): { papers: FetchedPaper[]; skipped: SkippedItem[]; totalResults: number } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new SourceError('malformed XML from arXiv', url, {
      cause: new Error(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`),
    });
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new SourceError('malformed XML from arXiv', url, { cause: err });
  }
  const feed = field(doc, 'feed');
  if (!isRecord(feed)) throw new SourceError('not an Atom feed from arXiv', url);

  const entries = asArray(feed.entry);
  for (const entry of entries) {
    const id = text(field(entry, 'id'));
    if (id !== undefined && id.includes('api/errors')) {
      const summary = text(field(entry, 'summary')) || text(field(entry, 'title')) || 'unknown error';
      throw new SourceError(`${ARXIV_ERROR}: ${summary}`, url);
    }
  }

  const papers: FetchedPaper[] = [];
  const skipped: SkippedItem[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const result = toPaper(entry);
    if ('reason' in result) skipped.push(result);
    else if (!seen.has(result.arxivId)) {
      seen.add(result.arxivId);
      papers.push(result);
    }
  }
  const total = Number.parseInt(text(feed.totalResults) ?? '', 10);
  return { papers, skipped, totalResults: Number.isFinite(total) && total >= 0 ? total : entries.length };
}

/** One `<entry>` → a paper, or why it was skipped. */
function toPaper(entry: unknown): FetchedPaper | SkippedItem {
  if (!isRecord(entry)) return { reason: 'invalid: entry is not an element' };
  const rawId = text(entry.id);
  if (!rawId) return { reason: 'no id' };
  const arxivId = parseArxivRef(rawId);
  if (!arxivId) return { id: rawId, reason: 'bad id' };
  const title = text(entry.title);
  if (!title) return { id: arxivId, reason: 'no title' };
  const abstract = text(entry.summary);
  if (!abstract) return { id: arxivId, reason: 'no abstract' };
  const published = /^\d{4}-\d{2}-\d{2}/.exec(text(entry.published) ?? '')?.[0];
  if (!published) return { id: arxivId, reason: 'no published date' };

  const authors = asArray(entry.author)
    .map((a) => text(field(a, 'name')))
    .filter((n): n is string => n !== undefined && n !== '');
  const categories: string[] = [];
  const primary = text(field(entry.primary_category, '@_term'));
  for (const term of [primary, ...asArray(entry.category).map((c) => text(field(c, '@_term')))]) {
    if (term && !categories.includes(term)) categories.push(term);
  }
  const pdfLink = asArray(entry.link).find((l) => text(field(l, '@_title')) === 'pdf' || text(field(l, '@_type')) === 'application/pdf');
  const pdfUrl = text(field(pdfLink, '@_href'));

  const paper: FetchedPaper = { arxivId, title, abstract, authors, published };
  if (categories.length > 0) paper.categories = categories;
  if (pdfUrl) paper.pdfUrl = pdfUrl;
  return paper;
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

/**
 * The text of an element or attribute, whitespace collapsed and trimmed (`<title type="html">`
 * comes back as `{ '#text': … }`). `undefined` when there is none.
 */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/\s+/g, ' ').trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isRecord(v)) return text(v['#text']);
  if (Array.isArray(v)) return text(v[0]);
  return undefined;
}
