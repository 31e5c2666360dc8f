/**
 * Worker side of the Slack benchmark: runs the fake Slack Web API and the load generator on their
 * own thread, so the measured process (the Bolt app) does only its own work.
 */
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { FakeSlackApi } from '../../test/fakes/slack/web-api.ts';
import { signedHeaders } from '../../test/fakes/slack/sign.ts';

export interface LoadRequest {
  appPort: number;
  secret: string;
  n: number;
  concurrency: number[];
  queries: string[];
}
export interface LoadResult {
  runs: { concurrency: number; ackMs: number[]; replyMs: number[]; wallMs: number }[];
  /** One user at a time: each request waits for its reply before the next is sent. */
  interactiveReplyMs: number[];
}

if (!parentPort) throw new Error('slack-load.ts runs as a worker');
const port = parentPort;
const api = new FakeSlackApi();
await api.start();
port.postMessage({ apiUrl: api.apiUrl });

port.once('message', (req: LoadRequest) => void runLoad(req));

/** Send the warm-up, the interactive probes and each concurrency level's burst; post the figures back. */
async function runLoad(req: LoadRequest): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let seq = 0;
  const sentAt = new Map<string, number>();
  const one = (): Promise<number> => {
    seq += 1;
    const responseUrl = api.responseUrl();
    const body = new URLSearchParams({
      team_id: 'T1',
      channel_id: 'C1',
      user_id: 'U1',
      command: '/papers',
      text: req.queries[seq % req.queries.length] ?? 'help',
      response_url: responseUrl,
      trigger_id: `t${seq}`,
    }).toString();
    const headers = { ...signedHeaders(req.secret, body, 'application/x-www-form-urlencoded'), 'content-length': String(Buffer.byteLength(body)) };
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      sentAt.set(responseUrl.slice(responseUrl.lastIndexOf('/') + 1), Date.now());
      const r = request({ host: '127.0.0.1', port: req.appPort, path: '/slack/events', method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      r.on('error', reject);
      r.end(body);
    });
  };

  for (let w = 0; w < 50; w++) await one();
  await api.waitFor(() => api.responses.length >= 50, 20_000);

  const result: LoadResult = { runs: [], interactiveReplyMs: [] };
  // Reply latency as one user sees it: nothing queued behind other requests.
  for (let i = 0; i < 100; i++) {
    api.responses.length = 0;
    const t = Date.now();
    await one();
    await api.waitFor(() => api.responses.length >= 1, 10_000);
    result.interactiveReplyMs.push(api.responses[0]!.at - t);
  }
  for (const c of req.concurrency) {
    api.responses.length = 0;
    const ackMs: number[] = [];
    let started = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (started < req.n) {
          started += 1;
          ackMs.push(await one());
        }
      }),
    );
    const wallMs = performance.now() - t0;
    await api.waitFor(() => api.responses.length >= req.n, 60_000);
    const replyMs = api.responses.map((r) => r.at - (sentAt.get(r.id) ?? r.at));
    result.runs.push({ concurrency: c, ackMs, replyMs, wallMs });
  }
  agent.destroy();
  await api.stop();
  port.postMessage(result);
}
