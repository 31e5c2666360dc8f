/**
 * Button commands kept server-side: a custom_id holds only a short random key; the command it
 * runs lives here. Bounded (least recently used entries go first) and entries expire.
 */
import { randomBytes } from 'node:crypto';
import type { ButtonDelivery } from './render.ts';

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
}

interface Entry extends StoredAction {
  expiresAt: number;
}

export class ActionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: ActionStoreOptions = {}) {
    this.#ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#ttl > 0) || !(this.#max > 0)) throw new Error('ActionStore: ttlMs and maxEntries must be positive');
  }

  /** Store an action; returns its key (12 URL-safe characters). */
  put(action: StoredAction): string {
    let key = randomBytes(9).toString('base64url');
    while (this.#entries.has(key)) key = randomBytes(9).toString('base64url');
    this.#entries.set(key, { ...action, expiresAt: this.#now() + this.#ttl });
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

  get size(): number {
    return this.#entries.size;
  }
}
