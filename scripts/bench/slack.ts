/**
 * Slack slash-command acknowledgement latency through HTTP mode on loopback: signed `/papers`
 * requests to the real Bolt app (our adapter), with the fake Slack Web API and the load generator
 * on a worker thread. Reports the time to the HTTP 200 (the ack Slack waits up to 3 s for) and to
 * the full reply at the response_url, sequentially and 20 at a time. Prints figures; asserts nothing.
 * Env: BENCH_SLACK_N (requests per run, default 600), BENCH_SLACK_QUERIES (`|`-separated commands).
 */
import { Worker } from 'node:worker_threads';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import type { LoadRequest, LoadResult } from './slack-load.ts';
import { percentile } from './stats.ts';

const SECRET = 'bench-signing-secret';
const DEFAULT_QUERIES = 'search kv cache|show snapkv|similar snapkv|search diffusion --page 2|digest|topics|code|help';

function fmt(xs: number[]): string {
  return `p50 ${percentile(xs, 50).toFixed(2)} ms · p99 ${percentile(xs, 99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms`;
}

function nextMessage<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export async function run(): Promise<void> {
  const n = Number(process.env['BENCH_SLACK_N'] ?? 600);
  const queries = (process.env['BENCH_SLACK_QUERIES'] ?? DEFAULT_QUERIES).split('|');
  // The worker is TypeScript too: register tsx's loader inside it, then load the script.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const script = new URL('./slack-load.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`, { eval: true });
  const { apiUrl } = await nextMessage<{ apiUrl: string }>(worker);

  const { paperboy } = await createPaperboy({ logger: silentLogger() });
  const adapter = createSlackAdapter({
    config: { botToken: ['xoxb', 'bench', '0000000000', 'aaaaaaaa'].join('-'), signingSecret: SECRET, apiUrl, port: 0 },
    paperboy,
    logger: silentLogger(),
    retries: 0,
  });
  await adapter.start();
  try {
    const req: LoadRequest = { appPort: adapter.port ?? 0, secret: SECRET, n, concurrency: [1, 20], queries };
    worker.postMessage(req);
    const result = await nextMessage<LoadResult>(worker);
    console.log(`\n## slack: /papers over HTTP mode on loopback — ${n} signed requests per run; commands: ${queries.join(', ')}`);
    for (const r of result.runs) {
      const label = r.concurrency === 1 ? 'sequential   ' : `${r.concurrency} concurrent`;
      console.log(`${label}  ack:   ${fmt(r.ackMs)} · ${(n / (r.wallMs / 1000)).toFixed(0)} req/s`);
      console.log(
        `${' '.repeat(label.length)}  reply: ${fmt(r.replyMs)} (request sent -> reply at response_url; sent as fast as acks return, so replies queue)`,
      );
    }
    console.log(`one at a time  reply: ${fmt(result.interactiveReplyMs)} (each request waits for its reply; 100 requests)`);
    const worst = Math.max(...result.runs.map((r) => percentile(r.ackMs, 99)));
    console.log(`target: ack p99 < 100 ms — ${worst < 100 ? 'met' : 'NOT met'} (worst p99 ${worst.toFixed(2)} ms)`);
  } finally {
    await adapter.stop();
    await worker.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
