/**
 * A scheduler in its own process, for the two-process test: opens the database file argv[2] and,
 * for each `runDue <day>` command, runs the slots due at 09:00 UTC on day `day` after 2026-11-26.
 * Its store's `claimRun` waits at a gate named `<schedule>@<slot>` until the other process has
 * reached the same claim, then claims and reports the result; the command answers with the posts
 * this process delivered.
 */
import { silentLogger } from '../../src/app/logger.ts';
import { loadTopics } from '../../src/library/topics.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { raceWorker } from '../helpers/race-worker.ts';

const [file] = process.argv.slice(2) as [string];
const race = raceWorker();
const store = SqliteScheduleStore.open(file);
const claimRun = store.claimRun.bind(store);
store.claimRun = async (req) => {
  const key = `${req.scheduleId}@${req.slot}`;
  await race.gate(key);
  const result = await claimRun(req);
  race.report(key, result.claimed ? { claimed: true } : { claimed: false, why: result.why });
  return result;
};

let now = new Date('2026-11-26T08:00:00Z');
let posts: { channelId: string; ids: string[] }[] = [];
const scheduler = createScheduler({
  store,
  engine: createSearchEngine((await loadPapers(BUILTIN_PAPERS_PATH)).papers),
  topics: await loadTopics(),
  posters: {
    slack: async ({ channelId }: { channelId: string }, reply: Reply) => {
      posts.push({ channelId, ids: reply.blocks.flatMap((b) => (b.kind === 'paper' ? [b.paper.id] : [])) });
    },
  },
  logger: silentLogger(),
  clock: { now: () => now },
  sleep: async () => {},
});

await race.serve(
  {
    async runDue(day) {
      now = new Date(Date.parse('2026-11-26T09:00:00Z') + Number(day) * 86_400_000);
      posts = [];
      const reports = await scheduler.runDue(now);
      return { outcomes: reports.map((r) => `${r.slot} ${r.outcome}`), posts };
    },
  },
  () => store.close(),
);
