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

/** A JSON object (not an array, not null). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The one JSON document of an answer: `replyJson(reply)`, with what the command posted while it ran
 * (`schedule run` posts to the shell channel) under `posts`, so a command is always one document.
 * An answer that is not an object (a list of topics) goes under `value` when there are posts.
 */
export function answerJson(reply: Reply, posts: readonly Reply[] = []): unknown {
  const answer = replyJson(reply);
  if (posts.length === 0) return answer;
  return { ...(isObject(answer) ? answer : { value: answer }), posts: posts.map(replyJson) };
}

/**
 * One line of a `--batch --json` run: the answer to one input line, with `input` (the line as it
 * was read) first. A blank line (only whitespace, or nothing) is not run: its answer is
 * `{"input": …, "blank": true}`. An answer that is not an object goes under `value`. `input` is the
 * echo even if an answer had a field of that name.
 */
export function batchLineJson(input: string, reply: Reply | undefined, posts: readonly Reply[] = []): Record<string, unknown> {
  if (reply === undefined) return { input, blank: true };
  const answer = answerJson(reply, posts);
  return Object.assign({ input }, isObject(answer) ? answer : { value: answer }, { input });
}

/** Whether a `--batch` line is blank (not run): nothing but whitespace. */
export function isBlankLine(line: string): boolean {
  return line.trim() === '';
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * The lines of a `--batch` input, each as soon as it has arrived. A line ends at LF; a CR ending a
 * line is dropped (CRLF); a last line without LF is a line too, an empty input has none, and "\n"
 * is one blank line. Lines are UTF-8: invalid bytes read as U+FFFD, NUL and other control
 * characters are kept (the command then refuses them), and a byte-order mark at the very start is
 * dropped. Never splits a character (UTF-8 has no LF byte inside one); lines may be of any length.
 */
export async function* batchLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  let first = true;
  let pending: Buffer[] = [];
  const decode = (bytes: Buffer): string => {
    let b = bytes;
    if (first) {
      first = false;
      if (b.length >= 3 && b[0] === BOM[0] && b[1] === BOM[1] && b[2] === BOM[2]) b = b.subarray(3);
    }
    if (b.length > 0 && b[b.length - 1] === CR) b = b.subarray(0, -1);
    // Not fatal: a byte that is not UTF-8 becomes U+FFFD rather than ending the run.
    return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(b);
  };
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(LF); nl !== -1; nl = buf.indexOf(LF, start)) {
      const piece = buf.subarray(start, nl);
      const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = nl + 1;
      yield decode(line);
    }
    // The rest waits for its LF; copied, since the stream may reuse the chunk's memory.
    if (start < buf.length) pending.push(Buffer.from(buf.subarray(start)));
  }
  if (pending.length > 0) yield decode(Buffer.concat(pending));
}
