import { afterEach, describe, expect, it, vi } from 'vitest';
import { combinePapers } from '../../src/library/combine.ts';
import { Library, type EngineBuilder, type LibrarySnapshot } from '../../src/library/library.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import { buildInThread } from '../../src/library/worker-builder.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { useTempStores } from '../helpers/temp-store.ts';

const logger = silentLogger();
const { tempDb, openStore, cleanups } = useTempStores('paperboy-');

async function openLibrary(opts: Parameters<typeof Library.open>[0]): Promise<Library> {
  const lib = await Library.open(opts);
  cleanups.push(() => lib.close());
  return lib;
}

const ABSTRACT =
  'We propose a method that compresses the key-value cache of large language models. ' +
  'It keeps 98.5% of the accuracy while using 4x less memory, and needs no fine-tuning.';

function hf(over: Partial<FetchedPaper> & { arxivId: string }): Paper {
  const f: FetchedPaper = {
    title: `A Study of Paper ${over.arxivId}`,
    abstract: ABSTRACT,
    authors: ['Ada Lovelace'],
    published: '2026-11-20',
    upvotes: 5,
    ...over,
  };
  const r = paperFromFeed(f, 'hf');
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

/** A small page file: three papers with slug ids. */
const PAGE = `Daily Papers

Aug 8

SnapKV: LLM Knows What You are Looking for Before Generation

Key-Value (KV) cache has grown with context length. We introduce SnapKV, a fine-tuning-free approach that compresses KV caches by 3.6x while keeping accuracy.

Knowledge Grafting of Large Language Models

Cross-capability transfer is a key challenge. We introduce GraftLLM, a method that stores source model capabilities in a target model with SkillPack format.

MemOS: A Memory OS for AI System

Large Language Models have become an essential infrastructure. We propose MemOS, a memory operating system that treats memory as a manageable system resource.
`;

function pagePapers(): Paper[] {
  const parsed = parseDailyPapers(PAGE, 'pages/aug.txt');
  expect(parsed.problems).toEqual([]);
  expect(parsed.papers).toHaveLength(3);
  return parsed.papers;
}

const SNAPKV_TITLE = 'SnapKV: LLM Knows What You are Looking for Before Generation';

describe('combinePapers', () => {
  it('merges a page paper into the stored paper with the same title and keeps unrelated ones', () => {
    const pages = pagePapers();
    const snapSlug = pages[0]!.id;
    expect(snapSlug).toBe('snapkv-llm-knows-what-you-are-looking-for-before-generation');
    const stored = [
      hf({ arxivId: '2404.14469', title: 'SnapKV: LLM knows what you are looking for before generation.', upvotes: 30 }),
      hf({ arxivId: '2611.00002' }),
    ];
    const out = combinePapers(stored, pages);
    expect(out.map((p) => p.id)).toEqual(['2404.14469', '2611.00002', pages[1]!.id, pages[2]!.id]);
    const snap = out[0]!;
    expect(snap.formerIds).toEqual([snapSlug]);
    expect(snap.arxivId).toBe('2404.14469');
    expect(snap.upvotes).toBe(30);
    // The page's source is kept beside the feed's.
    expect(snap.sources).toEqual([{ feed: 'hf', date: '2026-11-20' }, pages[0]!.sources[0]]);
    // Unrelated papers are the very same records.
    expect(out[1]).toBe(stored[1]);
    expect(out[2]).toBe(pages[1]);
    // Inputs are not modified.
    expect(stored[0]!.formerIds).toBeUndefined();
  });

  it('with nothing stored, or no pages, is the other list as is', () => {
    const pages = pagePapers();
    const stored = [hf({ arxivId: '2611.00001' })];
    expect(combinePapers([], pages)).toEqual(pages);
    expect(combinePapers(stored, [])).toEqual(stored);
  });

  it('the engine over the combined set still finds the paper by its old slug', () => {
    const pages = pagePapers();
    const slug = pages[0]!.id;
    const engine = createSearchEngine(combinePapers([hf({ arxivId: '2404.14469', title: SNAPKV_TITLE })], pages));
    expect(engine.papers).toHaveLength(3);
    expect(engine.byId(slug)?.id).toBe('2404.14469');
    expect(engine.byId('2404.14469')?.id).toBe('2404.14469');
    const r = engine.resolve(slug);
    expect(r.kind).toBe('found');
    expect(r.kind === 'found' ? r.paper.id : undefined).toBe('2404.14469');
  });
});

describe('Library.open', () => {
  it('with page papers only: the pages, revision -1, nothing to refresh', async () => {
    const pages = pagePapers();
    const lib = await openLibrary({ pagePapers: pages, logger });
    expect(lib.store).toBeUndefined();
    expect(lib.papers.map((p) => p.id)).toEqual(pages.map((p) => p.id));
    expect(lib.snapshot.revision).toBe(-1);
    expect(lib.engine.search('GraftLLM').hits[0]?.paper.id).toBe('knowledge-grafting-of-large-language-models');
    const before = lib.snapshot;
    expect(await lib.refresh()).toBe(false);
    expect(lib.snapshot).toBe(before);
    lib.watch(10); // no store: a no-op
  });

  it('with a store: stored papers first, merged with the page papers by title', async () => {
    const store = openStore(tempDb());
    await store.upsertBatch([hf({ arxivId: '2404.14469', title: SNAPKV_TITLE }), hf({ arxivId: '2611.00002', published: '2026-11-21' })]);
    const pages = pagePapers();
    const lib = await openLibrary({ pagePapers: pages, store, logger });
    expect(lib.snapshot.revision).toBe(await store.revision());
    expect(lib.papers.map((p) => p.id)).toEqual(['2611.00002', '2404.14469', pages[1]!.id, pages[2]!.id]);
    expect(lib.engine.byId(pages[0]!.id)?.id).toBe('2404.14469');
    const r = lib.engine.resolve(pages[0]!.id);
    expect(r.kind === 'found' ? r.paper.id : r.kind).toBe('2404.14469');
  });

  it('with the built-in page file: one paper per title', async () => {
    const pages = (await loadPapers(BUILTIN_PAPERS_PATH)).papers;
    const graft = pages.find((p) => p.title === 'Knowledge Grafting of Large Language Models');
    expect(graft?.title).toBe('Knowledge Grafting of Large Language Models');
    const store = openStore(tempDb());
    await store.upsertBatch([hf({ arxivId: '2505.18502', title: 'Knowledge Grafting of Large Language Models' }), hf({ arxivId: '2611.00009' })]);
    const lib = await openLibrary({ pagePapers: pages, store, logger });
    expect(lib.papers).toHaveLength(pages.length + 1);
    expect(lib.engine.byId(graft!.id)?.id).toBe('2505.18502');
    expect(lib.papers.filter((p) => p.title === 'Knowledge Grafting of Large Language Models')).toHaveLength(1);
  });

  it('starts from a given initial engine and revision without building', async () => {
    const pages = pagePapers();
    const engine = createSearchEngine(pages);
    let builds = 0;
    const lib = await openLibrary({
      pagePapers: pages,
      logger,
      initial: { engine, revision: -1 },
      build: async (ps, g) => (builds++, buildInThread(ps, g)),
    });
    expect(lib.engine).toBe(engine);
    expect(lib.snapshot.revision).toBe(-1);
    expect(builds).toBe(0);
  });
  it('an initial engine from an older store revision catches up on the first refresh', async () => {
    const store = openStore(tempDb());
    const pages = pagePapers();
    await store.upsertBatch([hf({ arxivId: '2611.00001' })]);
    const { revision, papers } = await store.snapshot();
    const engine = createSearchEngine(combinePapers(papers, pages));
    await store.upsertBatch([hf({ arxivId: '2404.14469', title: SNAPKV_TITLE })]);
    const lib = await openLibrary({ pagePapers: pages, store, logger, initial: { engine, revision } });
    expect(lib.engine).toBe(engine);
    expect(lib.engine.byId('2404.14469')).toBeUndefined();
    expect(await lib.refresh()).toBe(true);
    expect(lib.snapshot.revision).toBe(await store.revision());
    // The new stored paper took the place of the page paper with its title.
    expect(lib.engine.byId('2404.14469')?.formerIds).toEqual([pages[0]!.id]);
    expect(lib.engine.byId(pages[0]!.id)?.id).toBe('2404.14469');
    expect(lib.papers.map((p) => p.id).sort()).toEqual(['2404.14469', '2611.00001', pages[1]!.id, pages[2]!.id].sort());
  });
});

describe('Library.refresh', () => {
  it('is false while the store is unchanged, true after an upsert, and the new paper is searchable', async () => {
    const store = openStore(tempDb());
    await store.upsertBatch([hf({ arxivId: '2611.00001' })]);
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger });
    expect(await lib.refresh()).toBe(false);
    expect(lib.engine.search('Zorblax').total).toBe(0);

    // Re-upserting the same record changes nothing, so there is nothing to rebuild.
    await store.upsertBatch([hf({ arxivId: '2611.00001' })]);
    expect(await lib.refresh()).toBe(false);

    await store.upsertBatch([hf({ arxivId: '2611.00077', title: 'Zorblax: Quantised Attention for Tiny Devices' })]);
    expect(await lib.refresh()).toBe(true);
    expect(lib.snapshot.revision).toBe(await store.revision());
    expect(lib.papers).toHaveLength(5);
    expect(lib.engine.search('zorblax').hits.map((h) => h.paper.id)).toEqual(['2611.00077']);
    expect(await lib.refresh()).toBe(false);
  });

  it('papers removed from the store (deleted by arXiv) leave the running library at the next refresh, and may come back', async () => {
    const store = openStore(tempDb());
    await store.upsertBatch([hf({ arxivId: '2611.00001', title: 'Zorblax Attention Kernels' }), hf({ arxivId: '2611.00002' })]);
    const lib = await openLibrary({ pagePapers: [], store, logger });
    expect(lib.engine.search('zorblax').hits.map((h) => h.paper.id)).toEqual(['2611.00001']);
    await store.removePapers(['2611.00001']);
    expect(await lib.refresh()).toBe(true);
    expect(lib.snapshot.revision).toBe(await store.revision());
    expect(lib.engine.byId('2611.00001')).toBeUndefined();
    expect(lib.engine.search('zorblax').hits).toEqual([]);
    expect(lib.papers.map((p) => p.id)).toEqual(['2611.00002']);
    // Removed and stored again between two refreshes: it is there after the next one.
    await store.removePapers(['2611.00002']);
    await store.upsertBatch([hf({ arxivId: '2611.00002', upvotes: 9 })]);
    expect(await lib.refresh()).toBe(true);
    expect(lib.engine.byId('2611.00002')?.upvotes).toBe(9);
    expect(lib.papers.map((p) => p.id)).toEqual(['2611.00002']);
  });

  it('a snapshot taken before a refresh keeps answering from the old paper set', async () => {
    const store = openStore(tempDb());
    await store.upsertBatch([hf({ arxivId: '2611.00001' })]);
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger });
    const old = lib.snapshot;
    const oldPapers = [...old.papers];
    await store.upsertBatch([
      hf({ arxivId: '2611.00077', title: 'Zorblax: Quantised Attention for Tiny Devices' }),
      hf({ arxivId: '2611.00001', upvotes: 99 }),
    ]);
    expect(await lib.refresh()).toBe(true);
    expect(lib.snapshot).not.toBe(old);
    expect(old.papers).toEqual(oldPapers);
    expect(old.papers).toHaveLength(4);
    expect(old.engine.search('zorblax').total).toBe(0);
    expect(old.engine.byId('2611.00077')).toBeUndefined();
    expect(old.engine.byId('2611.00001')?.upvotes).toBe(5);
    expect(lib.engine.byId('2611.00001')?.upvotes).toBe(99);
    expect(old.revision).toBeLessThan(lib.snapshot.revision);
  });

  it('concurrent refresh calls build once', async () => {
    const store = openStore(tempDb());
    let builds = 0;
    const build: EngineBuilder = async (ps, g) => {
      builds++;
      return buildInThread(ps, g);
    };
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger, build });
    expect(builds).toBe(1);
    await store.upsertBatch([hf({ arxivId: '2611.00077' })]);
    // Four calls in one step: the later three find the first one running.
    const results = await Promise.all([lib.refresh(), lib.refresh(), lib.refresh(), lib.refresh()]);
    expect(results).toEqual([true, true, true, true]);
    expect(builds).toBe(2);
    expect(lib.papers).toHaveLength(4);
  });

  it('a change made while a rebuild runs is picked up by one more rebuild', async () => {
    const store = openStore(tempDb());
    let builds = 0;
    let release: (() => void) | undefined;
    let secondBuildStarted!: () => void;
    const building = new Promise<void>((r) => (secondBuildStarted = r));
    const build: EngineBuilder = async (ps, g) => {
      builds++;
      if (builds === 2) {
        secondBuildStarted();
        await new Promise<void>((r) => (release = r));
      }
      return buildInThread(ps, g);
    };
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger, build });
    await store.upsertBatch([hf({ arxivId: '2611.00077' })]);
    const first = lib.refresh();
    await building;
    await store.upsertBatch([hf({ arxivId: '2611.00078' })]);
    const second = lib.refresh();
    release!();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(builds).toBe(3);
    expect(lib.snapshot.revision).toBe(await store.revision());
    expect(lib.engine.byId('2611.00078')?.id).toBe('2611.00078');
  });

  it('a refresh() called right after an upsert, while another refresh is finishing, includes that upsert', async () => {
    const store = openStore(tempDb());
    let onBuilt: (() => void) | undefined;
    const build: EngineBuilder = async (ps, g) => {
      const engine = buildInThread(ps, g);
      const hook = onBuilt;
      onBuilt = undefined;
      hook?.();
      return engine;
    };
    const lib = await openLibrary({ pagePapers: [], store, logger, build });
    const missed: number[] = [];
    // Upsert + refresh() k microtasks after the first refresh's build returns: covers every point of
    // the end of that refresh, deterministically.
    for (let k = 0; k < 10; k++) {
      await store.upsertBatch([hf({ arxivId: `2611.${String(100 + k).padStart(5, '0')}` })]);
      let called!: (r: { second: Promise<boolean> }) => void;
      const secondCalled = new Promise<{ second: Promise<boolean> }>((r) => (called = r));
      let late = '';
      onBuilt = () => {
        let n = k;
        const step = (): void => {
          if (n-- > 0) return queueMicrotask(step);
          late = `2611.${String(200 + k).padStart(5, '0')}`;
          void store.upsertBatch([hf({ arxivId: late })]); // commits synchronously
          called({ second: lib.refresh() });
        };
        queueMicrotask(step);
      };
      await lib.refresh();
      const { second } = await secondCalled;
      await second;
      if (!lib.engine.byId(late)) {
        missed.push(k);
        await lib.refresh(); // catch up before the next round
      }
    }
    expect(missed).toEqual([]);
  });

  it('a build that throws keeps the old snapshot and resolves false; the next refresh retries', async () => {
    const store = openStore(tempDb());
    let builds = 0;
    const build: EngineBuilder = async (ps, g) => {
      builds++;
      if (builds === 2) throw new Error('out of memory (simulated)');
      return buildInThread(ps, g);
    };
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger, build });
    const before = lib.snapshot;
    await store.upsertBatch([hf({ arxivId: '2611.00077', title: 'Zorblax: Quantised Attention for Tiny Devices' })]);
    expect(await lib.refresh()).toBe(false);
    expect(lib.snapshot).toBe(before);
    expect(lib.engine.search('zorblax').total).toBe(0);
    expect(await lib.refresh()).toBe(true);
    expect(builds).toBe(3);
    expect(lib.engine.search('zorblax').total).toBe(1);
  });

  it('a store that fails to read keeps the old snapshot and resolves false', async () => {
    const store = openStore(tempDb());
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger });
    const before = lib.snapshot;
    await store.close();
    expect(await lib.refresh()).toBe(false);
    expect(lib.snapshot).toBe(before);
  });

  it('onChange listeners get the new and the previous snapshot; unsubscribe stops them; a throwing listener does not break others', async () => {
    const store = openStore(tempDb());
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger });
    const seen: [LibrarySnapshot, LibrarySnapshot][] = [];
    const first = lib.snapshot;
    lib.onChange(() => {
      throw new Error('listener bug');
    });
    const off = lib.onChange((s, prev) => seen.push([s, prev]));
    await store.upsertBatch([hf({ arxivId: '2611.00077' })]);
    expect(await lib.refresh()).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(lib.snapshot);
    expect(seen[0]![1]).toBe(first);
    expect(seen[0]![0].papers.map((p) => p.id)).toContain('2611.00077');
    expect(seen[0]![1].papers.map((p) => p.id)).not.toContain('2611.00077');

    off();
    await store.upsertBatch([hf({ arxivId: '2611.00078' })]);
    expect(await lib.refresh()).toBe(true);
    expect(seen).toHaveLength(1);
  });
});

