import { newestFirst } from '../commands/newest.ts';
import { quoted } from '../commands/results.ts';
import { TOPIC_RELATIVE_CUTOFF, topicPapers } from '../commands/topics.ts';
import type { Paper } from '../papers/paper.ts';
import type { RichText } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import type { Topic } from '../library/topics.ts';
import type { ScheduleSpec } from './schedule.ts';
import type { RunPlan } from './store.ts';

/** A paper a schedule may post, with its search score and snippet when chosen by relevance. */
export interface Candidate {
  paper: Paper;
  score?: number;
  snippet?: RichText;
}

/** Every paper a schedule draws from, in the order it posts them. */
export interface CandidateList {
  candidates: Candidate[];
  /** How the filter reads in messages: `papers matching "kv cache"`. */
  description: string;
  /** The search query behind the filter, if any. */
  query?: string;
}

export type CandidatesResult = { ok: true; list: CandidateList } | { ok: false; problem: string };

/** 32-bit FNV-1a: a small, stable, dependency-free hash for deterministic orders. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The candidate papers of a schedule, in posting order:
 * - digest, no filter: data order (newest page first);
 * - paper of the day, no filter: a shuffle seeded by the schedule id (stable across restarts and
 *   reloads; a new paper slots in at its hashed position), so two channels see different papers;
 * - with a topic (either kind): the topic's papers as the `topic` command picks them, best first;
 * - with a query: search hits scoring at least `TOPIC_RELATIVE_CUTOFF` of the best one, best first.
 */
export function candidatesFor(schedule: Pick<ScheduleSpec, 'id' | 'kind' | 'filter'>, engine: SearchEngine, topics: readonly Topic[]): CandidatesResult {
  const f = schedule.filter;
  if (f.kind === 'all') {
    let papers = newestFirst(engine.papers);
    if (schedule.kind === 'paper-of-the-day') {
      // Each paper's key hashed once (a comparison hashing two ids took seconds at a million papers).
      const keyed = papers.map((p) => ({ p, key: fnv1a(`${schedule.id}:${p.id}`) }));
      keyed.sort((a, b) => a.key - b.key || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0));
      papers = keyed.map((k) => k.p);
    }
    return { ok: true, list: { candidates: papers.map((paper) => ({ paper })), description: 'papers' } };
  }
  if (f.kind === 'topic') {
    const topic = topics.find((t) => t.name === f.topic);
    if (!topic) return { ok: false, problem: `the topic "${f.topic}" no longer exists` };
    // The same papers the `topic` command shows.
    const hits = topicPapers(engine, topic);
    return {
      ok: true,
      list: {
        candidates: hits.map((h) => ({ paper: h.paper, score: h.score, ...(h.snippet ? { snippet: h.snippet } : {}) })),
        description: `papers on ${topic.label}`,
        query: topic.query,
      },
    };
  }
  // A query behaves like an ad-hoc topic: every hit scoring at least the topic cutoff share of the best.
  const result = engine.search(f.query, { limit: Math.max(1, engine.papers.length) });
  const best = result.hits[0]?.score ?? 0;
  return {
    ok: true,
    list: {
      candidates: result.hits.filter((h) => h.score >= best * TOPIC_RELATIVE_CUTOFF).map((h) => ({ paper: h.paper, score: h.score, snippet: h.snippet })),
      description: `papers matching ${quoted(f.query)}`,
      query: f.query,
    },
  };
}

/** Whether a channel has had this paper, under its id or an id it had before (a page slug). */
export function wasPosted(paper: Paper, posted: ReadonlySet<string>): boolean {
  return posted.has(paper.id) || (paper.formerIds?.some((id) => posted.has(id)) ?? false);
}

/**
 * Decide a run from the candidates and the channel's posted history (pure): the first `count`
 * papers not yet posted there, or exhaustion. With `oneDay` (digests), dated papers come from one
 * publication day only, the newest one the channel has not had all of: fresh papers are never
 * padded out with older ones. `alreadyNotified`: the exhaustion notice went out before, so stay
 * quiet; `manual` runs never post the notice (the command replies instead).
 */
export function planRun(
  list: CandidateList,
  posted: ReadonlySet<string>,
  count: number,
  opts: { alreadyNotified: boolean; manual: boolean; oneDay?: boolean },
): RunPlan {
  const unposted = list.candidates.filter((c) => !wasPosted(c.paper, posted));
  let day: string | undefined;
  if (opts.oneDay) for (const c of unposted) if (c.paper.published && (day === undefined || c.paper.published > day)) day = c.paper.published;
  const fresh: string[] = [];
  for (const c of unposted) {
    if (fresh.length >= count) break;
    if (day !== undefined && c.paper.published !== day) continue;
    if (!fresh.includes(c.paper.id)) fresh.push(c.paper.id);
  }
  if (fresh.length > 0) return { kind: 'post', paperIds: fresh };
  return { kind: 'exhausted', notify: !opts.alreadyNotified && !opts.manual, total: list.candidates.length };
}
