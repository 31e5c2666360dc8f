import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInThread, createWorkerBuilder, type WorkerBuilder } from '../../src/library/worker-builder.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { createSearchEngine } from '../../src/search/engine.ts';

let papers: Paper[];
let builder: WorkerBuilder;

beforeAll(async () => {
  papers = (await loadPapers(BUILTIN_PAPERS_PATH)).papers;
  builder = createWorkerBuilder(silentLogger());
});
afterAll(() => builder.close());

const ranking = (e: { search: (q: string, o: { limit: number }) => { hits: { paper: Paper; score: number }[]; total: number } }, q: string) => {
  const r = e.search(q, { limit: 10 });
  return { total: r.total, hits: r.hits.map((h) => [h.paper.id, Math.round(h.score * 1e6)]) };
};

describe('createWorkerBuilder', () => {
  it('builds in a worker thread an index identical to one built here', async () => {
    const here = createSearchEngine(papers);
    const there = await builder.build(papers, []);
    expect(there.index.n).toBe(papers.length);
    expect(there.index.terms).toEqual(here.index.terms);
    expect([...there.index.postings.slice(0, 1000)]).toEqual([...here.index.postings.slice(0, 1000)]);
    for (const q of ['kv cache compression', 'gaussian splatting', 'snapkv']) expect(ranking(there, q), q).toEqual(ranking(here, q));
  });

  it('builds a segment with the statistics of the ones it joins, as the in-thread builder does', async () => {
    const base = await builder.build(papers.slice(0, 80), []);
    const baseHere = createSearchEngine(papers.slice(0, 80));
    const added = await builder.build(papers.slice(80), [base]);
    const addedHere = await buildInThread(papers.slice(80), [baseHere]);
    expect([...added.index.postings]).toEqual([...addedHere.index.postings]);
    // A second segment beside both: the worker knows both segments' statistics already.
    const third = await builder.build(papers.slice(100, 110), [base, added]);
    const thirdHere = await buildInThread(papers.slice(100, 110), [baseHere, addedHere]);
    expect([...third.index.postings]).toEqual([...thirdHere.index.postings]);
  });

  it('a segment whose basis was built elsewhere gets that basis registered', async () => {
    const baseHere = createSearchEngine(papers.slice(0, 60));
    const added = await builder.build(papers.slice(60), [baseHere]);
    const addedHere = await buildInThread(papers.slice(60), [baseHere]);
    expect([...added.index.postings]).toEqual([...addedHere.index.postings]);
  });

  it('falls back to this thread once closed', async () => {
    const b = createWorkerBuilder(silentLogger());
    await b.close();
    const e = await b.build(papers.slice(0, 10), []);
    expect(e.papers).toHaveLength(10);
    expect(e.search(papers[0]!.title, { limit: 1 }).hits[0]?.paper.id).toBe(papers[0]!.id);
  });
});
