/**
 * The real bot in a child process for the watch end-to-end tests (see test/helpers/bot-process.ts),
 * and a way to know its watch notifier has covered what the store holds.
 */
import { join } from 'node:path';
import { vi } from 'vitest';
import { STATE_DB_FILE } from '../../src/db/sqlite.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import type { Platform } from '../../src/watch/watch.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';

export { freePort, logLines, startBot, type BotProcess } from '../helpers/bot-process.ts';

/**
 * Resolve once the bot's watch notifier has finished a pass over everything the paper store in
 * `dataDir` holds now: the notifier moves its cursor for `platform` (in the watch store) to the
 * store's revision only at the end of a complete pass, after that pass's alerts were posted. So
 * once this resolves, whatever the bot was going to post about those papers has reached the fake.
 * Rejects when no such pass finishes within `timeoutMs` (liveness: the bot checks every 2 s).
 */
export async function watchPassCovered(dataDir: string, platform: Platform, timeoutMs = 30_000): Promise<number> {
  const file = join(dataDir, STATE_DB_FILE);
  const papers = SqlitePaperStore.open(file);
  const watches = SqliteWatchStore.open(file);
  try {
    const revision = await papers.revision();
    await vi.waitFor(
      async () => {
        const cursor = await watches.cursor(platform);
        if (cursor === undefined || cursor < revision) throw new Error(`the bot's ${platform} watch cursor is ${cursor}, not yet at revision ${revision}`);
      },
      { timeout: timeoutMs, interval: 50 },
    );
    return revision;
  } finally {
    await watches.close();
    await papers.close();
  }
}
