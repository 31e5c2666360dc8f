import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { createSearchEngine, type PaperboyEngine } from '../../src/search/engine.ts';
import { loadJudgments } from '../../src/eval/evaluation.ts';
import { meanScores } from '../../src/eval/metrics.ts';
import { SegmentedEngine, statsOf } from '../../src/search/segments.ts';

let papers: Paper[];
let single: PaperboyEngine;
let segmented: SegmentedEngine;
const judged = loadJudgments();

/** Every 4th paper goes into a second segment, built with the first one's statistics. */
beforeAll(async () => {
  papers = (await loadPapers(BUILTIN_PAPERS_PATH)).papers;
  single = createSearchEngine(papers);
  const base = createSearchEngine(papers.filter((_, i) => i % 4 !== 0));
  const added = createSearchEngine(
    papers.filter((_, i) => i % 4 === 0),
    { global: statsOf([base]) },
  );
  segmented = new SegmentedEngine([base, added]);
});

describe('SegmentedEngine over two segments', () => {
  it('sees every paper once', () => {
    expect(segmented.papers).toHaveLength(papers.length);
    expect(new Set(segmented.papers.map((p) => p.id)).size).toBe(papers.length);
  });

  it('ranks as well as one index over all papers on the judged queries', () => {
    const rank = (e: { search: PaperboyEngine['search'] }) => judged.map((q) => e.search(q.query, { limit: 10 }).hits.map((h) => h.paper.id));
    const judgments = judged.map((q) => q.judgments);
    const one = meanScores(rank(single), judgments);
    const two = meanScores(rank(segmented), judgments);
    expect(two.ndcg10).toBeGreaterThan(one.ndcg10 - 0.02);
    // The best hit is the same for nearly every query.
    const same = judged.filter((q) => single.search(q.query, { limit: 1 }).hits[0]?.paper.id === segmented.search(q.query, { limit: 1 }).hits[0]?.paper.id);
    expect(same.length).toBeGreaterThanOrEqual(Math.floor(judged.length * 0.9));
  });

  it('counts and pages across segments like one index', () => {
    for (const q of ['kv cache', 'diffusion', 'gaussian splatting', 'quantization']) {
      const a = single.search(q, { limit: 100 });
      const b = segmented.search(q, { limit: 100 });
      expect(b.total, q).toBe(a.total);
      expect(new Set(b.hits.map((h) => h.paper.id)), q).toEqual(new Set(a.hits.map((h) => h.paper.id)));
      const page2 = segmented.search(q, { limit: 3, offset: 3 }).hits.map((h) => h.paper.id);
      expect(page2, q).toEqual(b.hits.slice(3, 6).map((h) => h.paper.id));
    }
  });

  it('resolves names, ids and typos in either segment', () => {
    for (const p of papers.filter((x) => x.name).slice(0, 30)) {
      const r = segmented.resolve(p.id);
      expect(r.kind === 'found' && r.paper.id, p.id).toBe(p.id);
      expect(segmented.byId(p.id)?.id).toBe(p.id);
    }
    const snap = segmented.resolve('snpakv');
    expect(snap.kind === 'found' && snap.paper.name).toBe('SnapKV');
    expect(segmented.resolve('no such paper at all zzz').kind).toBe('none');
  });

  it('answers a direct find in one segment without the other segments trying corrections or fuzzy matches', () => {
    const [base, added] = segmented.segments as PaperboyEngine[];
    const named = papers.filter((x, i) => x.name && i % 4 !== 0).slice(0, 10); // in the base segment only
    expect(named.length).toBeGreaterThan(3);
    const full: string[] = [];
    const spy = (e: PaperboyEngine) => {
      const resolve = e.resolve.bind(e);
      e.resolve = (ref: string) => (full.push(ref), resolve(ref));
      return () => void (e.resolve = resolve);
    };
    const restore = [spy(base!), spy(added!)];
    try {
      for (const p of named) {
        const r = segmented.resolve(p.name!);
        const one = single.resolve(p.name!);
        expect(r.kind === 'found' && [r.paper.id, r.via], p.name).toEqual(one.kind === 'found' && [p.id, one.via]);
      }
      expect(full).toEqual([]);
      // No direct find anywhere: every segment is asked in full, as before.
      expect(segmented.resolve('snpakv').kind).toBe('found');
      expect(full).toEqual(['snpakv', 'snpakv']);
    } finally {
      for (const r of restore) r();
    }
  });

  it('a name found directly in two segments is ambiguous between them', () => {
    const base = createSearchEngine(papers);
    const snapkv = papers.find((p) => p.name === 'SnapKV')!;
    const twin: Paper = { ...snapkv, id: 'another-snapkv', title: 'SnapKV Again: A Different Paper', aliases: [] };
    const e = new SegmentedEngine([base, createSearchEngine([twin], { global: statsOf([base]) })]);
    const r = e.resolve('snapkv');
    expect(r.kind).toBe('ambiguous');
    expect(r.kind === 'ambiguous' && r.candidates.map((p) => p.id).sort()).toEqual([snapkv.id, 'another-snapkv'].sort());
  });

  it('finds similar papers across segments, never the paper itself', () => {
    const snapkv = papers.find((p) => p.name === 'SnapKV')!;
    const a = single.similar(snapkv.id, 5).map((h) => h.paper.id);
    const b = segmented.similar(snapkv.id, 5).map((h) => h.paper.id);
    expect(b).not.toContain(snapkv.id);
    expect(b).toHaveLength(5);
    // Most neighbours agree with the single index.
    expect(b.filter((id) => a.includes(id)).length).toBeGreaterThanOrEqual(3);
  });

  it('completes names from both segments without duplicates', () => {
    const names = segmented.complete('s', 20).map((p) => p.id);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(0);
  });
});

