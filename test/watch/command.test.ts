import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import { plain, type Reply } from '../../src/reply/reply.ts';
import { createWatchCommand } from '../../src/watch/watch-command.ts';
import { MAX_WATCHES_PER_CHANNEL } from '../../src/watch/watch.ts';
import type { SqliteWatchStore } from '../../src/watch/sqlite-store.ts';
import { newTestPaperboy, TEST_NOW } from '../helpers/paperboy.ts';
import { openWatchStore, tempDb } from './helpers.ts';

const C1: RequestContext = { platform: 'slack', userId: 'U1', channelId: 'C1', workspaceId: 'T1' };
const C2: RequestContext = { platform: 'slack', userId: 'U1', channelId: 'C2', workspaceId: 'T1' };
const DM: RequestContext = { platform: 'slack', userId: 'U2', channelId: 'D2', workspaceId: 'T1', isDirect: true };
const ADMIN: RequestContext = { ...C1, userId: 'UADMIN' };

/** Every text of a reply, flattened (paragraphs, notes, list items, headings). */
function text(r: Reply): string {
  return r.blocks
    .map((b) => {
      switch (b.kind) {
        case 'heading':
          return b.text;
        case 'paragraph':
        case 'note':
          return plain(b.text);
        case 'list':
          return b.items.map(plain).join('\n');
        case 'paper':
          return b.paper.title;
        default:
          return '';
      }
    })
    .join('\n');
}

let paperboy: Paperboy;
let store: SqliteWatchStore;
let seq = 0;

async function bot(admins: Partial<Record<RequestContext['platform'], readonly string[]>> = {}): Promise<void> {
  paperboy = await newTestPaperboy();
  // Ids from a counter, so they are predictable: w-0001, w-0002, ...
  seq = 0;
  paperboy.deps.random = () => ++seq / 65536;
  store = openWatchStore(tempDb());
  paperboy.register(createWatchCommand({ store, admins }));
}

const run = (line: string, ctx: RequestContext = C1) => paperboy.run(line, ctx);

