/**
 * The worker side of a two-process race (the test side is `startRace` in `run-worker.ts`). A
 * worker process talks to the test over Node's IPC channel:
 *
 * - `gate(key)` tells the test that this process has reached the claim named `key` and waits until
 *   every racing process has reached it too; only then does the test release them all at once. A
 *   worker wraps its store's claim method with it, so both processes attempt the same claim in one
 *   window, and neither can have seen the other's result before it tried.
 * - `report(key, data)` sends what happened (a claim's result) back to the test.
 * - `serve(handlers)` runs the test's commands one at a time (`run this slot`, `poll now`), each
 *   answered when its work is finished: the test waits for that answer, never for a sleep.
 */

/** A JSON value (what crosses the IPC channel). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Messages from a worker to the test. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'arrived'; key: string }
  | { type: 'report'; key: string; data: Json }
  | { type: 'done'; id: number; result: Json }
  | { type: 'failed'; id: number; error: string };

/** Messages from the test to a worker. */
export type ToWorker = { type: 'release'; key: string } | { type: 'command'; id: number; name: string; arg: Json } | { type: 'stop'; id: number };

export interface RaceWorker {
  /** This worker's number in the race (0, 1, …). */
  readonly index: number;
  /** Wait at the gate `key` until the test releases every racing process from it. */
  gate(key: string): Promise<void>;
  /** Tell the test what happened at `key`. */
  report(key: string, data: Json): void;
  /**
   * Answer the test's commands with `handlers`, one at a time, until it says stop; then run
   * `cleanup` (close stores) and acknowledge, after which the test closes the channel and the process
   * exits on its own.
   */
  serve(handlers: Record<string, (arg: Json) => Promise<Json>>, cleanup: () => Promise<void>): Promise<void>;
}

/** This process's side of the race (it must have been started by `startRace`, with an IPC channel). */
export function raceWorker(): RaceWorker {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a race worker must be started by startRace (it needs an IPC channel)');
  const post = (m: FromWorker): void => {
    send(m);
  };
  const released = new Set<string>();
  const waiting = new Map<string, () => void>();
  const queue: ToWorker[] = [];
  let wake: (() => void) | undefined;

  process.on('message', (raw: ToWorker) => {
    if (raw.type === 'release') {
      released.add(raw.key);
      waiting.get(raw.key)?.();
      waiting.delete(raw.key);
      return;
    }
    queue.push(raw);
    wake?.();
  });

  const next = async (): Promise<ToWorker> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    return queue.shift() as ToWorker;
  };

  return {
    index: Number(process.env['RACE_WORKER'] ?? 0),
    gate(key) {
      post({ type: 'arrived', key });
      if (released.has(key)) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.set(key, resolve));
    },
    report(key, data) {
      post({ type: 'report', key, data });
    },
    async serve(handlers, cleanup) {
      post({ type: 'ready' });
      for (;;) {
        const m = await next();
        if (m.type === 'stop') {
          await cleanup();
          post({ type: 'done', id: m.id, result: null });
          return;
        }
        if (m.type !== 'command') continue;
        const handler = handlers[m.name];
        try {
          if (!handler) throw new Error(`no handler for command "${m.name}"`);
          post({ type: 'done', id: m.id, result: await handler(m.arg) });
        } catch (err) {
          post({ type: 'failed', id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        }
      }
    },
  };
}
