import type { ServerResponse } from 'node:http';
import { FakeHttpServer, refusedUrl, type FakeFault, type FakeRequest } from '../hf/fake-hf.ts';

/**
 * A local fake of the arXiv API (node:http on 127.0.0.1, a free port) for tests and end-to-end
 * runs of the CLI in a child process. It serves `GET /api/query?search_query=cat:<category>&start=…
 * &max_results=…` as an Atom feed built from entries set with `setEntries` (served in the order
 * given, which should be newest first), logs every request and can be told to fail the next ones.
 *
 * Run children asynchronously (`execFile`, `spawn`): the fake answers on the test's event loop.
 */

export { refusedUrl, type FakeFault, type FakeRequest };

/** One entry as the fake serves it. `null` leaves an element out (to test broken entries). */
export interface ArxivEntry {
  /** Full Atom id, `http://arxiv.org/abs/2411.01234v2`. */
  id: string | null;
  /** As served: wrapped over several indented lines, like arXiv does. */
  title: string | null;
  summary: string | null;
  authors: string[];
  /** `2024-11-02T17:59:59Z` */
  published: string | null;
  updated: string;
  /** Primary first. */
  categories: string[];
  comment?: string;
  /** The pdf `<link>` (`title="pdf"`); `null` for none. */
  pdfUrl: string | null;
}

export interface ArxivEntryInit {
  /** Version-less id, `2411.01234`. */
  id: string;
  version?: number;
  /** Single-line text; it gets wrapped and indented like the real feed. */
  title?: string;
  summary?: string;
  authors?: string[];
  published?: string;
  categories?: string[];
  comment?: string;
}

/** An entry shaped like the real feed's: multi-line indented title and summary, a pdf link. */
export function arxivEntry(init: ArxivEntryInit, overrides: Partial<ArxivEntry> = {}): ArxivEntry {
  const version = init.version ?? 1;
  const title = init.title ?? `Efficient Long-Context Inference for Paper ${init.id} with Sparse Attention`;
  const summary =
    init.summary ??
    `We present a method for ${init.id} that compresses the key-value cache of large language models. ` +
      'Across eight benchmarks it keeps 98.5% of the accuracy while using 4x less memory, and it ' +
      'needs no fine-tuning. Code is available.';
  const published = init.published ?? '2024-11-02T17:59:59Z';
  return {
    id: `http://arxiv.org/abs/${init.id}v${version}`,
    title: wrap(title, 70, '\n  '),
    summary: `  ${wrap(summary, 78, '\n')}\n`,
    authors: init.authors ?? ['Ada Lovelace', 'Alan Turing'],
    published,
    updated: published,
    categories: init.categories ?? ['cs.CL', 'cs.LG'],
    ...(init.comment !== undefined ? { comment: init.comment } : {}),
    pdfUrl: `http://arxiv.org/pdf/${init.id}v${version}`,
    ...overrides,
  };
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

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One `<entry>` element as arXiv writes it. */
export function entryXml(e: ArxivEntry): string {
  const parts: string[] = ['  <entry>'];
  if (e.id !== null) parts.push(`    <id>${escapeXml(e.id)}</id>`);
  parts.push(`    <updated>${e.updated}</updated>`);
  if (e.published !== null) parts.push(`    <published>${e.published}</published>`);
  if (e.title !== null) parts.push(`    <title>${escapeXml(e.title)}</title>`);
  if (e.summary !== null) parts.push(`    <summary>${escapeXml(e.summary)}</summary>`);
  for (const name of e.authors) parts.push(`    <author>\n      <name>${escapeXml(name)}</name>\n    </author>`);
  if (e.comment !== undefined) {
    parts.push(`    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">${escapeXml(e.comment)}</arxiv:comment>`);
  }
  const abs = e.id ?? 'http://arxiv.org/abs/unknown';
  parts.push(`    <link href="${escapeXml(abs)}" rel="alternate" type="text/html"/>`);
  if (e.pdfUrl !== null) parts.push(`    <link title="pdf" href="${escapeXml(e.pdfUrl)}" rel="related" type="application/pdf"/>`);
  const [primary] = e.categories;
  if (primary !== undefined) {
    parts.push(`    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${escapeXml(primary)}" scheme="http://arxiv.org/schemas/atom"/>`);
  }
  for (const c of e.categories) parts.push(`    <category term="${escapeXml(c)}" scheme="http://arxiv.org/schemas/atom"/>`);
  parts.push('  </entry>');
  return parts.join('\n');
}

/** A whole feed: header, `opensearch:*` counts and the given entries (objects or raw XML). */
export function feedXml(opts: { query: string; entries: (ArxivEntry | string)[]; totalResults: number; start: number }): string {
  const q = escapeXml(opts.query);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <link href="http://arxiv.org/api/query?${q}" rel="self" type="application/atom+xml"/>`,
    `  <title type="html">ArXiv Query: ${q}</title>`,
    '  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>',
    '  <updated>2024-11-04T00:00:00-05:00</updated>',
    `  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${opts.totalResults}</opensearch:totalResults>`,
    `  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${opts.start}</opensearch:startIndex>`,
    `  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${opts.entries.length}</opensearch:itemsPerPage>`,
    ...opts.entries.map((e) => (typeof e === 'string' ? e : entryXml(e))),
    '</feed>',
    '',
  ].join('\n');
}

/** arXiv's error feed (HTTP 200 or 400 with one entry whose id is under `api/errors`). */
export function errorFeedXml(message: string): string {
  const anchor = message.replace(/\W+/g, '_');
  const entry = [
    '  <entry>',
    `    <id>http://arxiv.org/api/errors#${anchor}</id>`,
    '    <title>Error</title>',
    `    <summary>${escapeXml(message)}</summary>`,
    '    <updated>2024-11-04T00:00:00-05:00</updated>',
    `    <link href="http://arxiv.org/api/errors#${anchor}" rel="alternate" type="text/html"/>`,
    '    <author>\n      <name>arXiv api core</name>\n    </author>',
    '  </entry>',
  ].join('\n');
  return feedXml({ query: 'search_query=&id_list=&start=0&max_results=10', entries: [entry], totalResults: 1, start: 0 });
}