describe('watch add / list / remove / pause / resume', () => {
  beforeEach(() => bot());

  it('adds a channel watch and lists it there only', async () => {
    const r = await run('watch add "kv cache" compression');
    expect(r.tone).toBe('ok');
    expect(r.summary).toBe('Watching “kv cache” compression in this channel as w-0001.');
    expect(text(r)).toMatch(/every word of the query/);
    expect(await store.getWatch('w-0001')).toMatchObject({
      platform: 'slack',
      channelId: 'C1',
      workspaceId: 'T1',
      createdBy: 'U1',
      personal: false,
      query: '"kv cache" compression',
      createdAt: TEST_NOW,
    });
    const list = await run('watch list');
    expect(list.tone).toBe('info');
    expect(text(list)).toContain('w-0001 “kv cache” compression · since 2026-11-26 · 0 papers sent');
    expect(list.data).toEqual({
      type: 'other',
      value: [expect.objectContaining({ id: 'w-0001', query: '"kv cache" compression', author: null, paused: false, sent: 0 })],
    });
    const other = await run('watch list', C2);
    expect(other.tone).toBe('empty');
    expect(other.summary).toBe('No watches in this channel yet.');
  });

  it('--author: an author filter, or an author alone', async () => {
    expect((await run('watch add speculative decoding --author "Tri Dao"')).summary).toBe(
      'Watching “speculative decoding” by “Tri Dao” in this channel as w-0001.',
    );
    expect((await run('watch add --author "Yann LeCun"')).summary).toBe('Watching papers by “Yann LeCun” in this channel as w-0002.');
    expect(await store.getWatch('w-0002')).toMatchObject({ query: '', author: 'Yann LeCun' });
  });

  it('a watch made in a DM is personal and listed as yours', async () => {
    const r = await run('watch add lora', DM);
    expect(r.summary).toBe('Watching “lora” here, for you as w-0001.');
    // On Slack a personal watch posts to the person (their DM with the app), whichever DM it was made in.
    expect(await store.getWatch('w-0001')).toMatchObject({ personal: true, channelId: 'U2', createdBy: 'U2' });
    expect((await run('watch list', { ...DM, channelId: 'D3' })).tone).toBe('info');
    expect((await run('watch list', { ...DM, userId: 'U3' })).tone).toBe('empty');
    expect((await run('watch list', DM)).blocks[0]).toEqual({ kind: 'heading', text: 'Your watches (1 of 20)' });
    expect((await run('watch list')).tone).toBe('empty');
  });

  it('the same watch twice in a channel is refused kindly; elsewhere it is fine', async () => {
    await run('watch add kv cache');
    const again = await run('watch add KV   cache');
    expect(again.tone).toBe('info');
    expect(again.summary).toBe('Already watching “kv cache” here (w-0001).');
    expect((await run('watch add kv cache', C2)).tone).toBe('ok');
  });

  it(`at most ${MAX_WATCHES_PER_CHANNEL} watches per channel`, async () => {
    for (let i = 0; i < MAX_WATCHES_PER_CHANNEL; i++) expect((await run(`watch add topic${i}`)).tone).toBe('ok');
    const full = await run('watch add one more');
    expect(full.tone).toBe('error');
    expect(full.summary).toBe(`This channel already has ${MAX_WATCHES_PER_CHANNEL} watches, the most allowed.`);
    expect((await run('watch add one more', C2)).tone).toBe('ok');
    expect((await run('watch list')).blocks[0]).toEqual({
      kind: 'heading',
      text: `Watches in this channel (${MAX_WATCHES_PER_CHANNEL} of ${MAX_WATCHES_PER_CHANNEL})`,
    });
  });

  it('pause, resume, remove by id, in the channel that owns it only', async () => {
    await run('watch add kv cache');
    expect((await run('watch pause w-0001', C2)).summary).toBe('No watch "w-0001" here.');
    const paused = await run('watch pause W-0001');
    expect(paused.summary).toMatch(/^Paused w-0001\. Nothing is posted/);
    expect(await store.getWatch('w-0001')).toMatchObject({ paused: true, pausedReason: 'paused by U1' });
    expect(text(await run('watch list'))).toMatch(/paused \(paused by U1\)/);
    expect((await run('watch pause w-0001')).summary).toBe('w-0001 is already paused.');
    expect((await run('watch resume w-0001')).summary).toMatch(/^Resumed w-0001/);
    expect((await run('watch resume w-0001')).summary).toBe('w-0001 is already running.');
    expect((await run('watch remove w-0001', C2)).tone).toBe('error');
    expect((await run('watch rm w-0001')).summary).toBe('Removed watch w-0001 (“kv cache”).');
    expect(await store.getWatch('w-0001')).toBeUndefined();
    expect((await run('watch remove w-0001')).summary).toBe('No watch "w-0001" here.');
  });
});

describe('watch: bad input gets usage, never an exception', () => {
  beforeEach(() => bot());

  const cases: [string, RegExp][] = [
    ['watch add', /What should the watch look for\?/],
    ['watch add the of and', /only small words/],
    [`watch add ${Array.from({ length: 13 }, (_, i) => `w${i}x`).join(' ')}`, /Too many words/],
    [`watch add ${'x'.repeat(201)}`, /too long/],
    ['watch add lora --author "!!"', /--author needs a name/],
    ['watch add lora --author', /--author takes a value/],
    ['watch add lora --page 2', /--page does not apply to watch add/],
    ['watch list --author x', /--author does not apply to watch list/],
    ['watch list everything', /watch list takes no words/],
    ['watch remove', /Which watch\? Usage: watch remove <id>/],
    ['watch pause', /Which watch\? Usage: watch pause <id>/],
    ['watch resume w-1 w-2', /watch resume takes one id/],
    ['watch remove w-zzzz', /No watch "w-zzzz" here/],
    ['watch matches', /Which watch\? Usage: watch matches <id>/],
    ['watch frobnicate', /Unknown watch action "frobnicate"/],
    ['watch kv cache', /Unknown watch action "kv"/],
    ['watch --author x', /Which action\?/],
    ['watch add lora --limit 3', /--limit/],
  ];
  for (const [line, want] of cases) {
    it(line.slice(0, 60), async () => {
      const r = await run(line);
      expect(r.tone).toBe('error');
      expect(r.summary).toMatch(want);
      expect(await store.listWatches()).toEqual([]);
    });
  }

  it('usage on its own: "watch" and "watch help" explain the rule and the limits', async () => {
    for (const line of ['watch', 'watch help']) {
      const r = await run(line);
      expect(r.tone).toBe('info');
      const t = text(r);
      expect(t).toMatch(/every word of the query/);
      expect(t).toMatch(/Up to 20 watches per channel/);
      expect(t).toMatch(/one message per watch per ingest/);
    }
    expect(text(await run('help watch'))).toMatch(/every word of the query/);
  });

  it('a request without a channel is refused', async () => {
    const r = await run('watch add lora', { platform: 'slack', userId: 'U1' });
    expect(r.summary).toMatch(/Watches belong to a channel or a direct message/);
  });
});

