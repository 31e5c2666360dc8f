/**
 * Synthetic live-feed papers for `npm run bench:ingest`: titles and abstracts from the corpus
 * generator (src/corpus/generate.ts: Zipf vocabulary, short names, LaTeX), grouped into days, with
 * arXiv-style ids (`2401.00001`, numbered per month), authors, upvotes and some code links.
 * Deterministic for a given (papers, perDay, seed).
 */
import { generateCorpus } from '../../src/corpus/generate.ts';
import { Random } from '../../src/corpus/random.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { hfItem } from '../../test/fakes/hf/fake-hf.ts';

export interface SynthDay {
  /** `YYYY-MM-DD` */
  date: string;
  papers: FetchedPaper[];
}

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Yann',
  'Fei',
  'Geoffrey',
  'Andrej',
  'Ilya',
  'Daphne',
  'Jürgen',
  'Mei',
  'Ravi',
  'Sofia',
  'Chen',
  'Olga',
  'Tomás',
  'Aiko',
  'Lena',
  'Kwame',
  'Priya',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Li',
  'Zhang',
  'Wang',
  'Kumar',
  'García',
  'Müller',
  'Nakamura',
  'Okafor',
  'Ivanova',
  'Rossi',
  'Kim',
  'Nguyen',
  'Silva',
  'Cohen',
  'Haddad',
  'Larsen',
  'Patel',
];

/** The (title, abstract) pairs of one generated page file (header, date line, blank, then title / blank / abstract / blank). */
function pagePairs(text: string): { title: string; abstract: string }[] {
  const lines = text.split('\n');
  const dateLine = lines.findIndex((l) => /^[A-Z][a-z]{2} \d{1,2}$/.test(l));
  const out: { title: string; abstract: string }[] = [];
  for (let i = dateLine + 2; i + 2 < lines.length; i += 4) out.push({ title: lines[i]!, abstract: lines[i + 2]! });
  return out;
}

function isoDay(start: Date, offset: number): string {
  return new Date(start.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * `papers` synthetic feed papers, `perDay` per day from `start` (UTC midnight) on. Ids are
 * `YYMM.NNNNN` of the paper's day, numbered from 00001 within each month.
 */
export function synthDays(opts: { papers: number; perDay: number; seed: number; start?: Date }): SynthDay[] {
  const start = opts.start ?? new Date(Date.UTC(2024, 0, 1));
  const rnd = new Random(opts.seed ^ 0x5eed);
  const perMonth = new Map<string, number>();
  const days: SynthDay[] = [];
  const files = generateCorpus({ papers: opts.papers, seed: opts.seed, perFile: opts.perDay });
  files.forEach((file, d) => {
    const date = isoDay(start, d);
    const yymm = date.slice(2, 4) + date.slice(5, 7);
    const papers = pagePairs(file.text).map(({ title, abstract }): FetchedPaper => {
      const seq = (perMonth.get(yymm) ?? 0) + 1;
      perMonth.set(yymm, seq);
      const arxivId = `${yymm}.${String(seq).padStart(5, '0')}`;
      const authors = Array.from({ length: rnd.int(2, 8) }, () => `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`);
      const code = /https:\/\/github\.com\/\S+?\.?$/.exec(abstract.split(' ').pop() ?? '');
      const sentence = /^.*?[.!?](?=\s|$)/.exec(abstract)?.[0];
      return {
        arxivId,
        title,
        abstract,
        authors,
        published: date,
        upvotes: Math.floor(rnd.next() ** 3 * 200),
        comments: rnd.int(0, 6),
        ...(code ? { githubRepo: code[0].replace(/\.$/, ''), githubStars: rnd.int(0, 3000) } : {}),
        ...(sentence ? { aiSummary: sentence } : {}),
        keywords: title
          .toLowerCase()
          .replace(/[^a-z0-9 ]/g, '')
          .split(' ')
          .filter((w) => w.length > 4)
          .slice(0, 4),
      };
    });
    days.push({ date, papers });
  });
  return days;
}

/** The Daily Papers API item the fake HF server serves for a paper. */
export function toHfItem(p: FetchedPaper): Record<string, unknown> {
  return hfItem({
    id: p.arxivId,
    title: p.title,
    summary: p.abstract,
    upvotes: p.upvotes ?? 0,
    authors: p.authors,
    numComments: p.comments ?? 0,
    githubRepo: p.githubRepo ?? null,
    githubStars: p.githubStars ?? null,
    aiSummary: p.aiSummary ?? null,
    keywords: p.keywords ?? null,
    submittedAt: `${p.published}T17:59:59.000Z`,
  });
}

/** `Paper` records as the HF ingester would build them; throws on an unusable item (a generator bug). */
export function toPapers(fetched: readonly FetchedPaper[]): Paper[] {
  return fetched.map((f) => {
    const r = paperFromFeed(f, 'hf');
    if (!r.ok) throw new Error(`synthetic paper ${f.arxivId} rejected: ${r.message}`);
    return r.paper;
  });
}
