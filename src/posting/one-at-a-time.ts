/**
 * A background pass (a scheduler's due slots, a notifier's new papers) run one at a time in this
 * process: a call made while a pass runs waits for it, then runs its own. Claims in the store keep
 * several processes exact; this keeps one process orderly.
 */
export interface OneAtATime<A extends unknown[], T> {
  run(...args: A): Promise<T>;
  /** Resolves when the pass running now (if any) has settled; never rejects. */
  idle(): Promise<void>;
}

export function oneAtATime<A extends unknown[], T>(pass: (...args: A) => Promise<T>): OneAtATime<A, T> {
  let current: Promise<T> | undefined;
  return {
    async run(...args) {
      const previous = current;
      const next = (async () => {
        if (previous) await previous.catch(() => undefined);
        return pass(...args);
      })();
      current = next;
      try {
        return await next;
      } finally {
        if (current === next) current = undefined;
      }
    },
    async idle() {
      await current?.catch(() => undefined);
    },
  };
}
