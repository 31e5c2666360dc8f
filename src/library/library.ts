import type { Logger } from 'pino';
import type { Paper } from '../papers/paper.ts';
import { createSearchEngine } from '../search/engine.ts';
import type { SearchEngine } from '../search/types.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { combinePapers } from './combine.ts';

/** Builds a search engine over papers (the default builds in this thread). */
export type EngineBuilder = (papers: readonly Paper[]) => Promise<SearchEngine>;

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
  build?: EngineBuilder;
  /** An engine already built over exactly the combined papers (from the index cache). */
  engine?: SearchEngine;
}

/** How often a running bot looks for papers another process stored. */
export const DEFAULT_WATCH_MS = 2000;

const buildHere: EngineBuilder = async (papers) => createSearchEngine(papers);

/**
 * The paper library: page papers plus stored feed papers, and the search engine over them. Readers
 * take `snapshot` (or `engine` / `papers`) per request and keep it for that request; when the store
 * changes (an ingest here, or another process writing the same store), `refresh` builds a new
 * engine beside the current one and swaps it in at once, so a query never sees half an update.
 */
export class Library {
  readonly store: PaperStore | undefined;
  readonly #pages: readonly Paper[];
  readonly #logger: Logger;
  readonly #build: EngineBuilder;
  readonly #listeners = new Set<(s: LibrarySnapshot, previous: LibrarySnapshot) => void>();
  #snapshot: LibrarySnapshot;
  #refreshing: Promise<boolean> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(opts: LibraryOptions, snapshot: LibrarySnapshot) {
    this.store = opts.store;
    this.#pages = opts.pagePapers;
    this.#logger = opts.logger;
    this.#build = opts.build ?? buildHere;
    this.#snapshot = snapshot;
  }

  /** Read the store, combine with the page papers and build the first engine. */
  static async open(opts: LibraryOptions): Promise<Library> {
    const revision = opts.store ? await opts.store.revision() : -1;
    const stored = opts.store ? await opts.store.all() : [];
    const papers = combinePapers(stored, opts.pagePapers);
    const engine =
      opts.engine && opts.engine.papers.length === papers.length ? opts.engine : await (opts.build ?? buildHere)(papers);
    return new Library(opts, { engine, papers: engine.papers, revision });
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
   * Rebuild when the store changed since the current snapshot. Calls while a rebuild runs are
   * folded into one more check after it. Resolves true when a new snapshot was swapped in.
   * Never throws: a failed rebuild is logged and the current snapshot stays.
   */
  refresh(): Promise<boolean> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = async (): Promise<boolean> => {
      let swapped = false;
      do {
        this.#again = false;
        swapped = (await this.#refreshOnce()) || swapped;
      } while (this.#again);
      return swapped;
    };
    this.#refreshing = run().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<boolean> {
    const store = this.store;
    if (!store) return false;
    try {
      const revision = await store.revision();
      if (revision === this.#snapshot.revision) return false;
      const started = Date.now();
      const papers = combinePapers(await store.all(), this.#pages);
      const engine = await this.#build(papers);
      const previous = this.#snapshot;
      this.#snapshot = { engine, papers: engine.papers, revision };
      this.#logger.info({ papers: papers.length, added: papers.length - previous.papers.length, ms: Date.now() - started }, 'paper set updated');
      for (const l of this.#listeners) {
        try {
          l(this.#snapshot, previous);
        } catch (err) {
          this.#logger.error({ err }, 'library listener failed');
        }
      }
      return true;
    } catch (err) {
      this.#logger.error({ err }, 'could not refresh the paper set; still answering from the current one');
      return false;
    }
  }

  /** Look for stored changes every `intervalMs` (other processes' ingests). Idempotent. */
  watch(intervalMs = DEFAULT_WATCH_MS): void {
    if (this.#timer || !this.store) return;
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  /** Stop watching and wait for a rebuild in flight. Does not close the store. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
  }
}
