import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.ts';
import { testPaperboy } from '../helpers/paperboy.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';

const words = [
  'search',
  'show',
  'similar',
  'code',
  'topic',
  'topics',
  'random',
  'digest',
  'stats',
  'help',
  '/papers',
  '--limit',
  '--page',
  '--code',
  '"',
  "'",
  '-',
  '0',
  '11',
  'kv',
  'snapkv',
  '<!channel>',
  '@everyone',
];

describe('any input', () => {
  it('never throws and always produces a non-empty reply', async () => {
    const pb = await testPaperboy();
    const input = fc.oneof(
      fc.string({ maxLength: 600 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((ws) => ws.join(' ')),
      fc.tuple(fc.constantFrom(...words), fc.string({ maxLength: 40 })).map(([a, b]) => `${a} ${b}`),
    );
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        const reply = await pb.run(text, SHELL_CONTEXT);
        expect(reply.summary.length).toBeGreaterThan(0);
        expect(reply.blocks.length).toBeGreaterThan(0);
        expect(reply.summary).not.toMatch(/went wrong on our side/);
        expect(renderText(reply).trim().length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});
