/**
 * A thin front for the local fake Discord that adds two REST routes it lacks: opening a DM channel
 * (`POST /users/@me/channels`) and deleting an interaction's original response
 * (`DELETE /webhooks/:app/:token/messages/@original`). Every request is passed to the fake first,
 * so the fake records it and its canned failures (`fake.fail`), rate limits (`fake.rateLimit`, whose
 * headers are passed on) and body checks apply; only where the fake answers 404 on one of these
 * routes does the front answer instead. Point discord.js `rest.api` at `apiUrl`; the gateway URL
 * still comes from the fake.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { errorTree } from '../fakes/discord/form-body.ts';

/** The DM channel id the front gives a user (fixed per user). */
export function dmChannelFor(userId: string): string {
  return `8${userId.slice(1)}`;
}

export interface FakeExtras {
  apiUrl: string;
  close(): Promise<void>;
}

function extraRoute(method: string, path: string, body: string): [number, unknown] | undefined {
  if (method === 'POST' && path === '/api/v10/users/@me/channels') {
    const id = (JSON.parse(body || '{}') as { recipient_id?: unknown }).recipient_id;
    const recipient = typeof id === 'string' ? id : '';
    if (!/^\d+$/.test(recipient)) {
      return [
        400,
        {
          code: 50035,
          message: 'Invalid Form Body',
          errors: errorTree([{ path: ['recipient_id'], code: 'NUMBER_TYPE_COERCE', message: 'Value is not snowflake.' }]),
        },
      ];
    }
    return [
      200,
      {
        id: dmChannelFor(recipient),
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: [{ id: recipient, username: 'user', discriminator: '0', global_name: null, avatar: null }],
      },
    ];
  }
  if (method === 'DELETE' && /^\/api\/v10\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) return [204, null];
  return undefined;
}

export async function startFakeExtras(fake: FakeDiscord): Promise<FakeExtras> {
  const upstream = new URL(fake.apiUrl).origin;
  const server: Server = createServer((req, res) => void forward(req, res));
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', upstream);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'user-agent']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const method = req.method ?? 'GET';
    const answer = await fetch(url, { method, headers, ...(body !== '' && method !== 'GET' ? { body } : {}) });
    const text = answer.status === 204 ? '' : await answer.text();
    const extra = answer.status === 404 ? extraRoute(method, url.pathname, body) : undefined;
    const [status, payload] = extra ?? [answer.status, undefined];
    // Discord's rate-limit headers (discord.js reads them) pass through.
    const passed: Record<string, string> = {};
    if (!extra) {
      answer.headers.forEach((value, name) => {
        if (/^(retry-after|x-ratelimit-)/i.test(name)) passed[name] = value;
      });
    }
    if (status === 204) {
      res.writeHead(204, passed).end();
      return;
    }
    const out = extra ? JSON.stringify(payload) : text;
    res.writeHead(status, { ...passed, 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
