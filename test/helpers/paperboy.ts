import { createPaperboy } from '../../src/app/boot.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { EphemeralStore } from '../../src/ephemeral/store.ts';

/** The one clock of every test bot: a Thursday morning (UTC). */
export const TEST_NOW = new Date('2026-11-26T09:00:00Z');

/**
 * A new Paperboy on the built-in data with a silent logger, the fixed clock `TEST_NOW` and a
 * fixed random source. For a test that changes its bot (registers a command); others share
 * `testPaperboy()`.
 */
export async function newTestPaperboy(opts: { conversations?: EphemeralStore } = {}): Promise<Paperboy> {
  const { paperboy } = await createPaperboy({ logger: silentLogger(), now: () => TEST_NOW, random: () => 0.5, ...opts });
  return paperboy;
}

let cached: Promise<Paperboy> | undefined;

/** The test bot (`newTestPaperboy`), built once per test file. */
export function testPaperboy(): Promise<Paperboy> {
  cached ??= newTestPaperboy();
  return cached;
}

let asker = 0;

/** Push one message, pop the reply. Each call is its own conversation (no follow-ups leak between tests). */
export async function ask(text: string): Promise<Reply> {
  return (await testPaperboy()).run(text, { ...SHELL_CONTEXT, userId: `asker-${++asker}` });
}
