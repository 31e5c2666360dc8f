import type { Reader, ReadingListStore, SavedPaper, SaveRequest, SaveResult } from './store.ts';

/**
 * A reading-list store opened on first use: the commands are registered everywhere (so `help`
 * lists them and `cite` works without a database) while a one-shot command that never touches a
 * list never opens one. A failed open (`StateStoreError`) is thrown to that call and tried again
 * on the next.
 */
export class LazyReadingListStore implements ReadingListStore {
  readonly location: string;
  readonly #open: () => ReadingListStore;
  #store: ReadingListStore | undefined;
  #closed = false;

  constructor(location: string, open: () => ReadingListStore) {
    this.location = location;
    this.#open = open;
  }

  /** Whether the underlying store has been opened. */
  get opened(): boolean {
    return this.#store !== undefined;
  }

  #get(): ReadingListStore {
    if (this.#closed) throw new Error('the reading-list store is closed');
    this.#store ??= this.#open();
    return this.#store;
  }

  async save(reader: Reader, paperId: string, req: SaveRequest): Promise<SaveResult> {
    return await this.#get().save(reader, paperId, req);
  }

  async unsave(reader: Reader, paperIds: readonly string[]): Promise<number> {
    return await this.#get().unsave(reader, paperIds);
  }

  async list(reader: Reader, page: { offset: number; limit: number }): Promise<{ total: number; items: SavedPaper[] }> {
    return await this.#get().list(reader, page);
  }

  async all(reader: Reader): Promise<SavedPaper[]> {
    return await this.#get().all(reader);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#store?.close();
    this.#store = undefined;
  }
}
