/**
 * `ingest` from chat and the shell, in process: a Paperboy over a temporary SQLite paper store with
 * the `ingest` command registered against real clients and the local fakes. Only admins may ingest
 * from Slack/Discord; the shell always may. Bad input is a clear error reply, never a throw, and
 * fetches nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPaperboy, type Booted } from '../../src/app/boot.ts';
import { SHELL_CONTEXT, type RequestContext } from '../../src/reply/context.ts';
import { createIngestCommand } from '../../src/ingest/ingest-command.ts';
import { silentLogger } from '../../src/app/logger.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { renderText } from '../../src/render/text.ts';
import { createArxivClient, type ArxivClient } from '../../src/sources/arxiv.ts';
import { createOaiClient } from '../../src/sources/oai.ts';
import { createHfClient, type HfClient } from '../../src/sources/hf.ts';
import { SqlitePaperStore } from '../../src/library/sqlite-store.ts';
import { arxivEntry, FakeArxiv } from '../fakes/arxiv/fake-arxiv.ts';
import { FakeHf, hfItem } from '../fakes/hf/fake-hf.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const DAY = '2026-11-27';

const hfFake = new FakeHf();
const arxivFake = new FakeArxiv();
let dir: string;
let store: SqlitePaperStore;
let booted: Booted;
let client: HfClient;
let aclient: ArxivClient;

beforeAll(async () => {
  await hfFake.start();
  await arxivFake.start();
  const http = { timeoutMs: 300, baseDelayMs: 1, sleep: async () => {} };
  client = createHfClient({ baseUrl: hfFake.url, http });
  aclient = createArxivClient({ baseUrl: arxivFake.url, http, minIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-chat-'));
  store = SqlitePaperStore.open(join(dir, 'state.db'));
  booted = await createPaperboy({ logger: silentLogger(), store, now: () => NOW });
  booted.paperboy.register(
    createIngestCommand({
      hf: () => client,
      arxiv: () => aclient,
      oai: () => createOaiClient({ baseUrl: 'http://127.0.0.1:9/oai' }),
      admins: { slack: ['UADMIN'] },
    }),
  );
});

afterAll(async () => {
  await booted?.library.close();
  await store?.close();
  await hfFake.close();
  await arxivFake.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  hfFake.reset();
  arxivFake.reset();
  hfFake.setDay(DAY, [
    hfItem({ id: '2611.07001', title: 'Capybara Attention for Streaming Speech Models', upvotes: 21 }),
    hfItem({ id: '2611.07002', title: 'Axolotl Adapters for Low Resource Translation', upvotes: 8 }),
  ]);
  arxivFake.setEntries('cs.CL', [arxivEntry({ id: '2611.06001', title: 'Pangolin Parsing of Legal Documents', published: '2026-11-26T10:00:00Z' })]);
});

const SLACK_OTHER: RequestContext = { platform: 'slack', userId: 'UOTHER', channelId: 'C1' };
const SLACK_ADMIN: RequestContext = { platform: 'slack', userId: 'UADMIN', channelId: 'C1' };

const run = (text: string, ctx: RequestContext): Promise<Reply> => booted.paperboy.run(text, ctx);
const text = (r: Reply) => renderText(r, { color: false, width: 200 });
const fetched = () => hfFake.requests.length + arxivFake.requests.length;
const found = (q: string) => booted.library.engine.search(q).hits.map((h) => h.paper.id);

function expectRefused(r: Reply, platform: 'slack' | 'discord'): void {
  expect(r.tone).toBe('error');
  expect(r.summary).toBe(`Only admins may ingest papers from ${platform}.`);
  expect(text(r)).toContain(`admins.${platform}`);
  expect(r.data).toBeUndefined();
}

describe('ingest from chat: admins only', () => {
  it('a Slack user not in admins.slack is refused and nothing is fetched', async () => {
    const r = await run(`ingest hf --date ${DAY}`, SLACK_OTHER);
    expectRefused(r, 'slack');
    expect(fetched()).toBe(0);
    expect(await store.count()).toBe(0);
  });

  it('a Slack message without a user id is refused', async () => {
    expectRefused(await run(`ingest hf --date ${DAY}`, { platform: 'slack', channelId: 'C1' }), 'slack');
    expect(fetched()).toBe(0);
  });

  it('Discord with no admin list: everyone is refused, even the Slack admin id', async () => {
    for (const userId of ['UOTHER', 'UADMIN', '123456789012345678']) {
      expectRefused(await run(`ingest hf --date ${DAY}`, { platform: 'discord', userId, channelId: '42' }), 'discord');
      expectRefused(await run('ingest arxiv --category cs.CL', { platform: 'discord', userId, channelId: '42' }), 'discord');
    }
    expect(fetched()).toBe(0);
    expect(await store.count()).toBe(0);
  });

  it('the Slack admin may ingest: the day is fetched, stored and searchable at once', async () => {
    expect(found('capybara')).toEqual([]);
    const r = await run(`ingest hf --date ${DAY}`, SLACK_ADMIN);
    expect(r.tone).toBe('ok');
    expect(r.summary).toBe('Added 2 papers, updated 0, skipped 0');
    expect(text(r)).toContain(`Hugging Face Daily Papers, ${DAY}`);
    expect(r.data).toEqual({ type: 'other', value: { source: 'hf', added: 2, updated: 0, skipped: 0, failed: [] } });
    expect(new Set(hfFake.requests.map((q) => q.query.date))).toEqual(new Set([DAY]));
    expect(arxivFake.requests).toHaveLength(0);
    expect(found('capybara')).toEqual(['2611.07001']);
    expect(await store.count()).toBe(2);
  });

  it('the shell may ingest without any admin list', async () => {
    const r = await run('ingest arxiv --category cs.CL --max 5', SHELL_CONTEXT);
    expect(r.tone).toBe('ok');
    expect(r.summary).toMatch(/^Added 1 paper, updated 0, skipped 0$/);
    expect(arxivFake.requests.length).toBeGreaterThan(0);
    expect(arxivFake.requests.every((q) => q.query.search_query === 'cat:cs.CL' && Number(q.query.max_results) <= 5)).toBe(true);
    expect(found('pangolin')).toEqual(['2611.06001']);

    // And again from the shell, an HF day: nothing new, still ok.
    const again = await run(`ingest hf --date ${DAY}`, SHELL_CONTEXT);
    expect(again.tone).toBe('ok');
    expect(again.summary).toBe('Added 0 papers, updated 0, skipped 0');
  });
});

describe('ingest arxiv: categories as arXiv spells them', () => {
  it('cs.cl is cs.CL: fetched as cs.CL, said as cs.CL', async () => {
    const r = await run('ingest arxiv --category cs.cl --max 5', SHELL_CONTEXT);
    expect(r.tone).toBe('ok');
    expect(arxivFake.requests.length).toBeGreaterThan(0);
    expect(arxivFake.requests.every((q) => q.query.search_query === 'cat:cs.CL')).toBe(true);
    expect(found('pangolin')).toEqual(['2611.06001']);
    expect(r.command).toBe('ingest arxiv --category cs.CL --max 5');
  });

  it('an unknown category offers the closest as buttons and says where the list is', async () => {
    const r = await run('ingest arxiv --category cs.cll', SHELL_CONTEXT);
    expect(r.tone).toBe('error');
    expect(text(r)).toContain('arxiv.org/category_taxonomy');
    const buttons = r.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions.map((a) => a.command) : []));
    expect(buttons[0]).toBe('ingest arxiv --category cs.CL');
    expect(fetched()).toBe(0);
  });
});

describe('ingest: bad input is a clear error, never a throw, and fetches nothing', () => {
  const cases: [string, RegExp][] = [
    ['ingest', /needs a source \(hf, arxiv or oai\)/],
    ['ingest foo', /Unknown source "foo": use hf, arxiv or oai/],
    ['ingest hf --date 2026-13-01', /--date must be a day as YYYY-MM-DD \(got "2026-13-01"\)/],
    ['ingest hf --date 2026-02-30', /--date must be a day as YYYY-MM-DD/],
    ['ingest hf --date 2026-11-27 --from 2026-11-01', /either --date or --from\/--to, not both/],
    ['ingest hf --from 2026-11-20 --to 2026-11-10', /--from 2026-11-20 is after --to 2026-11-10/],
    ['ingest hf --to 2026-11-01', /--to needs --from/],
    ['ingest hf --date 2026-11-29', /2026-11-29 is in the future \(today is 2026-11-28 UTC\)/],
    ['ingest hf --from 2024-01-01 --to 2026-11-01', /ingest at most 366/],
    ['ingest hf --category cs.CL', /--category and --max apply to arxiv/],
    ['ingest hf --max 5', /--category and --max apply to arxiv/],
    ['ingest arxiv --date 2026-11-27', /--date, --from and --to apply to hf/],
    ["ingest arxiv --category 'not a cat!'", /is not an arXiv category/],
    // arXiv answers an unknown category with an empty feed: it must not "succeed" with 0 papers.
    ['ingest arxiv --category foo', /"foo" is not an arXiv category/],
    ['ingest arxiv --category cs.CLL', /"cs\.CLL" is not an arXiv category\. Closest: cs\.CL/],
    ['ingest arxiv --category cs.CL,stat.XY', /"stat\.XY" is not an arXiv category/],
    ['ingest arxiv --category cs.CL,CS', /"CS" is not an arXiv category/],
    // An empty category list, and "-" (letters-and-hyphens in shape), are not categories either.
    ['ingest arxiv --category ,', /arXiv category/],
    ['ingest arxiv --category -', /"-" is not an arXiv category/],
    ['ingest arxiv --max 0', /--max takes a whole number from 1 to 2000/],
    ['ingest arxiv --max 2001', /--max takes a whole number from 1 to 2000/],
    ['ingest arxiv --max lots', /--max/],
  ];

  for (const [command, message] of cases) {
    it(command, async () => {
      for (const ctx of [SHELL_CONTEXT, SLACK_ADMIN]) {
        const before = await store.revision();
        const r = await run(command, ctx);
        expect(r.tone, `${command} (${ctx.platform})`).toBe('error');
        expect(r.summary).not.toMatch(/Something went wrong/);
        expect(`${r.summary}\n${text(r)}`).toMatch(message);
        // A hint on how to use the command comes with it.
        expect(text(r)).toMatch(/Usage: .*ingest/);
        expect(fetched()).toBe(0);
        expect(await store.revision()).toBe(before);
      }
    });
  }
});
