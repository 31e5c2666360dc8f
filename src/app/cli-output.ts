import type { Reply } from '../reply/reply.ts';

/**
 * The machine-readable form of a reply for `--json`: result lists as `{query, results}`, `show` as the
 * paper record, other answers as their data, and errors as `{error}`.
 */
export function replyJson(reply: Reply): unknown {
  if (reply.tone === 'error') {
    // An error that carries a report (a failed ingest) keeps it beside the message.
    const d = reply.data;
    return d?.type === 'other' && typeof d.value === 'object' && d.value !== null && !Array.isArray(d.value)
      ? { ...(d.value as Record<string, unknown>), error: reply.summary }
      : { error: reply.summary };
  }
  const d = reply.data;
  if (!d) return { text: reply.summary };
  switch (d.type) {
    case 'results':
      return {
        query: d.query,
        results: d.results,
        ...(d.match ? { match: d.match } : {}),
        ...(reply.paging ? { page: reply.paging.page, pages: reply.paging.pages, total: reply.paging.total } : {}),
      };
    case 'paper':
      return d.paper;
    case 'other':
      return d.value;
  }
}

/**
 * The CLI's exit code for a reply: 0 it answered; 1 the request failed (bad input, a source or
 * store failure); 3 it found nothing (no results, or a paper reference that names no paper or
 * several). Configuration problems exit with 2 before any command runs.
 */
export function exitCode(reply: Reply): 0 | 1 | 3 {
  if (reply.tone === 'error') return 1;
  if (reply.tone === 'empty' || (reply.data?.type === 'results' && reply.data.match !== undefined)) return 3;
  return 0;
}

/** The exit code of a `--batch` run: its worst line (a failure before "nothing found"). */
export function worstExitCode(codes: Iterable<0 | 1 | 3>): 0 | 1 | 3 {
  let worst: 0 | 1 | 3 = 0;
  for (const c of codes) if (c === 1 || (c === 3 && worst === 0)) worst = c;
  return worst;
}