describe('SegmentedEngine with superseded records', () => {
  it('shows the newer record only, in search, byId, papers and totals', () => {
    const old = papers.find((p) => p.name === 'SnapKV')!;
    const base = createSearchEngine(papers);
    const newer: Paper = { ...old, upvotes: 99, abstract: `${old.abstract} Zorblax appears only in the newer record.` };
    const added = createSearchEngine([newer], { global: statsOf([base]) });
    const e = new SegmentedEngine([base, added], new Set([old]));
    expect(e.papers).toHaveLength(papers.length);
    expect(e.byId(old.id)?.upvotes).toBe(99);
    const hits = e.search('snapkv', { limit: 10 });
    expect(hits.hits.filter((h) => h.paper.id === old.id)).toHaveLength(1);
    expect(hits.hits.find((h) => h.paper.id === old.id)?.paper.upvotes).toBe(99);
    expect(hits.total).toBe(single.search('snapkv', { limit: 10 }).total);
    expect(e.search('zorblax').hits.map((h) => h.paper.id)).toEqual([old.id]);
    const r = e.resolve('snapkv');
    expect(r.kind === 'found' && r.paper.upvotes).toBe(99);
    expect(e.similar(old.id, 5).map((h) => h.paper.id)).not.toContain(old.id);
  });

  it('does not offer a spelling correction for a word only a new segment has', () => {
    const base = createSearchEngine(papers);
    const extra: Paper = { ...papers[0]!, id: 'quokka-paper', title: 'Quokkanet: A Study', name: 'Quokkanet', aliases: [] };
    const e = new SegmentedEngine([base, createSearchEngine([extra], { global: statsOf([base]) })]);
    const r = e.search('quokkanet');
    expect(r.hits[0]?.paper.id).toBe('quokka-paper');
    expect(r.suggestion).toBeUndefined();
  });

  it('does not correct a word one segment has into another segment’s word (and its papers)', () => {
    // No built-in paper says `routing` (the large segment would read it as `root`) or `echidna`.
    const base = createSearchEngine(papers);
    expect(base.plan('echidna routing').corrected).toBeDefined();
    const extra: Paper = {
      ...papers[0]!,
      id: 'echidna-routing',
      title: 'Echidna Routing in Mixtures of Experts',
      name: undefined,
      aliases: [],
      abstract: 'Echidna routing balances the load of experts in sparse mixture models.',
    };
    delete extra.name;
    const e = new SegmentedEngine([base, createSearchEngine([extra], { global: statsOf([base]) })]);
    const one = createSearchEngine([...papers, extra]);
    for (const q of ['echidna routing', 'routing experts', 'echidna']) {
      const ids = (r: { hits: { paper: Paper }[] }) => r.hits.map((h) => h.paper.id);
      // The same papers (scores differ a little: a segment is scored with the statistics before it).
      expect(ids(e.search(q))[0], q).toBe('echidna-routing');
      expect(ids(e.search(q)).sort(), q).toEqual(ids(one.search(q)).sort());
      expect(e.search(q).total, q).toBe(one.search(q).total);
    }
    // A typo no segment knows is still corrected, in every segment.
    expect(e.search('atention sinks').corrected).toBe(one.search('atention sinks').corrected);
    expect(e.search('atention sinks').hits.map((h) => h.paper.id)).toEqual(one.search('atention sinks').hits.map((h) => h.paper.id));
  });
});
