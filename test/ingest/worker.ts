/**
 * Scheduled ingests in their own process, for the two-process test: opens the paper store in the
 * state database argv[2] and, for each `runSlot {spec, slot}` command, runs that scheduled source's
 * slot (`startIngestJobs(...).runSlot`) against the fake Hugging Face (argv[3]) and arXiv (argv[4])
 * servers. Its store's `claimSlot` waits at a gate named `<job>|<slot>` until the other process has
 * reached the same claim, then claims and reports the result; the command answers with the run's
 * report (null when this process did not run the slot).
 */
import { silentLogger } from '../../src/app/logger.ts';
import { startIngestJobs, type IngestSourceSpec } from '../../src/ingest/jobs.ts';
import { Library } from '../../src/library/library.ts';
import { createArxivClient } from '../../src/sources/arxiv.ts';
import { createHfClient } from '../../src/sources/hf.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { raceWorker, type Json } from '../helpers/race-worker.ts';

const [file, hfUrl, arxivUrl] = process.argv.slice(2) as [string, string, string];
const NOW = new Date('2026-11-23T06:30:00Z');
const race = raceWorker();
const store = SqlitePaperStore.open(file, { now: () => NOW.getTime() });
const claimSlot = store.claimSlot.bind(store);
store.claimSlot = async (job, slot, now) => {
  const key = `${job}|${slot}`;
  await race.gate(key);
  const claimed = await claimSlot(job, slot, now);
  race.report(key, { claimed });
  return claimed;
};

const logger = silentLogger();
const http = { timeoutMs: 5_000, baseDelayMs: 1, sleep: async () => {} };
const library = await Library.open({ pagePapers: [], store, logger });
const jobs = startIngestJobs({
  sources: [],
  store,
  library,
  hf: () => createHfClient({ baseUrl: hfUrl, http }),
  arxiv: () => createArxivClient({ baseUrl: arxivUrl, http, minIntervalMs: 0 }),
  logger,
  now: () => NOW,
});

await race.serve(
  {
    async runSlot(arg) {
      const { spec, slot } = arg as unknown as { spec: IngestSourceSpec; slot: string };
      const report = await jobs.runSlot(spec, slot);
      if (!report) return null;
      const result: Json = {
        source: report.source,
        added: report.added,
        updated: report.updated,
        failed: report.failed.map((f) => f.unit),
        addedIds: [...report.addedIds].sort(),
      };
      return result;
    },
  },
  async () => {
    await jobs.stop();
    await library.close();
    await store.close();
  },
);
