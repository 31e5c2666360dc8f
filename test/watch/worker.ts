/**
 * A watch notifier in its own process, for the two-process test: opens the state database argv[2]
 * and, for each `poll <round>` command, checks the store once (`notifier.poll()`, a pass when an
 * ingest ended). Its store's `claimAlert` waits at a gate named `<round>:<watch>` until the other
 * process has reached the same claim, then claims and reports the result; the command answers,
 * once the check is finished, with whether a pass ran and the alerts this process sent.
 */
import { silentLogger } from '../../src/app/logger.ts';
import { Library } from '../../src/library/library.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { createWatchNotifier } from '../../src/watch/notifier.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { raceWorker } from '../helpers/race-worker.ts';

const [file] = process.argv.slice(2) as [string];
const race = raceWorker();
const papers = SqlitePaperStore.open(file);
const store = SqliteWatchStore.open(file);
let round = '';
const claimAlert = store.claimAlert.bind(store);
store.claimAlert = async (req) => {
  const key = `${round}:${req.watchId}`;
  await race.gate(key);
  const claim = await claimAlert(req);
  race.report(key, claim.claimed ? { claimed: true, paperIds: [...claim.paperIds].sort() } : { claimed: false, why: claim.why });
  return claim;
};

let alerts: { channelId: string; ids: string[] }[] = [];
const library = await Library.open({ pagePapers: [], store: papers, logger: silentLogger() });
const notifier = createWatchNotifier({
  store,
  papers,
  library,
  posters: {
    slack: async ({ channelId }: { channelId: string }, reply: Reply) => {
      alerts.push({ channelId, ids: reply.data?.type === 'results' ? reply.data.results.map((r) => r.id) : [] });
    },
  },
  logger: silentLogger(),
  sleep: async () => {},
});

await race.serve(
  {
    async poll(name) {
      round = typeof name === 'string' ? name : JSON.stringify(name);
      alerts = [];
      const reports = await notifier.poll();
      return { ran: reports !== undefined, alerts };
    },
  },
  async () => {
    await notifier.stop();
    await library.close();
    await store.close();
    await papers.close();
  },
);
