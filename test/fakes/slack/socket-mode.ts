import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local fake of Slack's Socket Mode WebSocket server. `FakeSlackApi.socketUrl = fake.url` makes
 * `apps.connections.open` hand this URL to the app. On connect it sends `hello`; `send()` delivers
 * an envelope and resolves with the app's ack (`{ envelope_id, payload }`).
 */

export type EnvelopeType = 'slash_commands' | 'events_api' | 'interactive';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  at: number;
}

export class FakeSocketMode {
  readonly acks: Ack[] = [];
  #wss: WebSocketServer | undefined;
  #socket: WebSocket | undefined;
  #connected: Promise<void> | undefined;
  #onConnect: (() => void) | undefined;
  #pending = new Map<string, (ack: Ack) => void>();
  connections = 0;

  get url(): string {
    const port = (this.#wss?.address() as AddressInfo | undefined)?.port ?? 0;
    return `ws://127.0.0.1:${port}/link/?ticket=fake`;
  }

  async start(): Promise<void> {
    this.#connected = new Promise<void>((resolve) => {
      this.#onConnect = resolve;
    });
    this.#wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.#wss?.once('listening', () => resolve()));
    this.#wss.on('connection', (ws) => {
      this.connections += 1;
      this.#socket = ws;
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
      this.#onConnect?.();
    });
  }

  /** Resolves once the app has connected. */
  connected(): Promise<void> {
    return this.#connected ?? Promise.reject(new Error('fake socket server not started'));
  }

  /** Deliver one envelope; resolves with the ack, rejects when none arrives within `timeoutMs`. */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    extra: { retry_attempt?: number; retry_reason?: string; envelope_id?: string } = {},
    timeoutMs = 3000,
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
}
