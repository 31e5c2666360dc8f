/**
 * BibTeX entries for papers (`cite`, `saved --bibtex`). Pure.
 *
 * Every paper becomes an `@misc` entry: title (capitals protected, LaTeX escaped), author
 * (`Last, First and …`, from the names the paper store has), year (the arXiv id's, else the
 * paper's date), `eprint` / `archivePrefix` / `primaryClass` for arXiv papers, and a url. A
 * paper without authors gets a `note` saying so. Citation keys are `lastname + year + first title
 * word` (`li2024snapkv`), made unique within one export by a letter suffix.
 */
import type { Paper, PaperLink } from '../papers/paper.ts';
import { arxivAbsUrl, parseArxivRef } from '../papers/arxiv-id.ts';
import { escapeLatex, protectTitle } from './latex.ts';

/** Longest author list written out in full; longer ones end in `and others`. */
export const MAX_BIBTEX_AUTHORS = 50;

/** What an entry says in `note` when the paper store knows no authors. */
export const UNKNOWN_AUTHORS_NOTE = 'Authors unknown';

export interface BibtexEntry {
  paperId: string;
  key: string;
  /** The entry, `@misc{key,` to `}`, without a trailing newline. */
  text: string;
}

/** Lower-case name particles that belong to the last name (`van Beethoven`, `de la Cruz`). */
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'du',
  'dos',
  'das',
  'la',
  'le',
  'ten',
  'ter',
  'zu',
  'bin',
  'al',
  'el',
]);
const SUFFIX = /^(?:jr|sr|ii|iii|iv)\.?$/i;
/** Words that make a name an organisation: written as it is, in braces (`{Qwen Team}`). */
const ORGANISATION = /\b(?:team|collaboration|consortium|group|lab|labs|laboratory|institute|university|inc|ltd|corporation)\b/i;

/**
 * One author as BibTeX wants it: `Last, First` (`Li, Yuhong`; `van Beethoven, Ludwig`;
 * `King, Jr., Martin Luther`). A name that already has a comma is kept as it is; a one-word name
 * stays one word; an organisation, or a name containing the word `and` (which would split the
 * list), is braced whole.
 */
export function bibtexName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean === '') return '';
  if (/(^|\s)and(\s|$)/i.test(clean) || ORGANISATION.test(clean)) return `{${escapeLatex(clean)}}`;
  if (clean.includes(',')) return escapeLatex(clean);
  const words = clean.split(' ');
  if (words.length === 1) return escapeLatex(clean);
  const suffix = words.length > 2 && SUFFIX.test(words[words.length - 1]!) ? words.pop()! : undefined;
  let start = words.length - 1;
  while (start > 1 && PARTICLES.has(words[start - 1]!)) start -= 1;
  const last = words.slice(start).join(' ');
  const first = words.slice(0, start).join(' ');
  return escapeLatex(suffix ? `${last}, ${suffix}, ${first}` : `${last}, ${first}`);
}

/** The `author` value: names joined with `and`, cut to `MAX_BIBTEX_AUTHORS` with `and others`. */
export function bibtexAuthors(authors: readonly string[]): string {
  const names = authors.map(bibtexName).filter((n) => n !== '');
  if (names.length <= MAX_BIBTEX_AUTHORS) return names.join(' and ');
  return [...names.slice(0, MAX_BIBTEX_AUTHORS), 'others'].join(' and ');
}

/** The arXiv id of a paper: its own, else one read from an arXiv link. */
export function paperArxivId(paper: Paper): string | undefined {
  const own = paper.arxivId ? parseArxivRef(paper.arxivId) : undefined;
  if (own) return own;
  for (const l of paper.links) {
    if (l.kind === 'arxiv' || l.kind === 'pdf' || l.kind === 'hf') {
      const id = parseArxivRef(l.url);
      if (id) return id;
    }
  }
  return undefined;
}

/**
 * The year an arXiv id was given out: `2404.14469` → 2024, `hep-th/9901001` → 1999,
 * `cs/0112017` → 2001 (old-style ids ran from 1991 to March 2007; new-style ids start in 2007).
 */
function arxivIdYear(id: string): string | undefined {
  const fresh = /^(\d{2})(?:0[1-9]|1[0-2])\.\d{4,5}$/.exec(id);
  if (fresh) return String(2000 + Number(fresh[1]));
  const old = /\/(\d{2})(?:0[1-9]|1[0-2])\d{3}$/.exec(id);
  if (!old) return undefined;
  const yy = Number(old[1]);
  return String(yy >= 91 ? 1900 + yy : 2000 + yy);
}

/**
 * The year to cite: when the paper was first posted. For an arXiv paper that is its id's year
 * (`2404.14469` → 2024, `hep-th/9901001` → 1999), whatever its date says: `published` is the day
 * Hugging Face listed it when it came from there, which can be months or years later. A paper
 * without an arXiv id falls back to its date.
 */
