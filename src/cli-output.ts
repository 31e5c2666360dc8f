import type { Reply } from './reply.ts';

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
