/**
 * Greetings and thanks, answered as a person would rather than searched for ("hi" is not a
 * topic). Only whole messages that are nothing but a greeting or thanks. Pure.
 */
import { span, type Reply } from '../reply/reply.ts';

const GREETING = /^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))(?: there| all| everyone| folks| team)?(?: paperboy)?$/;
/** Thanks first, then a few words at most (`thanks, that helps`), or thanks last (`perfect, thanks`). */
const THANKS = /^(?:thanks|thank you|thx|ty|cheers|much appreciated)\b(?: \S+){0,6}$|^(?:\S+ ){1,3}(?:thanks|thank you|thx|ty)$/;
/** A short acknowledgement: `ok`, `cool`, `got it`. */
const ACK = /^(?:ok|okay|k|cool|nice|great|awesome|perfect|excellent|sweet|neat|good|got it|makes sense|interesting)$/;
const BYE = /^(?:bye|goodbye|good bye|see you|see ya|cya|later|good night)(?: paperboy)?$/;
/** `who are you`, `what can you do`: the greeting's introduction. */
const ABOUT = /^(?:who are you|what are you|what can you do|what do you do|how do (?:i|we) use (?:this|you|paperboy)|how does this work|help me)$/;

/** The reply to a greeting or thanks, or undefined when the text is anything else. */
export function smallTalk(text: string): Reply | undefined {
  const t = text
    .toLowerCase()
    .replace(/[!.,?:;)(\s]+$/u, '')
    .replace(/\p{Extended_Pictographic}|\u{FE0F}/gu, '')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (GREETING.test(t) || ABOUT.test(t)) {
    return {
      tone: 'info',
      summary: 'Hi! I find research papers: search, show one, or just ask.',
      blocks: [
        {
          kind: 'paragraph',
          text: [
            span.text('Hi! I find research papers. Try '),
            span.code('search kv cache compression'),
            span.text(', '),
            span.code('show snapkv'),
            span.text(', or just ask: “anything on speculative decoding?”'),
          ],
        },
        { kind: 'note', text: [span.code('help'), span.text(' lists everything I can do.')] },
      ],
    };
  }
  if (THANKS.test(t)) return { tone: 'ok', summary: 'You’re welcome!', blocks: [{ kind: 'paragraph', text: [span.text('You’re welcome!')] }] };
  if (ACK.test(t))
    return { tone: 'ok', summary: 'Glad it helps.', blocks: [{ kind: 'paragraph', text: [span.text('Glad it helps. Ask for more any time.')] }] };
  if (BYE.test(t)) return { tone: 'ok', summary: 'Bye! Ask any time.', blocks: [{ kind: 'paragraph', text: [span.text('Bye! Ask any time.')] }] };
  return undefined;
}
