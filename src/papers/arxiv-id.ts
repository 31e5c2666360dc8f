/**
 * arXiv identifiers: recognise a paper reference in free text (a bare id, an `arXiv:` id, an
 * arxiv.org abs/pdf link, a Hugging Face paper link) and build canonical links from an id. Pure.
 */

/** New-style id `YYMM.NNNN` (2007–2014) or `YYMM.NNNNN` (2015 on); month 01–12. */
const NEW_ID = String.raw`\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}`;
/** The archives of old-style ids (before April 2007). */
const OLD_ARCHIVES = [
  'acc-phys',
  'adap-org',
  'alg-geom',
  'ao-sci',
  'astro-ph',
  'atom-ph',
  'bayes-an',
  'chao-dyn',
  'chem-ph',
  'cmp-lg',
  'comp-gas',
  'cond-mat',
  'cs',
  'dg-ga',
  'funct-an',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math',
  'math-ph',
  'mtrl-th',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'patt-sol',
  'physics',
  'plasm-ph',
  'q-alg',
  'q-bio',
  'quant-ph',
  'solv-int',
  'supr-con',
];
/** Old-style id `archive[.SC]/YYMMNNN`: `hep-th/9901001`, `math.AG/0101001`, `cs/0112017`. */
const OLD_ID = String.raw`(?:${OLD_ARCHIVES.join('|')})(?:\.[A-Z]{2})?\/\d{2}(?:0[1-9]|1[0-2])\d{3}`;
const ID = `(${NEW_ID}|${OLD_ID})(?:v\\d+)?`;
/** Optional query string or fragment after a URL path. */
const TAIL = String.raw`\/?(?:[?#]\S*)?`;

const BARE = new RegExp(`^(?:arxiv:\\s*)?${ID}$`, 'i');
const ARXIV_URL = new RegExp(`^(?:https?:\\/\\/)?(?:www\\.|export\\.)?arxiv\\.org\\/(?:abs|pdf)\\/${ID}(?:\\.pdf)?${TAIL}$`, 'i');
const HF_URL = new RegExp(`^(?:https?:\\/\\/)?(?:www\\.)?(?:huggingface|hf)\\.co\\/papers\\/${ID}${TAIL}$`, 'i');

/** Characters around a reference that are not part of it: brackets, quotes, sentence punctuation. */
const LEADING = /^[\s<("'`[]+/;
const TRAILING = /[\s>)"'`\].,;:!?]+$/;

/**
 * The version-less arXiv id a piece of text refers to, or `undefined`. The whole text (after
 * trimming whitespace, angle brackets and trailing punctuation) must be the reference:
 * `2411.01234v2`, `arXiv:2411.01234`, `https://arxiv.org/pdf/2411.01234v2.pdf`,
 * `hf.co/papers/2411.01234`, `hep-th/9901001` all give the id; `snapkv`, `2411`,
 * `http://example.com/abs/2411.01234` give `undefined`.
 */
export function parseArxivRef(text: string): string | undefined {
  let s = text.trim();
  // Slack writes links as `<url|label>`: keep the url.
  if (s.startsWith('<') && s.includes('|')) s = s.slice(0, s.indexOf('|'));
  s = s.replace(LEADING, '').replace(TRAILING, '');
  if (s === '' || s.length > 300) return undefined;
  const m = BARE.exec(s) ?? ARXIV_URL.exec(s) ?? HF_URL.exec(s);
  return m?.[1] === undefined ? undefined : normalise(m[1]);
}

/** Old-style archive names are lower case (`hep-th`); the subject class keeps its case (`math.AG`). */
function normalise(id: string): string {
  const slash = id.indexOf('/');
  if (slash < 0) return id;
  const archive = id.slice(0, slash);
  const dot = archive.indexOf('.');
  const name = dot < 0 ? archive.toLowerCase() : archive.slice(0, dot).toLowerCase() + archive.slice(dot).toUpperCase();
  return name + id.slice(slash);
}

/** `https://arxiv.org/abs/<id>` */
export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

/** `https://arxiv.org/pdf/<id>` */
export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

/** `https://huggingface.co/papers/<id>` */
export function hfPaperUrl(id: string): string {
  return `https://huggingface.co/papers/${id}`;
}

/**
 * A link to arxiv.org as Paperboy writes every one: `https://arxiv.org/abs/<id>` or
 * `https://arxiv.org/pdf/<id>`, no version and no `.pdf` (so the arXiv feed's
 * `http://arxiv.org/pdf/2411.01234v2` and Hugging Face's `https://arxiv.org/pdf/2411.01234` are one
 * link). Any other URL comes back as it is.
 */
export function canonicalArxivUrl(url: string): string {
  const m = /^https?:\/\/(?:www\.|export\.)?arxiv\.org(\/.*)?$/i.exec(url.trim());
  if (!m) return url;
  const kind = /^\/(abs|pdf)\//i.exec(m[1] ?? '')?.[1]?.toLowerCase();
  const id = kind ? parseArxivRef(url) : undefined;
  if (id === undefined) return url.trim().replace(/^http:/i, 'https:');
  return kind === 'pdf' ? arxivPdfUrl(id) : arxivAbsUrl(id);
}
