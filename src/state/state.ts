import type { PaperStore } from '../library/store.ts';
import type { ReadingListStore } from '../reading/store.ts';
import type { ScheduleStore } from '../schedule/store.ts';
import type { VoteStore } from '../votes/store.ts';
import type { WatchStore } from '../watch/store.ts';

/**
 * Everything Paperboy keeps, opened once at boot by the state root (`openState`): one connection,
 * every module's migrations run, one store per feature. Features are handed their store; nothing
 * outside the state root knows which database is behind it.
 */
export interface State {
  readonly papers: PaperStore;
  readonly schedules: ScheduleStore;
  readonly watches: WatchStore;
  readonly votes: VoteStore;
  readonly reading: ReadingListStore;
  /** Where the state is, for messages: the database file. */
  readonly location: string;
  /** Close the connection (idempotent). The stores are unusable afterwards. */
  close(): Promise<void>;
}
