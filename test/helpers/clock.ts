/** A clock the test moves by hand (schedulers, notifiers, stores). */
export class TestClock {
  #t: number;
  constructor(start: string | Date) {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  set(at: string | Date): Date {
    this.#t = new Date(at).getTime();
    return this.now();
  }
  advance(ms: number): Date {
    this.#t += ms;
    return this.now();
  }
  /** Milliseconds since the epoch (the paper store's `first_seen`). */
  readonly ms = (): number => this.#t;
}
