import type { PaperLink } from '../papers/paper.ts';
import { RAW_URL, parseUrl, splitUrl } from './url.ts';

const CODE_HOSTS =
  /(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|hf\.co|codeberg\.org|sourceforge\.net|gitee\.com|git\.sr\.ht|kaggle\.com|paperswithcode\.com|colab\.research\.google\.com)$/i;
const PROJECT_HOSTS = /(?:\.github\.io|\.gitlab\.io|\.netlify\.app|\.vercel\.app|\.pages\.dev|\.readthedocs\.io|sites\.google\.com)$/i;
const PAPER_HOSTS = /(?:^|\.)(?:arxiv\.org|doi\.org|openreview\.net|aclanthology\.org|ieee\.org|acm\.org|springer\.com|semanticscholar\.org)$/i;

/**
 * Kind of a link: `code` for source hosts (GitHub, GitLab, Bitbucket, Hugging Face...) when the path
 * names a repository, `project` for project pages (`*.github.io`, personal/lab sites with a path or
 * their own domain), `other` for papers, datasets hosts and anything else.
 */
export function linkKind(url: string | URL): PaperLink['kind'] {
  const u = typeof url === 'string' ? new URL(url) : url;
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const segments = u.pathname.split('/').filter((s) => s.length > 0);
  if (CODE_HOSTS.test(host)) return segments.length >= 1 ? 'code' : 'other';
  if (PROJECT_HOSTS.test(host)) return 'project';
  if (PAPER_HOSTS.test(host)) return 'other';
  // A personal or lab site (`abdullahamdi.com/ges`): a short domain that is not a known service.
  if (/^[a-z0-9-]+\.(?:com|net|org|io|me|dev|ai|page|site|info|xyz)$/.test(host)) return 'project';
  return 'other';
}

/** Every URL in `text` (cleaned of trailing punctuation/braces), deduplicated, in order. */
export function extractLinks(text: string): PaperLink[] {
  const out: PaperLink[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(RAW_URL)) {
    const { url } = splitUrl(m[0]);
    if (seen.has(url)) continue;
    const parsed = parseUrl(url);
    if (parsed === undefined) continue;
    seen.add(url);
    out.push({ url, kind: linkKind(parsed) });
  }
  return out;
}
