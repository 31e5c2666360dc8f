import type { PostTarget } from '../posting/poster.ts';
import type { Reply } from '../reply/reply.ts';

/**
 * A chat platform connection. Adapters translate platform events into core calls and render
 * replies with a pure renderer. Optional capabilities are explicit.
 */
export interface Adapter {
  /** `shell`, `slack`, `discord`. */
  readonly name: string;
  /** Connect and start handling events. Resolves once the adapter is ready. */
  start(): Promise<void>;
  /** Disconnect cleanly (idempotent). */
  stop(): Promise<void>;
  /**
   * Post a reply to a channel on the adapter's own initiative (scheduled posts).
   * Absent when the platform cannot post unprompted.
   */
  post?(target: PostTarget, reply: Reply): Promise<void>;
}
