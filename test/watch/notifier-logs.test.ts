/**
 * What an operator sees in the log when a watch alert goes wrong: a warning per failed attempt
 * (saying whether it is retried), an error when the alert is given up, and an error when a watch's
 * alert crashes on a store failure — each naming the watch.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { createWatchNotifier } from '../../src/watch/notifier.ts';
import { feedPaper, openLibrary, openPaperStore, openWatchStore, RecordingPoster, tempDb, TestClock } from './helpers.ts';

interface LogLine {
  level: number;
  msg: string;
  watch?: string;
  attempt?: number;
  willRetry?: boolean;
  reason?: string;
}

async function setup() {
  const file = tempDb();
  const clock = new TestClock('2026-11-26T09:00:00Z');
  const papers = openPaperStore(file, clock.ms);
  const watches = openWatchStore(file);
  const library = await openLibrary(papers);
  const slack = new RecordingPoster();
  const lines: LogLine[] = [];
  const notifier = createWatchNotifier({
    store: watches,
    papers,
    library,
    posters: { slack: slack.post },
    logger: createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) }),
    clock,
    sleep: async () => {},
  });
  clock.advance(1000);
  await watches.insertWatch({ id: 'w-0001', platform: 'slack', channelId: 'C1', personal: false, query: 'zorblax' }, clock.now(), 20);
  clock.advance(1000);
  await papers.upsertBatch([feedPaper({ arxivId: '2611.00001', title: 'Zorblax: Sparse Caches' })]);
  return { watches, slack, lines, notifier };
}

describe('watch alert log lines', () => {
  it('a warning per failed attempt, then an error when the alert is given up', async () => {
    const t = await setup();
    t.slack.failNext(new Error('upstream returned 503'), 4);
    const [r] = await t.notifier.runPass();
    expect(r).toMatchObject({ outcome: 'failed', attempts: 4 });
    expect(t.lines.filter((l) => l.msg === 'watch alert failed').map((l) => [l.level, l.watch, l.attempt, l.willRetry])).toEqual([
      [40, 'w-0001', 1, true],
      [40, 'w-0001', 2, true],
      [40, 'w-0001', 3, true],
      [40, 'w-0001', 4, false],
    ]);
    expect(t.lines.filter((l) => l.msg === 'watch alert given up')).toEqual([
      expect.objectContaining({ level: 50, watch: 'w-0001', reason: expect.stringMatching(/503/) }),
    ]);
  });

  it('an alert that crashes on a store failure is logged as an error naming the watch', async () => {
    const t = await setup();
    t.watches.claimAlert = async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };
    expect(await t.notifier.runPass()).toEqual([]);
    expect(t.lines.filter((l) => l.msg === 'watch alert crashed')).toEqual([
      expect.objectContaining({ level: 50, watch: 'w-0001', reason: 'SQLITE_BUSY: database is locked' }),
    ]);
  });
});
