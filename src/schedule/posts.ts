import { paperCard, resultRow } from '../reply/cards.ts';
import type { Paper } from '../papers/paper.ts';
import { span, type Block, type Reply } from '../reply/reply.ts';
import type { Schedule } from './schedule.ts';
import type { Candidate, CandidateList } from './select.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function scheduleNote(schedule: Schedule, extra?: string): Block {
  return {
    kind: 'note',
    text: [span.text('Scheduled post '), span.code(schedule.id), span.text(extra ? ` · ${extra}` : '')],
  };
}

/** Capitalise the first letter (`papers on …` -> `Papers on …`). */
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** How a post's buttons name a paper (`show <ref>`): `paperRef`, as search results do; default its id. */
export type PaperRefFn = (paper: Paper) => string;

/**
 * A scheduled digest: heading, one ranked card per paper, and how many matching papers remain
 * unposted in the channel after this one.
 */
export function digestPost(schedule: Schedule, list: CandidateList, picked: Candidate[], remaining: number, ref?: PaperRefFn): Reply {
  const heading = list.description === 'papers' ? 'Paper digest' : `Paper digest: ${list.description}`;
  const left = remaining === 0 ? 'the last unposted ones' : `${remaining} more not yet posted here`;
  const blocks: Block[] = [
    { kind: 'heading', text: heading },
    scheduleNote(schedule, `${plural(picked.length, 'paper')} · ${left}`),
    ...picked.map((c, i): Block => ({
      kind: 'paper',
      paper: paperCard(c.paper, {
        rank: i + 1,
        ...(c.score !== undefined ? { score: c.score } : {}),
        ...(c.snippet ? { snippet: c.snippet } : {}),
        ...(ref ? { ref: ref(c.paper) } : {}),
      }),
    })),
  ];
  return {
    tone: 'ok',
    summary: `${heading}: ${plural(picked.length, 'paper')}`,
    blocks,
    data: { type: 'results', query: list.query ?? '', results: picked.map((c) => resultRow(c.paper, c.score ?? 1)) },
  };
}

/** A paper of the day: one card with the full abstract and its highlights. */
export function paperOfTheDayPost(schedule: Schedule, list: CandidateList, pick: Candidate, ref?: PaperRefFn): Reply {
  const name = pick.paper.name ?? pick.paper.title;
  const heading = list.description === 'papers' ? 'Paper of the day' : `Paper of the day: ${list.description}`;
  return {
    tone: 'ok',
    summary: `${heading}: ${name}`,
    blocks: [
      { kind: 'heading', text: heading },
      { kind: 'paper', paper: paperCard(pick.paper, { withAbstract: true, ...(ref ? { ref: ref(pick.paper) } : {}) }) },
      scheduleNote(schedule),
    ],
    data: { type: 'paper', paper: pick.paper },
  };
}

/** The one-time notice that every matching paper has been posted to the channel. */
export function exhaustedPost(schedule: Schedule, list: CandidateList, total: number): Reply {
  const text =
    total === 0
      ? `No ${list.description} yet; I'll post when some arrive.`
      : `All ${total} ${list.description} have been posted here; I'll post again when new papers arrive.`;
  return {
    tone: 'empty',
    summary: cap(text),
    blocks: [{ kind: 'paragraph', text: [span.text(cap(text))] }, scheduleNote(schedule)],
  };
}
