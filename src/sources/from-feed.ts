import { buildPaper, type RecordResult } from '../parse/paper-record.ts';
import { arxivAbsUrl, arxivPdfUrl, canonicalArxivUrl, hfPaperUrl } from '../papers/arxiv-id.ts';
import type { FetchedPaper } from './types.ts';
import { PAPER_ID, PaperSchema, type Paper, type PaperLink } from '../papers/paper.ts';
import { extractiveSummary } from '../papers/summary.ts';
import { stripTerminalControls } from '../text/control.ts';

/** A one-line field from a feed (an author, a keyword) as it may be shown: no escapes or controls, spaces collapsed. */
function line(text: string): string {
  return stripTerminalControls(text).replace(/\s+/g, ' ').trim();
}

/** The non-empty cleaned lines of a list field. */
function lines(list: readonly string[] | undefined): string[] {
  return (list ?? []).map(line).filter((s) => s !== '');
}

function httpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `Paper` record from what a live feed reported: the page parser's cleaning and extraction
 * (LaTeX, short name, aliases, links and highlights from the abstract), the arXiv id as the id,
 * the feed's fields, and links to the repository, project page, arXiv abstract and PDF, and the
 * Hugging Face paper page (HF papers). Pure; an unusable item comes back as a message.
 */
export function paperFromFeed(f: FetchedPaper, feed: 'hf' | 'arxiv'): RecordResult {
  const base = buildPaper(f.title, f.abstract, { feed, date: f.published });
  if (!base.ok) return base;
  const p = base.paper;
  const extra: PaperLink[] = [];
  const repo = httpUrl(f.githubRepo);
  const project = httpUrl(f.projectPage);
  if (repo) extra.push({ url: repo, kind: 'code' });
  if (project) extra.push({ url: project, kind: 'project' });
  extra.push({ url: arxivAbsUrl(f.arxivId), kind: 'arxiv' });
  // Every arXiv link in one form (https, no version), whichever feed reported it: merged records keep one PDF link.
  const pdf = httpUrl(f.pdfUrl);
  extra.push({ url: pdf ? canonicalArxivUrl(pdf) : arxivPdfUrl(f.arxivId), kind: 'pdf' });
  if (feed === 'hf') extra.push({ url: hfPaperUrl(f.arxivId), kind: 'hf' });
  const seen = new Set(extra.map((l) => l.url));
  const links = [...extra];
  for (const l of p.links) {
    const url = canonicalArxivUrl(l.url);
    if (seen.has(url)) continue;
    seen.add(url);
    links.push({ ...l, url });
  }
  const summary = (f.aiSummary !== undefined ? line(f.aiSummary) : '') || extractiveSummary(p.abstract);
  const authors = lines(f.authors);
  const keywords = lines(f.keywords);
  const categories = lines(f.categories);
  const doi = f.doi !== undefined ? line(f.doi) : '';
  const candidate: Paper = {
    ...p,
    id: PAPER_ID.test(f.arxivId) ? f.arxivId : p.id,
    links,
    arxivId: f.arxivId,
    published: f.published,
    ...(authors.length ? { authors } : {}),
    ...(f.upvotes !== undefined ? { upvotes: f.upvotes } : {}),
    ...(f.comments !== undefined ? { comments: f.comments } : {}),
    ...(repo ? { githubRepo: repo } : {}),
    ...(f.githubStars !== undefined ? { githubStars: f.githubStars } : {}),
    ...(project ? { projectPage: project } : {}),
    ...(summary ? { summary } : {}),
    ...(keywords.length ? { keywords } : {}),
    ...(categories.length ? { categories } : {}),
    ...(doi ? { doi } : {}),
  };
  const parsed = PaperSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, paper: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'paper'}: ${i.message}`).join('; ');
  return { ok: false, message: `invalid (${issues})` };
}
