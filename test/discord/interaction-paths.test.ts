/**
 * Interaction paths the other Discord end-to-end files leave out, through the real discord.js
 * client against the local fake Discord (with `fake-extras.ts` for deleting an interaction's
 * response): a command of another name, autocomplete of an unknown subcommand, an interaction type
 * Paperboy does not handle, a deferred private answer (and its failure), a deferred public error
 * whose public message cannot be deleted, and which public answers the core is told were posted.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import type { Command } from '../../src/commands/command.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { PostedMessage } from '../../src/core/post-events.ts';
import { span } from '../../src/reply/reply.ts';
import { votablePaperId } from '../../src/votes/one-paper.ts';
import { FakeDiscord, type RecordedRequest } from '../fakes/discord/fake-discord.ts';
import { autocompletePayload, buttonPayload, slashPayload, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { allText } from './check-limits.ts';
import { startFakeExtras, type FakeExtras } from './fake-extras.ts';
import { asMessage, DeferSwitch, eventually, Gate, rejectsNothing, trackHandling } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const REF = /^Sorry, something went wrong on our side \(ref ([0-9a-f]{8})\)\.$/;

let fake: FakeDiscord;
let extras: FakeExtras;
let adapter: DiscordAdapter;
let paperboy: Paperboy;
const logLines: Record<string, unknown>[] = [];
/** Every post the core was told about (an observer that wants one-paper answers, as votes do). */
const posted: PostedMessage[] = [];
const defer = new DeferSwitch();
const slowGate = new Gate();
const tracking = trackHandling();
rejectsNothing(() => fake);

/** `slowrun <command text>`: runs the command once the test opens the gate. */
const slowRun: Command = {
  name: 'slowrun',
  summary: 'run a command, slowly (test only)',
  usage: '<command>',
  examples: ['slowrun show snapkv'],
  args: 'required',
  flags: [],
  async run(input, _deps, ctx) {
    await slowGate.wait();
    return paperboy.run(input.args.join(' '), ctx);
  },
};

/** `longpages`: pages whose Next command is too long for a button id (the adapter stores it under a key). */
const LONG_TAIL = 'padding-word '.repeat(9).trim();
const longPages: Command = {
  name: 'longpages',
  summary: 'pages with a long Next command (test only)',
  usage: '[words] [--page N]',
  examples: ['longpages'],
  args: 'optional',
  flags: [{ name: 'page', type: 'int', min: 1, max: 9, help: 'page', default: 1 }],
  run(input) {
    const page = Number(input.flags['page'] ?? 1);
    return {
      tone: 'ok',
      summary: `long page ${page}`,
      blocks: [{ kind: 'paragraph', text: [span.text(`Long page ${page}.`)] }],
      paging: {
        page,
        pages: 3,
        total: 3,
        perPage: 1,
        ...(page < 3 ? { next: { id: 'next', label: 'Next ▶', command: `longpages ${LONG_TAIL} --page ${page + 1}` } } : {}),
      },
    };
  },
};

/** `slowfail`: an error reply once the test opens the gate. */
const slowFail: Command = {
  name: 'slowfail',
  summary: 'fail, slowly (test only)',
  usage: '',
  examples: ['slowfail'],
  args: 'none',
  flags: [],
  async run() {
    await slowGate.wait();
    return { tone: 'error', summary: 'That went wrong', blocks: [{ kind: 'paragraph', text: [span.text('Private problem: your query was bad.')] }] };
  },
};

/** `mine`: a personal command (as the reading list is): its answers are for the asker only. */
const mine: Command = {
  name: 'mine',
  summary: 'something personal (test only)',
  usage: '',
  examples: ['mine'],
  args: 'none',
  personal: true,
  flags: [],
  run: () => ({ tone: 'ok', summary: 'yours', blocks: [{ kind: 'paragraph', text: [span.text('Only for you.')] }] }),
};

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  extras = await startFakeExtras(fake);
  paperboy = await newTestPaperboy();
  paperboy.register(slowRun);
  paperboy.register(longPages);
  paperboy.register(slowFail);
  paperboy.register(mine);
  paperboy.observe({ wants: (r) => votablePaperId(r) !== undefined, posted: async (p) => void posted.push(p), reacted: async () => {} });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: extras.apiUrl },
    paperboy,
    logger: pino({ level: 'debug' }, sink),
    deferWait: defer.wait,
    restRetries: 0,
  });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await extras?.close();
  await fake?.close();
});

type Sent = { what: string; body: MessageBody & { type?: number; data?: MessageBody & { choices?: unknown[] } } };