/** The fake arXiv API. `start()` resolves to the query endpoint (`…/api/query`) for `ARXIV_API_URL`. */
export class FakeArxiv {
  readonly #entries = new Map<string, (ArxivEntry | string)[]>();
  readonly #http = new FakeHttpServer((req, res) => this.#answer(req, res), {
    body: '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry>\n    <id>http://arxiv.org/abs/2411.0',
    contentType: 'application/atom+xml; charset=utf-8',
  });

  /** Every request, in order. */
  get requests(): FakeRequest[] {
    return this.#http.requests;
  }

  /** `http://127.0.0.1:<port>/api/query` (valid after `start`). */
  get url(): string {
    return `${this.#http.origin}/api/query`;
  }

  async start(): Promise<string> {
    await this.#http.start();
    return this.url;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** The results of `search_query=cat:<category>`, newest first. Raw strings are served as they are. */
  setEntries(category: string, entries: (ArxivEntry | string)[]): void {
    this.#entries.set(category, [...entries]);
  }

  /** Queue a fault for the next request(s). */
  fail(fault: FakeFault): void {
    this.#http.fail(fault);
  }

  /** Forget requests and pending faults (entries stay). */
  reset(): void {
    this.#http.reset();
  }

  #answer(req: FakeRequest, res: ServerResponse): void {
    if (req.method !== 'GET' || req.path !== '/api/query') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    const start = Number(req.query.start ?? 0);
    const max = Number(req.query.max_results ?? 10);
    if (!Number.isInteger(start) || start < 0) return sendFeed(res, errorFeedXml('start must be non-negative'), 400);
    if (!Number.isInteger(max) || max < 0) return sendFeed(res, errorFeedXml('max_results must be non-negative'), 400);
    const m = /^cat:(\S+)$/.exec(req.query.search_query ?? '');
    const all = (m?.[1] !== undefined ? this.#entries.get(m[1]) : undefined) ?? [];
    const query = new URLSearchParams(req.query).toString();
    sendFeed(res, feedXml({ query, entries: all.slice(start, start + max), totalResults: all.length, start }));
  }
}

function sendFeed(res: ServerResponse, xml: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/atom+xml; charset=utf-8' });
  res.end(xml);
}
