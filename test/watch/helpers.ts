import { silentLogger } from '../../src/app/logger.ts';
import { Library } from '../../src/library/library.ts';
import { paperFromFeed } from '../../src/sources/from-feed.ts';
import type { Paper } from '../../src/papers/paper.ts';
import type { PostTarget } from '../../src/posting/poster.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { FetchedPaper } from '../../src/sources/types.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { useTempStores } from '../helpers/temp-store.ts';

export { TestClock } from '../helpers/clock.ts';

const temp = useTempStores('paperboy-watch-');
const closers = temp.cleanups;
/** A fresh temp directory, removed after the test. */
export const tempDir = temp.tempDir;
/** A fresh state database path in a temp directory. */
export const tempDb = temp.tempDb;

/** A watch store on `file`, closed after the test. */
export function openWatchStore(file: string): SqliteWatchStore {
  const s = SqliteWatchStore.open(file);
  closers.push(() => s.close());
  return s;
}

/** A paper store on `file` (with its own clock for `first_seen`), closed after the test. */
export function openPaperStore(file: string, now?: () => number): SqlitePaperStore {
  const s = SqlitePaperStore.open(file, now ? { now } : {});
  closers.push(() => s.close());
  return s;
}

/** A library over a paper store alone (no page papers), closed after the test. */
export async function openLibrary(store: SqlitePaperStore): Promise<Library> {
  const library = await Library.open({ pagePapers: [], store, logger: silentLogger() });
  closers.push(() => library.close());
  return library;
}

const ABSTRACT =
  'We propose a method that compresses the key-value cache of large language models. ' +
  'It keeps 98.5% of the accuracy while using 4x less memory, and needs no fine-tuning.';

/** A feed paper record (as an HF ingest stores it). */
export function feedPaper(over: Partial<FetchedPaper> & { arxivId: string }): Paper {
  const r = paperFromFeed(
    { title: `A Study of Paper ${over.arxivId}`, abstract: ABSTRACT, authors: ['Ada Lovelace', 'Alan Turing'], published: '2026-11-26', upvotes: 5, ...over },
    'hf',
  );
  if (!r.ok) throw new Error(r.message);
  return r.paper;
}

export interface Post {
  channelId: string;
  /** The workspace the poster was given (absent: none). */
  workspaceId?: string;
  reply: Reply;
}

/** A poster that records posts and can be told to fail the next calls with an error. */
export class RecordingPoster {
  readonly posts: Post[] = [];
  calls = 0;
  readonly #failures: Error[] = [];

  failNext(err: Error, times = 1): void {
    for (let i = 0; i < times; i++) this.#failures.push(err);
  }

  readonly post = async ({ channelId, workspaceId }: PostTarget, reply: Reply): Promise<void> => {
    this.calls += 1;
    const err = this.#failures.shift();
    if (err !== undefined) throw err;
    this.posts.push({ channelId, ...(workspaceId !== undefined ? { workspaceId } : {}), reply });
  };
}

/** Plain text of every block of a reply (headings, paragraphs, notes, cards' titles). */
export function replyText(reply: Reply): string {
  return JSON.stringify(reply.blocks);
}
