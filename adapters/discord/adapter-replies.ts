/** Replies the Discord adapter makes itself (not from a core command). */
import { span, type Reply } from '../../src/reply/reply.ts';

/** A button whose stored command is gone (expired, evicted, or the bot restarted). */
export function expiredButtonReply(): Reply {
  return {
    tone: 'error',
    summary: 'This button has expired. Run the command again.',
    blocks: [
      {
        kind: 'paragraph',
        text: [
          span.text('This button has expired (buttons work for 24 hours, and not across bot restarts). Run the command again, e.g. '),
          span.code('/papers search'),
          span.text('.'),
        ],
      },
    ],
  };
}

/** A slash invocation we could not turn into command text. */
export function badInvocationReply(problem: string): Reply {
  return { tone: 'error', summary: problem, blocks: [{ kind: 'paragraph', text: [span.text(problem)] }] };
}
