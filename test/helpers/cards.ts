/** The paper fixture of the Slack and Discord renderer tests: one card shape for both adapters. */
import { span, type PaperCard } from '../../src/reply/reply.ts';

/** Paper card number `i` (rank `i`, a snippet with a matched term, a code link, Abstract and Similar buttons). */
export function testCard(i: number, over: Partial<PaperCard> = {}): PaperCard {
  return {
    id: `paper-${i}`,
    title: `Paper number ${i}: a study`,
    rank: i,
    snippet: [span.text('We study '), span.mark('kv cache'), span.text(' compression.')],
    links: [{ url: `https://github.com/x/p${i}`, kind: 'code' }],
    highlights: ['3x faster'],
    actions: [
      { id: `abstract:paper-${i}`, label: 'Abstract', command: `show paper-${i}` },
      { id: `similar:paper-${i}`, label: 'Similar', command: `similar paper-${i}` },
    ],
    ...over,
  };
}
