/**
 * Discord mention -> reply latency through the real discord.js client and the local fake Discord:
 * dispatch MESSAGE_CREATE on the gateway, time until the fake REST receives the reply POST
 * (parse, command, render, REST). Sequential, then 20 at a time. Prints figures; asserts nothing.
 * Env: BENCH_DISCORD_N (messages per run, default 600).
 */
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import { createPaperboy } from '../../src/app/boot.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { FakeDiscord } from '../../test/fakes/discord/fake-discord.ts';
import { messageCreatePayload, snowflake } from '../../test/fakes/discord/payloads.ts';
import { percentile } from './stats.ts';

const COMMANDS = ['search kv cache', 'show snapkv', 'similar snapkv', 'search diffusion --page 2', 'digest', 'topics', 'code', 'help', 'stats', 'random'];

function fmt(xs: number[]): string {
  return `p50 ${percentile(xs, 50).toFixed(2)} ms · p99 ${percentile(xs, 99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms`;
}

export async function run(): Promise<void> {
  const n = Math.max(500, Number(process.env['BENCH_DISCORD_N'] ?? 600));
  const { paperboy } = await createPaperboy({ logger: silentLogger() });
  const fake = await FakeDiscord.start();
  // discord.js holds REST calls to Discord's global 50 requests/s; the local fake has no such limit, and
  // we measure Paperboy's own latency, so the cap is lifted here (never in production).
  const adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: silentLogger(),
    globalRequestsPerSecond: 1_000_000,
  });
  await adapter.start();
  const author = { id: '100000000000000777', username: 'bench' };
  const mention = `<@${fake.world.bot.id}>`;

  const one = async (i: number): Promise<number> => {
    const id = snowflake();
    const wait = fake.waitFor(
      (r) => r.method === 'POST' && (r.body as { message_reference?: { message_id: string } }).message_reference?.message_id === id,
      10_000,
      fake.requests.length,
    );
    const t0 = performance.now();
    fake.dispatch(
      'MESSAGE_CREATE',
      messageCreatePayload(fake.world, { id, content: `${mention} ${COMMANDS[i % COMMANDS.length]}`, author, mentions: [fake.world.bot] }),
    );
    const req = await wait;
    return req.at - t0;
  };

  try {
    for (let i = 0; i < 50; i++) await one(i); // warm up
    fake.requests.length = 0;
    const seq: number[] = [];
    const perCommand = new Map<string, number[]>(COMMANDS.map((c) => [c, []]));
    for (let i = 0; i < n; i++) {
      const ms = await one(i);
      seq.push(ms);
      perCommand.get(COMMANDS[i % COMMANDS.length]!)!.push(ms);
      if (fake.requests.length > 1000) fake.requests.length = 0;
    }
    const burst: number[] = [];
    for (let i = 0; i < n; i += 20) {
      burst.push(...(await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, j) => one(i + j)))));
      fake.requests.length = 0;
    }
    console.log(
      `\n## discord: mention -> reply POST (real discord.js client, fake gateway + REST on loopback, ${n} messages, ${COMMANDS.length} commands; REST 50 req/s client cap lifted for the fake)`,
    );
    console.log(`sequential:    ${fmt(seq)}`);
    console.log(`20 concurrent: ${fmt(burst)}`);
    console.log('per command (sequential):');
    for (const [c, xs] of perCommand) console.log(`  ${c.padEnd(28)} ${fmt(xs)}`);
    const slow = [...perCommand].filter(([, xs]) => percentile(xs, 99) >= 100).map(([c]) => c);
    console.log(`target p99 < 100 ms (sequential): ${percentile(seq, 99) < 100 ? 'met' : `NOT met (slow: ${slow.join(', ') || 'none alone'})`}`);
  } finally {
    await adapter.stop();
    await fake.close();
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) await run();
