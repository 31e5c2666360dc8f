import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local fake of Slack's Socket Mode WebSocket server. `FakeSlackApi.socketUrl = fake.url` makes
 * `apps.connections.open` hand this URL to the app. On connect it sends `hello`; `send()` delivers
 * an envelope and resolves with the app's ack (`{ envelope_id, payload }`). Like Slack, it can ask
 * the app to reconnect (`disconnect()`: a `disconnect` message, as Slack sends before it recycles
 * a connection) or drop the connection without a word (`drop()`).
 */

export type EnvelopeType = 'slash_commands' | 'events_api' | 'interactive';

/** Why Slack asks the app to reconnect: `warning` comes ahead of a refresh, `refresh_requested` at it. */
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  at: number;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class FakeSocketMode {
  readonly acks: Ack[] = [];
  #wss: WebSocketServer | undefined;
  #socket: WebSocket | undefined;
  #pending = new Map<string, (ack: Ack) => void>();
  readonly #waiters: Waiter[] = [];
  /** Connections the app has opened so far. */
  connections = 0;

  get url(): string {
    const port = (this.#wss?.address() as AddressInfo | undefined)?.port ?? 0;
    return `ws://127.0.0.1:${port}/link/?ticket=fake`;
  }

  async start(): Promise<void> {
    this.#wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.#wss?.once('listening', () => resolve()));
    this.#wss.on('connection', (ws) => {
      this.connections += 1;
      this.#socket = ws;
      ws.on('close', () => {
        if (this.#socket === ws) this.#socket = undefined;
      });
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (!msg.envelope_id) return;
        const ack: Ack = { envelope_id: msg.envelope_id, payload: msg.payload, at: Date.now() };
        this.acks.push(ack);
        this.#pending.get(msg.envelope_id)?.(ack);
        this.#pending.delete(msg.envelope_id);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0001' },
        }),
      );
      this.#notify();
    });
  }

  /** Resolves once the app has opened `count` connections (1: the first), or rejects after `timeoutMs` (liveness). */
  connected(count = 1, timeoutMs = 20_000): Promise<void> {
    if (!this.#wss) return Promise.reject(new Error('fake socket server not started'));
    const check = () => this.connections >= count && this.#socket !== undefined;
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { check, resolve: () => {} };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`fake Socket Mode: ${this.connections} connections, not ${count}, within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(waiter);
    });
  }

  /** Slack's `disconnect` message on the current connection: the app should close it and open a new one. */
  disconnect(reason: DisconnectReason): void {
    const ws = this.#current();
    ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
  }

  /** End the current connection abruptly (no close frame), as a network failure would. */
  drop(): void {
    const ws = this.#current();
    this.#socket = undefined;
    ws.terminate();
  }

  /**
   * Deliver one envelope; resolves with the ack, rejects when none arrives within `timeoutMs` (a
   * liveness bound for a loaded machine; Slack itself waits 3 s).
   */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    extra: { retry_attempt?: number; retry_reason?: string; envelope_id?: string } = {},
    timeoutMs = 10_000,
  ): Promise<Ack> {
    const ws = this.#socket;
    if (!ws) return Promise.reject(new Error('no app connected'));
    const envelope_id = extra.envelope_id ?? randomUUID();
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelope_id);
        reject(new Error(`no ack for envelope ${envelope_id} (${type}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(envelope_id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      ws.send(
        JSON.stringify({
          envelope_id,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: extra.retry_attempt ?? 0,
          retry_reason: extra.retry_reason ?? '',
        }),
      );
    });
  }

  async stop(): Promise<void> {
    const wss = this.#wss;
    this.#wss = undefined;
    if (!wss) return;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  #current(): WebSocket {
    const ws = this.#socket;
    if (!ws) throw new Error('no app connected');
    return ws;
  }

  #notify(): void {
    for (const w of [...this.#waiters]) {
      if (w.check()) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}
