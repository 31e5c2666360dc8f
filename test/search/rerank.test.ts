import { describe, expect, it } from 'vitest';
import { createSearchEngine } from '../../src/search/engine.ts';
import { RERANK } from '../../src/search/rerank.ts';
import { paper } from './helpers.ts';

const filler = (i: number) =>
  paper({
    title: `Unrelated study number ${i} on crop yields`,
    abstract: `Field trials of wheat and barley in region ${i}, with an index of soil quality based on rainfall.`,
  });

const ann = [
  paper({
    title: 'Fast Approximate Nearest Neighbor Search on Proximity Graphs',
    abstract: 'A graph based index for approximate nearest neighbor search over billions of vectors.',
  }),
  paper({
    title: 'Curating a Multi-Tenant Vector Database',
    abstract: 'Vector database indexing for similarity search with per-tenant access control and billions of vectors.',
  }),
  paper({
    title: 'Neighbor Sampling for Graph Learning',
    abstract: 'Message passing on a graph samples each node neighbor at random; the nearest hop is used, far from any approximate method.',
  }),
  paper({
    title: 'Scattered Words',
    abstract: 'Nearest shops in the town. Much later in an unrelated sentence, a friendly neighbor waves.',
  }),
  ...Array.from({ length: 12 }, (_, i) => filler(i)),
];

describe('second-stage ranking', () => {
  const e = createSearchEngine(ann);

  it('ranks query words standing together above the same words scattered (proximity)', () => {
    const ids = e.search('nearest neighbor').hits.map((h) => h.paper.title);
    expect(ids.indexOf('Neighbor Sampling for Graph Learning')).toBeGreaterThan(ids.indexOf('Fast Approximate Nearest Neighbor Search on Proximity Graphs'));
    expect(ids.indexOf('Scattered Words')).toBeGreaterThan(ids.indexOf('Fast Approximate Nearest Neighbor Search on Proximity Graphs'));
    const on = createSearchEngine(ann);
    on.rerankSettings = { ...RERANK, proximity: 0.5 };
    const off = createSearchEngine(ann);
    off.rerankSettings = { ...RERANK, proximity: 0 };
    const scattered = (eng: typeof e) => eng.search('nearest neighbor').hits.find((h) => h.paper.title === 'Scattered Words')!.score;
    const together = (eng: typeof e) => eng.search('nearest neighbor').hits.find((h) => h.paper.title.startsWith('Fast'))!.score;
    expect(together(on) / scattered(on)).toBeGreaterThan(together(off) / scattered(off));
  });

  it('keeps papers that match only some words of a long query, after the ones that match most, and says how many', () => {
    const r = e.search('graph based approximate nearest neighbor index');
    const titles = r.hits.map((h) => h.paper.title);
    expect(titles[0]).toBe('Fast Approximate Nearest Neighbor Search on Proximity Graphs');
    // The vector database paper has none of "graph", "approximate", "nearest", "neighbor": no strict AND cuts it.
    expect(titles).toContain('Curating a Multi-Tenant Vector Database');
    expect(r.loose).toBeGreaterThan(0);
    expect(r.total).toBe(r.hits.length);
    // The fill never lets a long query return more than a page of loose matches.
    expect(r.loose!).toBeLessThanOrEqual(10);
  });

  it('weighs missing words by how much they say: a rare word outweighs a common one', () => {
    const r = e.search('soil rainfall vectors billions');
    // "vectors" and "billions" are in 2 papers, "soil" and "rainfall" in 12: the rare pair leads.
    expect(r.hits[0]!.paper.title).toMatch(/Nearest Neighbor|Vector Database/);
  });

  it('reads request words as framing, not topic: a question searches what its keywords search', () => {
    const kw = e.search('approximate nearest neighbor').hits.map((h) => h.paper.id);
    expect(e.search('papers about approximate nearest neighbor').hits.map((h) => h.paper.id)).toEqual(kw);
    expect(e.search('any good methods for approximate nearest neighbor').hits.map((h) => h.paper.id)).toEqual(kw);
    // A query of request words only still searches them.
    expect(e.search('methods').total).toBeGreaterThanOrEqual(0);
  });

  it('pages the reranked list consistently', () => {
    const q = 'graph based approximate nearest neighbor index';
    const all = e.search(q, { limit: 10 }).hits.map((h) => h.paper.id);
    const p1 = e.search(q, { limit: 3 }).hits.map((h) => h.paper.id);
    const p2 = e.search(q, { limit: 3, offset: 3 }).hits.map((h) => h.paper.id);
    expect([...p1, ...p2]).toEqual(all.slice(0, 6));
  });

  it('short queries stay exact: one or two words never pull in papers without them', () => {
    for (const q of ['vectors', 'vector database']) {
      const r = e.search(q);
      expect(r.loose, q).toBeUndefined();
      for (const h of r.hits) expect(`${h.paper.title} ${h.paper.abstract}`.toLowerCase(), q).toMatch(/vector/);
    }
  });
});
