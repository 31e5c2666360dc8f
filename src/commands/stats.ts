import { isPageSource, type Paper } from '../papers/paper.ts';
import { span, type Field, type Reply } from '../reply/reply.ts';
import type { SourceStatus } from '../library/store.ts';
import type { Command } from './command.ts';

const FEEDS = [
  { feed: 'hf', label: 'Hugging Face' },
  { feed: 'arxiv', label: 'arXiv' },
] as const;

function fromFeed(p: Paper, feed: 'hf' | 'arxiv'): boolean {
  return p.sources.some((s) => !isPageSource(s) && s.feed === feed);
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
    const withCode = papers.filter((p) => p.links.some((l) => l.kind === 'code')).length;
    const withProject = papers.filter((p) => p.links.some((l) => l.kind === 'project')).length;
    const named = papers.filter((p) => p.name).length;
    const highlights = papers.reduce((n, p) => n + p.highlights.length, 0);
    const files = new Set(papers.flatMap((p) => p.sources.flatMap((s) => (isPageSource(s) ? [s.file] : []))));
    const dates = [...new Set(papers.flatMap((p) => p.sources.map((s) => (isPageSource(s) ? s.date : undefined))).filter((d): d is string => !!d))];
    const fromPages = papers.filter((p) => p.sources.some(isPageSource)).length;
    let newest: string | undefined;
    for (const p of papers) if (p.published && (newest === undefined || p.published > newest)) newest = p.published;
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
            papers: papers.filter((p) => fromFeed(p, feed)).length,
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
      dates,
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
