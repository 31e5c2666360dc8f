/**
 * Reading lists through the real discord.js client against the local fake Discord: mentions,
 * the `/papers save|saved|cite` subcommands and the Save button on a paper. The fake rejects any
 * body Discord would reject, and none was; answers are never deferred (the test holds the decision).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.ts';
import type { MessageBody } from '../../adapters/discord/discord-api.ts';
import { silentLogger } from '../../src/app/logger.ts';
import { startReading, type Reading } from '../../src/reading/index.ts';
import { SqliteReadingListStore } from '../../src/reading/sqlite-store.ts';
import { allText, limitViolations } from '../discord/check-limits.ts';
import { asMessage, DeferSwitch, rejectsNothing } from '../discord/helpers.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import { buttonPayload, messageCreatePayload, slashPayload, snowflake, type FakeUser } from '../fakes/discord/payloads.ts';
import { newTestPaperboy } from '../helpers/paperboy.ts';
import { parseBibtex } from './helpers.ts';

const alice: FakeUser = { id: '100000000000000777', username: 'alice' };
const bob: FakeUser = { id: '100000000000000778', username: 'bob' };

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let reading: Reading;
let dir: string;
rejectsNothing(() => fake);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-reading-discord-'));
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 300 });
  const paperboy = await newTestPaperboy();
  reading = startReading({ paperboy, logger: silentLogger(), store: SqliteReadingListStore.open(join(dir, 'state.db')) });
  adapter = createDiscordAdapter({
    config: { token: fake.token, apiUrl: fake.apiUrl },
    paperboy,
    logger: silentLogger(),
    deferWait: new DeferSwitch().wait,
    restRetries: 0,
  });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await reading?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const buttons = (body: MessageBody) =>
  body.components.flatMap((r) => r.components).filter((b): b is typeof b & { custom_id: string; label: string } => 'custom_id' in b);

/**
 * `@Paperboy <text>` in a DM with the bot; the bot's reply. (In a guild channel, reading-list
 * answers go by DM: test/discord/replies.test.ts.)
 */
async function mention(text: string, author: FakeUser = alice): Promise<MessageBody> {
  const id = snowflake();
  const from = fake.requests.length;
  fake.dispatch(
    'MESSAGE_CREATE',
    messageCreatePayload(fake.world, {
      id,
      content: `<@${fake.world.bot.id}> ${text}`,
      author,
      mentions: [fake.world.bot],
      dmChannelId: `7${author.id.slice(1)}`,
    }),
  );
  const req = await fake.waitFor(
    (r) => r.method === 'POST' && /\/messages$/.test(r.path) && (r.body as MessageBody).message_reference?.message_id === id,
    5000,
    from,
  );
  const body = req.body as MessageBody;
  expect(limitViolations(asMessage(body))).toEqual([]);
  return body;
}

/** An interaction; its callback body. */
async function interact(payload: Record<string, unknown>): Promise<{ type: number; data?: MessageBody }> {
  const from = fake.requests.length;
  fake.dispatch('INTERACTION_CREATE', payload);
  const req = await fake.waitFor(
    (r) => r.method === 'POST' && r.path === `/interactions/${String(payload['id'])}/${String(payload['token'])}/callback`,
    5000,
    from,
  );
  const body = req.body as { type: number; data?: MessageBody };
  if (body.data) expect(limitViolations(asMessage(body.data))).toEqual([]);
  return body;
}

const fencedBibtex = (body: MessageBody): string => {
  const m = /```bibtex\n([\s\S]*?)\n```/.exec(allText(asMessage(body)));
  if (!m) throw new Error(`no bibtex block in ${allText(asMessage(body)).slice(0, 300)}`);
  return m[1]!;
};

describe('Discord: reading lists and citations', () => {
  it('@Paperboy save snapkv, again, saved, cite snapkv', async () => {
    expect(allText(asMessage(await mention('save snapkv')))).toMatch(/Saved \*\*SnapKV\*\* to your reading list \(1 paper\)\./);
    expect(allText(asMessage(await mention('save snapkv')))).toMatch(/already in your reading list/);
    const list = await mention('saved');
    expect(list.embeds[0]!.title).toBe('Your reading list');
    expect(allText(asMessage(list))).toContain('SnapKV: LLM Knows What You are Looking for Before Generation');
    expect(buttons(list).map((b) => b.label)).toEqual(expect.arrayContaining(['Abstract', 'Cite', 'Unsave']));
    const cite = await mention('cite snapkv');
    const [entry] = parseBibtex(fencedBibtex(cite));
    expect(entry).toMatchObject({ key: 'snapkv', fields: { note: 'Authors unknown' } });
    // Another person's list is their own.
    expect(allText(asMessage(await mention('saved', bob)))).toMatch(/Your reading list is empty/);
  });

  it('/papers save, /papers saved and /papers cite as slash commands', async () => {
    const saved = await interact(slashPayload(fake.world, { user: bob }, 'save', { paper: 'zipcache' }));
    expect(saved.type).toBe(4);
    expect(allText(asMessage(saved.data!))).toMatch(/Saved \*\*ZipCache\*\*/);
    // A reading list is personal: only the person who asked sees these answers.
    expect(saved.data!.flags).toBe(64);
    const list = await interact(slashPayload(fake.world, { user: bob }, 'saved'));
    expect(allText(asMessage(list.data!))).toContain('ZipCache');
    expect(list.data!.flags).toBe(64);
    const bib = await interact(slashPayload(fake.world, { user: bob }, 'saved', { bibtex: true }));
    expect(parseBibtex(fencedBibtex(bib.data!)).map((e) => e.key)).toEqual(['zipcache']);
    const cite = await interact(slashPayload(fake.world, { user: bob }, 'cite', { paper: 'snapkv' }));
    expect(fencedBibtex(cite.data!)).toMatch(/^@misc\{snapkv,\n {2}title = \{\{SnapKV\}/);
    // A citation is for everyone in the channel.
    expect(cite.data!.flags ?? 0).toBe(0);
    const bad = await interact(slashPayload(fake.world, { user: bob }, 'cite', { paper: 'qqqzzzxxyy-nothing' }));
    expect(allText(asMessage(bad.data!))).toMatch(/No paper is called/);
  });

  it('the Save button on a show reply saves for the person who clicks, privately', async () => {
    const carol: FakeUser = { id: '100000000000000779', username: 'carol' };
    const shown = await mention('show snapkv', alice);
    const save = buttons(shown).find((b) => b.label === 'Save')!;
    expect(save).toMatchObject({ label: 'Save', custom_id: 'pb2:e:save snapkv' });
    const clicked = await interact(buttonPayload(fake.world, { user: carol }, save.custom_id));
    expect(clicked.type).toBe(4);
    expect(clicked.data!.flags).toBe(64);
    expect(allText(asMessage(clicked.data!))).toMatch(/Saved \*\*SnapKV\*\* to your reading list \(1 paper\)/);
    expect(allText(asMessage(await mention('saved', carol)))).toContain('SnapKV');
  });
});
