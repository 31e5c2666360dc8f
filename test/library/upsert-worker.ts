/**
 * A paper store in its own process, for the two-process test: opens the state database argv[2] and
 * reads its batches from the JSON file argv[3 + its race number]. For each `upsert <round>` command
 * it waits at the gate `round <round>` until the other process is there too, upserts its batch of
 * that round, reports the outcome and answers with it.
 */
import { readFileSync } from 'node:fs';
import type { Paper } from '../../src/papers/paper.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { raceWorker, type Json } from '../helpers/race-worker.ts';

const race = raceWorker();
const [file, ...batchFiles] = process.argv.slice(2) as [string, ...string[]];
const batches = JSON.parse(readFileSync(batchFiles[race.index]!, 'utf8')) as Paper[][];
const store = SqlitePaperStore.open(file);

await race.serve(
  {
    async upsert(round) {
      const key = `round ${Number(round)}`;
      await race.gate(key);
      const outcome = await store.upsertBatch(batches[Number(round)]!);
      const result: Json = { added: outcome.added, updated: outcome.updated, unchanged: outcome.unchanged };
      race.report(key, result);
      return result;
    },
  },
  () => store.close(),
);
