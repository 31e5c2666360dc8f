import { span, type Reply } from '../reply.ts';
import type { Command } from './command.ts';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'What is in the paper set: counts of papers, code links, pages',
  usage: '',
  examples: ['stats'],
  args: 'none',
  flags: [],
  run(_input, deps): Reply {
    const papers = deps.papers;
    const withCode = papers.filter((p) => p.links.some((l) => l.kind === 'code')).length;
    const withProject = papers.filter((p) => p.links.some((l) => l.kind === 'project')).length;
    const named = papers.filter((p) => p.name).length;
    const highlights = papers.reduce((n, p) => n + p.highlights.length, 0);
    const files = new Set(papers.flatMap((p) => p.sources.map((s) => s.file)));
    const dates = [...new Set(papers.flatMap((p) => p.sources.map((s) => s.date)).filter((d): d is string => !!d))];
    const pct = (n: number) => (papers.length ? ` (${Math.round((100 * n) / papers.length)}%)` : '');
    const value = {
      papers: papers.length,
      withCode,
      withProjectPage: withProject,
      named,
      highlights,
      pages: files.size,
      dates,
      topics: deps.topics.length,
    };
    return {
      tone: 'info',
      summary: `${papers.length} papers, ${withCode} with code, from ${files.size} page${files.size === 1 ? '' : 's'}`,
      blocks: [
        { kind: 'heading', text: 'Paper set' },
        {
          kind: 'fields',
          fields: [
            { label: 'Papers', value: [span.text(String(papers.length))] },
            { label: 'With code', value: [span.text(`${withCode}${pct(withCode)}`)] },
            { label: 'With project page', value: [span.text(`${withProject}${pct(withProject)}`)] },
            { label: 'With a short name', value: [span.text(`${named}${pct(named)}`)] },
            { label: 'Highlights', value: [span.text(String(highlights))] },
            { label: 'Pages', value: [span.text(`${files.size}${dates.length ? ` (${dates.slice(0, 5).join(', ')}${dates.length > 5 ? ', …' : ''})` : ''}`)] },
            { label: 'Topics', value: [span.text(String(deps.topics.length))] },
          ],
        },
      ],
      command: 'stats',
      data: { type: 'other', value },
    };
  },
};