describe('Library.watch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes on each tick of one timer and so picks up a change written through a second connection; after close() no tick refreshes', async () => {
    const file = tempDb();
    const store = openStore(file);
    const other = openStore(file);
    const lib = await openLibrary({ pagePapers: pagePapers(), store, logger });
    const changes: number[] = [];
    lib.onChange((s) => changes.push(s.revision));
    // The watch timer is driven by hand: a tick is a call of advanceTimersByTime, not a wait.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const refresh = vi.spyOn(lib, 'refresh');
    lib.watch(50);
    lib.watch(50); // idempotent: one timer
    expect(vi.getTimerCount()).toBe(1);

    await other.upsertBatch([hf({ arxivId: '2611.00077', title: 'Zorblax: Quantised Attention for Tiny Devices' })]);
    expect(refresh).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(await refresh.mock.results[0]!.value).toBe(true);
    expect(lib.engine.search('zorblax').hits[0]?.paper.id).toBe('2611.00077');
    expect(changes).toEqual([await other.revision()]);

    await lib.close();
    expect(vi.getTimerCount()).toBe(0);
    const after = lib.snapshot;
    await other.upsertBatch([hf({ arxivId: '2611.00078', title: 'Quokkaformer: Marsupial Transformers' })]);
    vi.advanceTimersByTime(500);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(lib.snapshot).toBe(after);
    expect(lib.engine.byId('2611.00078')).toBeUndefined();
    expect(changes).toHaveLength(1);
    // An explicit refresh still works after close.
    expect(await lib.refresh()).toBe(true);
    expect(lib.engine.byId('2611.00078')?.id).toBe('2611.00078');
  });
});
