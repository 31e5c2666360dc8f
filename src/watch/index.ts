import type { Logger } from 'pino';
import type { Paperboy } from '../core/paperboy.ts';
import type { Library } from '../library/library.ts';
import type { RetryPolicy } from '../posting/deliver.ts';
import type { Pacer } from '../posting/pace.ts';
import type { Posters } from '../posting/poster.ts';
import type { Clock, Sleep } from '../time/clock.ts';
import { createWatchNotifier, type WatchNotifier } from './notifier.ts';
import type { WatchStore } from './store.ts';
import { createWatchCommand } from './watch-command.ts';
import type { Admins, WorkspaceAdmins } from '../reply/context.ts';

export { createWatchCommand } from './watch-command.ts';
export { createWatchNotifier, type WatchNotifier, type AlertReport } from './notifier.ts';
export { SqliteWatchStore } from './sqlite-store.ts';
export type { WatchStore } from './store.ts';
export { compileRule, matchesRule, watchMatches, RULE_SUMMARY } from './match.ts';

export interface StartWatchingOptions {
  /** The watches' store (the state root's). */
  store: WatchStore;
  paperboy: Paperboy;
  library: Library;
  /** Who may manage channel watches (the scheduler's `admins`). */
  admins: Admins;
  /** Admins of their own workspace (Slack OAuth mode: who installed Paperboy there), beside `admins`. */
  workspaceAdmins?: WorkspaceAdmins;
  /** How to post on each platform (adapters' `post`): watches of these platforms are alerted by this process. */
  posters: Posters;
  logger: Logger;
  /**
   * Create the notifier (the bot: yes; the one-shot CLI: no, it cannot post to chat and must not
   * claim alerts). It does not check the store until `notifier.start()`.
   */
  notify: boolean;
  clock?: Clock;
  pollMs?: number;
  settleMs?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** The outgoing pace, shared with scheduled posts (`posting/pace.ts`). Default: none (tests). */
  pacer?: Pacer;
}

export interface Watching {
  store: WatchStore;
  notifier: WatchNotifier | undefined;
  /** Stop the notifier and wait for alerts in flight (the store is the state root's to close). */
  close(): Promise<void>;
}

/**
 * Register the `watch` command on the Paperboy and (with `notify`) create the notifier that sends
 * alerts when papers arrive.
 */
export function startWatching(opts: StartWatchingOptions): Watching {
  const { store } = opts;
  opts.paperboy.register(createWatchCommand({ store, admins: opts.admins, ...(opts.workspaceAdmins ? { workspaceAdmins: opts.workspaceAdmins } : {}) }));
  const papers = opts.library.store;
  const notifier =
    opts.notify && papers
      ? createWatchNotifier({
          store,
          papers,
          library: opts.library,
          posters: opts.posters,
          logger: opts.logger.child({ component: 'watch' }),
          ...(opts.clock ? { clock: opts.clock } : {}),
          ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
          ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
          ...(opts.retry ? { retry: opts.retry } : {}),
          ...(opts.sleep ? { sleep: opts.sleep } : {}),
          ...(opts.pacer ? { pacer: opts.pacer } : {}),
        })
      : undefined;
  let closed = false;
  return {
    store,
    notifier,
    async close() {
      if (closed) return;
      closed = true;
      await notifier?.stop();
    },
  };
}