describe('watch: who may manage channel watches follows the schedule admins', () => {
  beforeEach(() => bot({ slack: ['UADMIN'] }));

  it('non-admins may not add, pause, resume or remove in a channel; they may list', async () => {
    const denied = await run('watch add lora');
    expect(denied.tone).toBe('error');
    expect(denied.summary).toBe("Only admins may add this channel's watches on slack.");
    expect(text(denied)).toContain('admins.slack');
    expect((await run('watch add lora', ADMIN)).tone).toBe('ok');
    for (const verb of ['pause', 'resume', 'remove']) expect((await run(`watch ${verb} w-0001`)).summary).toMatch(/^Only admins may/);
    expect((await run('watch list')).tone).toBe('info');
    expect((await run('watch pause w-0001', ADMIN)).tone).toBe('ok');
  });

  it('anyone may keep watches of their own in a DM', async () => {
    expect((await run('watch add lora', DM)).tone).toBe('ok');
    expect((await run('watch pause w-0001', DM)).tone).toBe('ok');
    expect((await run('watch remove w-0001', DM)).tone).toBe('ok');
  });

  it('on Discord a personal watch lives in the DM channel', async () => {
    expect((await run('watch add lora', { platform: 'discord', userId: '9', channelId: '55', isDirect: true })).tone).toBe('ok');
    expect(await store.getWatch('w-0001')).toMatchObject({ personal: true, channelId: '55', createdBy: '9' });
  });

  it('a platform with no admin list lets anyone', async () => {
    expect((await run('watch add lora', { platform: 'discord', userId: '9', channelId: '77' })).tone).toBe('ok');
  });
});

describe('watch matches: what a watch has sent, and the rest of one alert', () => {
  beforeEach(() => bot());

  it('lists the sent papers, pages them, and shows one alert with --alert', async () => {
    await run('watch add kv cache');
    const ids = paperboy.deps.papers.slice(0, 8).map((p) => p.id);
    const claim = await store.claimAlert({ watchId: 'w-0001', papers: ids.map((id) => ({ id })), now: TEST_NOW, maxTries: 3 });
    if (!claim.claimed) throw new Error('not claimed');
    await store.finishAlert(claim.alertId, { status: 'posted', attempts: 1 }, TEST_NOW);

    const all = await run('watch matches w-0001');
    expect(all.tone).toBe('ok');
    expect(all.data?.type === 'results' && all.data.results.map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect(all.paging).toMatchObject({ page: 1, pages: 2, total: 8 });
    expect(all.paging?.next?.command).toBe('watch matches w-0001 --page 2');

    const rest = await run(`watch matches w-0001 --alert ${claim.alertId} --page 2`);
    expect(rest.data?.type === 'results' && rest.data.results.map((r) => r.id)).toEqual(ids.slice(5));
    expect(rest.blocks[0]).toEqual({ kind: 'heading', text: 'Alert of 2026-11-26: “kv cache”' });
    expect(rest.paging?.prev?.command).toBe(`watch matches w-0001 --alert ${claim.alertId}`);
    expect(text(await run('watch list'))).toContain('8 papers sent · last alert 2026-11-26: posted');

    expect((await run('watch matches w-0001 --page 9')).tone).toBe('empty');
    expect((await run('watch matches w-0001 --alert 999')).summary).toBe('Watch w-0001 has no alert 999.');
    expect((await run('watch matches w-0001', C2)).tone).toBe('error');
  });

  it('a watch that has sent nothing says so', async () => {
    await run('watch add kv cache');
    expect((await run('watch matches w-0001')).summary).toBe('Watch w-0001 has sent no papers yet.');
  });
});
