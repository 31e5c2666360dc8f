import { span, type Reply } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import { closest } from '../text/distance.ts';
import type { Topic } from '../library/topics.ts';
import type { Command } from './command.ts';
import { LIMIT_FLAG, PAGE_FLAG, flagSuffix, intFlag } from './flags.ts';
import { FILTER_FLAGS, FILTER_USAGE, paperFilters } from './filters.ts';
import { usageProblem } from './usage.ts';
import { pastEndReply, resultsReply, type RankedPaper } from './results.ts';
import { paperRef } from './ref.ts';

/** At most this many papers make up one topic. */
export const MAX_TOPIC_PAPERS = 30;
/** A paper belongs to a topic when it scores at least this share of the best paper for one of its phrases. */
export const TOPIC_RELATIVE_CUTOFF = 0.5;

/** Topic results per engine (an engine never changes, so its topic papers never do either). */
const topicCache = new WeakMap<SearchEngine, Map<string, readonly RankedPaper[]>>();

/** The alternatives of a topic query: `kv cache | key-value cache` -> [`kv cache`, `key-value cache`]. */
export function topicPhrases(query: string): string[] {
  return query
    .split('|')
    .map((q) => q.trim())
    .filter((q) => q !== '');
}

/**
 * The papers of a topic, chosen by the search engine. A topic query lists alternative phrases
 * separated by `|`; each phrase is searched on its own and keeps the papers scoring at least
 * `TOPIC_RELATIVE_CUTOFF` of its best hit (a short phrase ranks its real matches close together,
 * where one long query would let a single paper that matches every word crowd out the rest).
 * Papers are ordered by their best relative score. Memoised per engine and query.
 */
export function topicPapers(engine: SearchEngine, topic: Topic): readonly RankedPaper[] {
  let perEngine = topicCache.get(engine);
  if (!perEngine) topicCache.set(engine, (perEngine = new Map<string, readonly RankedPaper[]>()));
  const cached = perEngine.get(topic.query);
  if (cached) return cached;
  const best = new Map<string, RankedPaper>();
  for (const phrase of topicPhrases(topic.query)) {
    const r = engine.search(phrase, { limit: MAX_TOPIC_PAPERS });
    const top = r.hits[0]?.score ?? 0;
    if (top <= 0) continue;
    for (const h of r.hits) {
      const rel = h.score / top;
      if (rel < TOPIC_RELATIVE_CUTOFF) continue;
      const seen = best.get(h.paper.id);
      if (!seen || rel > seen.score) best.set(h.paper.id, { paper: h.paper, score: rel, snippet: h.snippet });
    }
  }
  const papers = [...best.values()].sort((a, b) => b.score - a.score).slice(0, MAX_TOPIC_PAPERS);
  perEngine.set(topic.query, papers);
  return papers;
}

/** Topic by name; also accepts the label or a close spelling through `suggest`. */
export function findTopic(topics: readonly Topic[], name: string): Topic | undefined {
  const n = name.toLowerCase().trim().replace(/\s+/g, '-');
  return topics.find((t) => t.name === n || t.label.toLowerCase() === name.toLowerCase().trim());
}

export function suggestTopics(topics: readonly Topic[], name: string): Topic[] {
  const n = name.toLowerCase().trim().replace(/\s+/g, '-');
  const names = closest(
    n,
    topics.map((t) => t.name),
    3,
  );
  const partial = topics.filter((t) => t.name.includes(n) || n.includes(t.name) || t.label.toLowerCase().includes(name.toLowerCase()));
  const out: Topic[] = [];
  for (const t of [...names.map((x) => topics.find((t) => t.name === x)!), ...partial]) if (!out.includes(t)) out.push(t);
  return out.slice(0, 5);
}

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'List the topics you can browse',
  usage: '',
  examples: ['topics'],
  args: 'none',
  flags: [],
  run(_input, deps): Reply {
    if (deps.topics.length === 0) {
      return {
        tone: 'empty',
        summary: 'No topics are configured.',
        blocks: [{ kind: 'paragraph', text: [span.text('No topics are configured (see TOPICS_PATH).')] }],
      };
    }
    const counts = new Map(deps.topics.map((t) => [t.name, topicPapers(deps.engine, t).length]));
    return {
      tone: 'info',
      summary: `${deps.topics.length} topics`,
      blocks: [
        { kind: 'heading', text: 'Topics' },
        {
          kind: 'list',
          items: deps.topics.map((t) => [span.code(t.name), span.text(` — ${t.label} (${counts.get(t.name)} paper${counts.get(t.name) === 1 ? '' : 's'})`)]),
        },
        { kind: 'note', text: [span.text('Open one with '), span.code('topic <name>'), span.text(', e.g. '), span.code(`topic ${deps.topics[0]!.name}`)] },
      ],
      command: 'topics',
      data: { type: 'other', value: deps.topics.map((t) => ({ ...t, papers: counts.get(t.name) })) },
    };
  },
};

