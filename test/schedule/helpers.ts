import { silentLogger } from '../../src/app/logger.ts';
import { BUILTIN_PAPERS_PATH, loadPapers } from '../../src/sources/page-files.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { createSearchEngine } from '../../src/search/engine.ts';
import type { SearchEngine } from '../../src/search/types.ts';
import { BUILTIN_TOPICS_PATH, loadTopics, type Topic } from '../../src/library/topics.ts';
import type { Posters, PostTarget } from '../../src/posting/poster.ts';
import type { Sleep } from '../../src/time/clock.ts';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../src/schedule/scheduler.ts';
import type { ScheduleSpec } from '../../src/schedule/schedule.ts';
import { SqliteScheduleStore } from '../../src/schedule/sqlite-store.ts';
import { TestClock } from '../helpers/clock.ts';
import { useTempStores } from '../helpers/temp-store.ts';

export { TestClock };

const temp = useTempStores('paperboy-schedule-');
/** A fresh temp directory, removed after the test. */
export const tempDir = temp.tempDir;
/** A fresh database file path in a temp directory. */
export const tempDb = temp.tempDb;

let papers: Promise<Paper[]> | undefined;
/** The built-in papers (loaded once). */
export function builtinPapers(): Promise<Paper[]> {
  papers ??= loadPapers(BUILTIN_PAPERS_PATH).then((l) => l.papers);
  return papers;
}

let topics: Promise<Topic[]> | undefined;
export function builtinTopics(): Promise<Topic[]> {
  topics ??= loadTopics(BUILTIN_TOPICS_PATH);
  return topics;
}

export function engineOver(ps: readonly Paper[]): SearchEngine {
  return createSearchEngine(ps);
}

export interface Post {
  channelId: string;
  /** The workspace the poster was given (absent: none). */
  workspaceId?: string;
  reply: Reply;
}

/** A poster that records posts and can be told to fail the next `n` calls (or always). */
export class RecordingPoster {
  readonly posts: Post[] = [];
  calls = 0;
  failNext = 0;
  failAlways = false;
  error: Error = new Error('upstream returned 503');
  readonly post = async ({ channelId, workspaceId }: PostTarget, reply: Reply): Promise<void> => {
    this.calls++;
    if (this.failAlways || this.failNext > 0) {
      if (this.failNext > 0) this.failNext--;
      throw this.error;
    }
    this.posts.push({ channelId, ...(workspaceId !== undefined ? { workspaceId } : {}), reply });
  };
}

/** A sleep that returns at once and records the requested waits. */
export function recordingSleep(): Sleep & { waits: number[] } {
  const waits: number[] = [];
  const fn = (async (ms: number) => {
    waits.push(ms);
  }) as Sleep & { waits: number[] };
  fn.waits = waits;
  return fn;
}

export function spec(over: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return {
    id: 'daily',
    platform: 'slack',
    channelId: 'C1',
    cron: '0 9 * * *',
    timezone: 'UTC',
    kind: 'digest',
    count: 2,
    filter: { kind: 'all' },
    ...over,
  };
}

export interface Rig {
  store: SqliteScheduleStore;
  scheduler: Scheduler;
  poster: RecordingPoster;
  clock: TestClock;
  sleep: ReturnType<typeof recordingSleep>;
}

/** A scheduler over a SQLite file with a recording Slack poster and a hand-moved clock. */
export async function rig(opts: {
  file: string;
  clock: TestClock;
  papers?: readonly Paper[];
  engine?: SchedulerOptions['engine'];
  poster?: RecordingPoster;
  posters?: Posters;
  graceMs?: number;
  topics?: readonly Topic[];
}): Promise<Rig> {
  const store = SqliteScheduleStore.open(opts.file);
  const poster = opts.poster ?? new RecordingPoster();
  const sleep = recordingSleep();
  const engine = opts.engine ?? engineOver(opts.papers ?? (await builtinPapers()));
  const scheduler = createScheduler({
    store,
    engine,
    topics: opts.topics ?? (await builtinTopics()),
    posters: opts.posters ?? { slack: poster.post },
    logger: silentLogger(),
    clock: opts.clock,
    sleep,
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
  });
  return { store, scheduler, poster, clock: opts.clock, sleep };
}
