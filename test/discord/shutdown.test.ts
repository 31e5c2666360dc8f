/**
 * Stopping the Discord adapter (what SIGTERM does): events that arrive once it is stopping are
 * not taken on, and what it was already answering is answered before the gateway closes; past its
 * drain time it gives up and says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { Command } from '../../src/commands/command.ts';
import { createLogger } from '../../src/app/logger.ts';
import { span } from '../../src/reply/reply.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { slashPayload, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { DeferSwitch, eventually, Gate } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const fakes: FakeDiscord[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** A command that answers when the test opens `gate`. */
const slow = (gate: Gate): Command => ({
  name: 'slow',
  summary: 'slow (test only)',
  usage: '',
  examples: ['slow'],
  args: 'none',
  flags: [],
  async run() {
    await gate.wait();
    return { tone: 'ok', summary: 'slow answer', blocks: [{ kind: 'paragraph', text: [span.text('The slow answer.')] }] };
  },
});

async function start(drainMs?: number) {
  const fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  fakes.push(fake);
  const gate = new Gate();
  const paperboy = await newTestPaperboy();
  paperboy.register(slow(gate));
  const lines: string[] = [];
  const adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: createLogger('info', { write: (l: string) => void lines.push(l) }),
    deferWait: new DeferSwitch().wait,
    restRetries: 0,
    ...(drainMs !== undefined ? { drainMs } : {}),
  });
  await adapter.start();
  return { fake, gate, adapter, lines };
}

const callbacksFor = (fake: FakeDiscord, token: string) => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${token}/callback`));

describe('stopping the Discord adapter', () => {
  it('answers the interaction it was working on, and takes on nothing that arrives while stopping', async () => {
    const s = await start();
    const working = slashPayload(s.fake.world, { user: alice }, 'slow');
    s.fake.dispatch('INTERACTION_CREATE', working);
    await eventually(() => expect(s.gate.waiting).toBe(1));

    let stopped = false;
    const stopping = s.adapter.stop().then(() => (stopped = true));
    const late = slashPayload(s.fake.world, { user: alice }, 'search', { query: 'kv cache' });
    s.fake.dispatch('INTERACTION_CREATE', late);
    expect(stopped).toBe(false);

    s.gate.open();
    await stopping;
    const answered = callbacksFor(s.fake, String(working['token']));
    expect(answered).toHaveLength(1);
    expect(JSON.stringify(answered[0]!.body)).toContain('The slow answer.');
    expect(callbacksFor(s.fake, String(late['token']))).toEqual([]);
    expect(s.lines.join('\n')).not.toMatch(/still unanswered/);
  });

  it('gives up after its drain time, and logs how many were left', async () => {
    const s = await start(50);
    s.fake.dispatch('INTERACTION_CREATE', slashPayload(s.fake.world, { user: alice }, 'slow'));
    await eventually(() => expect(s.gate.waiting).toBe(1));
    await s.adapter.stop();
    expect(s.lines.join('\n')).toMatch(/"left":1.*stopped with messages or interactions still unanswered/);
    s.gate.open();
  });
});