const TOPIC_USAGE = `<name> [--limit N] [--page N] ${FILTER_USAGE}`;

export const topicCommand: Command = {
  name: 'topic',
  summary: 'Papers on one topic',
  usage: TOPIC_USAGE,
  examples: ['topic kv-cache', 'topic gaussian-splatting --page 2', 'topic kv-cache --code'],
  args: 'required',
  argName: 'topic name',
  flags: [LIMIT_FLAG, PAGE_FLAG, ...FILTER_FLAGS],
  run(input, deps): Reply {
    const filters = paperFilters(input.flags, deps.now(), { code: true, parts: deps.engine.parts });
    if ('problem' in filters) return usageProblem(filters.problem, `topic ${TOPIC_USAGE}`);
    const name = input.args.join(' ');
    const topic = findTopic(deps.topics, name);
    if (!topic) {
      const sugg = suggestTopics(deps.topics, name);
      return {
        tone: 'error',
        summary: `No topic named “${name}”.${sugg[0] ? ` Did you mean ${sugg[0].name}?` : ''}`,
        blocks: [
          {
            kind: 'paragraph',
            text: [span.text(`No topic named “${name}”.`), ...(sugg[0] ? [span.text(' Did you mean '), span.code(sugg[0].name), span.text('?')] : [])],
          },
          { kind: 'note', text: [span.code('topics'), span.text(' lists them all.')] },
          {
            kind: 'actions',
            actions: [
              ...sugg.slice(0, 3).map((t) => ({ id: `topic:${t.name}`, label: t.label.slice(0, 60), command: `topic ${t.name}` })),
              { id: 'search-instead', label: `Search “${name.slice(0, 40)}”`, command: `search ${name}` },
            ],
          },
        ],
        data: { type: 'results', query: name, results: [] },
      };
    }
    const limit = intFlag(input.flags, 'limit', 5);
    const page = intFlag(input.flags, 'page', 1);
    const { filter } = filters;
    const onTopic = topicPapers(deps.engine, topic);
    const all = filter ? onTopic.filter((h) => filter(h.paper)) : onTopic;
    const commandFor = (p: number) => `topic ${topic.name}${flagSuffix(limit, false)}${filters.suffix}${p > 1 ? ` --page ${p}` : ''}`;
    const narrowed = filters.labels.length ? ` (${filters.labels.join(', ')})` : '';
    if (all.length === 0) {
      return {
        tone: 'empty',
        summary: `No papers on ${topic.label}${narrowed} yet.`,
        blocks: [{ kind: 'paragraph', text: [span.text(`No papers on ${topic.label}${narrowed} in this paper set yet.`)] }],
        command: commandFor(1),
        data: { type: 'results', query: topic.query, results: [] },
      };
    }
    const hits = all.slice((page - 1) * limit, page * limit);
    if (hits.length === 0) return pastEndReply(topic.query, all.length, page, limit, commandFor);
    return resultsReply({
      ref: (p) => paperRef(deps.engine, p),
      heading: `${topic.label}${narrowed}`,
      query: topic.query,
      hits,
      total: all.length,
      page,
      perPage: limit,
      commandFor,
    });
  },
};
