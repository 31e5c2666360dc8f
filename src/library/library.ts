import type { Logger } from 'pino';
import { mergePaper } from '../papers/merge.ts';
import type { Paper } from '../papers/paper.ts';
import { titleKey } from '../papers/title-key.ts';
import type { PaperboyEngine } from '../search/engine.ts';
import { SegmentedEngine } from '../search/segments.ts';
import type { SearchEngine } from '../search/types.ts';
import type { PaperStore } from './store.ts';
import { combinePapers } from './combine.ts';
import { buildInThread, createWorkerBuilder, type EngineBuilder } from './worker-builder.ts';

export type { EngineBuilder } from './worker-builder.ts';

/** What a reader gets: one consistent paper set and the engine over it. */
export interface LibrarySnapshot {
  readonly engine: SearchEngine;
  readonly papers: readonly Paper[];
  /** The store revision it was built from (-1: no store). */
  readonly revision: number;
}

export interface LibraryOptions {
  /** Papers from the page files (the built-in seed set or `PAPERS_PATH`). */
  pagePapers: readonly Paper[];
  /** Stored feed papers; absent: the page papers only (tests, no DATA_DIR). */
  store?: PaperStore;
  logger: Logger;
  /** How new segments are built (default: in this thread, or in a worker with `worker`). */
  build?: EngineBuilder;
  /**
   * Build new segments and compactions in a worker thread, so requests are never blocked by
   * indexing. The first build (before the bot answers anything) runs in this thread either way.
   */
  worker?: boolean;
  /** An engine already built over the combined papers at a store revision (from the index cache): the store is not read. */
  initial?: { engine: PaperboyEngine; revision: number };
}

/**
 * A snapshot whose paper list is the engine's, asked for when first read: over segments that list
 * is put together anew (a million entries), work the swap itself need not do while answers wait.
 */
function snapshotOf(engine: SearchEngine, revision: number): LibrarySnapshot {
  return {
    engine,
    revision,
    get papers() {
      return engine.papers;
    },
  };
}

/** How often a running bot looks for papers another process stored. */
export const DEFAULT_WATCH_MS = 2000;
/** New segments kept beside the base before they are compacted into one. */
export const MAX_NEW_SEGMENTS = 8;
/** Papers in new segments (at least this many, and a tenth of the base) before they are compacted. */
export const COMPACT_MIN_PAPERS = 5000;
/** Below this many papers in all, compaction rebuilds everything into one segment. */
export const FULL_REBUILD_MAX_PAPERS = 20_000;

/**
 * The paper library: page papers plus stored feed papers, and the search engine over them. Readers
 * take one `snapshot` per request and keep it for that request.
 *
 * Growing without pauses: `refresh` reads only the papers that changed in the store since the
 * current snapshot, indexes them as a new small segment (scored with the statistics of the existing
 * ones), hides the records they replace, and swaps the new snapshot in with one assignment. When
 * new segments pile up they are compacted into one (or, for small sets, everything is rebuilt),
 * again beside the current snapshot. A query never waits for an update or sees half of one.
 */
export class Library {
  readonly store: PaperStore | undefined;
  readonly #pagesByTitle = new Map<string, Paper>();
  readonly #logger: Logger;
  readonly #build: EngineBuilder;
  readonly #closeBuilder: (() => Promise<void>) | undefined;
  readonly #listeners = new Set<(s: LibrarySnapshot, previous: LibrarySnapshot) => void>();
  #segments: PaperboyEngine[];
  #hidden: Set<Paper>;
  #snapshot: LibrarySnapshot;
  #refreshing: Promise<boolean> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(opts: LibraryOptions, base: PaperboyEngine, revision: number) {
    this.store = opts.store;
    for (const p of opts.pagePapers) {
      const k = titleKey(p.title);
      if (!this.#pagesByTitle.has(k)) this.#pagesByTitle.set(k, p);
    }
    this.#logger = opts.logger;
    const worker = !opts.build && opts.worker ? createWorkerBuilder(opts.logger) : undefined;
    this.#build = opts.build ?? worker?.build ?? buildInThread;
    this.#closeBuilder = worker?.close;
    worker?.prepare([base]);
    this.#segments = [base];
    this.#hidden = new Set();
    this.#snapshot = snapshotOf(base, revision);
  }

  /** Read the store, combine with the page papers and build the first engine. */
  static async open(opts: LibraryOptions): Promise<Library> {
    if (opts.initial) return new Library(opts, opts.initial.engine, opts.initial.revision);
    const { revision, papers: stored } = opts.store ? await opts.store.snapshot() : { revision: -1, papers: [] };
    const engine = await (opts.build ?? buildInThread)(combinePapers(stored, opts.pagePapers), []);
    return new Library(opts, engine, revision);
  }

  get snapshot(): LibrarySnapshot {
    return this.#snapshot;
  }
  get engine(): SearchEngine {
    return this.#snapshot.engine;
  }
  get papers(): readonly Paper[] {
    return this.#snapshot.papers;
  }

