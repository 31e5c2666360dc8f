import type { Paper } from '../papers/paper.ts';
import type { Vote } from './store.ts';

export interface VotedPaper {
  paper: Paper;
  votes: number;
  /** The newest vote for it. */
  lastVoteAt: Date;
}

export interface RankedVotes {
  ranked: VotedPaper[];
  /** Papers with votes that are no longer in the paper set (not listed). */
  missing: number;
}

/**
 * Papers by votes: most votes first, then the most recently voted, then by id. A paper known under
 * two ids (a page paper that later got its arXiv id) is one paper, and a person who voted under
 * both ids counts once. Pure.
 */
export function rankVotes(votes: readonly Vote[], byId: (id: string) => Paper | undefined): RankedVotes {
  const voters = new Map<string, { paper: Paper; users: Set<string>; last: number }>();
  const missing = new Set<string>();
  for (const v of votes) {
    const paper = byId(v.paperId);
    if (!paper) {
      missing.add(v.paperId);
      continue;
    }
    let entry = voters.get(paper.id);
    if (!entry) voters.set(paper.id, (entry = { paper, users: new Set(), last: 0 }));
    entry.users.add(v.userId);
    entry.last = Math.max(entry.last, v.votedAt.getTime());
  }
  const ranked = [...voters.values()]
    .map((e) => ({ paper: e.paper, votes: e.users.size, lastVoteAt: new Date(e.last) }))
    // Two entries never share a paper id (one entry per paper), so the last tie-break needs no "equal".
    .sort((a, b) => b.votes - a.votes || b.lastVoteAt.getTime() - a.lastVoteAt.getTime() || (a.paper.id < b.paper.id ? -1 : 1));
  return { ranked, missing: missing.size };
}
