import { z } from 'zod';

/** A link of a paper: from its abstract, or from a source (repository, project page, arXiv, HF). */
export const PaperLinkSchema = z.object({
  url: z.string().url(),
  /**
   * `code` for source repositories (GitHub, GitLab, ...), `project` for project pages, `arxiv` for the
   * arXiv abstract page, `pdf` for the PDF, `hf` for the Hugging Face paper page, `other` otherwise.
   */
  kind: z.enum(['code', 'project', 'arxiv', 'pdf', 'hf', 'other']),
});
export type PaperLink = z.infer<typeof PaperLinkSchema>;
export type LinkKind = PaperLink['kind'];

/** A Daily Papers page file the paper was parsed from. */
export const PageSourceSchema = z.object({
  /** File the paper was parsed from (as given, not resolved). */
  file: z.string(),
  /** 1-based line of the title in that file. */
  line: z.number().int().positive(),
  /** Page date as printed on the page (`Aug 8`), when the page had one. */
  date: z.string().optional(),
});
export type PageSource = z.infer<typeof PageSourceSchema>;

/** A live feed that reported the paper: the HF Daily Papers API (on a listing day) or the arXiv API. */
export const FeedSourceSchema = z.object({
  feed: z.enum(['hf', 'arxiv']),
  /** ISO date: the HF listing day, or the arXiv submission day. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type FeedSource = z.infer<typeof FeedSourceSchema>;

/** Where a paper record came from. */
export const PaperSourceSchema = z.union([PageSourceSchema, FeedSourceSchema]);
export type PaperSource = z.infer<typeof PaperSourceSchema>;

export function isPageSource(s: PaperSource): s is PageSource {
  return 'file' in s;
}

/** Slug ids (page papers without an arXiv id) and arXiv ids (new style `2411.01234`, old style `cs/0112017`). */
export const PAPER_ID = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*|\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?\/\d{7})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One research paper, display-clean and validated. */
export const PaperSchema = z.object({
  /**
   * Stable id: the arXiv id (version-less) when known, else a slug of the title. Everything that
   * names a paper (posted history, ...) keys on it.
   */
  id: z.string().regex(PAPER_ID),
  title: z.string().min(1),
  /** Short name when the title has one (`SnapKV`, `E²GAN`). */
  name: z.string().min(1).optional(),
  /** Other names the abstract introduces (`GraftLLM`, `MiKV`). */
  aliases: z.array(z.string().min(1)),
  /** Abstract as plain text (LaTeX removed). */
  abstract: z.string().min(1),
  links: z.array(PaperLinkSchema),
  /** Quantitative claims quoted from the abstract (`over 120x compression`). */
  highlights: z.array(z.string().min(1)),
  /** Every place the paper was seen (several when merged from several pages or feeds). */
  sources: z.array(PaperSourceSchema).min(1),

  /** arXiv id without version (`2411.01234`). */
  arxivId: z.string().min(1).optional(),
  /** Author names in order. */
  authors: z.array(z.string().min(1)).optional(),
  /** ISO date: the HF listing day, else the arXiv submission date. */
  published: z.string().regex(ISO_DATE).optional(),
  /** HF upvotes, as last seen. */
  upvotes: z.number().int().min(0).optional(),
  /** HF comments, as last seen. */
  comments: z.number().int().min(0).optional(),
  githubRepo: z.string().url().optional(),
  githubStars: z.number().int().min(0).optional(),
  projectPage: z.string().url().optional(),
  /** One-line TL;DR: HF's `ai_summary`, else the abstract's main-claim sentence. */
  summary: z.string().min(1).optional(),
  /** HF `ai_keywords`. */
  keywords: z.array(z.string().min(1)).optional(),
  /** arXiv categories, primary first. */
  categories: z.array(z.string().min(1)).optional(),
  /** The published version's DOI (`10.1145/3580305.3599572`), as arXiv lists it. */
  doi: z.string().min(1).optional(),
  /** Ids this paper had before (a page paper's slug, once its arXiv id became known). */
  formerIds: z.array(z.string().min(1)).optional(),
});
export type Paper = z.infer<typeof PaperSchema>;
