/**
 * Virtual time for tests of waiting code (the pacer, a burst of scheduled posts): `clock` and
 * `sleep` to inject, and `run(promise)`, which lets everything runnable run, then jumps the clock
 * to the earliest sleeper and wakes it, until the promise settles. Minutes of pacing take
 * milliseconds, and the order of wake-ups is exact. Only for code whose other waits are
 * microtasks (the SQLite stores are synchronous).
 */
import type { Clock, Sleep } from '../../src/time/clock.ts';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export class VirtualTime {
  #t: number;
  #seq = 0;
  readonly #sleepers: Sleeper[] = [];

  constructor(start: string | Date) {
    this.#t = new Date(start).getTime();
  }

  /** Milliseconds since the epoch, now. */
  get ms(): number {
    return this.#t;
  }

  readonly clock: Clock = { now: () => new Date(this.#t) };

  readonly sleep: Sleep = (ms) =>
    new Promise<void>((wake) => {
      this.#sleepers.push({ at: this.#t + Math.max(0, ms), seq: this.#seq++, wake });
    });

  /** Drive time until `work` settles; fails if it waits on nothing this clock can wake. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const result = work.finally(() => {
      settled = true;
    });
    result.catch(() => undefined);
    for (;;) {
      for (let i = 0; i < 5 && !settled; i++) await new Promise((r) => setImmediate(r));
      if (settled) return result;
      if (this.#sleepers.length === 0) throw new Error('virtual time: the work waits on something other than this clock');
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers[0]!.at;
      this.#t = Math.max(this.#t, next);
      while (this.#sleepers.length > 0 && this.#sleepers[0]!.at <= this.#t) this.#sleepers.shift()!.wake();
    }
  }
}
