/**
 * Greetings and thanks, answered as a person would rather than searched for ("hi" is not a
 * topic). Only whole messages that are nothing but a greeting or thanks. Pure.
 */
import { span, type Reply } from '../core/reply.ts';

const GREETING = /^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))(?: there| all| everyone| folks| team)?(?: paperboy)?$/;
const THANKS = /^(?:thanks|thank you|thx|ty|cheers|much appreciated|great,? thanks|nice,? thanks)(?: a lot| so much| very much| again)?(?: paperboy)?$/;

/** The reply to a greeting or thanks, or undefined when the text is anything else. */
export function smallTalk(text: string): Reply | undefined {
  const t = text
    .toLowerCase()
    .replace(/[!.,?:;)(\s]+$/u, '')
    .replace(/\p{Extended_Pictographic}|\u{FE0F}/gu, '')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (GREETING.test(t)) {
    return {
      tone: 'info',
      summary: 'Hi! I find research papers: search, show one, or just ask.',
      blocks: [
        { kind: 'paragraph', text: [span.text('Hi! I find research papers. Try '), span.code('search kv cache compression'), span.text(', '), span.code('show snapkv'), span.text(', or just ask: “anything on speculative decoding?”')] },
        { kind: 'note', text: [span.code('help'), span.text(' lists everything I can do.')] },
      ],
    };
  }
  if (THANKS.test(t)) return { tone: 'ok', summary: 'You’re welcome!', blocks: [{ kind: 'paragraph', text: [span.text('You’re welcome!')] }] };
  return undefined;
}
