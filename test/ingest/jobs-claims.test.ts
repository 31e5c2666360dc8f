/**
 * A scheduled ingest slot another process has already claimed: nothing is fetched, and the claim
 * conflict is counted under `ingest` in the metrics operators watch.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.ts';
import { jobName, startIngestJobs, type IngestSourceSpec } from '../../src/ingest/jobs.ts';
import { Library } from '../../src/library/library.ts';
import { claimConflictsTotal } from '../../src/metrics/metrics.ts';
import type { HfClient } from '../../src/sources/hf.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const { tempDb, openStore, cleanups } = useTempStores('paperboy-jobs-claims-');

async function conflicts(kind: string): Promise<number> {
  return (await claimConflictsTotal.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
}

describe('a slot another process claimed', () => {
  it('fetches nothing and counts one ingest claim conflict', async () => {
    const file = tempDb();
    const store = openStore(file);
    const library = await Library.open({ pagePapers: [], store, logger: silentLogger() });
    cleanups.push(() => library.close());
    const fetched: string[] = [];
    const hf: HfClient = {
      fetchDay: async (day) => {
        fetched.push(day);
        return { source: 'hf', unit: day, papers: [], skipped: [] };
      },
    };
    const jobs = startIngestJobs({
      sources: [],
      store,
      library,
      hf: () => hf,
      arxiv: () => {
        throw new Error('no arXiv here');
      },
      logger: silentLogger(),
      now: () => new Date('2026-11-23T06:30:00Z'),
    });
    cleanups.push(() => jobs.stop());
    const spec: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 1 };
    const slot = '2026-11-23T06:30:00.000Z';
    expect(await openStore(file).claimSlot(jobName(spec), slot, new Date('2026-11-23T06:30:00Z'))).toBe(true);
    const before = { ingest: await conflicts('ingest'), schedule: await conflicts('schedule') };
    expect(await jobs.runSlot(spec, slot)).toBeUndefined();
    expect(fetched).toEqual([]);
    expect(await conflicts('ingest')).toBe(before.ingest + 1);
    expect(await conflicts('schedule')).toBe(before.schedule);
  });
});
