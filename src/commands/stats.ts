import { isPageSource, type Paper } from '../papers/paper.ts';
import { span, type Field, type Reply } from '../reply/reply.ts';
import type { SourceStatus } from '../library/store.ts';
import { hasLink, highlightCount } from '../search/cached-papers.ts';
import type { Command } from './command.ts';

const FEEDS = [
  { feed: 'hf', label: 'Hugging Face' },
  { feed: 'arxiv', label: 'arXiv' },
] as const;

/** What `stats` counts in a paper list. */
interface Counts {
  withCode: number;
  withProject: number;
  named: number;
  highlights: number;
  /** Page files, in order of first appearance. */
  files: Set<string>;
  /** Page dates, in order of first appearance. */
  dates: string[];
  fromPages: number;
  newest: string | undefined;
  feeds: Record<'hf' | 'arxiv', number>;
}

/** Counts by paper list: a list is one library snapshot (it never changes), and a million papers take a while to count. */
const counted = new WeakMap<readonly Paper[], Counts>();

/**
 * One pass over the papers, reading neither their texts nor their links from a cache file
 * (`highlightCount`, `hasLink`): at a million papers, reading each text took longer than a minute.
 */
function countPapers(papers: readonly Paper[]): Counts {
  const known = counted.get(papers);
  if (known) return known;
  const c: Counts = {
    withCode: 0,
    withProject: 0,
    named: 0,
    highlights: 0,
    files: new Set(),
    dates: [],
    fromPages: 0,
    newest: undefined,
    feeds: { hf: 0, arxiv: 0 },
  };
  const dates = new Set<string>();
  for (const p of papers) {
    if (hasLink(p, 'code')) c.withCode++;
    if (hasLink(p, 'project')) c.withProject++;
    if (p.name) c.named++;
    c.highlights += highlightCount(p);
    if (p.published && (c.newest === undefined || p.published > c.newest)) c.newest = p.published;
    let page = false;
    let hf = false;
    let arxiv = false;
    for (const s of p.sources) {
      if (isPageSource(s)) {
        page = true;
        c.files.add(s.file);
        if (s.date) dates.add(s.date);
      } else if (s.feed === 'hf') hf = true;
      else if (s.feed === 'arxiv') arxiv = true;
    }
    if (page) c.fromPages++;
    if (hf) c.feeds.hf++;
    if (arxiv) c.feeds.arxiv++;
  }
  c.dates = [...dates];
  counted.set(papers, c);
  return c;
}

/** `2026-11-29 06:30 UTC`. */
function when(d: Date | undefined): string | null {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : null;
}

export const statsCommand: Command = {
  name: 'stats',
  summary: 'What is in the paper set: papers per source, code links, last ingests',
  usage: '',
  examples: ['stats'],
  args: 'none',
  flags: [],
  async run(_input, deps, ctx): Promise<Reply> {
    const papers = deps.papers;
    const { withCode, withProject, named, highlights, files, dates, fromPages, newest, feeds } = countPapers(papers);
    let status: SourceStatus[] = [];
    try {
      status = (await deps.library.store?.sourceStatus()) ?? [];
    } catch (err) {
      deps.logger.warn({ err }, 'stats: could not read ingest status');
    }
    const location = ctx.platform === 'shell' ? deps.dataLocation : undefined;
    const pct = (n: number) => (papers.length ? ` (${Math.round((100 * n) / papers.length)}%)` : '');
    const sources = Object.fromEntries(
      FEEDS.map(({ feed }) => {
        const st = status.find((s) => s.source === feed);
        return [
          feed,
          {
            papers: feeds[feed],
            lastSuccess: st?.lastSuccessAt?.toISOString() ?? null,
            lastFailure: st?.lastFailureAt?.toISOString() ?? null,
            lastError: st?.lastError ?? null,
          },
        ];
      }),
    ) as Record<'hf' | 'arxiv', { papers: number; lastSuccess: string | null; lastFailure: string | null; lastError: string | null }>;
    const value = {
      papers: papers.length,
      withCode,
      withProjectPage: withProject,
      named,
      highlights,
      pages: files.size,
      dates: [...dates],
      newest: newest ?? null,
      sources: { ...sources, pages: { papers: fromPages } },
      topics: deps.topics.length,
      // Where the state is: for whoever runs Paperboy (the shell, the CLI), not for a chat channel.
      ...(location ? { data: location } : {}),
    };
    const fields: Field[] = [{ label: 'Papers', value: [span.text(String(papers.length))] }];
    for (const { feed, label } of FEEDS) {
      const s = sources[feed];
      if (s.papers === 0 && !s.lastSuccess && !s.lastFailure) continue;
      const last = s.lastSuccess ? `last ingest ${when(new Date(s.lastSuccess))}` : 'no successful ingest yet';
      const failed =
        s.lastFailure && (!s.lastSuccess || s.lastFailure > s.lastSuccess)
          ? `; failed ${when(new Date(s.lastFailure))}: ${s.lastError ?? 'unknown error'}`
          : '';
      fields.push({ label: `From ${label}`, value: [span.text(`${s.papers} · ${last}${failed}`)] });
    }
    if (fromPages) {
      fields.push({
        label: 'From page files',
        value: [
          span.text(
            `${fromPages} · ${files.size} page${files.size === 1 ? '' : 's'}${dates.length ? ` (${dates.slice(0, 5).join(', ')}${dates.length > 5 ? ', …' : ''})` : ''}`,
          ),
        ],
      });
    }
    if (newest) fields.push({ label: 'Newest', value: [span.text(newest)] });
    fields.push(
      { label: 'With code', value: [span.text(`${withCode}${pct(withCode)}`)] },
      { label: 'With project page', value: [span.text(`${withProject}${pct(withProject)}`)] },
      { label: 'With a short name', value: [span.text(`${named}${pct(named)}`)] },
      { label: 'Highlights', value: [span.text(String(highlights))] },
      { label: 'Topics', value: [span.text(String(deps.topics.length))] },
    );
    if (location) fields.push({ label: 'Data', value: [span.code(location)] });
    const feedCounts = FEEDS.filter(({ feed }) => sources[feed].papers > 0).map(({ feed, label }) => `${sources[feed].papers} from ${label}`);
    return {
      tone: 'info',
      summary: `${papers.length} papers, ${withCode} with code${feedCounts.length ? ` (${feedCounts.join(', ')})` : `, from ${files.size} page${files.size === 1 ? '' : 's'}`}`,
      blocks: [
        { kind: 'heading', text: 'Paper set' },
        { kind: 'fields', fields },
      ],
      command: 'stats',
      data: { type: 'other', value },
    };
  },
};