export function bibtexYear(paper: Paper): string | undefined {
  const id = paperArxivId(paper);
  return (id ? arxivIdYear(id) : undefined) ?? paper.published?.slice(0, 4);
}

const LINK_PREFERENCE: PaperLink['kind'][] = ['arxiv', 'hf', 'pdf', 'project', 'other'];

/** A URL safe inside a BibTeX field: http(s) only, braces, backslashes and spaces percent-encoded. */
function fieldUrl(url: string): string | undefined {
  const u = url.trim();
  if (!/^https?:\/\/\S+$/i.test(u)) return undefined;
  return u.replace(/[{}\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The paper's URL: its arXiv abstract page, else its own link (not a code repository). */
export function bibtexUrl(paper: Paper): string | undefined {
  const arxiv = paperArxivId(paper);
  if (arxiv) return arxivAbsUrl(arxiv);
  for (const kind of LINK_PREFERENCE) {
    const link = paper.links.find((l) => l.kind === kind);
    const url = link ? fieldUrl(link.url) : undefined;
    if (url) return url;
  }
  return undefined;
}

const STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'on',
  'of',
  'in',
  'for',
  'to',
  'and',
  'with',
  'from',
  'via',
  'by',
  'at',
  'is',
  'are',
  'do',
  'does',
  'can',
  'how',
  'what',
  'why',
  'when',
  'towards',
  'toward',
  'no',
  'not',
  'all',
  'you',
  'your',
  'we',
  'our',
  'more',
  'less',
  'beyond',
]);

/** Letters and digits only, accents removed, lower case (`Müller` → `muller`). */
function keyPart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The last name of an author for a key: `Yuhong Li` → `li`, `van Beethoven, Ludwig` → `beethoven`. */
function keyLastName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  const last = clean.includes(',')
    ? clean.slice(0, clean.indexOf(','))
    : (clean
        .split(' ')
        .filter((w) => !SUFFIX.test(w))
        .pop() ?? '');
  const words = last.split(' ');
  return keyPart(words[words.length - 1] ?? '');
}

/**
 * The citation key of a paper before de-duplication: first author's last name, year, the paper's
 * short name or else its first title word that is not a small word (`li2024snapkv`). Parts that are unknown are left out; a paper
 * with none of them is keyed by its id.
 */
export function citationKey(paper: Paper): string {
  const author = paper.authors?.[0] ? keyLastName(paper.authors[0]) : '';
  const year = bibtexYear(paper) ?? '';
  const words = paper.title
    .split(/[\s:,;!?()[\]{}"“”/]+/)
    .map(keyPart)
    .filter((w) => w !== '');
  // The paper's short name says most (`snapkv`), else its first word that is not a small one.
  const word = (paper.name ? keyPart(paper.name) : '') || (words.find((w) => !STOPWORDS.has(w)) ?? words[0] ?? '');
  const key = `${author}${year}${word}`;
  return key !== '' && key !== year ? key : `paper${keyPart(paper.id)}`;
}

/** The entry text of one paper under `key`. */
export function bibtexEntry(paper: Paper, key: string = citationKey(paper)): string {
  const fields: [string, string][] = [['title', protectTitle(paper.title)]];
  const authors = paper.authors?.length ? bibtexAuthors(paper.authors) : '';
  if (authors !== '') fields.push(['author', authors]);
  const year = bibtexYear(paper);
  if (year) fields.push(['year', year]);
  const arxiv = paperArxivId(paper);
  if (arxiv) {
    fields.push(['eprint', arxiv], ['archivePrefix', 'arXiv']);
    const primary = paper.categories?.[0];
    if (primary && /^[a-z-]+(?:\.[A-Za-z-]+)?$/.test(primary)) fields.push(['primaryClass', primary]);
  }
  const url = bibtexUrl(paper);
  if (url) fields.push(['url', url]);
  if (authors === '') fields.push(['note', UNKNOWN_AUTHORS_NOTE]);
  return `@misc{${key},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}`;
}

/** Suffixes for repeated keys: a, b, …, z, aa, ab, … */
function suffix(n: number): string {
  let s = '';
  for (let i = n; i >= 0; i = Math.floor(i / 26) - 1) s = String.fromCharCode(97 + (i % 26)) + s;
  return s;
}

/**
 * Entries for several papers, in the given order, with unique keys: the first paper with a key
 * keeps it, later ones get `a`, `b`, … appended (skipping any key already taken). Export in a
 * stable order (oldest saved first) and a paper's key only changes when an earlier one collides.
 */
export function bibtexEntries(papers: readonly Paper[]): BibtexEntry[] {
  const used = new Set<string>();
  return papers.map((paper) => {
    const base = citationKey(paper);
    let key = base;
    for (let n = 0; used.has(key); n++) key = base + suffix(n);
    used.add(key);
    return { paperId: paper.id, key, text: bibtexEntry(paper, key) };
  });
}