/** Dispatch an interaction, wait until the adapter is done with it, and return the calls it made for it (`METHOD path-tail`, body). */
async function handled(payload: Record<string, unknown>, during?: () => Promise<void>): Promise<Sent[]> {
  const from = fake.requests.length;
  fake.dispatch('INTERACTION_CREATE', payload);
  await during?.();
  await tracking.handled(String(payload['id']));
  return calls(from, String(payload['token']));
}

function calls(from: number, token: string): Sent[] {
  return fake.requests
    .slice(from)
    .filter((r: RecordedRequest) => r.path.includes(token))
    .map((r) => ({ what: `${r.method} ${r.path.replace(/^\/(interactions|webhooks)\/\d+\/[^/]+/, '')}`, body: r.body as Sent['body'] }));
}

/** Once the command waits and the adapter waits for the defer decision: defer, then let the command answer. */
async function deferThenAnswer(): Promise<void> {
  await eventually(() => expect([defer.waiting, slowGate.waiting]).toEqual([1, 1]));
  defer.deferAll();
  await eventually(() => expect(defer.waiting).toBe(0));
  slowGate.open();
}

describe('Discord interactions: less common paths', () => {
  it('a command of another name (not /papers) gets a private answer naming /papers', async () => {
    const sent = await handled(slashPayload(fake.world, { user: alice }, 'search', { query: 'kv' }, 'other'));
    expect(sent.map((s) => s.what)).toEqual(['POST /callback']);
    expect(sent[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
    const text = allText(asMessage(sent[0]!.body.data!));
    expect(text).toContain('Unknown command /other');
    expect(text).toContain('/papers');
  });

  it('a personal command answers privately (callback 4, ephemeral), where other commands answer the channel', async () => {
    const sent = await handled(slashPayload(fake.world, { user: alice }, 'mine'));
    expect(sent.map((s) => [s.what, s.body.type, s.body.data?.flags])).toEqual([['POST /callback', 4, 64]]);
    expect(allText(asMessage(sent[0]!.body.data!))).toContain('Only for you.');
  });

  it('an autocomplete answer Discord rejects is logged at error level with the user, and nothing else is sent for it', async () => {
    const p = autocompletePayload(fake.world, { user: alice }, 'show', { paper: 'snap' }, 'paper');
    fake.fail('POST', new RegExp(`^/interactions/${String(p['id'])}/${String(p['token'])}/callback$`), 400, 50035, 'Invalid Form Body');
    const logFrom = logLines.length;
    const sent = await handled(p);
    // An autocomplete can take no message: there is no one to tell.
    expect(sent.map((s) => [s.what, s.body.type])).toEqual([['POST /callback', 8]]);
    expect(logLines.slice(logFrom)).toContainEqual(expect.objectContaining({ level: 50, user: alice.id, reason: expect.stringMatching(/code 50035/) }));
  });

  it('a button whose command is too long for its id (kept under a key) runs that command when clicked', async () => {
    const first = await handled(slashPayload(fake.world, { user: alice }, 'longpages'));
    const next = first[0]!.body.data!.components.flatMap((r) => r.components).find((b) => 'custom_id' in b && b.label?.startsWith('Next'));
    const customId = String((next as { custom_id: string }).custom_id);
    expect(customId).toMatch(/^pb1:u:/);
    const sent = await handled(buttonPayload(fake.world, { user: alice }, customId));
    expect(sent.map((s) => [s.what, s.body.type])).toEqual([['POST /callback', 7]]);
    expect(allText(asMessage(sent[0]!.body.data!))).toContain('Long page 2.');
  });

  it('autocomplete of a subcommand that does not exist answers with no choices', async () => {
    const sent = await handled(autocompletePayload(fake.world, { user: alice }, 'no-such-sub', { paper: 'snap' }, 'paper'));
    expect(sent.map((s) => [s.what, s.body])).toEqual([['POST /callback', { type: 8, data: { choices: [] } }]]);
  });

  it('an interaction type Paperboy does not handle (a modal submit) gets no answer, and no failure is logged', async () => {
    const p = { ...slashPayload(fake.world, { user: alice }, 'search'), type: 5, data: { custom_id: 'some-modal', components: [] } };
    const errorsBefore = logLines.filter((l) => Number(l['level']) >= 40).length;
    expect(await handled(p)).toEqual([]);
    expect(logLines.filter((l) => Number(l['level']) >= 40)).toHaveLength(errorsBefore);
  });

  it('a private button answer still running at the defer decision: a private "thinking…" (callback 5, ephemeral) edited with the answer; not a post', async () => {
    const postsBefore = posted.length;
    const sent = await handled(buttonPayload(fake.world, { user: alice }, 'pb2:e:slowrun show snapkv'), deferThenAnswer);
    expect(sent.map((s) => s.what)).toEqual(['POST /callback', 'PATCH /messages/@original']);
    expect(sent[0]!.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(sent[1]!.body.embeds[0]!.author?.name).toBe('SnapKV');
    // Only the person who clicked sees it: no one can vote on it.
    expect(posted.slice(postsBefore)).toEqual([]);
  });

  it('a deferred private answer Discord rejects: the private "thinking…" becomes the plain-text note with the reference', async () => {
    const p = buttonPayload(fake.world, { user: alice }, 'pb2:e:slowrun show snapkv');
    fake.fail('PATCH', new RegExp(`^/webhooks/${fake.world.applicationId}/${String(p['token'])}/messages/@original$`), 400, 50035, 'Invalid Form Body');
    const sent = await handled(p, deferThenAnswer);
    expect(sent.map((s) => s.what)).toEqual(['POST /callback', 'PATCH /messages/@original', 'PATCH /messages/@original']);
    expect(sent[1]!.body.embeds.length).toBeGreaterThan(0);
    expect(sent[2]!.body).toMatchObject({ embeds: [], components: [], allowed_mentions: { parse: [] } });
    expect(sent[2]!.body.content).toMatch(REF);
  });

  it('a deferred public error whose public message cannot be deleted: the private follow-up is out, the neutral line stays, nothing more is sent', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slowfail');
    fake.fail('DELETE', new RegExp(`^/webhooks/${fake.world.applicationId}/${String(p['token'])}/messages/@original$`), 404, 10008, 'Unknown Message');
    const sent = await handled(p, deferThenAnswer);
    expect(sent.map((s) => s.what)).toEqual(['POST /callback', 'PATCH /messages/@original', 'POST ', 'DELETE /messages/@original']);
    expect(sent[1]!.body.content).toBe('The answer to this request was shown only to the person who asked.');
    expect(sent[2]!.body.flags).toBe(64);
    expect(allText(asMessage(sent[2]!.body))).toMatch(/Private problem/);
  });

  it('a deferred public error whose private follow-up Discord rejects: a second private follow-up tells the reference; the neutral line is not sent again', async () => {
    const p = slashPayload(fake.world, { user: alice }, 'slowfail');
    fake.fail('POST', new RegExp(`^/webhooks/${fake.world.applicationId}/${String(p['token'])}$`), 400, 50035, 'Invalid Form Body');
    const sent = await handled(p, deferThenAnswer);
    expect(sent.map((s) => s.what)).toEqual(['POST /callback', 'PATCH /messages/@original', 'POST ', 'POST ']);
    expect(allText(asMessage(sent[2]!.body))).toMatch(/Private problem/);
    expect(sent[3]!.body).toMatchObject({ flags: 64, embeds: [], components: [] });
    expect(sent[3]!.body.content).toMatch(REF);
  });
});

describe('Discord interactions: which answers the core is told were posted', () => {
  it('a public /papers show answer, with the guild as workspace in a guild and none in a DM', async () => {
    const before = posted.length;
    const inGuild = await handled(slashPayload(fake.world, { user: alice }, 'show', { paper: 'snapkv' }));
    const inDm = await handled(slashPayload(fake.world, { user: alice, dm: true }, 'show', { paper: 'snapkv' }));
    expect([inGuild, inDm].map((s) => s.map((c) => [c.what, c.body.type]))).toEqual([[['POST /callback', 4]], [['POST /callback', 4]]]);
    const told = posted.slice(before);
    expect(told).toEqual([
      { platform: 'discord', channelId: fake.world.channelId, workspaceId: fake.world.guildId, messageId: expect.stringMatching(/^\d+$/) },
      // The DM channel the fake puts a DM interaction in.
      { platform: 'discord', channelId: `9${fake.world.channelId.slice(1)}`, messageId: expect.stringMatching(/^\d+$/) },
    ]);
  });

  it('a deferred public show answer is told with the id of the edited message; a list is not told', async () => {
    const before = posted.length;
    const from = fake.requests.length;
    await handled(slashPayload(fake.world, { user: alice }, 'slowrun', { text: 'show snapkv' }), deferThenAnswer);
    const edit = fake.requests.slice(from).find((r) => r.method === 'PATCH')!;
    const list = await handled(slashPayload(fake.world, { user: alice }, 'slowrun', { text: 'search kv cache' }), deferThenAnswer);
    expect(list.map((c) => c.what)).toEqual(['POST /callback', 'PATCH /messages/@original']);
    expect(list[1]!.body.embeds.length).toBeGreaterThan(1);
    expect(posted.slice(before)).toEqual([
      { platform: 'discord', channelId: fake.world.channelId, workspaceId: fake.world.guildId, messageId: String((edit.response as { id: string }).id) },
    ]);
  });
});
