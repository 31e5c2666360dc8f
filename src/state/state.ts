import type { EphemeralStore } from '../ephemeral/store.ts';
import type { InstallationStore } from '../installations/store.ts';
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
  /** Short-lived facts every process must share: conversations, button actions, seen request ids. */
  readonly ephemeral: EphemeralStore;
  /**
   * Slack installations (tokens sealed with `PAPERBOY_ENCRYPTION_KEY`) and OAuth install states.
   * Opened without a key too: then saving or reading an installation rejects ("OAuth mode needs
   * PAPERBOY_ENCRYPTION_KEY").
   */
  readonly installations: InstallationStore;
  /** Where the state is, for messages: the database file, or the database URL without its password. */
  readonly location: string;
  /** The database's own identity (made when it was created): caches kept beside it are keyed by it. */
  readonly id: string;
  /** Check the database answers (`/healthz`); rejects when it does not. */
  ping(): Promise<void>;
  /** Close the connection (idempotent). The stores are unusable afterwards. */
  close(): Promise<void>;
}
