/**
 * A scheduler in its own process, for the two-process test: opens the database file given as
 * argv[2], waits for the start signal file argv[4] (holding a start time), runs the due slots
 * of five mornings in step with the other process, and appends each delivered post as a JSON line to argv[3].
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { loadTopics } from '../../src/library/topics.ts';

const [file, out, go] = process.argv.slice(2) as [string, string, string];
let now = new Date('2026-11-26T08:00:00Z');
const store = SqliteScheduleStore.open(file);
const scheduler = createScheduler({
  store,
  engine: createSearchEngine((await loadPapers(BUILTIN_PAPERS_PATH)).papers),
  topics: await loadTopics(),
  posters: {
    slack: async (channelId: string, reply: Reply) => {
      const ids = reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper.id] : []));
      appendFileSync(out, JSON.stringify({ pid: process.pid, channelId, ids }) + '\n');
    },
  },
  logger: silentLogger(),
  clock: { now: () => now },
  sleep: async () => {},
});
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
while (!existsSync(go)) await sleep(5);
// The go file holds a wall-clock start time; both processes run each morning's slot at the same
// instant (every 150 ms after it), so their claims really race.
const t0 = Number(readFileSync(go, 'utf8'));
for (let day = 0; day < 5; day++) {
  await sleep(Math.max(0, t0 + day * 150 - Date.now()));
  now = new Date(Date.parse('2026-11-26T09:00:00Z') + day * 86_400_000);
  await scheduler.runDue(now);
}
await store.close();
