/**
 * What the live sources (Hugging Face Daily Papers, arXiv) hand to the ingester: validated,
 * whitespace-clean fields per paper, before they become `Paper` records. Clients do HTTP and
 * parsing only; they never touch the store.
 */
import { redactUrlCredentials } from '../text/redact-url.ts';

/** One paper as a source reports it. Strings are trimmed, internal whitespace collapsed. */
export interface FetchedPaper {
  /** arXiv id without version or prefix: `2411.01234` (old style `hep-th/9901001` kept as is). */
  arxivId: string;
  title: string;
  /** The abstract as plain text (whitespace collapsed; LaTeX left as the source sent it). */
  abstract: string;
  /** Author names in order. */
  authors: string[];
  /**
   * ISO date `YYYY-MM-DD`: for HF the day it was listed on Daily Papers (the item's `publishedAt`,
   * or the requested date), for arXiv the submission (`published`) date.
   */
  published: string;
  upvotes?: number;
  comments?: number;
  githubRepo?: string;
  githubStars?: number;
  projectPage?: string;
  /** HF `ai_summary`. */
  aiSummary?: string;
  /** HF `ai_keywords`. */
  keywords?: string[];
  /** arXiv categories, primary first (`cs.CL`, `cs.LG`). */
  categories?: string[];
  /** DOI of the published version (arXiv metadata), if any. */
  doi?: string;
  /** PDF link as the source gave it (arXiv), if any. */
  pdfUrl?: string;
}

/** An item the source sent that could not be used (no id, no title, no abstract, bad shape). */
export interface SkippedItem {
  /** The item's id when it had one (`2611.99999`). */
  id?: string;
  /** Short reason: `no abstract`, `no id`, `invalid: title: expected string`. */
  reason: string;
}

/** One unit of work that is stored in one transaction: an HF day, or one arXiv result page. */
export interface FetchedBatch {
  source: 'hf' | 'arxiv';
  /** `2026-11-28` for an HF day; `cs.CL@0` (category @ start offset) for an arXiv page. */
  unit: string;
  papers: FetchedPaper[];
  skipped: SkippedItem[];
}

/** A request (or the whole unit) could not be fetched or parsed. Nothing of that unit is stored. */
export class SourceError extends Error {
  /** Short, user-facing reason: `timed out after 10 s`, `HTTP 503`, `connection refused`, `malformed JSON`. */
  readonly reason: string;
  readonly url: string;
  readonly status: number | undefined;
  constructor(reason: string, url: string, opts: { status?: number; cause?: unknown } = {}) {
    // The URL is shown to users and logged: a base URL's credentials never are.
    const shown = redactUrlCredentials(url);
    super(`${reason} (${shown})`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'SourceError';
    this.reason = reason;
    this.url = shown;
    this.status = opts.status;
  }
}
