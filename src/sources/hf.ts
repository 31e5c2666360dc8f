/**
 * Hugging Face Daily Papers client: `GET /api/daily_papers?date=…&limit=…&p=…`, page by page, each
 * item validated with zod and turned into a `FetchedPaper`. One day is one unit: either the whole
 * day comes back (possibly empty, possibly with skipped items) or a `SourceError` is thrown.
 */
import { z } from 'zod';
import { parseArxivRef } from '../papers/arxiv-id.ts';
import { fetchText, type HttpOptions } from './http.ts';
import { SourceError, type FetchedBatch, type FetchedPaper, type SkippedItem } from './types.ts';

export const DEFAULT_HF_API_URL = 'https://huggingface.co';
export const DEFAULT_HF_PAGE_SIZE = 100;
export const DEFAULT_HF_MAX_PAGES = 20;

export interface HfClientOptions {
  /** Default `DEFAULT_HF_API_URL`; a trailing slash is fine. */
  baseUrl?: string;
  /** `limit` per request. Default 100. */
  pageSize?: number;
  /** Stop after this many pages of one day (a server that ignores `p`). Default 20. */
  maxPages?: number;
  http?: HttpOptions;
}

export interface HfClient {
  /**
   * All papers listed on one day (`YYYY-MM-DD`). A quiet day is an empty batch. Throws
   * `SourceError` when any page cannot be fetched or parsed, and `RangeError` for a bad date.
   */
  fetchDay(date: string): Promise<FetchedBatch>;
}

/** `null` (which the API sends for "none") and a missing field both become `undefined`. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const AuthorSchema = z.object({
  name: opt(z.string()),
  hidden: opt(z.boolean()),
});

const PaperSchema = z.object({
  id: opt(z.string()),
  title: opt(z.string()),
  summary: opt(z.string()),
  authors: opt(z.array(AuthorSchema)),
  upvotes: opt(z.number()),
  githubRepo: opt(z.string()),
  githubStars: opt(z.number()),
  projectPage: opt(z.string()),
  ai_summary: opt(z.string()),
  ai_keywords: opt(z.array(z.string())),
});

/** One element of the `/api/daily_papers` array (unknown fields are ignored). */
const ItemSchema = z.object({
  paper: PaperSchema,
  /** When the paper was listed on Daily Papers. */
  publishedAt: opt(z.string()),
  title: opt(z.string()),
  numComments: opt(z.number()),
});

type Item = z.infer<typeof ItemSchema>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function createHfClient(opts: HfClientOptions = {}): HfClient {
  const baseUrl = (opts.baseUrl ?? DEFAULT_HF_API_URL).replace(/\/+$/, '');
  const pageSize = Math.max(1, Math.floor(opts.pageSize ?? DEFAULT_HF_PAGE_SIZE));
  const maxPages = Math.max(1, Math.floor(opts.maxPages ?? DEFAULT_HF_MAX_PAGES));
  const http: HttpOptions = { ...opts.http, headers: { accept: 'application/json', ...opts.http?.headers } };
  const logger = opts.http?.logger;

  return {
    async fetchDay(date: string): Promise<FetchedBatch> {
      if (!DATE_RE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
        throw new RangeError(`invalid date "${date}": expected YYYY-MM-DD`);
      }
      const papers: FetchedPaper[] = [];
      const skipped: SkippedItem[] = [];
      const seen = new Set<string>();
      for (let page = 0; page < maxPages; page++) {
        const url = `${baseUrl}/api/daily_papers?${new URLSearchParams({ date, limit: String(pageSize), p: String(page) }).toString()}`;
        const items = parsePage(await fetchText(url, http), url);
        let dupes = 0;
        for (const raw of items) {
          const result = toPaper(raw, date);
          if ('reason' in result) {
            skipped.push(result);
            continue;
          }
          if (seen.has(result.arxivId)) {
            logger?.debug({ date, id: result.arxivId }, 'hf: duplicate paper in one day; keeping the first');
            dupes++;
            continue;
          }
          seen.add(result.arxivId);
          papers.push(result);
        }
        if (items.length < pageSize) break;
        if (dupes === items.length) {
          logger?.warn({ date, page }, 'hf: a full page with nothing new; the server seems to ignore paging');
          break;
        }
        if (page === maxPages - 1) {
          logger?.warn({ date, maxPages, pageSize }, 'hf: stopped at the page limit; the day may be incomplete');
        }
      }
      return { source: 'hf', unit: date, papers, skipped };
    },
  };
}

/** The body as an array, or `SourceError('malformed JSON from Hugging Face')`. */
function parsePage(body: string, url: string): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    throw new SourceError('malformed JSON from Hugging Face', url, { cause: err });
  }
  if (!Array.isArray(data)) throw new SourceError('malformed JSON from Hugging Face', url);
  return data;
}

/** One raw item → a paper, or why it was skipped. Exported for tests. */
export function toPaper(raw: unknown, requestedDate: string): FetchedPaper | SkippedItem {
  const parsed = ItemSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return withId(looseId(raw), `invalid: ${path}${issue?.message ?? 'bad shape'}`);
  }
  const item: Item = parsed.data;
  const p = item.paper;
  const rawId = clean(p.id);
  if (!rawId) return { reason: 'no id' };
  const title = clean(p.title) || clean(item.title);
  if (!title) return { id: rawId, reason: 'no title' };
  const abstract = clean(p.summary);
  if (!abstract) return { id: rawId, reason: 'no abstract' };
  const arxivId = parseArxivRef(rawId);
  if (!arxivId) return { id: rawId, reason: 'bad id' };

  const paper: FetchedPaper = {
    arxivId,
    title,
    abstract,
    authors: (p.authors ?? [])
      .filter((a) => a.hidden !== true)
      .map((a) => clean(a.name))
      .filter((n) => n !== ''),
    published: listingDay(item.publishedAt) ?? requestedDate,
  };
  if (p.upvotes !== undefined) paper.upvotes = p.upvotes;
  if (item.numComments !== undefined) paper.comments = item.numComments;
  const githubRepo = clean(p.githubRepo);
  if (githubRepo) paper.githubRepo = githubRepo;
  if (p.githubStars !== undefined) paper.githubStars = p.githubStars;
  const projectPage = clean(p.projectPage);
  if (projectPage) paper.projectPage = projectPage;
  const aiSummary = clean(p.ai_summary);
  if (aiSummary) paper.aiSummary = aiSummary;
  const keywords = (p.ai_keywords ?? []).map(clean).filter((k) => k !== '');
  if (keywords.length > 0) paper.keywords = keywords;
  return paper;
}

function withId(id: string | undefined, reason: string): SkippedItem {
  return id ? { id, reason } : { reason };
}

/** `item.paper.id` of an item that failed validation, if it is a string. */
function looseId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const paper = (raw as { paper?: unknown }).paper;
  if (typeof paper !== 'object' || paper === null) return undefined;
  const id = (paper as { id?: unknown }).id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** Trim and collapse internal whitespace; `undefined` → `''`. */
function clean(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

/** The UTC date part of an ISO timestamp, or `undefined` when it does not parse. */
function listingDay(timestamp: string | undefined): string | undefined {
  if (!timestamp) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}
