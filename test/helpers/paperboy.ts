import { createPaperboy } from '../../src/boot.ts';
import { SHELL_CONTEXT } from '../../src/context.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Paperboy } from '../../src/paperboy.ts';
import type { Reply } from '../../src/reply.ts';

let cached: Promise<Paperboy> | undefined;

/** A Paperboy on the built-in data with a silent logger and a fixed clock and random source. */
export function testPaperboy(): Promise<Paperboy> {
  cached ??= createPaperboy({
    logger: silentLogger(),
    now: () => new Date('2026-11-26T09:00:00Z'),
    random: () => 0.5,
  }).then((b) => b.paperboy);
  return cached;
}

/** Push one message, pop the reply. */
export async function ask(text: string): Promise<Reply> {
  return (await testPaperboy()).run(text, SHELL_CONTEXT);
}