  /** Called after each swap with the new and the previous snapshot. Returns an unsubscribe function. */
  onChange(listener: (s: LibrarySnapshot, previous: LibrarySnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Take in what changed in the store since the current snapshot. Calls while one runs are folded
   * into one more pass after it. Resolves true when a new snapshot was swapped in. Never throws: a
   * failure is logged and the current snapshot stays.
   */
  refresh(): Promise<boolean> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = async (): Promise<boolean> => {
      let swapped = false;
      try {
        do {
          this.#again = false;
          swapped = (await this.#refreshOnce()) || swapped;
        } while (this.#again);
      } finally {
        // Cleared in the same step as the last `#again` check: a call after it starts a new run.
        this.#refreshing = undefined;
      }
      return swapped;
    };
    this.#refreshing = run();
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<boolean> {
    const store = this.store;
    if (!store) return false;
    try {
      const current = this.#snapshot;
      if ((await store.revision()) === current.revision) return false;
      const started = Date.now();
      const { revision, papers: changed, removed } = await store.changedSince(current.revision);
      // Papers removed from the store (deleted by arXiv) are hidden first: one stored again later comes back below.
      const hidden = new Set(this.#hidden);
      let dropped = 0;
      for (const id of removed) {
        const old = current.engine.byId(id);
        if (old && !hidden.has(old)) {
          hidden.add(old);
          dropped++;
        }
      }
      if (changed.length === 0) {
        if (dropped === 0) {
          this.#snapshot = snapshotOf(current.engine, revision);
          return false;
        }
        this.#install(this.#segments, hidden, revision);
        this.#logger.info({ removed: dropped }, 'paper set updated');
        return true;
      }
      // Each changed record replaces what the current snapshot shows under its ids.
      const fresh = new Map<string, Paper>();
      for (const c of changed) {
        const page = this.#pagesByTitle.get(titleKey(c.title));
        const rec = page ? mergePaper(c, page) : c;
        for (const key of [rec.id, ...(rec.formerIds ?? []), ...(rec.arxivId ? [rec.arxivId] : [])]) {
          const old = current.engine.byId(key);
          if (old) hidden.add(old);
          fresh.delete(key);
        }
        fresh.set(rec.id, rec);
      }
      const read = Date.now();
      const segment = await this.#build([...fresh.values()], this.#segments);
      const built = Date.now();
      const segments = [...this.#segments, segment];
      this.#install(segments, hidden, revision);
      const ms = { readMs: read - started, buildMs: built - read, swapMs: Date.now() - built };
      this.#logger.info({ changed: changed.length, segments: segments.length, ms: Date.now() - started, ...ms }, 'paper set updated');
      if (this.#needsCompaction()) await this.#compact();
      return true;
    } catch (err) {
      this.#logger.error({ err }, 'could not refresh the paper set; still answering from the current one');
      return false;
    }
  }

  #needsCompaction(): boolean {
    const [base, ...added] = this.#segments;
    const addedPapers = added.reduce((a, s) => a + s.papers.length, 0);
    return added.length > MAX_NEW_SEGMENTS || addedPapers > Math.max(COMPACT_MIN_PAPERS, base!.papers.length / 10);
  }

  /**
   * Fold the new segments into one (or, for a small set, rebuild everything as one segment),
   * beside the current snapshot; swap it in only if nothing changed meanwhile.
   */
  async #compact(): Promise<void> {
    const segments = this.#segments;
    const hidden = this.#hidden;
    const revision = this.#snapshot.revision;
    const visible = (s: PaperboyEngine) => s.papers.filter((p) => !hidden.has(p));
    const total = segments.reduce((a, s) => a + s.papers.length, 0);
    const started = Date.now();
    if (total <= FULL_REBUILD_MAX_PAPERS) {
      const all = await this.#build(segments.flatMap(visible), []);
      if (this.#segments !== segments) return;
      this.#install([all], new Set(), revision);
    } else {
      const [base, ...added] = segments;
      const merged = await this.#build(added.flatMap(visible), [base!]);
      if (this.#segments !== segments) return;
      this.#install([base!, merged], new Set([...hidden].filter((p) => base!.papers.includes(p))), revision);
    }
    this.#logger.info({ segments: this.#segments.length, ms: Date.now() - started }, 'index segments compacted');
  }

  #install(segments: PaperboyEngine[], hidden: Set<Paper>, revision: number): void {
    const previous = this.#snapshot;
    this.#segments = segments;
    this.#hidden = hidden;
    const engine = segments.length === 1 && hidden.size === 0 ? segments[0]! : new SegmentedEngine(segments, hidden);
    this.#snapshot = snapshotOf(engine, revision);
    for (const l of this.#listeners) {
      try {
        l(this.#snapshot, previous);
      } catch (err) {
        this.#logger.error({ err }, 'library listener failed');
      }
    }
  }

  /** Look for stored changes every `intervalMs` (other processes' ingests). Idempotent. */
  watch(intervalMs = DEFAULT_WATCH_MS): void {
    if (this.#timer || !this.store) return;
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  /** Stop watching, wait for a refresh in flight, stop the build worker. Does not close the store. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
    await this.#closeBuilder?.();
  }
}
