/**
 * Scheduled ingests in two processes on one DATA_DIR: each runs the same scheduled source's slot
 * against the local Hugging Face and arXiv fakes. Both attempt the slot's claim at once; exactly one
 * claims it, fetches and stores; the other fetches nothing; every paper is stored once.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobName, type IngestSourceSpec } from '../../src/ingest/jobs.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { arxivEntry } from '../fakes/arxiv/fake-arxiv.ts';
import { hfItem } from '../fakes/hf/fake-hf.ts';
import { useFakeSources } from '../helpers/fake-sources.ts';
import type { Json } from '../helpers/race-worker.ts';
import { startRace, type Race } from '../helpers/run-worker.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const { hfFake, arxivFake } = useFakeSources();
const { tempDir } = useTempStores('paperboy-ingest-race-');

let race: Race | undefined;
afterEach(async () => {
  await race?.kill();
  race = undefined;
});

const HF_SPEC: IngestSourceSpec = { type: 'hf', cron: '30 6 * * *', timezone: 'UTC', days: 2 };
const AX_SPEC: IngestSourceSpec = { type: 'arxiv', cron: '30 */6 * * *', timezone: 'UTC', categories: ['cs.CL'], max: 50 };
const SLOT = '2026-11-23T06:30:00.000Z';
const NEXT_SLOT = '2026-11-24T06:30:00.000Z';

interface SlotResult {
  source: string;
  added: number;
  updated: number;
  failed: string[];
  addedIds: string[];
}

beforeEach(() => {
  hfFake.reset();
  arxivFake.reset();
  hfFake.setDay('2026-11-22', [hfItem({ id: '2611.09002', title: 'Wombat Attention for Long Context Models', upvotes: 12 })]);
  hfFake.setDay('2026-11-23', [
    hfItem({ id: '2611.09003', title: 'Platypus Decoding with Speculative Drafts', upvotes: 30 }),
    hfItem({ id: '2611.09004', title: 'Echidna Routing in Mixtures of Experts', upvotes: 4 }),
  ]);
  arxivFake.setEntries('cs.CL', [
    arxivEntry({ id: '2611.08001', title: 'Narwhal Retrieval for Multilingual Question Answering', published: '2026-11-22T17:00:00Z' }),
    arxivEntry({ id: '2611.08002', title: 'Beluga Prompts for Low-Resource Translation', published: '2026-11-22T18:00:00Z' }),
  ]);
});

/** Both processes run `spec`'s `slot`; checks that they raced for its claim and one won; returns the winner's report. */
async function raceSlot(r: Race, spec: IngestSourceSpec, slot: string): Promise<SlotResult> {
  const results = await r.command('runSlot', { spec: spec as unknown as Json, slot });
  const [a, b] = r.reportsAt(`${jobName(spec)}|${slot}`);
  expect(Math.max(a!.arrived, b!.arrived), `both processes reached the claim of ${slot} before it was released`).toBeLessThan(a!.released);
  expect(Math.min(a!.reported, b!.reported), `both processes tried ${slot} after the release`).toBeGreaterThan(a!.released);
  expect(
    [a!.data, b!.data].map((d) => JSON.stringify(d)).sort(),
    `both processes attempted ${spec.type} slot ${slot}; exactly one claimed it, the other got not-claimed`,
  ).toEqual(['{"claimed":false}', '{"claimed":true}']);
  // The process that lost the claim did not run the slot; the winner is the one that claimed.
  const winner = [a!, b!].find((x) => JSON.stringify(x.data) === '{"claimed":true}')!.worker;
  expect(results[1 - winner]).toBeNull();
  return results[winner] as unknown as SlotResult;
}

describe('two processes run the same scheduled ingest slot on one DATA_DIR', () => {
  it('hf and arxiv: both attempt each slot at once; exactly one fetches and stores it; the papers are stored once', async () => {
    const db = join(tempDir(), 'state.db');
    race = await startRace(WORKER, [db, hfFake.url, arxivFake.url]);

    // hf, days 2: the winner alone fetches yesterday and today, once each.
    const hf = await raceSlot(race, HF_SPEC, SLOT);
    expect(hf).toEqual({ source: 'hf', added: 3, updated: 0, failed: [], addedIds: ['2611.09002', '2611.09003', '2611.09004'] });
    expect(hfFake.requests.map((q) => q.query['date']).sort()).toEqual(['2026-11-22', '2026-11-23']);

    // arxiv at the same minute is a job of its own: raced and run once too.
    const ax = await raceSlot(race, AX_SPEC, SLOT);
    expect(ax).toEqual({ source: 'arxiv', added: 2, updated: 0, failed: [], addedIds: ['2611.08001', '2611.08002'] });
    expect(arxivFake.requests).toHaveLength(1);
    expect(arxivFake.requests[0]!.query).toMatchObject({ search_query: 'cat:cs.CL' });

    // The next day's hf slot: one fetch of each day again; only the new paper is added.
    hfFake.reset();
    hfFake.setDay('2026-11-23', [
      hfItem({ id: '2611.09003', title: 'Platypus Decoding with Speculative Drafts', upvotes: 30 }),
      hfItem({ id: '2611.09004', title: 'Echidna Routing in Mixtures of Experts', upvotes: 4 }),
      hfItem({ id: '2611.09005', title: 'Quokka Tokenizers for Code', upvotes: 2 }),
    ]);
    hfFake.setDay('2026-11-22', [hfItem({ id: '2611.09002', title: 'Wombat Attention for Long Context Models', upvotes: 12 })]);
    const next = await raceSlot(race, HF_SPEC, NEXT_SLOT);
    expect(next).toEqual({ source: 'hf', added: 1, updated: 0, failed: [], addedIds: ['2611.09005'] });
    expect(hfFake.requests.map((q) => q.query['date']).sort()).toEqual(['2026-11-22', '2026-11-23']);

    expect(race.gates()).toEqual([`${jobName(HF_SPEC)}|${SLOT}`, `${jobName(AX_SPEC)}|${SLOT}`, `${jobName(HF_SPEC)}|${NEXT_SLOT}`]);
    expect(await race.stop()).toEqual([0, 0]);

    const store = SqlitePaperStore.open(db);
    try {
      const ids = (await store.all()).map((p) => p.id).sort();
      expect(ids).toEqual(['2611.08001', '2611.08002', '2611.09002', '2611.09003', '2611.09004', '2611.09005']);
    } finally {
      await store.close();
    }
  }, 90_000);
});
