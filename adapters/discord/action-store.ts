/**
 * Button commands kept server-side: a custom_id holds only a short random key; the command it
 * runs lives here. Bounded (least recently used entries go first) and entries expire. With a
 * shared store (the state's), every action is also written there, so a click that reaches another
 * process (another host) still finds its command.
 */
import { randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../../src/ephemeral/store.ts';
import type { ButtonDelivery } from './render.ts';

const KIND = 'discord-action';

export interface StoredAction {
  command: string;
  delivery: ButtonDelivery;
}

export interface ActionStoreOptions {
  /** How long a button works after it was rendered. Default 24 h. */
  ttlMs?: number;
  /** Most entries kept. Default 10,000. */
  maxEntries?: number;
  /** Injected clock (tests). */
  now?: () => number;
  /** Also keep actions here, for the other processes (the state's ephemeral store). */
  shared?: EphemeralStore;
  /** Told when writing to the shared store fails (the click is then answered by this process only). */
  onSharedError?: (err: unknown) => void;
}

interface Entry extends StoredAction {
  expiresAt: number;
}

export class ActionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #shared: EphemeralStore | undefined;
  readonly #onSharedError: (err: unknown) => void;
  readonly #writing = new Set<Promise<void>>();

  constructor(options: ActionStoreOptions = {}) {
    this.#ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#shared = options.shared;
    this.#onSharedError = options.onSharedError ?? (() => undefined);
    if (!(this.#ttl > 0) || !(this.#max > 0)) throw new Error('ActionStore: ttlMs and maxEntries must be positive');
  }

  /** Store an action; returns its key (12 URL-safe characters). */
  put(action: StoredAction): string {
    let key = randomBytes(9).toString('base64url');
    while (this.#entries.has(key)) key = randomBytes(9).toString('base64url');
    const expiresAt = this.#now() + this.#ttl;
    this.#entries.set(key, { ...action, expiresAt });
    if (this.#shared) {
      // Written in the background (rendering is synchronous): long before anyone can click the
      // button, which first has to reach Discord and a person.
      const write = this.#shared
        .put(KIND, key, JSON.stringify({ command: action.command, delivery: action.delivery }), new Date(expiresAt))
        .catch(this.#onSharedError);
      this.#writing.add(write);
      void write.finally(() => this.#writing.delete(write));
    }
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return key;
  }

  /** The action under `key`, or undefined when unknown, evicted or expired. A hit counts as recent use. */
  get(key: string): StoredAction | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return { command: e.command, delivery: e.delivery };
  }

  /** The action under `key` in this process, else in the shared store (a button another process rendered). */
  async find(key: string): Promise<StoredAction | undefined> {
    const local = this.get(key);
    if (local || !this.#shared) return local;
    const value = await this.#shared.get(KIND, key, new Date(this.#now()));
    return value === undefined ? undefined : (JSON.parse(value) as StoredAction);
  }

  /** Wait for the shared writes in flight (tests, and stopping). */
  async flush(): Promise<void> {
    await Promise.all([...this.#writing]);
  }

  get size(): number {
    return this.#entries.size;
  }
}
