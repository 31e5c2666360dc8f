/**
 * A watch notifier in its own process, for the two-process test: opens the state database argv[2],
 * checks the store every 20 ms until the stop file argv[4] appears, and appends each alert it
 * sends as a JSON line to argv[3].
 */
import { appendFileSync, existsSync } from 'node:fs';
import { silentLogger } from '../../src/app/logger.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { Library } from '../../src/library/library.ts';
import { SqlitePaperStore } from '../../src/store/sqlite/paper-store.ts';
import { createWatchNotifier } from '../../src/watch/notifier.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';

const [file, out, stop] = process.argv.slice(2) as [string, string, string];
const papers = SqlitePaperStore.open(file);
const store = SqliteWatchStore.open(file);
const library = await Library.open({ pagePapers: [], store: papers, logger: silentLogger() });
const notifier = createWatchNotifier({
  store,
  papers,
  library,
  posters: {
    slack: async (channelId: string, reply: Reply) => {
      const ids = reply.data?.type === 'results' ? reply.data.results.map((r) => r.id) : [];
      appendFileSync(out, JSON.stringify({ pid: process.pid, channelId, ids }) + '\n');
    },
  },
  logger: silentLogger(),
  sleep: async () => {},
});
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
while (!existsSync(stop)) {
  await notifier.poll();
  await sleep(20);
}
await notifier.stop();
await library.close();
await store.close();
await papers.close();
