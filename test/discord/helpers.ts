/**
 * Shared pieces of the Discord end-to-end tests:
 * - `Gate`: a test-only command waits on it until the test lets it answer (no sleeps);
 * - `DeferSwitch`: the adapter's defer decision (`deferWait`) taken by the test, never by a clock;
 * - `trackHandling`: the promise of the adapter's handling of one message or interaction, to wait
 *   for "it is done" instead of sleeping until nothing more arrives;
 * - `eventually`: `vi.waitFor` with one generous timeout (liveness, not a speed bound);
 * - `rejectsNothing`: after every test, no body the bot sent was one Discord would reject.
 */
import { afterAll, afterEach, expect, vi } from 'vitest';
import type { DeferWait } from '../../adapters/discord/interaction-handler.ts';
import { InteractionHandler } from '../../adapters/discord/interaction-handler.ts';
import { MessageHandler } from '../../adapters/discord/message-handler.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import type { DiscordMessage } from '../../adapters/discord/render.ts';
import type { FakeDiscord } from '../fakes/discord/fake-discord.ts';

/** Commands that wait here until `open()` (the test decides when they answer). */
export class Gate {
  readonly #held: (() => void)[] = [];

  /** Resolves at the next `open()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /** How many are waiting. */
  get waiting(): number {
    return this.#held.length;
  }

  /** Let every waiting one go. */
  open(): void {
    for (const go of this.#held.splice(0)) go();
  }
}

/**
 * The adapter's `deferWait`: an interaction whose reply is not ready waits here until the test
 * calls `deferAll()`, so it is deferred exactly when the test says and never because a machine was
 * slow. A reply that is ready first ends its wait (it is answered directly).
 */
export class DeferSwitch {
  readonly #waiting = new Set<() => void>();

  readonly wait: DeferWait = (_ms, done) =>
    new Promise((resolve) => {
      const end = () => {
        this.#waiting.delete(end);
        resolve();
      };
      this.#waiting.add(end);
      done.addEventListener('abort', end, { once: true });
    });

  /** Interactions whose reply is not ready yet, waiting for the decision. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Defer every interaction that is waiting now. */
  deferAll(): void {
    for (const end of [...this.#waiting]) end();
  }
}

/**
 * Watch the adapter's message and interaction handlers (spies that keep the real behaviour):
 * `handled(id)` resolves when the handling of that message or interaction (by its id) is over,
 * every REST call it makes included.
 */
export function trackHandling(): { handled(id: string): Promise<void> } {
  const messages = vi.spyOn(MessageHandler.prototype, 'handle');
  const interactions = vi.spyOn(InteractionHandler.prototype, 'handle');
  afterAll(() => {
    messages.mockRestore();
    interactions.mockRestore();
  });
  const find = (id: string): Promise<void> | undefined => {
    const m = messages.mock.calls.findIndex(([message]) => message.id === id);
    const i = interactions.mock.calls.findIndex(([interaction]) => interaction.id === id);
    const result = m >= 0 ? messages.mock.results[m] : i >= 0 ? interactions.mock.results[i] : undefined;
    return result?.type === 'return' ? result.value : undefined;
  };
  return {
    async handled(id) {
      // Wrapped, so that waitFor only waits for the call to be seen, not for the handling itself.
      const { handling } = await vi.waitFor(
        () => {
          const p = find(id);
          if (!p) throw new Error(`the adapter has not received ${id}`);
          return { handling: p };
        },
        { timeout: 5000, interval: 10 },
      );
      await handling;
    },
  };
}

/** Retry `check` (an assertion) until it passes: liveness only, with a generous timeout for a loaded machine. */
export function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 5000, interval: 20 });
}

/** After every test of the file: the fake rejected no body the bot sent during the test (as Discord would have, with 50035 or 50006). */
export function rejectsNothing(fake: () => FakeDiscord | undefined): void {
  let checked = 0;
  let last: FakeDiscord | undefined;
  afterEach(() => {
    const f = fake();
    if (f !== last) checked = 0;
    last = f;
    if (!f) return;
    const from = checked;
    checked = f.requests.length;
    expect(f.invalidSummary(from)).toEqual([]);
  });
}

/** A REST message body as the renderer's message, for `limitViolations` and `allText`. */
export function asMessage(body: MessageBody): DiscordMessage {
  return { content: body.content, embeds: body.embeds, components: body.components, allowedMentions: body.allowed_mentions };
}
